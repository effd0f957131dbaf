// validatePlaybook: every task's module exists and its literal arguments match the module's schema;
// every notify names a handler. Arguments holding `{{ }}` are checked after templating at run time.
import type { Diagnostic, Play, Playbook, TaskNode } from '../types.js';
import { checkArgs, normalizeArgs } from './args-check.js';
import { sortDiagnostics } from './errors.js';
import { suggest, TASK_KEYWORDS } from './keywords.js';
import type { ModuleRegistry } from './modules.js';
import { keyPos } from './tasks.js';
import { isTemplated } from './values.js';
import { walkTasks } from './walk.js';

/** Modules the executor implements itself. */
const EXECUTOR_MODULES = new Set(['meta']);

/** Problems of a loaded playbook against the modules it will run with, sorted by file and position. */
export function validatePlaybook(pb: Playbook, registry: ModuleRegistry): Diagnostic[] {
  const diags: Diagnostic[] = [];
  for (const play of pb.plays) {
    const handlers = handlerNames(play);
    walkTasks([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers], (t) => {
      validateTask(t, registry, diags);
      checkNotify(t, handlers, diags);
    });
  }
  return sortDiagnostics(diags);
}

export function validateTask(t: TaskNode, registry: ModuleRegistry, diags: Diagnostic[]): void {
  if (EXECUTOR_MODULES.has(t.module)) return;
  const mod = registry.shape(t.module);
  const modPos = keyPos(t, '$module');
  if (!mod) {
    const near = suggest(t.module, registry.names()) || suggest(t.module, TASK_KEYWORDS).replace('did you mean', 'or a misspelt keyword: did you mean');
    diags.push({ pos: modPos, message: `unknown module '${t.module}'${near}`, field: t.module });
    return;
  }
  // A copy, coerced as the executor will coerce it: "22" is a fine port, "yes" a fine boolean.
  const args = structuredClone(normalizeArgs(mod, t.args));
  for (const p of checkArgs(mod, args, { skipTemplated: true, coerce: true })) {
    const source = p.arg === mod.freeForm && !(p.arg in t.args) ? '_raw_params' : p.arg;
    const pos = t.argPos[source] ?? modPos;
    diags.push({ pos, message: `${t.module}: ${p.message}`, field: p.field ? `${t.module}.${p.field}` : t.module });
  }
}

/** Names a notify may use: handler names, `role : name`, and listen topics. */
function handlerNames(play: Play): Set<string> {
  const names = new Set<string>();
  for (const h of play.handlers) {
    if (h.name) {
      names.add(h.name);
      if (h.role) names.add(`${h.role.name} : ${h.name}`);
    }
    for (const topic of h.listen) names.add(topic);
  }
  return names;
}

function checkNotify(t: TaskNode, handlers: Set<string>, diags: Diagnostic[]): void {
  for (const name of t.notify) {
    if (isTemplated(name) || handlers.has(name)) continue;
    diags.push({ pos: keyPos(t, 'notify'), message: `notify: no handler named '${name}' in this play${suggest(name, handlers)}`, field: 'notify' });
  }
}
