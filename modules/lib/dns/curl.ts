// HTTP through curl on the managed host, configured on stdin (`curl --config -`): the API key and
// the body never reach a command line, where `ps` on that host would show them.

export interface HttpRequest {
  method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** Sent as is (no `@file` reading: a body starting with `@` is refused). */
  body?: string;
  timeoutSeconds?: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** The argv: everything else comes on stdin. */
export const CURL_ARGV = ['curl', '--config', '-'];

/** A curl config string: `\` and `"` escaped, and newlines, which would end the line. */
export function curlQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** The config curl reads on stdin. The status code is written after the body, on its own last line. */
export function curlConfig(req: HttpRequest): string {
  if (req.body?.startsWith('@')) throw new Error('a request body may not start with @ (curl would read a file)');
  const lines = [
    `url = ${curlQuote(req.url)}`,
    `request = ${curlQuote(req.method)}`,
    'silent',
    'show-error',
    `max-time = ${req.timeoutSeconds ?? 30}`,
    // Never follow a redirect with the key to another place.
    'proto = "=http,https"',
    `write-out = ${curlQuote('\n%{http_code}')}`,
  ];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`header = ${curlQuote(`${k}: ${v}`)}`);
  if (req.body !== undefined) lines.push(`data-binary = ${curlQuote(req.body)}`);
  return `${lines.join('\n')}\n`;
}

/** Splits curl's stdout (body, newline, status) as curlConfig asks for it. */
export function parseCurlOutput(output: string): HttpResponse {
  const stdout = output.replace(/\n$/, '');
  const cut = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(cut + 1).trim());
  if (cut < 0 || !Number.isInteger(status) || status < 100) throw new Error(`curl gave no HTTP status (output: ${stdout.slice(0, 200)})`);
  return { status, body: stdout.slice(0, cut) };
}
