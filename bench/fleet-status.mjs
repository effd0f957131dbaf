#!/usr/bin/env node
// npm run bench:fleet-status [-- --hosts 1,10,50] [--label NAME] [--no-build]: playbooks/fleet-status.yaml
// (osm-play only: ansible-playbook has no such playbook) over N OSM hosts (default 50) that are all
// one throwaway sshd on loopback (bench/lib/sshd.mjs), each with its own empty OSM paths, so every
// host is probed for real (osm-metrics sent and run over SSH) and has no customers. Two runs per host
// count, cold then warm; each must exit 0, probe every host, and print a fleet table with no rows.
// Writes bench/results/<day>-<machine>-fleet-status.md. Needs root. --no-build: dist/ is current.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changedTotal, measure } from './lib/measure.mjs';
import { machineInfo } from './lib/report.mjs';
import { hostNames, osmPlayCommand, writeInventory } from './lib/setup.mjs';
import { startBenchSshd } from './lib/sshd.mjs';
import { hostCountsOption, option } from './lib/options.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const playbook = join(repo, 'playbooks/fleet-status.yaml');
const DOMAIN = 'fleet-bench.test';
// The fleet table's header line (modules/lib/osm/fleet-report.ts, fleetTable) with no customers.
const EMPTY_TABLE = 'host  customer  port  address  mqtt/tls  dns  last backup  health';

const hostCounts = hostCountsOption('50');
const label = option('--label', 'fleet-status');
if (!/^[a-z0-9-]+$/.test(label)) throw new Error('--label takes lowercase letters, digits and dashes');

function preflight() {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (it starts sshd and adds a throwaway user)');
  for (const tool of ['/usr/bin/time', '/usr/sbin/sshd']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing (Debian packages: time, openssh-server)`);
  }
  if (process.argv.includes('--no-build')) return;
  console.log('building osm-play (npm run build)...');
  const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/** Each host's own empty OSM paths, under the bench user's home so its osm-metrics can read them. */
function hostPaths(root, name) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'lxc/containers'), { recursive: true });
  writeFileSync(join(dir, 'osm-backup'), '');
  return {
    osm_lxc_root: join(dir, 'lxc'),
    osm_backup_log: join(dir, 'osm-backup'),
    osm_domain: DOMAIN,
    osm_metrics_probe_address: '127.0.0.1',
  };
}

/**
 * What a good run looks like: exit 0, nothing failed, ignored or changed, osm_status ok on every
 * host (the loop's items are printed before the task's line), and the table the header alone.
 * Returns the reason it is not, or null.
 */
function wrongRun(m, n) {
  const { changed, failed } = changedTotal(m.output);
  if (m.exitCode !== 0) return `exit ${m.exitCode}`;
  if (failed) return 'the recap has a failed or unreachable host';
  if (changed !== 0) return `changed=${changed} (fleet-status changes nothing)`;
  if (!/^localhost\s+:.*\bignored=0\b/m.test(m.output)) return 'an error was ignored (a host that could not be read)';
  const probe = m.output.indexOf('] Probe the customers of every OSM host');
  if (probe < 0) return 'no osm_status task in the output';
  const items = m.output.slice(m.output.indexOf('PLAY [Status of the fleet]'), probe);
  const probed = hostNames(n).filter((h) => items.includes(`ok: [localhost] => (item=${h})\n`));
  if (probed.length !== n) return `osm_status was ok on ${probed.length} of ${n} hosts`;
  const table = m.output.match(/\] Customers of the fleet => (\[[^\]]*\])/);
  if (!table) return 'no fleet table in the output';
  const lines = JSON.parse(table[1]);
  if (lines.length !== 1 || lines[0] !== EMPTY_TABLE) return `the fleet table is not empty:\n${lines.join('\n')}`;
  return null;
}

async function runOnce(n, inventory, tmp, run) {
  process.stdout.write(`  ${run}... `);
  const cmd = osmPlayCommand({ repo, playbook, inventory, n });
  const m = await measure(cmd.argv, { cwd: tmp, env: cmd.env, tmpDir: tmp });
  const wrong = wrongRun(m, n);
  if (wrong) throw new Error(`fleet-status with ${n} hosts, ${run}: ${wrong}; last output:\n${m.output.slice(-3000)}`);
  console.log(`${m.wallS.toFixed(2)} s wall, ${m.cpuS.toFixed(2)} s CPU, ${m.treeRssMb.toFixed(1)} MB tree RSS`);
  return m;
}

const f = (x) => x.toFixed(x < 10 ? 2 : 1);
const HEADER = ['hosts', 'run', 'wall s', 'CPU s', 'wall ms per host', 'max RSS MB', 'tree RSS MB'];

function rowsOf(results) {
  return results.map((r) => [String(r.hosts), r.run, f(r.wallS), f(r.cpuS), (r.wallS * 1000 / r.hosts).toFixed(0), f(r.maxRssMb), f(r.treeRssMb)]);
}

/** Written after every host count, so a cut-short run keeps its numbers. */
function writeResults(info, results, final) {
  const rows = rowsOf(results);
  const lines = [
    `# fleet-status over N OSM hosts (osm-play) — ${info.started.slice(0, 10)} on ${info.host}`,
    '',
    '| machine | |',
    '| --- | --- |',
    ...Object.entries(info).map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`),
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Command: \`osm-play -i INVENTORY playbooks/fleet-status.yaml -f N\` (the built CLI), run twice per host count: cold (the first run) then warm. fleet-status changes nothing, so the two differ only by what the machine and node have cached.`,
    `Inventory: N names in osm_hosts, each 127.0.0.1 on one throwaway sshd (bench/lib/sshd.mjs), each with its own empty osm_lxc_root and osm_backup_log, osm_domain ${DOMAIN}; no dns_servers group, so the DNS step is skipped and the DNS column reads "not checked".`,
    'Each run was checked: exit 0, nothing failed or changed, osm_status ok on every host, and the fleet table the header alone (no customers).',
    'wall: elapsed seconds. CPU: user+sys of osm-play and every child it waited for (GNU time); sshd and the osm-metrics it runs on each "host" are in neither.',
    'max RSS: the largest single process (GNU time %M). tree RSS: peak of the summed RSS of the live process tree, sampled every 200 ms.',
    'ansible-playbook was not run: fleet-status uses osm-play modules (osm_status, osm_fleet_status) and params:, so there is no equivalent playbook for it.',
    `load average at start: ${info.loadAtStart}; at the end: ${info.loadAtEnd ?? '-'}.`,
    ...(final ? [] : ['(partial: the run was still going when this was written)']),
    '',
  ];
  const file = join(repo, 'bench/results', `${info.started.slice(0, 10)}-${info.host}-${label}.md`);
  writeFileSync(file, lines.join('\n'));
  if (final) {
    const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    console.log(`\n${[HEADER, ...rows].map((r) => r.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n')}\n`);
  }
  return file;
}

async function main() {
  if (hostCounts.length === 0) throw new Error('--hosts takes host counts, e.g. 1,10,50');
  preflight();
  const info = machineInfo(repo);
  delete info.ansible;
  delete info.python;
  const sshd = await startBenchSshd();
  const tmp = mkdtempSync(join(tmpdir(), 'osm-bench-fleet-'));
  const onSignal = async (sig) => {
    console.error(`bench: ${sig}, cleaning up`);
    await sshd.stop();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results = [];
  let file;
  try {
    for (const n of hostCounts) {
      console.log(`${n} host(s):`);
      const inventory = join(tmp, `inv-${n}.yml`);
      const root = join(sshd.home, `fleet-${n}`);
      writeInventory(inventory, sshd, n, { group: 'osm_hosts', hostVars: (h) => hostPaths(root, h) });
      for (const run of ['cold', 'warm']) results.push({ hosts: n, run, ...(await runOnce(n, inventory, tmp, run)) });
      file = writeResults(info, results, false);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await sshd.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  info.loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
  file = writeResults(info, results, true);
  console.log(`written: ${file}`);
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
