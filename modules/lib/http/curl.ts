// curl configured on stdin (`curl --config -`): URLs, credentials and bodies never reach a command
// line, where `ps` on the managed host would show them. One config builder for every caller.

/** The argv: everything else comes on stdin. */
export const CURL_STDIN_ARGV = ['curl', '--config', '-'];

export interface CurlOptions {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as is (no `@file` reading: a body starting with `@` is refused). */
  body?: string;
  timeoutSeconds: number;
  followRedirects?: boolean;
  /** false passes `insecure`; default true. */
  validateCerts?: boolean;
  /** user:password for basic authentication. */
  user?: { name: string; password: string };
  /** Write the body to this file on the host instead of stdout. */
  output?: string;
  /** Write the response header blocks to stdout before the body. */
  dumpHeaders?: boolean;
}

/** A curl config string: `\` and `"` escaped, and newlines, which would end the line. */
export function curlQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** The config curl reads on stdin; `writeOut` is curl's --write-out, printed after the body. */
export function curlConfig(req: CurlOptions, writeOut: string): string {
  if (req.body?.startsWith('@')) throw new Error('a request body may not start with @ (curl would read a file)');
  const lines = [
    `url = ${curlQuote(req.url)}`,
    `request = ${curlQuote(req.method)}`,
    'silent',
    'show-error',
    `max-time = ${req.timeoutSeconds}`,
    // Never follow a redirect (with a key or a password) to file:// or another scheme.
    'proto = "=http,https"',
  ];
  if (req.dumpHeaders) lines.push('dump-header = "-"');
  lines.push(`write-out = ${curlQuote(writeOut)}`);
  if (req.method === 'HEAD') lines.push('head');
  if (req.followRedirects) lines.push('location');
  if (req.validateCerts === false) lines.push('insecure');
  if (req.user) lines.push(`user = ${curlQuote(`${req.user.name}:${req.user.password}`)}`);
  if (req.output) lines.push(`output = ${curlQuote(req.output)}`);
  for (const [k, v] of Object.entries(req.headers)) lines.push(`header = ${curlQuote(`${k}: ${v}`)}`);
  if (req.body !== undefined) lines.push(`data-binary = ${curlQuote(req.body)}`);
  return `${lines.join('\n')}\n`;
}
