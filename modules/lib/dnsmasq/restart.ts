// Making lxc-net's dnsmasq read its dhcp-host lines again. `lxc-net restart` does it, but its stop
// flushes the bridge's address and takes the bridge down: for about a second the host has no route to
// the containers, so nginx's connections to every other customer fail, and (the connected route being
// gone) are sent out of the default route instead. Restarting dnsmasq alone, with its own command
// line, leaves the bridge, its address and lxc-net's firewall rules as they are.

/** lxc-net's own pid file for its dnsmasq (varrun=/run/lxc in the lxc-net script). */
export const LXC_DNSMASQ_PID = '/run/lxc/dnsmasq.pid';

// $1 the pid file; $2... the command that brings lxc-net up when no dnsmasq runs (lxc-net restart).
// The running dnsmasq's arguments come from /proc (NUL-separated; lxc-net's hold no newline).
const RESTART_SCRIPT = [
  'pidfile=$1; shift',
  'pid=$(cat -- "$pidfile" 2>/dev/null) || pid=',
  'case $pid in ""|*[!0-9]*) exec "$@" ;; esac',
  '[ -r "/proc/$pid/cmdline" ] || exec "$@"',
  'args=$(tr "\\000" "\\n" < "/proc/$pid/cmdline") || exit 1',
  'set -f',
  'IFS="',
  '"',
  'set -- $args',
  // Read back exactly, or not at all: a newline (or nothing) in an argument would change the arguments.
  'printf "%s\\000" "$@" | cmp -s - "/proc/$pid/cmdline" || { echo "cannot restart dnsmasq (pid $pid): its arguments do not read back one a line" >&2; exit 1; }',
  'case ${1##*/} in dnsmasq) ;; *) echo "pid $pid of $pidfile is not dnsmasq but ${1:-a process without arguments}" >&2; exit 1 ;; esac',
  'kill "$pid" || exit 1',
  // Gone, or a zombie nobody reaps yet (no init to do it on some hosts): either way its sockets are closed.
  'n=0',
  'while [ -d "/proc/$pid" ] && ! grep -q "^State:[[:space:]]*Z" "/proc/$pid/status" 2>/dev/null; do',
  '  n=$((n + 1)); [ "$n" -le 100 ] || { echo "dnsmasq (pid $pid) did not exit within 10 s" >&2; exit 1; }',
  '  sleep 0.1',
  'done',
  'exec "$@"',
].join('\n');

/**
 * argv that restarts the dnsmasq `pidFile` names with its own arguments (it daemonizes again and
 * rewrites the pid file), or runs `lxcNet restart` when no dnsmasq runs (lxc-net is down: bring it up).
 */
export function restartDnsmasqArgv(pidFile: string, lxcNet: string): string[] {
  return ['/bin/sh', '-c', RESTART_SCRIPT, 'osm-dnsmasq-restart', pidFile, lxcNet, 'restart'];
}

/** What the restart does, for plans and messages (the argv itself carries a script). */
export function describeRestart(pidFile: string, lxcNet: string): string {
  return `restart lxc-net's dnsmasq alone (pid in ${pidFile}) with its own arguments, the bridge staying up (${lxcNet} restart when it is not running)`;
}
