// Load and validation problems are collected, not thrown one by one: operators fix a whole playbook at once.
import type { Diagnostic, Playbook, SourcePos } from '../types.js';
import type { ModuleRegistry } from './modules.js';

/** `file:line:col: message` — the one format every load/validation problem is shown in. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${formatPos(d.pos)}: ${d.message}`;
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

/**
 * Thrown by the loader when any file had problems; carries all of them, in file order.
 * What could be loaded anyway comes along (`playbook`, `registry`), so a caller can still
 * validate it and report every problem in one go; it must never be run.
 */
export class LoadError extends Error {
  readonly diagnostics: Diagnostic[];
  readonly playbook?: Playbook;
  readonly registry?: ModuleRegistry;

  constructor(diagnostics: Diagnostic[], partial: { playbook?: Playbook; registry?: ModuleRegistry } = {}) {
    super(diagnostics.map(formatDiagnostic).join('\n') || 'load failed');
    this.name = 'LoadError';
    this.diagnostics = diagnostics;
    if (partial.playbook) this.playbook = partial.playbook;
    if (partial.registry) this.registry = partial.registry;
  }
}

/**
 * Orders diagnostics by line and column within each file, files in the order they were first reported
 * (the playbook before the roles it names), and drops exact duplicates.
 */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  const fileOrder = new Map<string, number>();
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diags) {
    if (!fileOrder.has(d.pos.file)) fileOrder.set(d.pos.file, fileOrder.size);
    const key = formatDiagnostic(d);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  const rank = (d: Diagnostic): number => fileOrder.get(d.pos.file) ?? 0;
  return out.sort((a, b) => rank(a) - rank(b) || a.pos.line - b.pos.line || a.pos.col - b.pos.col);
}
