// command: runs a program with arguments, never through a shell.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { commandTaskArgs, commandTaskResult, extractInlineOptions, gatherCommandTask, planCommandTask, runCommandTask, type CommandTaskChange } from '../runner/kit/command-task.js';
import { splitWords } from '../runner/kit/split-words.js';

const args = Type.Object(
  {
    _raw_params: Type.Optional(Type.String({ description: 'Free-form command line (`command: ls -l /tmp`); split into words like a shell would, but no shell runs. `creates=`/`removes=`/`chdir=` words are taken as options.' })),
    cmd: Type.Optional(Type.String({ description: 'The command line, split into words like the free form.' })),
    argv: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'The command as a list of words, passed as is.' })),
    ...commandTaskArgs,
  },
  { additionalProperties: false },
);

type Args = Static<typeof args>;

/** command plans the run alone, which runCommandTask checks exhaustively. */
export type CommandChange = CommandTaskChange;

/** The argv and options a command task runs with: exactly one of _raw_params, cmd, argv. */
export function commandInvocation(a: Args): { argv: string[]; options: Args } {
  const given = [a._raw_params, a.cmd, a.argv].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ModuleError('command: give exactly one of a free-form command, cmd or argv');
  if (a.argv) return { argv: a.argv, options: a };
  const { words, options } = extractInlineOptions(splitWords(a._raw_params ?? a.cmd ?? ''));
  if (words.length === 0) throw new ModuleError('command: the command is empty');
  if ('executable' in options) throw new ModuleError('command: executable= is a shell option; use the shell module');
  return { argv: words, options: { ...options, ...a } };
}

export default defineModule({
  name: 'command',
  doc:
    'Runs a program with arguments, without a shell: no pipes, redirections or variable expansion ' +
    '(use shell for those). Skipped (ok) when `creates` exists or `removes` does not; otherwise it runs ' +
    'and is changed every time (use changed_when to refine). Fails when the exit code is not 0. ' +
    'In check mode it reports "would run: <command>" and runs nothing.',
  example: ['- name: List containers', '  command: lxc-ls -f', '  register: containers', '  changed_when: false'].join('\n'),
  args,
  freeForm: '_raw_params',
  gather(host, a) {
    const { options } = commandInvocation(a);
    return gatherCommandTask(host, options);
  },
  plan: (a, s): CommandChange[] => planCommandTask(commandInvocation(a).argv, s),
  apply(host, a, changes) {
    const { argv, options } = commandInvocation(a);
    return runCommandTask(host, argv, options, changes);
  },
  result: (a, s) => commandTaskResult(commandInvocation(a).argv, s),
});
