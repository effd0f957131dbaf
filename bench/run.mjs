#!/usr/bin/env node
// npm run bench [-- --hosts 1,10,50] [--tools ansible,osm] [--syntax-check RUNS] [--label NAME]:
// the same playbook (bench/playbook/site.yml) through
// ansible-playbook (pipelining, ControlPersist, forks = hosts) and osm-play, against one throwaway
// sshd on loopback, cold (first run) then warm (second run, must change nothing). Needs root.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changedTotal, measure } from './lib/measure.mjs';
import { machineInfo, markdown, tableRows, textTable } from './lib/report.mjs';
import { syntaxCheckRows } from './lib/syntax-check.mjs';
import { commands, controlMasterPids, writeAnsibleCfg, writeInventory } from './lib/setup.mjs';
import { startBenchSshd } from './lib/sshd.mjs';
import { hostCountsOption, option } from './lib/options.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const playbook = join(repo, 'bench/playbook/site.yml');

const hostCounts = hostCountsOption('1,10,50');

// --tools osm measures osm-play alone (for host counts where ansible-playbook would take hours);
// such rows show '-' on the ansible side and say so in the notes.
const tools = option('--tools', 'ansible,osm')
  .split(',')
  .map((s) => s.trim());
if (tools.some((t) => t !== 'ansible' && t !== 'osm') || !tools.includes('osm')) {
  throw new Error(`--tools takes ansible,osm or osm (got ${tools.join(',')})`);
}
const syntaxRuns = Number(option('--syntax-check', '0'));
// A label keeps a second run of the day from overwriting the first one's file.
const label = option('--label', '');
if (label && !/^[a-z0-9-]+$/.test(label)) throw new Error('--label takes lowercase letters, digits and dashes');

function preflight() {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (it starts sshd and adds a throwaway user)');
  for (const tool of ['/usr/bin/time', '/usr/sbin/sshd', '/usr/bin/ansible-playbook']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing (Debian packages: time, openssh-server, ansible-core)`);
  }
  console.log('building osm-play (npm run build)...');
  const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

function endControlMasters(controlDir) {
  for (const pid of controlMasterPids(controlDir)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function runTool(name, cmd, tmp, label) {
  process.stdout.write(`  ${label} ${name}... `);
  const m = await measure(cmd.argv, { cwd: tmp, env: cmd.env, tmpDir: tmp });
  const { changed, hosts, failed } = changedTotal(m.output);
  if (m.exitCode !== 0 || failed) {
    writeFileSync(join(tmp, `${name}-${label}.log`), m.output);
    throw new Error(`${name} ${label} failed (exit ${m.exitCode}); last output:\n${m.output.slice(-3000)}`);
  }
  console.log(`${m.wallS.toFixed(2)} s, ${hosts} hosts, changed=${changed}`);
  return { ...m, changed };
}

/** Writes (and on the last call prints) the table; called after every case so a cut-short run keeps its numbers. */
function writeResults(info, results, warnings, final, syntaxRows = []) {
  const rows = tableRows(results);
  if (final) console.log(`\n${textTable(rows)}\n`);
  const notes = [
    ...warnings,
    'wall: elapsed seconds. CPU: user+sys of the tool and every child it waited for (GNU time); ssh ControlPersist masters are daemons, so their CPU is not in the ansible column; sshd work is in neither.',
    'max RSS: the largest single process (GNU time %M). tree RSS: peak of the summed RSS of the live process tree, sampled every 200 ms (ansible runs one process per fork).',
    'Playbook: bench/playbook/site.yml (29 tasks, loops, a handler). Each inventory name is 127.0.0.1 on one sshd; ansible: pipelining, ControlPersist, forks = hosts; osm-play: -f hosts.',
    `load average at start: ${info.loadAtStart} — numbers from a busy machine are slower for both tools.`,
    ...(tools.includes('ansible') ? [] : ['ansible-playbook was not run (--tools osm): its cells read -.']),
    ...(final ? [] : ['(partial: the run was still going when this was written)']),
  ];
  const outDir = join(repo, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  // Named by the start of the run, so a run past midnight keeps one file.
  const file = join(outDir, `${info.started.slice(0, 10)}-${info.host}${label ? `-${label}` : ''}.md`);
  writeFileSync(file, markdown(info, rows, notes, syntaxRows));
  if (final) for (const n of warnings) console.log(n);
  return file;
}

async function main() {
  preflight();
  const info = machineInfo(repo);
  const sshd = await startBenchSshd();
  const tmp = mkdtempSync(join(tmpdir(), 'osm-bench-'));
  // Ctrl-C or a timeout must not leave the sshd, the user or ssh masters behind.
  const onSignal = async (sig) => {
    console.error(`bench: ${sig}, cleaning up`);
    for (const n of hostCounts) endControlMasters(join(sshd.dir, `c${n}`));
    await sshd.stop();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results = [];
  const notes = [];
  let syntaxRows = [];
  try {
    for (const n of hostCounts) {
      console.log(`${n} host(s):`);
      const inventory = join(tmp, `inv-${n}.yml`);
      const controlDir = join(sshd.dir, `c${n}`);
      const ansibleCfg = join(tmp, `ansible-${n}.cfg`);
      writeInventory(inventory, sshd, n);
      writeAnsibleCfg(ansibleCfg, sshd, n, controlDir);
      const roots = { ansible: join(sshd.home, `ans-${n}`), osm: join(sshd.home, `osm-${n}`) };
      const cmds = {
        ansible: commands({ repo, playbook, inventory, ansibleCfg, n, root: roots.ansible }).ansible,
        osm: commands({ repo, playbook, inventory, ansibleCfg, n, root: roots.osm }).osm,
      };
      const perRun = { cold: {}, warm: {} };
      for (const tool of tools) {
        rmSync(roots[tool], { recursive: true, force: true });
        for (const run of ['cold', 'warm']) perRun[run][tool] = await runTool(tool === 'osm' ? 'osm-play' : 'ansible', cmds[tool], tmp, run);
        if (tool === 'ansible') endControlMasters(controlDir);
      }
      for (const run of ['cold', 'warm']) {
        results.push({ hosts: n, run, ansible: perRun[run].ansible, osm: perRun[run].osm });
        const warm = perRun.warm;
        if (run === 'warm' && ((warm.ansible && warm.ansible.changed !== 0) || warm.osm.changed !== 0)) {
          notes.push(`WARNING: warm run with ${n} hosts was not idempotent (changed ansible ${warm.ansible?.changed ?? '-'}, osm-play ${warm.osm.changed}).`);
        }
      }
      writeResults(info, results, notes, false);
    }
    if (syntaxRuns > 0) {
      console.log(`--syntax-check, ${syntaxRuns} runs each:`);
      const inventory = join(tmp, 'inv-syntax.yml');
      const ansibleCfg = join(tmp, 'ansible-syntax.cfg');
      writeInventory(inventory, sshd, 1);
      writeAnsibleCfg(ansibleCfg, sshd, 1, join(sshd.dir, 'c-syntax'));
      const cmds = commands({ repo, playbook, inventory, ansibleCfg, n: 1, root: join(tmp, 'unused') });
      syntaxRows = await syntaxCheckRows(cmds, tools, syntaxRuns, tmp);
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    for (const n of hostCounts) endControlMasters(join(sshd.dir, `c${n}`));
    await sshd.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  const file = writeResults(info, results, notes, true, syntaxRows);
  console.log(`written: ${file}`);
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
