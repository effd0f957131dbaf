// Pure: which stream `listen` ports of a file about to be written are already taken, and by whom.
import { describeHolder, type Listener } from '../net/ss-listeners.js';
import { globToRegExp, streamListensOf, type StreamListen } from './config.js';

export interface PortFacts {
  /** Stream listens in every file the running configuration includes. */
  streamListens: StreamListen[];
  listeners: Listener[];
  /** Master pid of this nginx instance when running: sockets it holds are not a conflict by themselves. */
  nginxMaster: number | null;
  /** Absolute include patterns inside `stream {}`; a stream file matching none would never be loaded. */
  streamIncludes?: string[];
}

/** A message when `path` is matched by no stream include (nginx would silently ignore the file). */
export function notIncluded(path: string, facts: PortFacts): string | null {
  const inc = facts.streamIncludes;
  if (inc === undefined || inc.some((p) => globToRegExp(p).test(path))) return null;
  return `it is not included by any include inside stream {} (${inc.length > 0 ? inc.join(', ') : 'there is none'}): nginx would never load it`;
}

/** One message per taken port, naming file:line or program/pid; [] when all are free. */
export function streamPortConflicts(path: string, content: string, facts: PortFacts): string[] {
  const out: string[] = [];
  const ports = [...new Set(streamListensOf(content, path).filter((l) => !l.udp).map((l) => l.port))];
  for (const port of ports) {
    const files = facts.streamListens.filter((l) => l.file !== path && l.port === port && !l.udp);
    if (files.length > 0) {
      out.push(`stream port ${port} is already used by ${files.map((f) => `${f.file}:${f.line}`).join(', ')}`);
      continue;
    }
    // Ours when the socket is shared with this instance's master (the old version of this file, say).
    const foreign = facts.listeners.filter(
      (l) => l.port === port && !(facts.nginxMaster !== null && l.processes.some((p) => p.pid === facts.nginxMaster)),
    );
    if (foreign.length > 0) out.push(`stream port ${port} is already held by ${foreign.map(describeHolder).join('; ')}`);
  }
  return out;
}
