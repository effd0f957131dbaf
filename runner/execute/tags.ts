// --tags / --skip-tags, as Ansible decides them: `always` runs unless skipped by name, `never`
// runs only when one of its tags is asked for, `all`, `tagged` and `untagged` are special.
// A task's tags include those inherited from its play, blocks, role and import.

export function shouldRunByTags(taskTags: Iterable<string>, only: string[], skip: string[]): boolean {
  const own = new Set(taskTags);
  const tags = own.size ? own : new Set(['untagged']);
  const onlyTags = only.length ? only : ['all'];
  const untagged = tags.size === 1 && tags.has('untagged');
  const meets = (list: string[]) => list.some((t) => tags.has(t));

  let run = false;
  if (tags.has('always')) run = true;
  else if (onlyTags.includes('all') && !tags.has('never')) run = true;
  else if (meets(onlyTags)) run = true;
  else if (onlyTags.includes('tagged') && !untagged && !tags.has('never')) run = true;

  if (run && skip.length) {
    if (skip.includes('all')) {
      if (!tags.has('always') || skip.includes('always')) run = false;
    } else if (meets(skip)) run = false;
    else if (skip.includes('tagged') && !untagged) run = false;
  }
  return run;
}
