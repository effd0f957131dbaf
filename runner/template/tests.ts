// Jinja tests (`x is defined`, `result is failed`, `name is match('^a')`), also used by select/reject.
import { regexTest } from './filters/regex.js';
import type { TestFn } from './filters/types.js';
import { isMapping, pyContains, pyEquals, truthy } from './python.js';

/** A registered result: Ansible tests read its `failed`/`changed`/`skipped` flags. */
function flag(v: unknown, key: string): boolean {
  return isMapping(v) && truthy(v[key]);
}

export const jinjaTests: Record<string, TestFn> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  succeeded: (v) => !flag(v, 'failed'),
  success: (v) => !flag(v, 'failed'),
  failed: (v) => flag(v, 'failed'),
  failure: (v) => flag(v, 'failed'),
  changed: (v) => flag(v, 'changed'),
  change: (v) => flag(v, 'changed'),
  skipped: (v) => flag(v, 'skipped'),
  skip: (v) => flag(v, 'skipped'),
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isMapping(v),
  sequence: (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v),
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v),
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  equalto: (v, other) => pyEquals(v, other),
  eq: (v, other) => pyEquals(v, other),
  ne: (v, other) => !pyEquals(v, other),
  in: (v, container) => pyContains(container, v),
  contains: (v, item) => pyContains(v, item),
  even: (v) => typeof v === 'number' && v % 2 === 0,
  odd: (v) => typeof v === 'number' && Math.abs(v % 2) === 1,
  match: (v, pattern, ignorecase) => regexTest(v, pattern, true, { ignorecase }),
  search: (v, pattern, ignorecase) => regexTest(v, pattern, false, { ignorecase }),
  regex: (v, pattern, ignorecase) => regexTest(v, pattern, false, { ignorecase }),
};
