// apt_key through the CLI on localhost with the real gpg: keys generated in a temp GNUPGHOME, the
// keyring argument pointing into the temp dir (this machine's APT keys are not touched), and a key
// served over loopback HTTP for url.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPlay } from './cli-play.js';

const play = cliPlay('aptkey');
const home = join(play.dir, 'gnupg');
const keyring = join(play.dir, 'keyrings', 'test.gpg');
const gpg = (...argv: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...argv]);
let server: Server;
let port = 0;

interface Key { fpr: string; keyid: string; armored: string }
const keys: Key[] = [];

function makeKey(name: string): Key {
  gpg('--quick-gen-key', `${name} <${name}@example.org>`, 'ed25519', 'sign', 'never');
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys', `${name}@example.org`).toString())?.[1] ?? '';
  return { fpr, keyid: fpr.slice(-16), armored: gpg('--armor', '--export', fpr).toString() };
}

/** Fingerprints of the primary keys in a keyring file, read by gpg. */
const fprsIn = (file: string) => [...execFileSync('gpg', ['--homedir', home, '--batch', '--with-colons', '--show-keys', file]).toString().matchAll(/^pub(?:.*\n)fpr:+([0-9A-F]{40}):/gm)].map((m) => m[1]);

beforeAll(() => {
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(join(play.dir, 'keyrings'));
  keys.push(makeKey('first'), makeKey('second'));
  execFileSync('gpg', ['--homedir', home, '--batch', '--yes', '--output', join(play.dir, 'second.gpg'), '--export', keys[1].fpr]);
  server = createServer((req, res) => {
    if (req.url === '/key.asc') res.end(keys[0].armored);
    else res.writeHead(404).end();
  });
  return new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), ok())));
}, 60_000);
afterAll(() => {
  server?.close();
  // gpg started an agent for this home when it made the keys.
  execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']);
  play.cleanup();
});

const task = (args: string) => `- hosts: localhost
  gather_facts: false
  tasks:
    - apt_key: ${args}
      register: r
    - copy: { content: "{{ r | to_json }}", dest: "{{ out }}/r.json" }
      check_mode: false
`;
const status = (stdout: string) => /^(ok|changed|failed): \[localhost\] apt_key\b/m.exec(stdout)?.[1];
const present = () => task(`{ data: "{{ lookup('file', '${join(play.dir, 'first.asc')}') }}", keyring: "${keyring}" }`);

describe('apt_key (CLI, local connection, real gpg)', () => {
  it('data: check mode writes nothing; the run writes a binary keyring gpg reads; then ok', async () => {
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', join(play.dir, 'first.asc')], { input: keys[0].armored });
    const check = await play.run(present(), ['--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(status(check.stdout)).toBe('changed');
    expect(existsSync(keyring)).toBe(false);
    expect(play.result('r')).toMatchObject({ id: keys[0].keyid, key_id: keys[0].keyid, short_id: keys[0].keyid.slice(-8), before: [] });

    const r = await play.run(present());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(status(r.stdout)).toBe('changed');
    expect(readFileSync(keyring)[0] & 0x80).toBe(0x80); // an OpenPGP packet, not armor: what apt reads in trusted.gpg.d
    expect(fprsIn(keyring)).toEqual([keys[0].fpr]);
    expect(play.result('r').after).toEqual([keys[0].keyid]);

    expect(status((await play.run(present())).stdout)).toBe('ok');
  }, 120_000);

  it('file (binary) with a fingerprint id: appended to the keyring; a wrong id fails before writing', async () => {
    const wrong = await play.run(task(`{ id: "${keys[0].fpr}", file: "${join(play.dir, 'second.gpg')}", keyring: "${join(play.dir, 'keyrings', 'other.gpg')}" }`));
    expect(status(wrong.stdout)).toBe('failed');
    expect(wrong.stdout).toContain(`does not hold key ${keys[0].fpr}`);
    expect(existsSync(join(play.dir, 'keyrings', 'other.gpg'))).toBe(false);

    const args = `{ id: "0x${keys[1].fpr.toLowerCase()}", file: "${join(play.dir, 'second.gpg')}", keyring: "${keyring}" }`;
    const r = await play.run(task(args));
    expect(status(r.stdout)).toBe('changed');
    expect(fprsIn(keyring)).toEqual([keys[0].fpr, keys[1].fpr]);
    expect(status((await play.run(task(args))).stdout)).toBe('ok');
  }, 120_000);

  it('absent: removes one key and keeps the other, then deletes the keyring with the last one', async () => {
    const drop = (id: string) => task(`{ id: "${id}", keyring: "${keyring}", state: absent }`);
    const check = await play.run(drop(keys[0].keyid.slice(-8)), ['--check']);
    expect(status(check.stdout)).toBe('changed');
    expect(fprsIn(keyring)).toHaveLength(2);

    expect(status((await play.run(drop(keys[0].keyid.slice(-8)))).stdout)).toBe('changed');
    expect(fprsIn(keyring)).toEqual([keys[1].fpr]);
    expect(status((await play.run(drop(keys[0].keyid))).stdout)).toBe('ok');

    expect(status((await play.run(drop(keys[1].fpr))).stdout)).toBe('changed');
    expect(existsSync(keyring)).toBe(false);
  }, 120_000);

  it("without keyring (check mode only): would write the key to its own keyring in /etc/apt/trusted.gpg.d", async () => {
    const r = await play.run(task(`{ data: "{{ lookup('file', '${join(play.dir, 'first.asc')}') }}" }`), ['--check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`would add key ${keys[0].keyid} to /etc/apt/trusted.gpg.d/${keys[0].keyid}.gpg`);
    expect(existsSync(`/etc/apt/trusted.gpg.d/${keys[0].keyid}.gpg`)).toBe(false);
  }, 120_000);

  it('url: fetched with curl on the host over loopback HTTP; a 404 fails naming the URL', async () => {
    const file = join(play.dir, 'keyrings', 'url.gpg');
    const r = await play.run(task(`{ url: "http://127.0.0.1:${port}/key.asc", keyring: "${file}" }`));
    expect(status(r.stdout)).toBe('changed');
    expect(fprsIn(file)).toEqual([keys[0].fpr]);
    const missing = await play.run(task(`{ url: "http://127.0.0.1:${port}/nope.asc", keyring: "${file}.2" }`));
    expect(status(missing.stdout)).toBe('failed');
    expect(missing.stdout).toContain(`Failed to download key at http://127.0.0.1:${port}/nope.asc: HTTP Error 404`);
  }, 120_000);
});
