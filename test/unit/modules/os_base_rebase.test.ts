import { describe, expect, it } from 'vitest';
import { baseOfLower, parseRootfsPath, planPrune, withLower } from '../../../modules/lib/osbase/usage.js';
import { shadowingFiles } from '../../../modules/lib/osbase/shadow.js';
import { nextRecord, planSwitch, undoOf } from '../../../modules/os_base_switch.js';
import { givenUp, servedProblems } from '../../../modules/lib/osm/served.js';
import { ModuleError } from '../../../runner/module.js';

const BASES = '/srv/osm-lxc/lxc/os-bases';
const CONF = [
  '# Managed by osm-play (create-container.yaml) for customer acme.',
  'lxc.include = /srv/osm-lxc/lxc/include/common.conf',
  `lxc.rootfs.path = overlayfs:${BASES}/20260101-000000-bookworm:/srv/osm-lxc/lxc/containers/acme-svr/rootfs-layer`,
  'lxc.uts.name = acme-svr',
  '',
].join('\n');

describe('lxc.rootfs.path', () => {
  it('reads the lower and upper dirs and their line', () => {
    expect(parseRootfsPath(CONF)).toEqual({ line: 3, lower: `${BASES}/20260101-000000-bookworm`, upper: '/srv/osm-lxc/lxc/containers/acme-svr/rootfs-layer' });
    expect(parseRootfsPath('lxc.rootfs.path = dir:/var/lib/lxc/x/rootfs\n')).toBeNull();
  });

  it('names the base only for a dir directly under the bases dir', () => {
    expect(baseOfLower(`${BASES}/b1`, BASES)).toBe('b1');
    expect(baseOfLower(`${BASES}/b1/`, `${BASES}/`)).toBe('b1');
    expect(baseOfLower(`${BASES}/b1/sub`, BASES)).toBeNull();
    expect(baseOfLower('/elsewhere/b1', BASES)).toBeNull();
  });

  it('swaps the lower dir and keeps every other line', () => {
    const r = parseRootfsPath(CONF);
    if (!r) throw new Error('no rootfs');
    const next = withLower(CONF, r, `${BASES}/20270101-000000-bookworm`);
    expect(next.split('\n').filter((l, i) => l !== CONF.split('\n')[i])).toEqual([`lxc.rootfs.path = overlayfs:${BASES}/20270101-000000-bookworm:/srv/osm-lxc/lxc/containers/acme-svr/rootfs-layer`]);
  });
});

describe('planPrune', () => {
  const bases = ['20260301-b', '20260101-a', '20260201-c', '20260401-d'];
  it('deletes unused bases older than the newest keep', () => {
    expect(planPrune(bases, {}, 2).delete).toEqual(['20260101-a', '20260201-c']);
  });
  it('never deletes a base in use, however old', () => {
    const p = planPrune(bases, { '20260101-a': ['acme-svr'] }, 1);
    expect(p.delete).toEqual(['20260201-c', '20260301-b']);
    expect(p.keep).toEqual({ '20260101-a': 'in use by acme-svr', '20260401-d': 'one of the newest 1' });
  });
  it('keeps everything when there are no more than keep', () => {
    expect(planPrune(bases, {}, 4).delete).toEqual([]);
    expect(planPrune([], {}, 1).delete).toEqual([]);
  });
});

describe('shadowingFiles', () => {
  it('counts every listed file except what provisioning wrote', () => {
    const files = ['usr/local/bin/tool', 'var/lib/dpkg/status', 'usr/lib/osm/x', 'etc/alternatives/editor'];
    expect(shadowingFiles(files, ['usr/lib/osm/', '/etc/alternatives/editor'])).toEqual(['usr/local/bin/tool', 'var/lib/dpkg/status']);
    expect(shadowingFiles([], [])).toEqual([]);
  });
});

describe('planSwitch', () => {
  const rootfs = parseRootfsPath(CONF);
  if (!rootfs) throw new Error('no rootfs');
  const a = { config: '/c/acme-svr/lxc.container.conf', bases_dir: BASES, base: '20270101-000000-bookworm', record: '/c/acme-svr/osm-customer.json', allowed: [], force: false };
  const s = { config: CONF, rootfs, from: '20260101-000000-bookworm', record: { customer: 'acme', os_base: '20260101-000000-bookworm' }, shadowing: [] as string[], baseExists: true };

  it('switches and records a customer with a clean layer', () => {
    expect(planSwitch(a, s).map((c) => c.action)).toEqual(['switch', 'record']);
  });
  it('does nothing when the container and its record are on the base already', () => {
    expect(planSwitch(a, { ...s, from: a.base, record: { os_base: a.base } })).toEqual([]);
  });
  it('completes the record of a container switched by a run that was killed', () => {
    expect(planSwitch(a, { ...s, from: a.base }).map((c) => c.action)).toEqual(['record']);
  });
  it('refuses a shadowing layer naming the files, and says what force does', () => {
    const plan = (): unknown => planSwitch(a, { ...s, shadowing: ['usr/local/bin/tool', 'var/lib/dpkg/status'] });
    expect(plan).toThrow(ModuleError);
    expect(plan).toThrow(/shadows package-managed files of base 20260101-000000-bookworm: \/usr\/local\/bin\/tool, \/var\/lib\/dpkg\/status; .*force=true overrides/);
  });
  it('with force, switches and names what it overrides', () => {
    const [c] = planSwitch({ ...a, force: true }, { ...s, shadowing: ['usr/local/bin/tool'] });
    expect(c?.summary).toBe('switch the lower layer from 20260101-000000-bookworm to 20270101-000000-bookworm (force: keeping the layer\'s own /usr/local/bin/tool over the new base)');
  });
  it('refuses a base that does not exist', () => {
    expect(() => planSwitch(a, { ...s, baseExists: false })).toThrow(`base: ${BASES}/20270101-000000-bookworm does not exist`);
  });

  const undo = { base: '20260101-000000-bookworm', snapshot: 7 };
  it('records the way back with the switch, and only the record when already on the base', () => {
    const plan = planSwitch({ ...a, undo }, s);
    expect(plan.map((c) => c.action)).toEqual(['switch', 'record']);
    expect(plan[1]?.summary).toBe('record os_base 20270101-000000-bookworm, the way back to 20260101-000000-bookworm (snapshot 7)');
    expect(planSwitch({ ...a, base: undo.base, undo }, { ...s }).map((c) => c.action)).toEqual(['record']);
    expect(planSwitch({ ...a, undo }, { ...s, from: a.base, record: { customer: 'acme', os_base: a.base, rebase_undo: undo } })).toEqual([]);
  });
  it('a task without undo finishes the rebase: the way back leaves the record', () => {
    const plan = planSwitch(a, { ...s, from: a.base, record: { customer: 'acme', os_base: a.base, rebase_undo: undo } });
    expect(plan.map((c) => c.summary)).toEqual(['record os_base 20270101-000000-bookworm, the rebase finished']);
  });
});

describe('the record\'s way back (rebase_undo)', () => {
  it('is set with undo, removed without, and every other key is kept', () => {
    const rec = { customer: 'acme', domain: 'example.com', os_base: 'a' };
    expect(nextRecord(rec, 'b', { base: 'a', snapshot: 3 })).toEqual({ customer: 'acme', domain: 'example.com', os_base: 'b', rebase_undo: { base: 'a', snapshot: 3 } });
    expect(nextRecord({ ...rec, rebase_undo: { base: 'a', snapshot: 3 } }, 'b', undefined)).toEqual({ ...rec, os_base: 'b' });
    expect(nextRecord(null, 'b', undefined)).toEqual({ os_base: 'b' });
  });
  it('is read only when it has a base and a whole snapshot number', () => {
    expect(undoOf({ rebase_undo: { base: 'a', snapshot: 3 } })).toEqual({ base: 'a', snapshot: 3 });
    expect(undoOf({ rebase_undo: { base: 'a', snapshot: '3' } })).toBeNull();
    expect(undoOf({ rebase_undo: { base: 'a' } })).toBeNull();
    expect(undoOf({})).toBeNull();
    expect(undoOf(null)).toBeNull();
  });
});

describe('servedProblems', () => {
  const good = { systemd: 'running', services: { mosquitto: 'active' }, mqtt: { tls: true, connack: 0 } };
  it('is empty when everything is served', () => {
    expect(servedProblems(good)).toEqual([]);
    expect(servedProblems({ ...good, mqtt: null })).toEqual([]);
  });
  it('names each problem', () => {
    expect(servedProblems({ systemd: 'degraded', services: { mosquitto: 'failed' }, mqtt: { tls: true, connack: null, error: 'closed' } })).toEqual([
      'systemd is degraded',
      'mosquitto is failed',
      'MQTT over TLS: the broker did not answer (closed)',
    ]);
    expect(servedProblems({ ...good, systemd: '', mqtt: { tls: false, connack: null, error: 'ECONNREFUSED' } })).toEqual(['systemd is not answering', 'MQTT over TLS: no TLS handshake (ECONNREFUSED)']);
  });
});

describe('givenUp', () => {
  const view = { systemd: 'degraded', services: { mosquitto: 'failed', redis: 'active' }, mqtt: null };
  it('names the failed services once boot is over', () => {
    expect(givenUp(view)).toEqual(['mosquitto']);
    expect(givenUp({ ...view, systemd: 'running' })).toEqual(['mosquitto']);
  });
  it('waits while systemd is still booting or not answering, and for a service being restarted', () => {
    for (const systemd of ['starting', 'initializing', '']) expect(givenUp({ ...view, systemd })).toEqual([]);
    expect(givenUp({ ...view, services: { mosquitto: 'activating' } })).toEqual([]);
  });
});
