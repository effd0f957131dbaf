import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../../runner/connection/quote.js';
import { DRIVER, ReplyParser, ShellProtocolError, encodeRequest, readyLine, type ParsedEvent, type ShellReply } from '../../../runner/connection/shell-protocol.js';

const NONCE = 'abcdef0123456789';

function header(id: string, rc: number, out: Buffer, err: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id} ${rc} ${out.length} ${err.length}\n`), out, err]);
}

function replies(events: ParsedEvent[]): ShellReply[] {
  return events.flatMap((e) => (e.kind === 'reply' ? [e.reply] : []));
}

/** Feeds `stream` cut into pieces of `size` bytes; returns every event in order. */
function feedInPieces(stream: Buffer, size: number): ParsedEvent[] {
  const parser = new ReplyParser(NONCE);
  const events: ParsedEvent[] = [];
  for (let i = 0; i < stream.length; i += size) events.push(...parser.feed(stream.subarray(i, i + size)));
  return events;
}

describe('encodeRequest', () => {
  it.each([
    ['one line, no stdin', 'echo hi', '', '00000001 1 0\necho hi\n'],
    ['a quoted newline makes two lines', "printf '%s' 'a\nb'", 'xy', "00000001 2 2\nprintf '%s' 'a\nb'\nxy"],
    ['an empty line', '', '', '00000001 1 0\n\n'],
  ])('%s', (_name, line, stdin, wire) => {
    expect(encodeRequest('00000001', line, Buffer.from(stdin)).toString()).toBe(wire);
  });

  it('keeps binary stdin byte for byte after the header', () => {
    const stdin = randomBytes(1000);
    const wire = encodeRequest('00000002', 'cat', stdin);
    expect(wire.subarray(wire.length - 1000).equals(stdin)).toBe(true);
    expect(wire.subarray(0, wire.length - 1000).toString()).toBe('00000002 1 1000\ncat\n');
  });

  it.each([
    ['a NUL in the line', '00000001', 'a\0b', /NUL/],
    ['an id that is not hex', 'id with space', 'true', /invalid shell request id/],
  ])('refuses %s', (_name, id, line, message) => {
    expect(() => encodeRequest(id, line)).toThrow(message);
  });
});

describe('ReplyParser', () => {
  const banner = Buffer.from(`Welcome!\n${readyLine('0000000000000000')}\nnot ours\n`);
  const ready = Buffer.from(`${readyLine(NONCE)}\n`);
  // Output that looks like framing: a fake header, the ready line, a partial header, raw bytes.
  const hostileOut = Buffer.concat([Buffer.from(`00000002 0 3 0\nabc\n${readyLine(NONCE)}\n`), randomBytes(300), Buffer.from('00000009 1 ')]);
  const hostileErr = Buffer.from('00000003 0 0 0\n');
  const stream = Buffer.concat([
    banner,
    ready,
    header('00000001', 0, hostileOut, hostileErr),
    header('00000002', 3, Buffer.alloc(0), Buffer.from('boom\n')),
    header('00000003', 255, Buffer.alloc(0), Buffer.alloc(0)),
  ]);

  it.each([1, 2, 7, 64, stream.length])('reads the same replies from %i-byte pieces', (size) => {
    const events = feedInPieces(stream, size);
    expect(events[0]).toEqual({ kind: 'ready' });
    expect(replies(events)).toEqual([
      { id: '00000001', exitCode: 0, stdout: hostileOut, stderr: hostileErr },
      { id: '00000002', exitCode: 3, stdout: Buffer.alloc(0), stderr: Buffer.from('boom\n') },
      { id: '00000003', exitCode: 255, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) },
    ]);
  });

  it('reassembles a huge reply from many chunks', () => {
    const out = randomBytes(8 * 1024 * 1024);
    const events = feedInPieces(Buffer.concat([ready, header('0000000a', 0, out, Buffer.from('e'))]), 65536);
    const [reply] = replies(events);
    expect(reply?.stdout.equals(out)).toBe(true);
    expect(reply?.stderr.toString()).toBe('e');
  });

  it.each([
    ['a header that is not one', 'garbage here\n', /malformed reply header/],
    ['a negative length', '00000001 0 -1 0\n', /malformed reply header/],
    ['a header without end', 'x'.repeat(300), /header too long/],
  ])('refuses %s', (_name, text, message) => {
    const parser = new ReplyParser(NONCE);
    parser.feed(ready);
    expect(() => parser.feed(Buffer.from(text))).toThrow(ShellProtocolError);
    expect(() => new ReplyParser(NONCE).feed(Buffer.concat([ready, Buffer.from(text)]))).toThrow(message);
  });

  it('gives up on a stream that never says ready', () => {
    expect(() => new ReplyParser(NONCE).feed(Buffer.alloc(70 * 1024, 0x41))).toThrow(/never said it was ready/);
  });
});

// The driver itself, run by local shells: what the host's /bin/sh does with the requests.
const SHELLS = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => existsSync(s));

async function drive(shell: string, requests: Array<{ argv: string[]; stdin?: Buffer }>): Promise<ShellReply[]> {
  const child = spawn(shell, ['-c', DRIVER, 'osm-play-shell', readyLine(NONCE)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const parser = new ReplyParser(NONCE);
  const got: ShellReply[] = [];
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout.on('data', (b: Buffer) => got.push(...replies(parser.feed(b))));
  requests.forEach((r, i) => child.stdin.write(encodeRequest(i.toString(16).padStart(8, '0'), shellQuote(r.argv), r.stdin)));
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return got;
}

describe.each(SHELLS)('the driver under %s', (shell) => {
  it('answers each request in order with status, stdout and stderr kept apart', async () => {
    const binary = randomBytes(200_000);
    const got = await drive(shell, [
      { argv: ['printf', '%s|', "it's", 'a\nb', ''] },
      { argv: ['sh', '-c', 'echo out; echo err >&2; exit 7'] },
      { argv: ['cat'], stdin: binary },
      // Reads part of its stdin only: the rest must not leak into the next request.
      { argv: ['head', '-c', '2'], stdin: Buffer.from('abcdef') },
      { argv: ['sh', '-c', 'kill -9 $$'] },
      { argv: ['sh', '-c', 'head -c 3000000 /dev/zero; head -c 100000 /dev/zero >&2'] },
      { argv: ['/no/such/program'] },
      { argv: ['sh', '-c', 'printf "%s" "$PWD"'] },
    ]);
    expect(got.map((r) => r.id)).toEqual(['00000000', '00000001', '00000002', '00000003', '00000004', '00000005', '00000006', '00000007']);
    expect(got[0]).toMatchObject({ exitCode: 0, stdout: Buffer.from("it's|a\nb||") });
    expect(got[1]).toMatchObject({ exitCode: 7, stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n') });
    expect(got[2]?.stdout.equals(binary)).toBe(true);
    expect(got[3]).toMatchObject({ exitCode: 0, stdout: Buffer.from('ab') });
    expect(got[4]?.exitCode).toBe(137);
    expect([got[5]?.stdout.length, got[5]?.stderr.length]).toEqual([3_000_000, 100_000]);
    expect(got[6]?.exitCode).toBe(127);
    expect(got[7]?.stdout.toString()).toBe(process.cwd());
  });

  it('exits on EOF and removes its temp dir', async () => {
    const [reply] = await drive(shell, [{ argv: ['sh', '-c', 'printf "%s" "$(dirname "$(readlink /proc/$PPID/fd/1)")"'] }]);
    // The command's stdout is the driver's temp file; the dir is gone once the driver has exited.
    const dir = reply?.stdout.toString() ?? '';
    expect(dir).toMatch(/osm-play-shell\./);
    expect(existsSync(dir)).toBe(false);
  });
});
