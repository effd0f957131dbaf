// The useful part of an lxc-start log: its ERROR lines, without the generic "failed to start" advice.

const LEVEL = / (ERROR|CRIT|FATAL|ALERT) +(\S+) - (.*)$/;
const GENERIC = /The container failed to start|run the container in foreground mode|--logfile and --logpriority|instead of "RUNNING"/;

/** `source:function:line - message` of each error line, in order, at most `max` (the last ones). */
export function lxcStartErrors(log: string, max = 8): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    const m = LEVEL.exec(line);
    if (!m || GENERIC.test(m[3] ?? '')) continue;
    const where = (m[3] ?? '').replace(/^\.\.\/src\/lxc\//, '');
    out.push(where);
  }
  return out.slice(-max);
}
