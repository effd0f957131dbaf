// get_url: downloads a URL to a file on the host, with curl on the host. An existing dest is left alone
// unless force or a checksum that does not match; a download equal to the existing file is no change.
// The download goes beside dest and is renamed into place, so dest is never half written.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import { applyAttributes, attributeChanges, gatherAttributes, moveIntoPlace, type AttributeChange, type AttributeState } from '../runner/kit/index.js';
import { tempBeside } from '../runner/kit/temp-beside.js';
import type { Change, Vars } from '../runner/types.js';
import { CURL_STDIN_ARGV } from './lib/http/curl.js';
import { ansibleHeaders, curlRequestConfig, lastCurlError, newMarker, parseCurlResponse } from './lib/http/request.js';

const args = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'http:// or https:// URL.' }),
    dest: Type.String({ minLength: 1, description: 'File to write, or an existing directory (the file is then named after the URL).' }),
    force: Type.Boolean({ default: false, description: 'Download even when dest exists; it changes only when the content differs.' }),
    checksum: Type.Optional(Type.String({ pattern: '^(md5|sha1|sha224|sha256|sha384|sha512):[0-9a-fA-F]+$', description: "'ALGORITHM:HEX' the file must have; an existing dest with another checksum is downloaded again." })),
    headers: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), { default: {}, description: 'Request headers.' }),
    timeout: Type.Integer({ minimum: 1, default: 10, description: 'Seconds for the download.' }),
    validate_certs: Type.Boolean({ default: true, description: 'Verify the server\'s TLS certificate.' }),
    url_username: Type.Optional(Type.String({ description: 'Basic authentication user. Alias: username.' })),
    username: Type.Optional(Type.String({ description: 'Alias of url_username.' })),
    url_password: Type.Optional(Type.String({ description: 'Basic authentication password. Alias: password.' })),
    password: Type.Optional(Type.String({ description: 'Alias of url_password.' })),
    force_basic_auth: Type.Optional(Type.Boolean({ description: 'Accepted: curl sends basic authentication with the first request anyway.' })),
    mode: Type.Optional(Type.Union([Type.String(), Type.Integer()], { description: "Permissions of dest: '0644' (quote it) or symbolic." })),
    owner: Type.Optional(Type.String({ description: 'Owner of dest.' })),
    group: Type.Optional(Type.String({ description: 'Group of dest.' })),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

export interface GetUrlState {
  /** The file written (dest, or dest/BASENAME when dest is a directory). */
  path: string;
  attrs: AttributeState;
  /** Checksum of the existing file with the checksum argument's algorithm, when it is given. */
  existingSum: string | null;
}

export type GetUrlChange = Change<'download'> | AttributeChange;

/** dest itself, or dest/NAME when it is a directory (NAME: the URL path's last part). */
export function destFile(a: Args, destIsDir: boolean): string {
  if (!destIsDir) return a.dest;
  const name = posix.basename(new URL(a.url).pathname);
  if (name === '' || name === '/') throw new ModuleError(`get_url: dest ${a.dest} is a directory and the URL ${a.url} names no file; give dest a file name`);
  return posix.join(a.dest, decodeURIComponent(name));
}

export function splitChecksum(checksum: string): { algorithm: string; hex: string } {
  const i = checksum.indexOf(':');
  return { algorithm: checksum.slice(0, i), hex: checksum.slice(i + 1).toLowerCase() };
}

export function planGetUrl(a: Args, s: GetUrlState): GetUrlChange[] {
  const exists = s.attrs.stat !== null;
  const wanted = { mode: a.mode, owner: a.owner, group: a.group };
  const badSum = a.checksum !== undefined && s.existingSum !== splitChecksum(a.checksum).hex;
  if (!exists || a.force || badSum) {
    const why = !exists ? 'missing' : badSum ? 'checksum differs' : 'force';
    return [{ action: 'download', target: s.path, summary: `download ${a.url} to ${s.path} (${why})` }];
  }
  return attributeChanges(s.path, wanted, s.attrs);
}

async function checksumOf(host: HostContext, path: string, algorithm: string): Promise<string> {
  return (await host.run([`${algorithm}sum`, '--', path])).split(/\s/)[0].toLowerCase();
}

async function gatherGetUrl(host: HostContext, a: Args): Promise<GetUrlState> {
  const st = await host.stat(a.dest);
  const path = destFile(a, st?.isDir ?? false);
  const attrs = await gatherAttributes(host, path, a);
  if (attrs.stat?.isDir) throw new ModuleError(`get_url: ${path} is a directory`);
  const existingSum = attrs.stat && a.checksum ? await checksumOf(host, path, splitChecksum(a.checksum).algorithm) : null;
  return { path, attrs, existingSum };
}

/** Downloads to a temp file beside path; returns its name and the response. Fails on a status other than 200. */
async function download(host: HostContext, a: Args, path: string): Promise<{ tmp: string; data: Vars }> {
  const tmp = tempBeside(path, 'get_url');
  const marker = newMarker();
  const name = a.url_username ?? a.username;
  const req = {
    method: 'GET', url: a.url, output: tmp, followRedirects: true,
    headers: Object.fromEntries(Object.entries(a.headers).map(([k, v]) => [k, String(v)])),
    timeoutSeconds: a.timeout, validateCerts: a.validate_certs,
    user: name !== undefined ? { name, password: a.url_password ?? a.password ?? '' } : undefined,
  };
  const r = await host.exec({ argv: CURL_STDIN_ARGV }, { stdin: curlRequestConfig(req, marker) });
  let res;
  try {
    res = parseCurlResponse(r.stdout, r.stderr, marker);
  } catch {
    await host.exec({ argv: ['rm', '-f', '--', tmp] });
    throw new ModuleError(`get_url: Request failed: ${lastCurlError(r.stderr) || `curl exited ${r.exitCode}`}`, { rc: r.exitCode });
  }
  const data: Vars = { status_code: res.status, url: res.url, ...ansibleHeaders(res.headers) };
  if (res.status !== 200) {
    await host.exec({ argv: ['rm', '-f', '--', tmp] });
    throw new ModuleError(`get_url: Request failed: HTTP Error ${res.status} for ${a.url}`);
  }
  return { tmp, data };
}

export default defineModule({
  name: 'get_url',
  doc:
    'Downloads a URL to a file on the host with curl (credentials on stdin, not the command line). An existing dest is kept unless force is ' +
    'set or its checksum differs from `checksum`; a download is checked against `checksum`, and is no change when equal to the file it ' +
    'would replace. Written beside dest and renamed into place. mode/owner/group are applied. Fails on an HTTP status other than 200.',
  example: ['- get_url:', '    url: https://example.org/tool.tar.gz', '    dest: /opt/tool.tar.gz', "    checksum: 'sha256:0123...'", "    mode: '0644'"].join('\n'),
  args,
  secretArgs: ['url_password', 'password'],
  gather: gatherGetUrl,
  plan: planGetUrl,
  async apply(host, a, changes, s) {
    const wanted = { mode: a.mode, owner: a.owner, group: a.group };
    // A download fixes attributes after it; without one the plan is attribute changes only.
    const downloads = changes.filter((c) => {
      switch (c.action) {
        case 'download':
          return true;
        case 'attributes':
          return false;
        default:
          return unknownChange(c);
      }
    });
    if (downloads.length === 0) {
      await applyAttributes(host, s.path, wanted);
      return;
    }
    const { tmp, data } = await download(host, a, s.path);
    const sha1 = await checksumOf(host, tmp, 'sha1');
    if (a.checksum) {
      const { algorithm, hex } = splitChecksum(a.checksum);
      const got = await checksumOf(host, tmp, algorithm);
      if (got !== hex) {
        await host.exec({ argv: ['rm', '-f', '--', tmp] });
        throw new ModuleError(`get_url: the ${algorithm} checksum of ${a.url} is ${got}, not ${hex}`);
      }
    }
    const same = s.attrs.stat !== null && (await checksumOf(host, s.path, 'sha1')) === sha1;
    if (same) await host.exec({ argv: ['rm', '-f', '--', tmp] });
    else await moveIntoPlace(host, tmp, s.path);
    const attrsChanged = attributeChanges(s.path, wanted, { ...s.attrs, stat: await host.stat(s.path) }).length > 0;
    if (attrsChanged) await applyAttributes(host, s.path, wanted);
    return { changed: !same || attrsChanged, data: { ...data, checksum_src: sha1, checksum_dest: sha1, msg: same ? 'file already exists' : `OK (${data['content_length'] ?? '?'} bytes)` } };
  },
  result: (a, s) => ({ dest: s.path, url: a.url }),
});
