#!/usr/bin/env node
// npm run bench:lab-noop [-- --runs 5]: a create-container run on the lab that changes nothing.
// It creates one throwaway customer (first run, not timed), then times --runs more runs of the same
// command, each of which must report changed=0, and records the median wall time with the
// --profile-tasks table of the last run in bench/results/. Deletes the customer afterwards.
// Needs root and the lab (npm run lab:up); run it alone, not beside lab tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changedTotal, measure } from './lib/measure.mjs';
import { machineInfo } from './lib/report.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const inventory = join(repo, 'inventory/lab.yaml');
const playbooks = join(repo, 'playbooks');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const runs = Number(option('--runs', '5'));
// A name and port no lab test uses, so the script and a test never share a customer.
const customer = { name: 'benchnoop', port: '18999' };

function osmPlay(playbook, extraVars, flags = []) {
  const vars = Object.entries(extraVars).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return {
    argv: [process.execPath, join(repo, 'bin/osm-play.js'), '-i', inventory, join(playbooks, playbook), '--limit', 'all:!lab2', ...vars, ...flags],
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
  };
}

function preflight() {
  if (process.getuid?.() !== 0) throw new Error('needs root (the lab is root-owned)');
  if (!existsSync('/var/lib/osm-lab/UP')) throw new Error('the lab is not up: run npm run lab:up first');
  const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

async function runOnce(cmd, tmp, label) {
  const m = await measure(cmd.argv, { cwd: repo, env: cmd.env, tmpDir: tmp });
  const { changed, failed } = changedTotal(m.output);
  if (m.exitCode !== 0 || failed) throw new Error(`${label} failed (exit ${m.exitCode}):\n${m.output.slice(-3000)}`);
  return { ...m, changed };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number from 1');
  preflight();
  const info = machineInfo(repo);
  const tmp = mkdtempSync(join(tmpdir(), 'osm-bench-noop-'));
  const vars = { customer_name: customer.name, mqtt_port: customer.port };
  try {
    console.log(`creating ${customer.name} (not timed)...`);
    await runOnce(osmPlay('create-container.yaml', vars), tmp, 'the first create-container');
    const samples = [];
    let last;
    for (let i = 0; i < runs; i++) {
      last = await runOnce(osmPlay('create-container.yaml', vars, ['--profile-tasks']), tmp, `no-change run ${i + 1}`);
      if (last.changed !== 0) throw new Error(`no-change run ${i + 1} reported changed=${last.changed}:\n${last.output.slice(-3000)}`);
      samples.push(last);
      console.log(`  run ${i + 1}: ${last.wallS.toFixed(2)} s wall, ${last.cpuS.toFixed(2)} s CPU, changed=0`);
    }
    const walls = samples.map((m) => m.wallS);
    const profile = last.output.slice(last.output.indexOf('PLAY RECAP')).trim();
    const lines = [
      `# create-container that changes nothing, on the lab — ${info.started.slice(0, 10)} on ${info.host}`,
      '',
      '| machine | |',
      '| --- | --- |',
      ...Object.entries(info).map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`),
      '',
      '| runs | median wall s | min wall s | max wall s | median CPU s |',
      '| --- | --- | --- | --- | --- |',
      `| ${runs} | ${median(walls).toFixed(2)} | ${Math.min(...walls).toFixed(2)} | ${Math.max(...walls).toFixed(2)} | ${median(samples.map((m) => m.cpuS)).toFixed(2)} |`,
      '',
      `Command: \`osm-play -i inventory/lab.yaml playbooks/create-container.yaml --limit 'all:!lab2' -e customer_name=${customer.name} -e mqtt_port=${customer.port} --profile-tasks\`,`,
      'over the lab host\'s sshd (127.0.0.1:2222), after a first run that created the customer.',
      '',
      'Recap and per-task profile of the last run:',
      '',
      '```',
      profile,
      '```',
      '',
    ];
    const file = join(repo, 'bench/results', `${info.started.slice(0, 10)}-${info.host}-lab-noop.md`);
    writeFileSync(file, lines.join('\n'));
    console.log(`median ${median(walls).toFixed(2)} s; written: ${file}`);
  } finally {
    const del = await measure(osmPlay('delete-container.yaml', { customer_name: customer.name, purge: 'true' }).argv, { cwd: repo, env: process.env, tmpDir: tmp });
    if (del.exitCode !== 0) console.error(`could not delete ${customer.name}; run delete-container.yaml -e customer_name=${customer.name} -e purge=true:\n${del.output.slice(-2000)}`);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
