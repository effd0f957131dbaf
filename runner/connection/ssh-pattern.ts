// OpenSSH glob patterns (`*` any run, `?` one character), used by known_hosts and ~/.ssh/config.

export function matchPattern(text: string, pattern: string): boolean {
  // Iterative glob match with backtracking on the last `*`.
  let t = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A comma/space pattern list with `!negation`: true when a positive pattern matches and no negated one. */
export function matchPatternList(text: string, patterns: string[]): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchPattern(text, p.slice(1))) return false;
    } else if (matchPattern(text, p)) positive = true;
  }
  return positive;
}
