// The osm_monitoring_agent role (setup-host includes it) over the local connection into a temp dir,
// without systemd as in the lab: the script, its settings, node-exporter's ARGS and the enabled timer's
// unit files are written, and the service's ExecStart, run as written, writes osm.prom. A second run
// changes nothing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../cli/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'osm-agent-role-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('osm_monitoring_agent role', () => {
  it('installs osm-metrics and node-exporter settings; the direct command writes osm.prom', async () => {
    const lxc = join(work, 'lxc');
    mkdirSync(join(lxc, 'containers'), { recursive: true });
    const playbook = join(work, 'agent.yaml');
    writeFileSync(playbook, [
      '- hosts: all',
      '  roles:',
      `    - ${join(REPO, 'playbooks/roles/osm_defaults')}`,
      `    - ${join(REPO, 'playbooks/roles/osm_monitoring_agent')}`,
      '',
    ].join('\n'));
    const inventory = join(work, 'inventory.yaml');
    writeFileSync(inventory, [
      'all:',
      '  hosts:',
      '    osm1:',
      '      ansible_connection: local',
      '      osm_domain: osm.test',
      `      osm_lxc_root: ${lxc}`,
      `      osm_backup_log: ${join(work, 'backup.log')}`,
      '      osm_metrics_install_packages: false',
      '      osm_metrics_systemd: false',
      `      osm_metrics_script: ${join(work, 'bin/osm-metrics')}`,
      `      osm_metrics_conf: ${join(work, 'etc/metrics.conf')}`,
      `      osm_metrics_textfile_dir: ${join(work, 'textfile')}`,
      `      osm_node_exporter_defaults: ${join(work, 'default/prometheus-node-exporter')}`,
      `      osm_systemd_dir: ${join(work, 'systemd')}`,
      '',
    ].join('\n'));
    mkdirSync(join(work, 'bin'));
    mkdirSync(join(work, 'default'));
    writeFileSync(join(work, 'default/prometheus-node-exporter'), '# Set the command-line arguments to pass to the server.\nARGS=""\n');

    const first = await runCli(['-i', inventory, playbook]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(join(work, 'default/prometheus-node-exporter'), 'utf8')).toBe(
      `# Set the command-line arguments to pass to the server.\nARGS="--collector.textfile.directory=${join(work, 'textfile')} --web.listen-address=:9100"\n`,
    );
    expect(statSync(join(work, 'bin/osm-metrics')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(work, 'bin/osm-metrics'), 'utf8')).toBe(readFileSync(join(REPO, 'playbooks/roles/osm_monitoring_agent/files/osm-metrics'), 'utf8'));
    const conf = readFileSync(join(work, 'etc/metrics.conf'), 'utf8');
    expect(conf).toContain('OSM_HOST=osm1\n');
    expect(conf).toContain(`OSM_LXC_ROOT=${lxc}\n`);

    const again = await runCli(['-i', inventory, playbook]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/osm1\s*: ok=\d+\s+changed=0 /);

    // The timer is enabled as `systemctl enable` would (its wants link), and fires the service.
    expect(readlinkSync(join(work, 'systemd/timers.target.wants/osm-metrics.timer'))).toBe(join(work, 'systemd/osm-metrics.timer'));
    expect(readFileSync(join(work, 'systemd/osm-metrics.timer'), 'utf8')).toMatch(/^OnUnitActiveSec=1min$/m);
    // What osm-metrics.service runs, taken from the unit and run directly (no systemd on this host).
    const service = readFileSync(join(work, 'systemd/osm-metrics.service'), 'utf8');
    const execStart = /^ExecStart=(.+)$/m.exec(service)?.[1]?.split(' ') ?? [];
    expect(execStart).toEqual([join(work, 'bin/osm-metrics'), '--config', join(work, 'etc/metrics.conf'), '--textfile', join(work, 'textfile')]);
    const r = spawnSync(execStart[0]!, execStart.slice(1), { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(join(work, 'textfile'))).toEqual(['osm.prom']);
    const prom = readFileSync(join(work, 'textfile/osm.prom'), 'utf8');
    expect(prom).toMatch(/^osm_metrics_generated_timestamp_seconds\{host="osm1"\} \d+$/m);
    expect(prom).toMatch(new RegExp(`^osm_btrfs_free_bytes\\{host="osm1",path="${lxc}"\\} \\d+$`, 'm'));
  }, 180_000);
});
