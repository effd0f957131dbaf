// Inventory and ansible.cfg for one case; the command lines of both tools.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function hostNames(n) {
  return Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(3, '0')}`);
}

/**
 * A YAML inventory both tools read: N names, all the same sshd. With group, the names are that
 * group's (all:children:GROUP:hosts); hostVars(name) gives each its own variables (JSON is YAML).
 */
export function writeInventory(file, sshd, n, { group, hostVars = () => ({}) } = {}) {
  const indent = group ? '        ' : '    ';
  const lines = [
    'all:',
    '  vars:',
    '    ansible_host: 127.0.0.1',
    `    ansible_port: ${sshd.port}`,
    `    ansible_user: ${sshd.user}`,
    `    ansible_ssh_private_key_file: ${sshd.keyPath}`,
    `    ansible_ssh_known_hosts_file: ${sshd.knownHosts}`,
    '    ansible_python_interpreter: /usr/bin/python3',
    ...(group ? ['  children:', `    ${group}:`, '      hosts:'] : ['  hosts:']),
    ...hostNames(n).map((h) => `${indent}${h}: ${JSON.stringify(hostVars(h))}`),
    '',
  ];
  writeFileSync(file, lines.join('\n'));
}

/** pipelining on, ControlPersist on (fresh control dir per case), forks = hosts, strict host keys. */
export function writeAnsibleCfg(file, sshd, n, controlDir) {
  mkdirSync(controlDir, { recursive: true });
  writeFileSync(
    file,
    [
      '[defaults]',
      'host_key_checking = True',
      `forks = ${n}`,
      'gathering = explicit',
      'retry_files_enabled = False',
      'interpreter_python = /usr/bin/python3',
      'stdout_callback = default',
      '',
      '[ssh_connection]',
      'pipelining = True',
      `ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o UserKnownHostsFile=${sshd.knownHosts} -o StrictHostKeyChecking=yes`,
      `control_path = ${controlDir}/%%C`,
      '',
    ].join('\n'),
  );
}

/** The ssh ControlPersist masters of one case (found by their control dir), to end them after it. */
export function controlMasterPids(controlDir) {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.startsWith('ssh\0') && cmd.includes(controlDir)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

export function commands({ repo, playbook, inventory, ansibleCfg, n, root }) {
  return {
    ansible: {
      argv: ['ansible-playbook', '-i', inventory, playbook, '-e', `bench_root=${root}`],
      env: { ...process.env, ANSIBLE_CONFIG: ansibleCfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
    },
    osm: osmPlayCommand({ repo, playbook, inventory, n, args: ['-e', `bench_root=${root}`] }),
  };
}

/** The built osm-play CLI on one playbook, forks = hosts, plain output (no colour, no live view). */
export function osmPlayCommand({ repo, playbook, inventory, n, args = [] }) {
  return {
    argv: [process.execPath, join(repo, 'bin/osm-play.js'), '-i', inventory, playbook, '-f', String(n), ...args],
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
  };
}
