// shell: runs a script through /bin/sh (or `executable`).
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { commandTaskArgs, commandTaskResult, gatherCommandTask, planCommandTask, runCommandTask, type CommandTaskChange } from '../runner/kit/command-task.js';

const args = Type.Object(
  {
    _raw_params: Type.Optional(Type.String({ description: 'Free-form script (`shell: ls | wc -l`). Trailing `creates=`/`removes=`/`chdir=`/`executable=` words are taken as options.' })),
    cmd: Type.Optional(Type.String({ description: 'The script, as text.' })),
    // No schema default: a free-form `executable=` word must win over an omitted argument ({ ...options, ...a } below).
    executable: Type.Optional(Type.String({ description: 'The shell to run the script with (default /bin/sh), called as `<executable> -c <script>`.' })),
    ...commandTaskArgs,
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

/** shell plans the run alone, which runCommandTask checks exhaustively. */
export type ShellChange = CommandTaskChange;

const TRAILING_OPTION = /\s+(creates|removes|chdir|executable)=(\S+)\s*$/;

/** Takes trailing `key=value` options off a free-form script (only at its end, so the script stays intact). */
export function splitFreeFormScript(text: string): { script: string; options: Record<string, string> } {
  const options: Record<string, string> = {};
  let script = text;
  let m: RegExpExecArray | null;
  while ((m = TRAILING_OPTION.exec(script)) !== null && !(m[1] in options)) {
    options[m[1]] = m[2];
    script = script.slice(0, m.index);
  }
  return { script, options };
}

export function shellInvocation(a: Args): { argv: string[]; options: Args } {
  const given = [a._raw_params, a.cmd].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ModuleError('shell: give exactly one of a free-form script or cmd');
  const { script, options } = a._raw_params !== undefined ? splitFreeFormScript(a._raw_params) : { script: a.cmd ?? '', options: {} };
  if (script.trim() === '') throw new ModuleError('shell: the script is empty');
  const merged: Args = { ...options, ...a };
  return { argv: [merged.executable ?? '/bin/sh', '-c', script], options: merged };
}

export default defineModule({
  name: 'shell',
  doc:
    'Runs a script through /bin/sh (or `executable`), so pipes, redirections and variables work. ' +
    'Never put templated values inside the script where a command would do: prefer the command module. ' +
    'Skipped (ok) when `creates` exists or `removes` does not; otherwise changed every time it runs. ' +
    'Fails when the exit code is not 0. In check mode it reports "would run" and runs nothing.',
  example: ['- name: Count running containers', '  shell: lxc-ls --running | wc -w', '  register: running', '  changed_when: false'].join('\n'),
  args,
  freeForm: '_raw_params',
  gather(host, a) {
    return gatherCommandTask(host, shellInvocation(a).options);
  },
  plan: (a, s): ShellChange[] => planCommandTask(shellInvocation(a).argv, s),
  apply(host, a, changes) {
    const { argv, options } = shellInvocation(a);
    return runCommandTask(host, argv, options, changes);
  },
  result: (a, s) => commandTaskResult(shellInvocation(a).argv, s),
});
