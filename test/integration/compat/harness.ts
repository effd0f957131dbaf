// The compatibility corpus: each case is a directory under test/integration/compat/<topic>/<case>/
// holding a `site.yml` (and its roles, vars, files...) written the way public Ansible content is.
// Each case runs through ansible-playbook (Debian's ansible-core) and osm-play: --syntax-check,
// --list-tasks (compared after normalising), then a real run over the local connection with
// `-e root=<temp dir>`: the trees written must be byte-identical and the recaps equal.
// An optional `case.json` tunes a case: { "args": [...more CLI args...], "inventory": "file in the case dir" }.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO, runCli, type CliRun } from '../cli/run-cli.js';

export const CORPUS = join(REPO, 'test/integration/compat');

export interface CompatCase {
  /** `<topic>/<case>`. */
  name: string;
  dir: string;
  playbook: string;
  /** Inventory and connection arguments shared by both tools. */
  baseArgs: string[];
  /** More arguments for both tools (from case.json). */
  args: string[];
}

interface CaseConfig {
  args?: string[];
  inventory?: string;
}

/**
 * Every directory under the corpus (one or two levels down) holding a site.yml, sorted. A directory
 * with a test file of its own (e.g. templates/) runs its own comparison and is left to it.
 */
export function discoverCases(root = CORPUS): CompatCase[] {
  const out: CompatCase[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > 0 && readdirSync(dir).some((e) => e.endsWith('.test.ts'))) return;
    if (existsSync(join(dir, 'site.yml'))) {
      const cfgFile = join(dir, 'case.json');
      const cfg: CaseConfig = existsSync(cfgFile) ? (JSON.parse(readFileSync(cfgFile, 'utf8')) as CaseConfig) : {};
      const baseArgs = cfg.inventory ? ['-i', join(dir, cfg.inventory)] : ['-i', 'localhost,', '-c', 'local'];
      out.push({ name: relative(root, dir), dir, playbook: join(dir, 'site.yml'), baseArgs, args: cfg.args ?? [] });
      return;
    }
    if (depth >= 2) return;
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) visit(p, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

export function hasAnsible(): boolean {
  try {
    return statSync('/usr/bin/ansible-playbook').isFile();
  } catch {
    return false;
  }
}

/** ansible-playbook, quiet about its own house-keeping (colour, retry files, interpreter discovery). */
export function runAnsible(args: string[], work: string, cwd: string): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('ansible-playbook', args, {
      cwd,
      env: {
        ...process.env,
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_LOCAL_TEMP: join(work, '.ansible-tmp'),
        ANSIBLE_REMOTE_TEMP: join(work, '.ansible-remote-tmp'),
        ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
        ANSIBLE_DEPRECATION_WARNINGS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

export function runOsm(args: string[], cwd: string): Promise<CliRun> {
  return runCli(args, { cwd });
}

/** --list-tasks output without what legitimately differs: the playbook path and blank lines. */
export function normaliseListing(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l !== '' && !l.startsWith('playbook: ') && !l.startsWith('[WARNING]') && !l.startsWith('[DEPRECATION'));
}

export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** The recap line of each host, as numbers. */
export function recapOf(text: string): Record<string, Recap> {
  const out: Record<string, Recap> = {};
  const re = /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm;
  for (const m of text.matchAll(re)) {
    const [ok, changed, unreachable, failed, skipped, rescued, ignored] = m.slice(2).map(Number);
    out[m[1]] = { ok, changed, unreachable, failed, skipped, rescued, ignored };
  }
  return out;
}
