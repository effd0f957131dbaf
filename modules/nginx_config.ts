// nginx_config: one nginx file (http or stream), tested with nginx -t over the whole tree, then
// reloaded; any failure puts the previous file back so nginx keeps serving what it served before.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { fileChange, writeValidated, type FileContentChange } from '../runner/kit/index.js';
import { defineModule, ModuleError, unknownChange, type HostContext } from '../runner/module.js';
import type { Change } from '../runner/types.js';
import { instancePaths, masterPid, nginxArgv, nginxMessage, reloadOrStart, testConfig, type NginxInstance } from './lib/nginx/control.js';
import { notIncluded, streamPortConflicts, type PortFacts } from './lib/nginx/ports.js';
import { splitNginxDump, walkNginxTree } from './lib/nginx/config.js';
import { parseSsListeners } from './lib/net/ss-listeners.js';

const args = Type.Object({
  path: Type.String({ pattern: '^/', description: 'Absolute path of the nginx file to manage.' }),
  content: Type.Optional(Type.String({ description: 'The file content (already templated by the task).' })),
  src: Type.Optional(Type.String({ description: "A Jinja2 template on the controller (looked up in templates/), rendered with the task's vars." })),
  kind: Type.Union([Type.Literal('http'), Type.Literal('stream')], {
    default: 'http',
    description: '`stream` files have their `listen` ports checked against other files and listening programs.',
  }),
  nginx_conf: Type.String({ default: '/etc/nginx/nginx.conf', description: 'Main nginx configuration file (`-c`).' }),
  nginx_prefix: Type.Optional(Type.String({ description: 'nginx prefix (`-p`), for a separate instance.' })),
  state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present', description: '`absent` removes the file.' }),
  reload: Type.Boolean({ default: true, description: 'Reload nginx (or start it when not running) after a change.' }),
});

export interface NginxConfigState {
  current: string | null;
  /** Rendered content for state=present. */
  desired?: string;
  /** Only gathered for stream files that change. */
  ports?: PortFacts;
}

/** What the plan reads of the arguments. */
type PlanArgs = Pick<Static<typeof args>, 'path' | 'kind' | 'state' | 'reload' | 'nginx_conf' | 'nginx_prefix'>;

function instance(a: PlanArgs): NginxInstance {
  return { conf: a.nginx_conf, prefix: a.nginx_prefix };
}

/** What nginx_config plans: the file change, then the test (with the reload unless reload is false). */
export type NginxConfigChange = Change<'delete'> | FileContentChange | Change<'reload'> | Change<'test'>;

/** Pure: the file change and the reload; throws ModuleError when a stream port is taken. */
export function planNginxConfig(a: PlanArgs, s: NginxConfigState): NginxConfigChange[] {
  const changes: NginxConfigChange[] = [];
  if (a.state === 'absent') {
    if (s.current === null) return [];
    changes.push({ action: 'delete', target: a.path, summary: `remove ${a.path}`, before: s.current, after: '' });
  } else {
    const desired = s.desired ?? '';
    if (s.current === desired) return [];
    if (a.kind === 'stream' && s.ports) {
      const lost = notIncluded(a.path, s.ports);
      if (lost) throw new ModuleError(`refusing to write ${a.path}: ${lost}`);
      const conflicts = streamPortConflicts(a.path, desired, s.ports);
      if (conflicts.length > 0) throw new ModuleError(`refusing to write ${a.path}: ${conflicts.join('; ')}`);
    }
    changes.push(...fileChange(a.path, s.current, desired));
  }
  const test = nginxArgv(instance(a), '-t').join(' ');
  changes.push({
    action: a.reload ? 'reload' : 'test',
    target: a.nginx_conf,
    summary: a.reload ? `would run: ${test}, then reload nginx (or start it)` : `would run: ${test}`,
  });
  return changes;
}

/** apply works from the arguments, as one step with its rollback; this proves each planned change is one of its parts. */
function checkNginxChanges(changes: readonly NginxConfigChange[]): void {
  for (const c of changes) {
    switch (c.action) {
      case 'delete':
      case 'create':
      case 'write':
      case 'test':
      case 'reload':
        break;
      default:
        unknownChange(c);
    }
  }
}

async function gatherPorts(host: HostContext, a: PlanArgs): Promise<PortFacts> {
  const n = instance(a);
  const argv = nginxArgv(n, '-T');
  const dump = await host.exec({ argv });
  if (dump.exitCode !== 0) {
    throw new ModuleError(`cannot read the current nginx configuration (nginx -T): ${nginxMessage(dump.stderr)}`, { rc: dump.exitCode, stderr: dump.stderr, argv });
  }
  const tree = walkNginxTree(splitNginxDump(dump.stdout), a.nginx_conf, a.nginx_prefix);
  const ss = await host.run(['ss', '-ltnpH']);
  const { pidFile } = await instancePaths(host, n);
  return {
    streamListens: tree.streamListens,
    listeners: parseSsListeners(ss),
    nginxMaster: await masterPid(host, tree.pid ?? pidFile),
    streamIncludes: tree.includes.stream,
  };
}

export default defineModule({
  name: 'nginx_config',
  doc:
    'Writes (or removes) one nginx configuration file, from `content` or a `src` template. The file goes in ' +
    'through a temp file and rename; then `nginx [-p PREFIX] -c CONF -t` tests the whole tree and nginx is ' +
    'reloaded (or started when not running). If the test or the reload fails (a reload is proven by new worker ' +
    'processes; a refused reload is read from the error log) the previous file is put back (or the new one removed) ' +
    "and nginx reloaded again, so it serves exactly what it served before; the error carries nginx's message. " +
    'For `kind: stream` it refuses a `listen` port used by another file of the running configuration (file:line) ' +
    'or held by another program (`ss -ltnp`: program/pid). Changed when the content differs; same content is ok, no reload.',
  example: `- name: customer MQTT over TLS
  nginx_config:
    path: /etc/nginx/devtank/customers.stream.d/{{ customer_name }}.conf
    kind: stream
    src: customer.stream.conf.j2`,
  args,
  async gather(host, a) {
    const current = await host.readFile(a.path);
    if (a.state === 'absent') return { current };
    if ((a.content === undefined) === (a.src === undefined)) throw new ModuleError('nginx_config: give exactly one of content or src');
    const desired = a.src !== undefined ? host.render(readFileSync(host.findFile('templates', a.src), 'utf8')) : (a.content ?? '');
    const state: NginxConfigState = { current, desired };
    if (a.kind === 'stream' && current !== desired) state.ports = await gatherPorts(host, a);
    return state;
  },
  plan(a, s) {
    return planNginxConfig(a, s);
  },
  async apply(host, a, changes, s) {
    checkNginxChanges(changes);
    const n = instance(a);
    let reloaded = false;
    const check = async (h: HostContext): Promise<void> => {
      await testConfig(h, n);
      if (a.reload) {
        reloaded = true;
        await reloadOrStart(h, n);
      }
    };
    // After putting the old file back, nginx must be made to serve it again if it was reloaded.
    const onRollback = async (h: HostContext): Promise<void> => {
      if (!reloaded) return;
      // New workers appear only once the master has given up on the refused config, so this also waits that out.
      await reloadOrStart(h, n, { watchLog: false }).catch((err: unknown) => {
        h.log(`nginx reload after restoring the previous file failed: ${err instanceof Error ? err.message : String(err)}`);
      });
    };
    if (a.state === 'present') {
      await writeValidated(host, a.path, s.desired ?? '', { check, onRollback });
      return { data: { path: a.path } };
    }
    const previous = await host.conn.readFile(a.path, { become: host.become });
    const prevStat = await host.stat(a.path);
    await host.run(['rm', '-f', '--', a.path]);
    try {
      await check(host);
    } catch (err) {
      if (previous !== null) {
        const attrs = prevStat ? { mode: prevStat.mode, owner: String(prevStat.uid), group: String(prevStat.gid) } : {};
        await writeValidated(host, a.path, previous, { ...attrs, known: { content: null, stat: null } });
      }
      await onRollback(host);
      const why = err instanceof Error ? err.message : String(err);
      throw new ModuleError(`removing ${a.path} failed, file restored: ${why}`, err instanceof ModuleError ? err.detail : {});
    }
    return { data: { path: a.path } };
  },
  result(a) {
    return { path: a.path };
  },
});
