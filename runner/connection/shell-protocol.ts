// The wire format of the persistent remote shell (see remote-shell.ts): a POSIX `sh` driver loop on
// the host reads framed requests on its stdin and answers framed replies on its stdout.
//
// Request:  `<id> <lines> <bytes>\n`, then the command line (already quoted by quote.ts) as exactly
//           <lines> newline-terminated lines, then <bytes> raw bytes for the command's stdin.
// Reply:    `<id> <exit status> <stdout bytes> <stderr bytes>\n`, then stdout, then stderr, raw.
// Payloads are length-prefixed and never scanned, so no output (binary, or printing header-like
// text) can spoof the framing; the id in each reply header must be the one the request carried.
// The command's stdout and stderr go to files in a private temp dir first, so their lengths are known
// before the reply starts and a background process left writing cannot interleave with the framing.

/** Bumped when the wire format changes (the ready line carries it). */
export const PROTOCOL_VERSION = 1;

// `read` reads a pipe one byte at a time and GNU `head -c N` never reads past N bytes, so both take
// exactly their request's bytes. Traps run actions (never ''), so commands keep default signal
// handling; HUP/PIPE/TERM become exits so the EXIT trap removes the temp dir. On EOF (the controller
// or the link is gone) the loop ends and the shell exits: nothing is left behind on the host.
export const DRIVER = [
  'd=$(mktemp -d "${TMPDIR:-/tmp}/osm-play-shell.XXXXXX") || exit 97',
  'trap \'rm -rf -- "$d"\' EXIT',
  "trap 'exit 129' HUP",
  "trap 'exit 141' PIPE",
  "trap 'exit 143' TERM",
  'for t in head stat rm cat; do command -v "$t" >/dev/null || { echo "osm-play shell: $t is missing" >&2; exit 98; }; done',
  'printf "%s\\n" "$1"',
  "while IFS=' ' read -r id n len; do",
  '  s=; i=0',
  '  while [ "$i" -lt "$n" ]; do',
  '    IFS= read -r l || exit 0',
  '    if [ "$i" = 0 ]; then s=$l; else s="$s',
  '$l"; fi',
  '    i=$((i + 1))',
  '  done',
  '  rm -f -- "$d/o" "$d/e"',
  '  if [ "$len" -gt 0 ]; then',
  // The command may stop reading early: cat takes what it left, so the next request starts in place.
  '    head -c "$len" | ( eval "$s"; r=$?; cat >/dev/null; exit "$r" ) >"$d/o" 2>"$d/e"',
  '  else',
  '    ( eval "$s" ) </dev/null >"$d/o" 2>"$d/e"',
  '  fi',
  '  r=$?',
  '  set -- $(stat -c %s -- "$d/o" "$d/e")',
  '  printf "%s %s %s %s\\n" "$id" "$r" "$1" "$2"',
  '  [ "$1" = 0 ] || head -c "$1" <"$d/o"',
  '  [ "$2" = 0 ] || head -c "$2" <"$d/e"',
  'done',
].join('\n');

/** The line the driver prints once it is ready; the nonce keeps a login banner from faking it. */
export function readyLine(nonce: string): string {
  return `OSM-PLAY-SHELL-READY v${PROTOCOL_VERSION} ${nonce}`;
}

const ID = /^[0-9a-f]{8,32}$/;

/** One request as the driver reads it. */
export function encodeRequest(id: string, line: string, stdin: Buffer = Buffer.alloc(0)): Buffer {
  if (!ID.test(id)) throw new Error(`invalid shell request id: ${JSON.stringify(id)}`);
  // quoteWord already refuses NUL; a shell variable could not hold one either.
  if (line.includes('\0')) throw new Error('a command line cannot contain a NUL byte');
  const lines = line.split('\n');
  const head = `${id} ${lines.length} ${stdin.length}\n${lines.join('\n')}\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), stdin]);
}

export interface ShellReply {
  id: string;
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** The stream broke the protocol: the shell cannot be trusted any more. */
export class ShellProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellProtocolError';
  }
}

const REPLY_HEADER = /^([0-9a-f]{8,32}) (\d{1,3}) (\d{1,15}) (\d{1,15})$/;
// A header is ~60 bytes; far more without a newline means the stream is not ours.
const MAX_HEADER = 256;
// What may come before the ready line (a login banner from rc files) is skipped, up to this much.
const MAX_PREAMBLE = 64 * 1024;
const NL = 0x0a;

export type ParsedEvent = { kind: 'ready' } | { kind: 'reply'; reply: ShellReply };

/** Turns the driver's stdout, in chunks of any size and split anywhere, into events. */
export class ReplyParser {
  private state: 'handshake' | 'header' | 'body' = 'handshake';
  private chunks: Buffer[] = [];
  private held = 0;
  private header: { id: string; exitCode: number; outLen: number; errLen: number } | undefined;
  private readonly ready: Buffer;

  constructor(nonce: string) {
    this.ready = Buffer.from(`${readyLine(nonce)}\n`, 'utf8');
  }

  feed(chunk: Buffer): ParsedEvent[] {
    this.chunks.push(chunk);
    this.held += chunk.length;
    const events: ParsedEvent[] = [];
    for (;;) {
      const event = this.step();
      if (event === 'more') return events;
      if (event !== 'continue') events.push(event);
    }
  }

  private step(): ParsedEvent | 'more' | 'continue' {
    if (this.state === 'handshake') return this.handshake();
    if (this.state === 'header') return this.readHeader();
    return this.readBody();
  }

  private handshake(): ParsedEvent | 'more' {
    const buf = this.flat();
    const at = buf.indexOf(this.ready);
    if (at < 0) {
      if (buf.length > MAX_PREAMBLE) throw new ShellProtocolError('the remote shell never said it was ready');
      return 'more';
    }
    this.keep(buf.subarray(at + this.ready.length));
    this.state = 'header';
    return { kind: 'ready' };
  }

  private readHeader(): 'more' | 'continue' {
    const buf = this.flat();
    const nl = buf.indexOf(NL);
    if (nl < 0) {
      if (buf.length > MAX_HEADER) throw new ShellProtocolError('reply header too long');
      return 'more';
    }
    const text = buf.subarray(0, nl).toString('latin1');
    const m = REPLY_HEADER.exec(text);
    if (!m) throw new ShellProtocolError(`malformed reply header: ${JSON.stringify(text.slice(0, 80))}`);
    this.header = { id: m[1]!, exitCode: Number(m[2]), outLen: Number(m[3]), errLen: Number(m[4]) };
    this.keep(buf.subarray(nl + 1));
    this.state = 'body';
    return 'continue';
  }

  private readBody(): ParsedEvent | 'more' {
    const h = this.header!;
    const need = h.outLen + h.errLen;
    // Large output arrives in many chunks: join them once, when all are here.
    if (this.held < need) return 'more';
    const buf = this.flat();
    const reply: ShellReply = {
      id: h.id,
      exitCode: h.exitCode,
      // Copies, so a reply does not pin the whole joined buffer.
      stdout: Buffer.from(buf.subarray(0, h.outLen)),
      stderr: Buffer.from(buf.subarray(h.outLen, need)),
    };
    this.keep(buf.subarray(need));
    this.header = undefined;
    this.state = 'header';
    return { kind: 'reply', reply };
  }

  private flat(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private keep(rest: Buffer): void {
    this.chunks = rest.length > 0 ? [rest] : [];
    this.held = rest.length;
  }
}
