// The admin's password when the API cannot be used (the password grafana_user knows does not log in):
// Grafana's documented reset, `grafana cli admin reset-admin-password`
// (https://grafana.com/docs/grafana/v11.3/cli/#reset-admin-password), with the password read from stdin
// so it never reaches a command line: --password-from-stdin ("Read the password from stdin" in the
// command's own help; pkg/cmd/grafana-cli/commands/commands.go since 8.x, 11.x included, beside --user-id).
//
// It runs through the package's /usr/sbin/grafana-cli wrapper, which adds the package's --homepath,
// --config /etc/grafana/grafana.ini and data paths (packaging/wrappers/grafana-cli): the bare binary
// would open /usr/share/grafana/data/grafana.db, not the server's /var/lib/grafana/grafana.db. The
// command resets user id 1 (its --user-id default), the admin Grafana created at its first start.
// It runs as the grafana user (runuser, as postgresql_user runs psql as postgres): the database, and
// the log file the CLI opens, stay the server's to write.
import { ModuleError, type HostContext } from '../../../runner/module.js';

export const GRAFANA_CLI = '/usr/sbin/grafana-cli';

export const GRAFANA_OS_USER = 'grafana';

/** The command; `asUser` empty runs it as the task's own user. */
export function resetAdminPasswordArgv(cli: string, asUser: string): string[] {
  const command = [cli, 'admin', 'reset-admin-password', '--password-from-stdin'];
  return asUser ? ['runuser', '-u', asUser, '--', ...command] : command;
}

/** The CLI reads one line: a password with a line break would be cut short. */
export function cliCanSet(password: string): boolean {
  return !/[\r\n]/.test(password);
}

/** Runs the reset; the error carries the CLI's own output (it never prints the password). */
export async function resetAdminPassword(host: HostContext, cli: string, asUser: string, password: string): Promise<void> {
  const argv = resetAdminPasswordArgv(cli, asUser);
  // cwd /: the grafana user may not enter the task's directory (root's home).
  const r = await host.exec({ argv }, { stdin: `${password}\n`, cwd: '/' });
  if (r.exitCode !== 0) {
    const said = `${r.stderr}\n${r.stdout}`.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' / ');
    throw new ModuleError(`${argv.join(' ')} exited with rc ${r.exitCode}${said ? `: ${said}` : ''}`, { rc: r.exitCode, argv });
  }
}
