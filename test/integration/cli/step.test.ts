// --step end to end: the question comes before each task and handler, and the answers decide what runs.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli } from './run-cli.js';

const PLAYBOOK = join(FIXTURES, 'step', 'steps.yml');
const T = 300_000;
let out = '';

afterEach(() => rmSync(out, { recursive: true, force: true }));

function run(answers: string) {
  out = mkdtempSync(join(tmpdir(), 'osm-step-'));
  return runCli(['--step', PLAYBOOK, '-e', `out=${out}`], { input: answers });
}

const question = (task: string) => `Step: perform task [${task}] on localhost? (y)es/(n)o/(c)ontinue: `;

describe('osm-play --step', () => {
  it('asks before every task and handler; n skips that task only', async () => {
    const r = await run('y\nn\ny\ny\n');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe([question('first'), question('second'), question('third'), question('mark handled')].join(''));
    expect(readdirSync(out).sort()).toEqual(['first', 'handler', 'third']);
    expect(r.stdout).toContain('skipping: [localhost] second');
    expect(r.stdout).toMatch(/localhost\s*: ok=3\s+changed=3\s+unreachable=0\s+failed=0\s+skipped=1/);
  }, T);

  it('c runs the rest without asking', async () => {
    const r = await run('c\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(question('first'));
    expect(readdirSync(out).sort()).toEqual(['first', 'handler', 'second', 'third']);
  }, T);

  it('stdin ending at a question runs nothing more and fails the host', async () => {
    const r = await run('y\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('--step: standard input closed at the prompt, so the task was not run');
    expect(existsSync(join(out, 'first'))).toBe(true);
    expect(existsSync(join(out, 'second'))).toBe(false);
    expect(existsSync(join(out, 'third'))).toBe(false);
    // Handlers notified before a failure do not run (as in Ansible).
    expect(existsSync(join(out, 'handler'))).toBe(false);
  }, T);
});
