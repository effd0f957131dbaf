// Pure: which stream `listen` ports of a file about to be written are already taken, and by whom.
import { describeHolder, type Listener } from './ss-listeners.js';
import { streamListensOf, type StreamListen } from './nginx.js';

export interface PortFacts {
  /** Stream listens in every file the running configuration includes. */
  streamListens: StreamListen[];
  listeners: Listener[];
  /** Master pid of this nginx instance when running: sockets it holds are not a conflict by themselves. */
  nginxMaster: number | null;
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
