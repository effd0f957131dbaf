// The results table (terminal and markdown) and the machine description.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, freemem, hostname, loadavg, totalmem } from 'node:os';

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch (err) {
    return (err.stderr?.toString() || 'unknown').trim();
  }
}

export function machineInfo(repo) {
  return {
    started: new Date().toISOString(),
    host: hostname(),
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free at start`,
    kernel: sh('uname', ['-r']),
    loadAtStart: loadavg().map((l) => l.toFixed(2)).join(' '),
    node: process.version,
    ansible: sh('ansible-playbook', ['--version']).split('\n')[0],
    python: sh('/usr/bin/python3', ['--version']),
    // ssh -V prints on stderr.
    openssh: spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim(),
    osmPlay: `${sh('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'])}`,
  };
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '-');
const ratio = (a, b) => (Number.isFinite(a) && b > 0 ? `${(a / b).toFixed(1)}x` : '-');
// A case run with --tools osm has no ansible side: its cells read '-'.
const NONE = { changed: '-' };

export function tableRows(results) {
  return results.map(({ ansible = NONE, osm = NONE, ...r }) => ({ ...r, ansible, osm })).map((r) => [
    String(r.hosts),
    r.run,
    f1(r.ansible.wallS),
    f1(r.osm.wallS),
    ratio(r.ansible.wallS, r.osm.wallS),
    f1(r.ansible.cpuS),
    f1(r.osm.cpuS),
    ratio(r.ansible.cpuS, r.osm.cpuS),
    f1(r.ansible.maxRssMb),
    f1(r.osm.maxRssMb),
    f1(r.ansible.treeRssMb),
    f1(r.osm.treeRssMb),
    ratio(r.ansible.treeRssMb, r.osm.treeRssMb),
    `${r.ansible.changed} / ${r.osm.changed}`,
  ]);
}

export const HEADER = [
  'hosts',
  'run',
  'wall s ansible',
  'wall s osm-play',
  'wall ratio',
  'CPU s ansible',
  'CPU s osm-play',
  'CPU ratio',
  'max RSS MB ansible',
  'max RSS MB osm-play',
  'tree RSS MB ansible',
  'tree RSS MB osm-play',
  'tree RSS ratio',
  'changed ansible / osm-play',
];

export function textTable(rows) {
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

export const SYNTAX_HEADER = ['tool', 'runs', 'median wall ms', 'min wall ms', 'median CPU ms', 'ratio (median wall)'];

export function markdown(info, rows, notes, syntaxRows = []) {
  const lines = [
    `# osm-play vs ansible-playbook — ${info.started.slice(0, 10)} on ${info.host}`,
    '',
    '| machine | |',
    '| --- | --- |',
    ...Object.entries(info).map(([k, v]) => `| ${k} | ${String(v).replace(/\|/g, '\\|')} |`),
    '',
    ...(rows.length > 0 ? [`| ${HEADER.join(' | ')} |`, `| ${HEADER.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''] : []),
    ...(syntaxRows.length > 0
      ? ['`--syntax-check` of the benchmark playbook:', '', `| ${SYNTAX_HEADER.join(' | ')} |`, `| ${SYNTAX_HEADER.map(() => '---').join(' | ')} |`, ...syntaxRows.map((r) => `| ${r.join(' | ')} |`), '']
      : []),
    ...notes,
    '',
  ];
  return lines.join('\n');
}
