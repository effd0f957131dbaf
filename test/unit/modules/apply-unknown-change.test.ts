// Modules that declare their change union refuse, in apply(), a change they have no step for: a typo
// in an action used to do nothing at all and report the task as changed.
import { describe, expect, it } from 'vitest';
import addHost from '../../../modules/add_host.js';
import apt from '../../../modules/apt.js';
import aptKey from '../../../modules/apt_key.js';
import aptRepository from '../../../modules/apt_repository.js';
import blockinfile from '../../../modules/blockinfile.js';
import btrfsSend from '../../../modules/btrfs_send.js';
import btrfsSubvolume from '../../../modules/btrfs_subvolume.js';
import command from '../../../modules/command.js';
import copy from '../../../modules/copy.js';
import cronFile from '../../../modules/cron_file.js';
import deb822Repository from '../../../modules/deb822_repository.js';
import dnsRecord from '../../../modules/dns_record.js';
import dnsmasqHost from '../../../modules/dnsmasq_host.js';
import fetch from '../../../modules/fetch.js';
import file from '../../../modules/file.js';
import generatedSecret from '../../../modules/generated_secret.js';
import getUrl from '../../../modules/get_url.js';
import git from '../../../modules/git.js';
import group from '../../../modules/group.js';
import hostname from '../../../modules/hostname.js';
import hostsEntry from '../../../modules/hosts_entry.js';
import lineinfile from '../../../modules/lineinfile.js';
import lxcContainer from '../../../modules/lxc_container.js';
import mosquittoUser from '../../../modules/mosquitto_user.js';
import nginxConfig from '../../../modules/nginx_config.js';
import osBase from '../../../modules/os_base.js';
import osBasePrune from '../../../modules/os_base_prune.js';
import packageModule from '../../../modules/package.js';
import replace from '../../../modules/replace.js';
import rsync from '../../../modules/rsync.js';
import service from '../../../modules/service.js';
import serviceSettings from '../../../modules/service_settings.js';
import shell from '../../../modules/shell.js';
import snapperSnapshot from '../../../modules/snapper_snapshot.js';
import sysctl from '../../../modules/sysctl.js';
import systemd from '../../../modules/systemd.js';
import systemdService from '../../../modules/systemd_service.js';
import template from '../../../modules/template.js';
import tlsCertificate from '../../../modules/tls_certificate.js';
import ufwRule from '../../../modules/ufw_rule.js';
import ufwState from '../../../modules/ufw_state.js';
import unarchive from '../../../modules/unarchive.js';
import uri from '../../../modules/uri.js';
import user from '../../../modules/user.js';
import type { AnyModule, HostContext } from '../../../runner/module.js';
import type { Change } from '../../../runner/types.js';
import { argsOf } from '../../helpers/module-args.js';

/** A host recording every command: run succeeds, exec answers "doesn't exist" (command and shell run through exec). */
function recordingHost(ran: string[][]): HostContext {
  const run = async (argv: string[]) => {
    ran.push(argv);
    return '';
  };
  const exec = async (cmd: { argv: string[] }) => {
    ran.push(cmd.argv);
    return { exitCode: 1, stdout: '', stderr: "doesn't exist", durationMs: 0, argv: cmd.argv };
  };
  return { name: 'h', run, exec } as unknown as HostContext;
}

describe('apply with a change it has no step for', () => {
  it.each<[string, AnyModule, Record<string, unknown>, unknown?]>([
    ['btrfs_subvolume', btrfsSubvolume as AnyModule, { path: '/srv/x' }],
    ['btrfs_send', btrfsSend as AnyModule, { src: '/srv/x', dest_dir: '/srv/y', host: 'osm2' }],
    ['lxc_container', lxcContainer as AnyModule, { name: 'acme-svr' }],
    ['apt', apt as AnyModule, { name: 'ufw', dpkg_options: '' }],
    ['apt_key', aptKey as AnyModule, { id: '0123456789ABCDEF' }],
    ['apt_repository', aptRepository as AnyModule, { repo: 'deb http://x/ y main' }],
    ['deb822_repository', deb822Repository as AnyModule, { name: 'x' }],
    ['file', file as AnyModule, { path: '/x' }],
    ['generated_secret', generatedSecret as AnyModule, { path: '/x' }],
    ['get_url', getUrl as AnyModule, { url: 'https://x/y', dest: '/x' }],
    ['git', git as AnyModule, { repo: 'https://x/y', dest: '/x' }, { dest: '/x', target: { sha: 'a' } }],
    ['group', group as AnyModule, { name: 'x' }],
    ['hosts_entry', hostsEntry as AnyModule, { names: ['x'] }],
    ['os_base', osBase as AnyModule, { bases_dir: '/x' }],
    ['service', service as AnyModule, { name: 'x' }],
    ['snapper_snapshot', snapperSnapshot as AnyModule, { config: 'x' }],
    ['sysctl', sysctl as AnyModule, { name: 'x' }],
    ['tls_certificate', tlsCertificate as AnyModule, { domains: ['x'], provider: 'selfsigned' }],
    ['ufw_rule', ufwRule as AnyModule, { port: 1 }],
    ['copy', copy as AnyModule, { dest: '/x', content: 'x' }],
    ['template', template as AnyModule, { src: 'x.j2', dest: '/x' }],
    ['lineinfile', lineinfile as AnyModule, { path: '/x', line: 'x', create: true }],
    ['blockinfile', blockinfile as AnyModule, { path: '/x', block: 'x', create: true }],
    ['replace', replace as AnyModule, { path: '/x', regexp: 'x' }],
    ['command', command as AnyModule, { argv: ['true'] }],
    ['shell', shell as AnyModule, { cmd: 'true' }],
    ['user', user as AnyModule, { name: 'x' }],
    ['systemd', systemd as AnyModule, { name: 'x' }],
    ['systemd_service', systemdService as AnyModule, { name: 'x' }],
    ['hostname', hostname as AnyModule, { name: 'x' }],
    ['ufw_state', ufwState as AnyModule, {}],
    ['service_settings', serviceSettings as AnyModule, { name: 'x', files: ['/x'] }],
    ['cron_file', cronFile as AnyModule, { name: 'x', cron_d: '/etc/cron.d', entries: [], env: {}, state: 'present' }],
    ['nginx_config', nginxConfig as AnyModule, { path: '/x' }],
    ['dns_record', dnsRecord as AnyModule, { zone: 'x', name: 'x', type: 'A' }],
    ['dnsmasq_host', dnsmasqHost as AnyModule, { name: 'x' }],
    ['mosquitto_user', mosquittoUser as AnyModule, { file: '/x', user: 'x' }],
    ['add_host', addHost as AnyModule, { name: 'x' }],
    ['fetch', fetch as AnyModule, { src: '/x', dest: '/tmp/osm-play-never' }],
    ['os_base_prune', osBasePrune as AnyModule, { bases_dir: '/x', containers_dir: '/y', keep: 2 }],
    ['rsync', rsync as AnyModule, { src: '/x', dest: '/y' }],
    ['unarchive', unarchive as AnyModule, { src: 'x.tgz', dest: '/x' }],
    ['uri', uri as AnyModule, { url: 'http://x/' }],
    ['package', packageModule as AnyModule, { name: 'x', use: 'auto', state: 'present' }],
  ])('%s throws and runs nothing', async (_name, mod, args, state = {}) => {
    const ran: string[][] = [];
    const typo: Change = { action: 'strat', target: 'x', summary: 'typo' };
    await expect(mod.apply(recordingHost(ran), argsOf(mod, args), [typo], state)).rejects.toThrow("no apply step for change 'strat' of x");
    expect(ran).toEqual([]);
  });
});
