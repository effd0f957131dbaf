// Shell-like word splitting for free-form commands (`command: ls -l "/a b"`) and `validate:` strings.
// Quotes and backslashes group and escape as in sh; nothing is expanded and no shell ever runs.
import { ModuleError } from '../module.js';

// Inside double quotes a backslash escapes only these (as in POSIX sh).
const DQ_ESCAPABLE = new Set(['"', '\\', '$', '`', '\n']);

export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ModuleError(`unterminated single quote in: ${text}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && DQ_ESCAPABLE.has(text[i + 1])) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += text[i];
          i += 1;
        }
      }
      if (i >= text.length) throw new ModuleError(`unterminated double quote in: ${text}`);
      inWord = true;
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new ModuleError(`trailing backslash in: ${text}`);
      if (text[i + 1] !== '\n') word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}
