// Issue 7, "Killed mid-run": create-container killed with SIGKILL at each task boundary in turn
// (before each task and handler of its three plays, through --step), then re-run normally, ends in
// exactly the state of an uninterrupted run (customerState) and the customer is served. The same for
// delete-container (purge=false): after the re-run only the final copy of this incarnation is left,
// holding the file the customer wrote. Each iteration is one create cycle and one delete cycle.
// Every boundary that can leave a host state of its own is tried (distinctBoundaries in
// step-run.ts): one right after a task that was ok or skipped leaves the host as the boundary before
// that task did, and the re-run starts from nothing but the host.
// Customer t7k-kill on port 18991; removed with its final copies in afterAll.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { changedCount, changedTasks, readReport } from '../playbooks/helpers.js';
import { customerState, expectCustomerServed } from './customer-state.js';
import {
  CONTAINER,
  CUSTOMER,
  PORT,
  containerUuid,
  createNormally,
  dataInCopy,
  deleteNormally,
  finalCopies,
  playbookArgv,
  removeCopy,
  removeCustomer,
  stateDiff,
  writeCustomerData,
} from './killed-runs-support.js';
import { distinctBoundaries, stepRun, type StepPrompt } from './step-run.js';

const fileStarted = Date.now();
const timings: string[] = [];
/** Everything that went wrong, per boundary: the loop goes on to find every failing boundary. */
const failures: string[] = [];

let empty: Record<string, unknown> = {};
let created: Record<string, unknown> = {};
let deleted: Record<string, unknown> = {};
let createPrompts: StepPrompt[] = [];
let deletePrompts: StepPrompt[] = [];
let createKills: number[] = [];
let deleteKills: number[] = [];

const secs = (since: number): string => `${((Date.now() - since) / 1000).toFixed(0)} s`;
const where = (kind: string, k: number, p: StepPrompt | undefined): string => `${kind} killed at boundary ${k} (before [${p?.task ?? '?'}] on ${p?.host ?? '?'})`;

function note(label: string, problems: string[]): void {
  for (const p of problems) failures.push(`${label}: ${p}`);
}

async function served(): Promise<string[]> {
  try {
    await expectCustomerServed(CUSTOMER, PORT);
    return [];
  } catch (e) {
    return [`not served: ${e instanceof Error ? e.message : String(e)}`];
  }
}

/** Runs a playbook with --step killed at prompt k, then normally; returns what was wrong. */
async function killThenRerun(name: 'create-container' | 'delete-container', k: number, expected: StepPrompt[]): Promise<string[]> {
  const problems: string[] = [];
  const killed = await stepRun(playbookArgv(name), { killAt: k });
  if (!killed.killed) problems.push(`the --step run ended before prompt ${k} (saw ${killed.prompts.length}):\n${killed.output}`);
  else if (JSON.stringify(killed.prompts.at(-1)) !== JSON.stringify(expected[k - 1])) {
    problems.push(`prompt ${k} was ${JSON.stringify(killed.prompts.at(-1))}, the uninterrupted run's was ${JSON.stringify(expected[k - 1])}`);
  }
  const rerun = name === 'create-container' ? await createNormally() : await deleteNormally();
  if (rerun.code !== 0) problems.push(`the re-run exited ${rerun.code}:\n${rerun.output}`);
  return problems;
}

beforeAll(async () => {
  await ensureLab();
  // Leftovers of an interrupted earlier run of this file.
  const left = await removeCustomer();
  if (left.length) throw new Error(left.join('\n'));
}, 1_800_000);

afterAll(async () => {
  const problems = await removeCustomer();
  console.log(`killed-runs: file took ${secs(fileStarted)}\n${timings.join('\n')}`);
  if (problems.length) throw new Error(problems.join('\n'));
}, 1_800_000);

describe('create-container and delete-container killed at every task boundary converge on re-run', () => {
  it('uninterrupted --step runs give the prompts and the baselines', { timeout: 3_600_000 }, async () => {
    const t0 = Date.now();
    empty = await customerState(CUSTOMER, PORT);
    expect(empty['deleted']).toEqual({ count: 0, copies: {} });
    const report = join(mkdtempSync(join(tmpdir(), 'osm-killed-')), 'report.json');
    const create = await stepRun(playbookArgv('create-container'), { json: report });
    expect(create.code, create.output).toBe(0);
    createPrompts = create.prompts;
    createKills = distinctBoundaries(createPrompts, readReport(report).results);
    created = await customerState(CUSTOMER, PORT);
    expect(created['lxcState']).toBe('RUNNING');
    await expectCustomerServed(CUSTOMER, PORT);
    await writeCustomerData('baseline data');
    const uuid = await containerUuid();
    const del = await stepRun(playbookArgv('delete-container'), { json: report });
    expect(del.code, del.output).toBe(0);
    deletePrompts = del.prompts;
    deleteKills = distinctBoundaries(deletePrompts, readReport(report).results);
    rmSync(dirname(report), { recursive: true, force: true });
    deleted = await customerState(CUSTOMER, PORT);
    expect(finalCopies()).toEqual([`${CONTAINER}-${uuid}`]);
    expect(dataInCopy(`${CONTAINER}-${uuid}`)).toBe('baseline data');
    for (const c of finalCopies()) await removeCopy(c);
    expect(await customerState(CUSTOMER, PORT)).toEqual(empty);
    // Every task and handler of create, the broker's delegated to the container, and every task of
    // delete: a prompt each.
    expect(createPrompts.map((p) => p.task)).toContain('Broker users');
    expect(createPrompts.map((p) => p.task)).toContain('The broker runs with these settings');
    timings.push(`baselines (create ${createPrompts.length} prompts, kills at ${createKills.join(' ')}; delete ${deletePrompts.length}, kills at ${deleteKills.join(' ')}): ${secs(t0)}`);
  });

  it('each boundary: killed create + re-run = baseline and served; killed delete + re-run = deleted baseline with this incarnation\'s copy', { timeout: 6 * 3_600_000 }, async () => {
    expect(createKills.length, 'the baseline test ran').toBeGreaterThan(0);
    const rounds = Math.max(createKills.length, deleteKills.length);
    let createUnchangedSeen = false;
    let deleteUnchangedSeen = false;
    for (let round = 1; round <= rounds; round++) {
      const t0 = Date.now();
      // Round r kills create at its r-th boundary and delete at its r-th (past the last: not killed).
      const ck = createKills[round - 1];
      const dk = deleteKills[round - 1];
      const start = stateDiff(empty, await customerState(CUSTOMER, PORT));
      if (start.length) {
        note(`round ${round} start`, start);
        note(`round ${round} cleanup`, await removeCustomer());
      }

      // Create: killed at boundary ck (rounds past the last boundary create uninterrupted).
      const cLabel = ck !== undefined ? where('create', ck, createPrompts[ck - 1]) : `create (round ${round}, not killed)`;
      const cProblems = ck !== undefined ? await killThenRerun('create-container', ck, createPrompts) : [];
      if (ck === undefined) {
        const r = await createNormally();
        if (r.code !== 0) cProblems.push(`exited ${r.code}:\n${r.output}`);
      }
      cProblems.push(...stateDiff(created, await customerState(CUSTOMER, PORT)), ...(await served()));
      if (cProblems.length === 0 && !createUnchangedSeen) {
        const again = await createNormally();
        if (again.code !== 0 || changedCount(again) !== 0) cProblems.push(`a second run changed ${changedTasks(again).join(', ')}:\n${again.output}`);
        createUnchangedSeen = true;
      }
      note(cLabel, cProblems);
      if (cProblems.length) {
        note(`round ${round} cleanup`, await removeCustomer());
        timings.push(`round ${round}: ${secs(t0)} (create failed, delete not tried)`);
        continue;
      }

      // Delete: the customer's data first, then killed at boundary dk.
      const data = `round ${round} ${randomBytes(6).toString('hex')}`;
      await writeCustomerData(data);
      const uuid = await containerUuid();
      const dLabel = dk !== undefined ? where('delete', dk, deletePrompts[dk - 1]) : `delete (round ${round}, not killed)`;
      const dProblems = dk !== undefined ? await killThenRerun('delete-container', dk, deletePrompts) : [];
      if (dk === undefined) {
        const r = await deleteNormally();
        if (r.code !== 0) dProblems.push(`exited ${r.code}:\n${r.output}`);
      }
      dProblems.push(...stateDiff(deleted, await customerState(CUSTOMER, PORT)));
      const copies = finalCopies();
      if (JSON.stringify(copies) !== JSON.stringify([`${CONTAINER}-${uuid}`])) dProblems.push(`final copies ${JSON.stringify(copies)}, want [${CONTAINER}-${uuid}]`);
      else if (dataInCopy(copies[0] ?? '') !== data) dProblems.push(`the final copy holds ${JSON.stringify(dataInCopy(copies[0] ?? ''))}, not the customer's ${JSON.stringify(data)}`);
      if (dProblems.length === 0 && !deleteUnchangedSeen) {
        const again = await deleteNormally();
        if (again.code !== 0 || changedCount(again) !== 0) dProblems.push(`a second run exited ${again.code}, changed ${changedTasks(again).join(', ')}:\n${again.output}`);
        else if (JSON.stringify(finalCopies()) !== JSON.stringify(copies)) dProblems.push(`a second run left final copies ${JSON.stringify(finalCopies())}`);
        deleteUnchangedSeen = true;
      }
      note(dLabel, dProblems);
      for (const c of finalCopies()) await removeCopy(c);
      timings.push(`round ${round}: ${secs(t0)}`);
    }
    expect(failures).toEqual([]);
    expect(createUnchangedSeen && deleteUnchangedSeen, 'a second run reported 0 changed for create and for delete').toBe(true);
  });
});
