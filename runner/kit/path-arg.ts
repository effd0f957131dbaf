// Ansible lets file-editing modules name their target path, dest or name; accept all three.
import { Type } from '@sinclair/typebox';
import { ModuleError } from '../module.js';

export const pathArgs = {
  path: Type.Optional(Type.String({ minLength: 1, description: 'The file to manage on the host.' })),
  dest: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
  name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
};

export function pathOf(a: { path?: string; dest?: string; name?: string }, module: string): string {
  const given = [a.path, a.dest, a.name].filter((v): v is string => v !== undefined);
  if (given.length === 0) throw new ModuleError(`${module}: path is required`);
  if (new Set(given).size > 1) throw new ModuleError(`${module}: path, dest and name name the same thing; give one`);
  return given[0];
}
