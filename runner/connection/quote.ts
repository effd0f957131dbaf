// The one place an argv becomes a POSIX shell command line (for `sh -c`, ssh exec, su -c).
// Every word is single-quoted unless it is made only of characters no shell treats specially.

// No '=' (a first word `a=b` would be an assignment), no '~' (tilde expansion), no glob or space chars.
const SAFE_WORD = /^[A-Za-z0-9_@%+,.:/-]+$/;

/** Quotes one word so `sh` reads it back byte for byte. */
export function quoteWord(word: string): string {
  // No shell word can carry a NUL byte; refuse rather than silently truncate.
  if (word.includes('\0')) throw new Error('a command argument cannot contain a NUL byte');
  if (SAFE_WORD.test(word)) return word;
  // Inside single quotes nothing is special except the closing quote: end, emit \', reopen.
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one command line that `sh -c` splits back into exactly argv. */
export function shellQuote(argv: string[]): string {
  return argv.map(quoteWord).join(' ');
}
