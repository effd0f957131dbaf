import { describe, expect, it } from 'vitest';
import { BecomeGate, wrapBecome } from '../../../runner/connection/become.js';

function fakeIo() {
  const io = { written: [] as string[], ended: false, write: (d: string | Buffer) => io.written.push(d.toString()), end: () => (io.ended = true) };
  return io;
}

describe('wrapBecome', () => {
  it('leaves argv alone without become', () => {
    expect(wrapBecome(['id', '-u'])).toEqual({ argv: ['id', '-u'] });
  });

  it('uses non-interactive sudo without a password', () => {
    expect(wrapBecome(['id', '-u'], { method: 'sudo', user: 'root' }).argv).toEqual(['sudo', '-n', '-u', 'root', '-H', '--', 'id', '-u']);
  });

  it('keeps the sudo password out of argv and puts it in stdinPrefix', () => {
    const w = wrapBecome(['cat', '/etc/shadow'], { method: 'sudo', user: 'root', password: 's3cret pass' });
    expect(w.argv.join(' ')).not.toContain('s3cret');
    expect(w.argv.slice(0, 3)).toEqual(['sudo', '-S', '-p']);
    expect(w.argv[3]).toBe(w.prompt);
    expect(w.argv.slice(-2)).toEqual(['cat', '/etc/shadow']);
    expect(w.stdinPrefix).toBe('s3cret pass\n');
    expect(w.readyMarker).toMatch(/^OSM-PLAY-BECOME-OK-[0-9a-f]{16}$/);
  });

  it('makes the prompt unique per command', () => {
    const a = wrapBecome(['true'], { method: 'sudo', user: 'root', password: 'x' });
    const b = wrapBecome(['true'], { method: 'sudo', user: 'root', password: 'x' });
    expect(a.prompt).not.toBe(b.prompt);
  });

  it('quotes argv into su -c', () => {
    expect(wrapBecome(['echo', "it's"], { method: 'su', user: 'nobody' }).argv).toEqual(['su', '-s', '/bin/sh', 'nobody', '-c', "echo 'it'\\''s'"]);
  });

  it('refuses su with a password, saying why', () => {
    expect(() => wrapBecome(['true'], { method: 'su', user: 'root', password: 'x' })).toThrow(/needs a terminal/);
  });
});

describe('BecomeGate', () => {
  it('without a marker, writes stdin at once and passes stderr through', () => {
    const io = fakeIo();
    const gate = new BecomeGate({ argv: ['cat'] }, io, 'input');
    gate.start();
    expect(io.written).toEqual(['input']);
    expect(io.ended).toBe(true);
    expect(gate.onStderr('warn\n')).toBe('warn\n');
    expect(gate.finish()).toBe('');
  });

  it('answers the prompt with the password, then sends stdin after the marker', () => {
    const io = fakeIo();
    const w = wrapBecome(['cat'], { method: 'sudo', user: 'root', password: 'pw' });
    const gate = new BecomeGate(w, io, 'data');
    gate.start();
    expect(io.written).toEqual([]);
    const prompt = w.prompt ?? '';
    // Prompt split across chunks.
    expect(gate.onStderr(prompt.slice(0, 5))).toBe('');
    expect(gate.onStderr(prompt.slice(5))).toBe('');
    expect(io.written).toEqual(['pw\n']);
    expect(io.ended).toBe(false);
    expect(gate.onStderr(`${w.readyMarker}\nreal stderr`)).toBe('real stderr');
    expect(io.written).toEqual(['pw\n', 'data']);
    expect(io.ended).toBe(true);
    expect(gate.onStderr(' more')).toBe(' more');
  });

  it('never sends the password when sudo does not ask (cached ticket, root)', () => {
    const io = fakeIo();
    const w = wrapBecome(['cat'], { method: 'sudo', user: 'root', password: 'pw' });
    const gate = new BecomeGate(w, io, 'data');
    gate.start();
    gate.onStderr(`${w.readyMarker}\n`);
    expect(io.written).toEqual(['data']);
  });

  it('gives up on a second prompt and says the password was wrong', () => {
    const io = fakeIo();
    const w = wrapBecome(['cat'], { method: 'sudo', user: 'root', password: 'bad' });
    const gate = new BecomeGate(w, io);
    gate.start();
    gate.onStderr(`${w.prompt}`);
    gate.onStderr(`\nSorry, try again.\n${w.prompt}`);
    expect(io.ended).toBe(true);
    expect(io.written).toEqual(['bad\n']);
    const rest = gate.finish();
    expect(rest).toContain('Sorry, try again.');
    expect(rest).toContain('incorrect become password');
    expect(rest).not.toContain(w.prompt ?? 'x');
  });
});
