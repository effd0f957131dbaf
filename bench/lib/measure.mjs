// Runs a command under GNU time (wall, user+sys CPU of the whole waited-for child tree, largest
// single RSS) while sampling the summed RSS of the live process tree.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';

const PAGE_KB = 4;

function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) comes after the parenthesised command name, which may contain spaces.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const statm = readFileSync(`/proc/${name}/statm`, 'utf8').split(' ');
      table.set(Number(name), { ppid: Number(rest[1]), rssKb: Number(statm[1]) * PAGE_KB });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

function treeRssKb(rootPid) {
  const table = processTable();
  const children = new Map();
  for (const [pid, p] of table) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(pid);
  }
  let sum = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop();
    sum += table.get(pid)?.rssKb ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

/** { wallS, cpuS, maxRssMb, treeRssMb, exitCode, output } */
export function measure(argv, { cwd, env, tmpDir }) {
  const timeFile = join(tmpDir, `time-${process.hrtime.bigint()}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...argv], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    let peakTree = 0;
    const sampler = setInterval(() => {
      peakTree = Math.max(peakTree, treeRssKb(child.pid));
    }, 200);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearInterval(sampler);
      try {
        const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
        const [wall, user, sys, maxRss] = line.split(' ').map(Number);
        resolve({
          wallS: wall,
          cpuS: user + sys,
          maxRssMb: maxRss / 1024,
          treeRssMb: peakTree / 1024,
          exitCode,
          output,
        });
      } catch (err) {
        reject(new Error(`no timing for ${argv.join(' ')}: ${err.message}\n${output.slice(-2000)}`));
      } finally {
        rmSync(timeFile, { force: true });
      }
    });
  });
}

/** Sum of changed= over the PLAY RECAP lines (same format in ansible-playbook and osm-play). */
export function changedTotal(output) {
  const recap = output.slice(output.lastIndexOf('PLAY RECAP'));
  let sum = 0;
  let hosts = 0;
  for (const m of recap.matchAll(/changed=(\d+).*?unreachable=(\d+)\s+failed=(\d+)/g)) {
    hosts++;
    sum += Number(m[1]);
    if (Number(m[2]) > 0 || Number(m[3]) > 0) return { changed: sum, hosts, failed: true };
  }
  return { changed: sum, hosts, failed: hosts === 0 };
}
