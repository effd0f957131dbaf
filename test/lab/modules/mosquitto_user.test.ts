// mosquitto_user against a real mosquitto 2 broker on a free loopback port: the node-made hash must
// let the user in, the wrong password must not, and re-runs must not rewrite the file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLab } from '../../helpers/lab.js';
import { freePort } from '../../helpers/sshd.js';
import mosquittoUser from '../../../modules/mosquitto_user.js';
import { run } from './lab-host.js';

const dir = mkdtempSync(join(tmpdir(), 't5b-mosq-'));
// mosquitto drops to its own user, which must reach the file.
chmodSync(dir, 0o755);
const file = join(dir, 'passwd');
let broker: ChildProcess | undefined;
let port = 0;

async function canConnect(user: string, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username: user, password, reconnectPeriod: 0, connectTimeout: 5000 });
    c.on('connect', () => {
      c.end(true);
      resolve(true);
    });
    c.on('error', () => {
      c.end(true);
      resolve(false);
    });
  });
}

async function startBroker(): Promise<void> {
  port = await freePort();
  writeFileSync(join(dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous false\npassword_file ${file}\npersistence false\n`);
  broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  // Ready when the port accepts TCP.
  for (let i = 0; i < 50; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('mosquitto did not start');
}

beforeAll(async () => {
  await ensureLab();
});

afterAll(() => {
  broker?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const base = { file, user: 't5b-alice', owner: 'mosquitto', group: 'mosquitto' };

describe('mosquitto_user (real mosquitto 2)', () => {
  it('adds the user (changed, 0640 mosquitto), then again is ok without rewriting', async () => {
    const r = await run(mosquittoUser, { ...base, password: 'first secret' });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('changed');
    expect(r.diff).toContain('+t5b-alice:<hash redacted>');
    expect(JSON.stringify(r)).not.toContain('first secret');
    const st = statSync(file);
    expect(st.mode & 0o777).toBe(0o640);
    const before = readFileSync(file, 'utf8');
    const again = await run(mosquittoUser, { ...base, password: 'first secret' });
    expect(again.status).toBe('ok');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('the broker accepts the node-made hash and refuses a wrong password', async () => {
    await startBroker();
    expect(await canConnect('t5b-alice', 'first secret')).toBe(true);
    expect(await canConnect('t5b-alice', 'wrong')).toBe(false);
  });

  it('accepts a hash mosquitto_passwd made ($6$) as matching', async () => {
    const other = join(dir, 'passwd6');
    writeFileSync(other, '');
    execFileSync('mosquitto_passwd', ['-H', 'sha512', '-b', other, 't5b-bob', 'bob pw']);
    expect(readFileSync(other, 'utf8')).toMatch(/^t5b-bob:\$6\$/);
    expect((await run(mosquittoUser, { file: other, user: 't5b-bob', password: 'bob pw' })).changes.map((c) => c.action)).toEqual(['chmod']);
  });

  it('check mode with a new password reports it and alters nothing', async () => {
    const before = readFileSync(file, 'utf8');
    const r = await run(mosquittoUser, { ...base, password: 'second secret' }, { check: true });
    expect(r.status).toBe('changed');
    expect(r.diff ?? '').not.toMatch(/\$7\$/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('a new password rewrites the line; the broker takes it after SIGHUP', async () => {
    const r = await run(mosquittoUser, { ...base, password: 'second secret' });
    expect(r.status).toBe('changed');
    broker?.kill('SIGHUP');
    await new Promise((res) => setTimeout(res, 500));
    expect(await canConnect('t5b-alice', 'second secret')).toBe(true);
    expect(await canConnect('t5b-alice', 'first secret')).toBe(false);
  });

  it('absent removes the user; again is ok', async () => {
    expect((await run(mosquittoUser, { ...base, state: 'absent' })).status).toBe('changed');
    expect(readFileSync(file, 'utf8')).not.toContain('t5b-alice:');
    expect((await run(mosquittoUser, { ...base, state: 'absent' })).status).toBe('ok');
  });
});
