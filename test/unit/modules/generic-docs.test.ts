// Every generic module documents itself: a doc paragraph, a YAML example using it, a description on every argument.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import blockinfile from '../../../modules/blockinfile.js';
import command from '../../../modules/command.js';
import copy from '../../../modules/copy.js';
import file from '../../../modules/file.js';
import lineinfile from '../../../modules/lineinfile.js';
import postgresqlDb from '../../../modules/postgresql_db.js';
import postgresqlUser from '../../../modules/postgresql_user.js';
import replace from '../../../modules/replace.js';
import shell from '../../../modules/shell.js';
import stat from '../../../modules/stat.js';
import template from '../../../modules/template.js';
import type { AnyModule } from '../../../runner/module.js';

const modules: AnyModule[] = [command, shell, file, copy, template, stat, lineinfile, blockinfile, replace, postgresqlDb, postgresqlUser];

describe.each(modules.map((m) => [m.name, m] as const))('%s', (name, mod) => {
  it('has a doc and an example task that uses it', () => {
    expect(mod.doc.length).toBeGreaterThan(40);
    const tasks: unknown = parse(mod.example);
    expect(Array.isArray(tasks)).toBe(true);
    const used = (tasks as Record<string, unknown>[]).some((t) => name in t);
    expect(used).toBe(true);
  });

  it('describes every argument', () => {
    const props = (mod.args as { properties?: Record<string, { description?: string }> }).properties ?? {};
    const missing = Object.entries(props).filter(([, p]) => !p.description).map(([k]) => k);
    expect(missing).toEqual([]);
    expect(Object.keys(props).length).toBeGreaterThan(0);
  });
});
