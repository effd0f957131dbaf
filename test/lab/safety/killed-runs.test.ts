// Issue 7, "Killed mid-run": create-container killed with SIGKILL at each task boundary in turn
// (before each task and handler of its three plays, through --step), then re-run normally, ends in
// exactly the state of an uninterrupted run (customerState) and the customer is served. The same for
// delete-container (purge=false): after the re-run only the final copy of this incarnation is left,
// holding the file the customer wrote. Each iteration is one create cycle and one delete cycle.
// Customer t7k-kill on port 18991; removed with its final copies in afterAll.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { changedCount, changedTasks } from '../playbooks/helpers.js';
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
import { stepRun, type StepPrompt } from './step-run.js';

const fileStarted = Date.now();
const timings: string[] = [];
/** Everything that went wrong, per boundary: the loop goes on to find every failing boundary. */
const failures: string[] = [];

let empty: Record<string, unknown> = {};
let created: Record<string, unknown> = {};
let deleted: Record<string, unknown> = {};
let createPrompts: StepPrompt[] = [];
let deletePrompts: StepPrompt[] = [];

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
    const create = await stepRun(playbookArgv('create-container'));
    expect(create.code, create.output).toBe(0);
    createPrompts = create.prompts;
    created = await customerState(CUSTOMER, PORT);
    expect(created['lxcState']).toBe('RUNNING');
    await expectCustomerServed(CUSTOMER, PORT);
    await writeCustomerData('baseline data');
    const uuid = await containerUuid();
    const del = await stepRun(playbookArgv('delete-container'));
    expect(del.code, del.output).toBe(0);
    deletePrompts = del.prompts;
    deleted = await customerState(CUSTOMER, PORT);
    expect(finalCopies()).toEqual([`${CONTAINER}-${uuid}`]);
    expect(dataInCopy(`${CONTAINER}-${uuid}`)).toBe('baseline data');
    for (const c of finalCopies()) await removeCopy(c);
    expect(await customerState(CUSTOMER, PORT)).toEqual(empty);
    // Every task and handler of create, the broker's delegated to the container, and every task of
    // delete: a prompt each.
    expect(createPrompts.map((p) => p.task)).toContain('Broker user');
    expect(createPrompts.map((p) => p.task)).toContain('The broker runs with these settings');
    timings.push(`baselines (create ${createPrompts.length} prompts, delete ${deletePrompts.length}): ${secs(t0)}`);
  });

  it('each boundary: killed create + re-run = baseline and served; killed delete + re-run = deleted baseline with this incarnation\'s copy', { timeout: 6 * 3_600_000 }, async () => {
    expect(createPrompts.length, 'the baseline test ran').toBeGreaterThan(0);
    const rounds = Math.max(createPrompts.length, deletePrompts.length);
    let createUnchangedSeen = false;
    let deleteUnchangedSeen = false;
    for (let k = 1; k <= rounds; k++) {
      const t0 = Date.now();
      const start = stateDiff(empty, await customerState(CUSTOMER, PORT));
      if (start.length) {
        note(`round ${k} start`, start);
        note(`round ${k} cleanup`, await removeCustomer());
      }

      // Create: killed at boundary k (rounds past the last boundary create uninterrupted).
      const cLabel = k <= createPrompts.length ? where('create', k, createPrompts[k - 1]) : `create (round ${k}, not killed)`;
      const cProblems = k <= createPrompts.length ? await killThenRerun('create-container', k, createPrompts) : [];
      if (k > createPrompts.length) {
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
        note(`round ${k} cleanup`, await removeCustomer());
        timings.push(`round ${k}: ${secs(t0)} (create failed, delete not tried)`);
        continue;
      }

      // Delete: the customer's data first, then killed at boundary k.
      const data = `round ${k} ${randomBytes(6).toString('hex')}`;
      await writeCustomerData(data);
      const uuid = await containerUuid();
      const dLabel = k <= deletePrompts.length ? where('delete', k, deletePrompts[k - 1]) : `delete (round ${k}, not killed)`;
      const dProblems = k <= deletePrompts.length ? await killThenRerun('delete-container', k, deletePrompts) : [];
      if (k > deletePrompts.length) {
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
      timings.push(`round ${k}: ${secs(t0)}`);
    }
    expect(failures).toEqual([]);
    expect(createUnchangedSeen && deleteUnchangedSeen, 'a second run reported 0 changed for create and for delete').toBe(true);
  });
});
