// Samples of Prometheus's text exposition format (what osm-metrics prints): `name{k="v",...} value`.
// Comments (HELP, TYPE) are skipped; label values are unescaped (\\, \", \n).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseValue(text: string, where: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new Error(`${where}: '${text}' is not a sample value`);
  return v;
}

/** `k="v",k2="v2"` from just after `{`; returns the labels and the index just after `}`. */
function parseLabels(line: string, start: number, where: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
    if (!key || line[i + key.length] !== '=' || line[i + key.length + 1] !== '"') throw new Error(`${where}: bad label at column ${i + 1}`);
    i += key.length + 2;
    let value = '';
    for (;;) {
      const c = line[i++];
      if (c === undefined) throw new Error(`${where}: unterminated label value of ${key}`);
      if (c === '"') break;
      if (c === '\\') {
        const e = line[i++];
        value += e === 'n' ? '\n' : (e ?? '');
      } else value += c;
    }
    labels[key] = value;
  }
}

export function parsePromText(text: string, source = 'metrics'): Sample[] {
  const out: Sample[] = [];
  text.split('\n').forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}:${n + 1}`;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`${where}: no metric name in '${line}'`);
    let rest = name.length;
    let labels: Record<string, string> = {};
    if (line[rest] === '{') ({ labels, end: rest } = parseLabels(line, rest + 1, where));
    const [value = '', timestamp] = line.slice(rest).trim().split(/\s+/);
    if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) throw new Error(`${where}: bad timestamp '${timestamp}'`);
    out.push({ name, labels, value: parseValue(value, where) });
  });
  return out;
}
