// Files as lists of lines that keep their endings, so edits change only what they mean to.

/** Splits text into lines, each with its own line ending (the last may have none). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/(?<=\n)/);
  return lines;
}

/** A line without its ending. */
export function bare(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** The ending for lines we add: always \n, as Ansible (os.linesep on Linux) does, even in CRLF files. */
export const LINE_SEP = '\n';
