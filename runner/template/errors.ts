// One error type for everything that goes wrong while templating, so callers can show `file:line: message`.
import type { SourcePos } from '../types.js';

export class TemplateError extends Error {
  /** Where the template is: the YAML value it came from, or the line inside a .j2 file. */
  pos?: SourcePos;
  /** The undefined variable (or dotted path, e.g. `result.stdout`) when that is the problem. */
  variable?: string;
  /** Line inside the template text (1-based), as reported by the template engine. */
  templateLine?: number;
  /** The template the line is in: a .j2 path (an included file, maybe), or `<template>` for inline text. */
  templateFile?: string;

  constructor(message: string, opts: { pos?: SourcePos; variable?: string; templateLine?: number } = {}) {
    super(message);
    this.name = 'TemplateError';
    this.pos = opts.pos;
    this.variable = opts.variable;
    this.templateLine = opts.templateLine;
  }
}

/** The error for a name (or attribute path) that is not defined; filters like `default` avoid it. */
export function undefinedVariable(name: string, templateLine?: number): TemplateError {
  return new TemplateError(`undefined variable '${name}'`, { variable: name, templateLine });
}
