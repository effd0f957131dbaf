// dns_record end to end: the CLI over the local connection against a private PowerDNS 4.7 (started
// by scripts/lab/pdns.sh's functions on free loopback ports), checked from outside with dig.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookUp } from '../../../modules/dns_lookup.js';
import { changedCount, dig, playbookRunner, startPdns, type PdnsInstance } from './pdns-instance.js';

const PLAYBOOK = `
- name: DNS records of a customer
  hosts: localhost
  gather_facts: false
  tasks:
    - name: the host's address
      dns_record:
        zone: "{{ zone }}"
        name: lab2
        type: A
        values: "{{ ips }}"
        ttl: "{{ ttl }}"
        state: "{{ state }}"
        api_url: "{{ api_url }}"
        api_key: "{{ api_key }}"
    - name: the customer's MQTT name
      dns_record:
        zone: "{{ zone }}"
        name: acme-mqtt
        type: CNAME
        values: "lab2.{{ zone }}"
        ttl: "{{ ttl }}"
        state: "{{ state }}"
        api_url: "{{ api_url }}"
        api_key_file: "{{ key_file }}"
    - name: a note
      dns_record:
        zone: "{{ zone }}"
        name: acme-info.{{ zone }}.
        type: TXT
        values: owner=acme host=lab2
        ttl: "{{ ttl }}"
        state: "{{ state }}"
        api_url: "{{ api_url }}"
        api_key: "{{ api_key }}"
`;

let pdns: PdnsInstance;
let runner: ReturnType<typeof playbookRunner>;
const play = (vars: Record<string, unknown>, ...flags: string[]) => runner.play(vars, ...flags);
const changed = changedCount;

beforeAll(async () => {
  pdns = await startPdns();
  runner = playbookRunner(pdns, PLAYBOOK, {
    zone: pdns.zone, api_url: pdns.apiUrl, api_key: pdns.key, key_file: pdns.keyFile, ttl: 300, ips: ['10.0.3.10', '10.0.3.11'], state: 'present',
  });
});
afterAll(() => pdns?.cleanup());

const answers = (name: string, type: string) => dig(pdns.dnsPort, `${name}.${pdns.zone}`, type).map((a) => `${a.ttl} ${a.type} ${a.value}`).sort();

describe('dns_record against PowerDNS', () => {
  it('creates A, CNAME and TXT records, which dig then answers', async () => {
    expect(answers('lab2', 'A')).toEqual([]);
    const r = await play({});
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changed(r)).toBe(3);
    expect(answers('lab2', 'A')).toEqual(['300 A 10.0.3.10', '300 A 10.0.3.11']);
    expect(answers('acme-mqtt', 'CNAME')).toEqual(['300 CNAME lab2.osm-lab.test.']);
    expect(answers('acme-info', 'TXT')).toEqual(['300 TXT "owner=acme host=lab2"']);
  });

  it('dns_lookup asks the server as a client would: the alias and the addresses it ends at, and an empty answer for no such name', async () => {
    const answers = await lookUp({ names: [`acme-mqtt.${pdns.zone}`, `nobody.${pdns.zone}`], server: '127.0.0.1', port: pdns.dnsPort, timeout: 2 });
    expect(answers).toEqual({
      [`acme-mqtt.${pdns.zone}`]: { cname: `lab2.${pdns.zone}`, a: ['10.0.3.10', '10.0.3.11'], error: null },
      [`nobody.${pdns.zone}`]: { cname: null, a: [], error: null },
    });
  });

  it('changes nothing on a second run', async () => {
    const r = await play({ ips: ['10.0.3.11', '10.0.3.10', '10.0.3.10'] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changed(r)).toBe(0);
  });

  it('--check --diff shows the plan and changes nothing', async () => {
    const r = await play({ ttl: 600, ips: ['10.0.3.10', '10.0.3.12'] }, '--check');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changed(r)).toBe(3);
    expect(r.stdout).toContain('update lab2.osm-lab.test. A: ttl 300 -> 600, +10.0.3.12, -10.0.3.11');
    expect(r.stdout).toContain('-lab2.osm-lab.test. 300 IN A 10.0.3.11');
    expect(r.stdout).toContain('+lab2.osm-lab.test. 600 IN A 10.0.3.12');
    expect(r.stdout).toContain('update acme-mqtt.osm-lab.test. CNAME: ttl 300 -> 600');
    expect(answers('lab2', 'A')).toEqual(['300 A 10.0.3.10', '300 A 10.0.3.11']);
    expect(answers('acme-mqtt', 'CNAME')).toEqual(['300 CNAME lab2.osm-lab.test.']);
  });

  it('changes TTL and values', async () => {
    const r = await play({ ttl: 600, ips: ['10.0.3.10', '10.0.3.12'] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changed(r)).toBe(3);
    expect(answers('lab2', 'A')).toEqual(['600 A 10.0.3.10', '600 A 10.0.3.12']);
    expect(answers('acme-mqtt', 'CNAME')).toEqual(['600 CNAME lab2.osm-lab.test.']);
    expect(answers('acme-info', 'TXT')).toEqual(['600 TXT "owner=acme host=lab2"']);
  });

  it('removes the records, then finds nothing to remove', async () => {
    // absent with values removes only those: .12 stays until named too.
    const some = await play({ state: 'absent', ttl: 600, ips: ['10.0.3.10'] });
    expect(some.code, some.stdout + some.stderr).toBe(0);
    expect(answers('lab2', 'A')).toEqual(['600 A 10.0.3.12']);
    expect(answers('acme-mqtt', 'CNAME')).toEqual([]);
    const r = await play({ state: 'absent', ips: ['10.0.3.12'] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changed(r)).toBe(1);
    expect(answers('lab2', 'A')).toEqual([]);
    expect(answers('acme-mqtt', 'CNAME')).toEqual([]);
    expect(answers('acme-info', 'TXT')).toEqual([]);
    const again = await play({ state: 'absent', ips: [] });
    expect(again.code).toBe(0);
    expect(changed(again)).toBe(0);
  });

  it('fails clearly with a wrong key and an unreachable API', async () => {
    const bad = await play({ api_key: 'a-wrong-key-0123' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(`the PowerDNS API at ${pdns.apiUrl} refused the API key (HTTP 401)`);
    expect(bad.stdout).not.toContain('a-wrong-key-0123');
    const down = await play({ api_url: 'http://127.0.0.1:9' });
    expect(down.code).toBe(2);
    expect(down.stdout).toContain('cannot reach http://127.0.0.1:9/api/v1/servers/localhost/zones/osm-lab.test. from localhost');
  });

  it('never shows the API key (-vvv, --diff, --json)', () => {
    expect(runner.runs()).toBe(9);
    expect(runner.outputs.length).toBe(3 * runner.runs());
    expect(pdns.key.length).toBeGreaterThan(20);
    for (const text of runner.outputs) expect(text).not.toContain(pdns.key);
  });
});
