// Issue 7, Faults: "nginx rejects the change". create-container is re-run for an existing customer
// (t7n-change) with a customer template nginx refuses, the kind of slip an operator makes editing
// templates/: a misspelt directive in the stream file, a missing semicolon in the http file, another
// customer's port typed in. The run must fail naming the file, its line and the complaint; the
// previous file stays byte for byte and is what the running nginx (same master) serves; no candidate
// file is left; and while the run holds the host, a loop keeps reaching another customer (t7n-live)
// over MQTT/TLS and HTTPS, and every request succeeds. t7n-change itself is first created under the
// same loop: a new customer (a new address for dnsmasq, new nginx files, a reload) must not interrupt
// the others either.
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPaths, runArgv } from '../../helpers/lab.js';
import { customerState, expectCustomerServed } from './customer-state.js';
import { Clients, servedBy, startWebServer } from './customer-clients.js';
import { changedCount, changedTasks, cleanUp, CREATE, httpFile, lockTaken, play, readyLab, startPlay, streamFile, labCustomer, type Run, type LabCustomer } from './customer-runs.js';

const STEP_MS = 20 * 60_000;
const LIVE = labCustomer('t7n-live', 18961);
const CHANGE = labCustomer('t7n-change', 18962);
const ours = [LIVE, CHANGE];

const work = mkdtempSync(join(tmpdir(), 'osm-t7n-reject-'));
const clients = new Clients(work);

interface Mistake {
  template: 'customer.stream.conf.j2' | 'customer.http.conf.j2';
  /** The line of the good template the mistake is made on, and what it becomes. */
  line: string;
  becomes: string;
  task: string;
  /** What the run must say: the file (and line) it is about, and the complaint (nginx's own words where nginx refused). */
  says: RegExp;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const STREAM_TASK = "nginx MQTT over TLS on the customer's port";
const HTTP_TASK = 'nginx web vhosts (Grafana, InfluxDB, ChirpStack, MQTT over websocket)';
const restored = (file: string, complaint: string): RegExp =>
  new RegExp(`check after writing ${esc(file)} failed, previous content restored: nginx -t failed: .*${esc(complaint)} in ${esc(file)}:\\d+`);

const mistakes: [string, Mistake][] = [
  [
    'a misspelt directive in the stream template (proxy_conect_timeout)',
    {
      template: 'customer.stream.conf.j2',
      line: '    proxy_pass {{ addr.ip }}:1883;',
      becomes: '    proxy_conect_timeout 5s;\n    proxy_pass {{ addr.ip }}:1883;',
      task: STREAM_TASK,
      says: restored(streamFile(CHANGE), 'unknown directive "proxy_conect_timeout"'),
    },
  ],
  [
    'a missing semicolon in the http template',
    {
      template: 'customer.http.conf.j2',
      line: '        proxy_set_header X-Forwarded-Proto https;',
      becomes: '        proxy_set_header X-Forwarded-Proto https',
      task: HTTP_TASK,
      says: restored(httpFile(CHANGE), 'unexpected "}"'),
    },
  ],
  [
    // nginx -t would refuse the duplicate too; nginx_config refuses it first, naming the file holding the port.
    "a duplicate listen port (t7n-live's, typed into the stream template)",
    {
      template: 'customer.stream.conf.j2',
      line: '    listen {{ osm_nginx_listen }}{{ mqtt_port }} ssl;',
      becomes: `    listen {{ osm_nginx_listen }}${LIVE.port} ssl;`,
      task: STREAM_TASK,
      says: new RegExp(`refusing to write ${esc(streamFile(CHANGE))}: stream port ${LIVE.port} is already used by ${esc(streamFile(LIVE))}:\\d+`),
    },
  ],
];

/** A copy of playbooks/ (playbooks, templates, roles: relative paths resolve) with one template broken. */
function brokenPlaybooks(name: string, m: Mistake): string {
  const dir = join(work, name);
  cpSync(join(labPaths.repo, 'playbooks'), dir, { recursive: true });
  const file = join(dir, 'templates', m.template);
  const good = readFileSync(file, 'utf8');
  if (!good.includes(m.line)) throw new Error(`${m.template} no longer has the line '${m.line}': update this test`);
  writeFileSync(file, good.replace(m.line, m.becomes));
  return join(dir, 'create-container.yaml');
}

function masterPid(): string {
  return readFileSync(labPaths.nginxPid, 'utf8').trim();
}

/** A file's bytes and mode, to compare with another reading. */
function fileState(path: string): { bytes: string; mode: string } {
  return { bytes: readFileSync(path).toString('base64'), mode: (statSync(path).mode & 0o7777).toString(8) };
}

/** Entries of both customer conf dirs that are not a plain `<customer>.conf` (temp and candidate files). */
function strayEntries(): string[] {
  return [labPaths.nginxStreamDir, labPaths.nginxHttpDir].flatMap((d) => readdirSync(d).filter((n) => n.startsWith('.') || !n.endsWith('.conf')).map((n) => join(d, n)));
}

/** Entries of both customer conf dirs that name t7n-change. */
function changeEntries(): string[] {
  return [labPaths.nginxStreamDir, labPaths.nginxHttpDir].flatMap((d) => readdirSync(d).filter((n) => n.includes(CHANGE.name)).map((n) => join(d, n)));
}

/**
 * Starts a create-container run and, from the moment it holds the host lock (before that it only
 * waits, and another suite's run may be changing the host) until once more after it ends, keeps
 * reaching t7n-live: an MQTT round trip and an HTTPS request per round.
 */
async function whileReachingLive(playbook: string): Promise<{ run: Run; held: boolean; requests: number; failures: string[] }> {
  const started = startPlay(playbook, { customer_name: CHANGE.name, mqtt_port: CHANGE.port });
  const state = { finished: false };
  const run = started.done.finally(() => {
    state.finished = true;
  });
  const held = await lockTaken(started);
  let requests = 0;
  const failures: string[] = [];
  let round = 0;
  let last = false;
  while (!last) {
    last = state.finished;
    round++;
    const results = await Promise.all([clients.mqttOnce(LIVE, `t7n-live round ${round}`), clients.httpsOnce(LIVE, servedBy(LIVE))]);
    requests += results.length;
    for (const why of results) if (why !== null) failures.push(`round ${round}: ${why}`);
  }
  return { run: await run, held, requests, failures };
}

/** A web server in the container, and MQTT answering: the customer is served before a test counts failures. */
async function serve(c: LabCustomer): Promise<void> {
  await startWebServer(c);
  const mqtt = await clients.mqttServes(c, `${c.name} before`);
  if (mqtt !== null) throw new Error(`${c.name} is not served: ${mqtt}`);
}

beforeAll(async () => {
  await readyLab(ours);
  const r = await play(CREATE, { customer_name: LIVE.name, mqtt_port: LIVE.port });
  if (r.code !== 0) throw new Error(`could not create ${LIVE.name}:\n${r.output}`);
  await clients.prepare();
  await serve(LIVE);
}, STEP_MS);

afterAll(() => cleanUp(ours, work), STEP_MS);

describe('a customer template nginx rejects: the previous config stays live and the others keep being served', () => {
  it('creating t7n-change keeps t7n-live served throughout', { timeout: STEP_MS }, async () => {
    const { run, held, requests, failures } = await whileReachingLive(CREATE);
    expect(run.code, run.output).toBe(0);
    // Served from here on, whatever the loop saw: the cases below need its web server.
    await serve(CHANGE);
    expect(held, `the run never held the host lock\n${run.output}`).toBe(true);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(0);
  });

  it.each(mistakes)('%s', { timeout: STEP_MS }, async (label, m) => {
    const playbook = brokenPlaybooks(`mistake-${mistakes.findIndex(([l]) => l === label)}`, m);
    const before = { stream: fileState(streamFile(CHANGE)), http: fileState(httpFile(CHANGE)), master: masterPid(), stray: strayEntries() };
    const changeBefore = await customerState(CHANGE.name, CHANGE.port);
    // The live customer answers before the run starts: failures below are the run's doing.
    expect(await clients.httpsOnce(LIVE, servedBy(LIVE))).toBeNull();

    const { run, held, requests, failures } = await whileReachingLive(playbook);

    // The run fails at the task writing the file, naming it with nginx's own complaint and line.
    expect(run.code, run.output).toBe(2);
    const failed = run.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.task), run.output).toEqual([m.task]);
    expect(run.output, label).toMatch(m.says);

    // Every request to the other customer while the run held the host succeeded.
    expect(held, `the run never held the host lock\n${run.output}`).toBe(true);
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(0);

    // The previous files are back byte for byte (mode too), nginx was not restarted, nothing is left over.
    expect(fileState(streamFile(CHANGE))).toEqual(before.stream);
    expect(fileState(httpFile(CHANGE))).toEqual(before.http);
    expect(masterPid()).toBe(before.master);
    expect(await customerState(CHANGE.name, CHANGE.port)).toEqual(changeBefore);
    expect(changeEntries().sort()).toEqual([httpFile(CHANGE), streamFile(CHANGE)].sort());
    expect(strayEntries().filter((e) => !before.stray.includes(e))).toEqual([]);
    const test = await runArgv([labPaths.nginxBin, '-t']);
    expect(test.exitCode, test.stderr).toBe(0);

    // What the running nginx serves for t7n-change is still its previous config: MQTT and its vhost answer.
    await expectCustomerServed(CHANGE.name, CHANGE.port);
    expect(await clients.httpsOnce(CHANGE, servedBy(CHANGE))).toBeNull();
    expect(await clients.httpsOnce(LIVE, servedBy(LIVE))).toBeNull();
  });

  it('a normal re-run with the good templates reports changed=0', { timeout: STEP_MS }, async () => {
    const run = await play(CREATE, { customer_name: CHANGE.name, mqtt_port: CHANGE.port });
    expect(run.code, run.output).toBe(0);
    expect(changedTasks(run), run.output).toEqual([]);
    expect(changedCount(run)).toBe(0);
  });
});
