// One line for a task error: errors that know where they come from (TemplateError, LoadError) say
// `file:line:col: message`, so an undefined variable names the file and line it is used at.
import type { SourcePos } from '../types.js';

function isPos(v: unknown): v is SourcePos {
  return v !== null && typeof v === 'object' && typeof (v as SourcePos).file === 'string' && typeof (v as SourcePos).line === 'number';
}

export function errorText(err: unknown, fallback?: SourcePos): string {
  const msg = err instanceof Error ? err.message : String(err);
  const pos = err !== null && typeof err === 'object' && isPos((err as { pos?: unknown }).pos) ? (err as { pos: SourcePos }).pos : fallback;
  if (!pos || msg.startsWith(`${pos.file}:`)) return msg;
  return `${pos.file}:${pos.line}:${pos.col}: ${msg}`;
}
