// --step (as in ansible-playbook): the operator confirms each task before it runs on a host.
// The executor only asks; the CLI decides where the question is shown and where answers come from.

/** What the operator said for one task on one host. */
export type StepDecision = 'run' | 'skip';

export interface StepPrompter {
  /** Asks before `task` runs on `host`; rejects when no answer can be had (the task must not run). */
  ask(host: string, task: string): Promise<StepDecision>;
}
