// --ask-become-pass (and --ask-vault-pass): read from the terminal without echo, or the first line of
// stdin when piped.
import type { ReadStream } from 'node:tty';

export async function readBecomePassword(
  stdin: NodeJS.ReadStream = process.stdin,
  prompt: (s: string) => void = (s) => process.stderr.write(s),
  label = 'BECOME password: ',
): Promise<string> {
  // A terminal's stdin can go raw (node:tty's ReadStream, told by its method: importing node:tty to
  // ask instanceof would load it, and net, at every start).
  if (stdin.isTTY && typeof (stdin as Partial<ReadStream>).setRawMode === 'function') return readHidden(stdin as ReadStream, prompt, label);
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

function readHidden(tty: ReadStream, prompt: (s: string) => void, label: string): Promise<string> {
  prompt(label);
  return new Promise((resolve, reject) => {
    let value = '';
    tty.setRawMode(true);
    tty.resume();
    const done = (err?: Error) => {
      tty.setRawMode(false);
      tty.pause();
      tty.off('data', onData);
      prompt('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    tty.on('data', onData);
  });
}
