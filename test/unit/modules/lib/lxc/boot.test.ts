import { describe, expect, it } from 'vitest';
import { bootVerdict, parseFailedUnits } from '../../../../../modules/lib/lxc/boot.js';

describe('parseFailedUnits', () => {
  it.each([
    ['no failed units', '', []],
    ['only blank lines', '\n  \n', []],
    [
      'systemctl --failed --plain --no-legend',
      'mosquitto.service  loaded failed failed Mosquitto MQTT Broker\nsystemd-networkd-wait-online.service loaded failed failed Wait for Network to be Configured\n',
      ['mosquitto.service', 'systemd-networkd-wait-online.service'],
    ],
    ['the bullet of output without --plain', '● ssh.service loaded failed failed OpenBSD Secure Shell server\n', ['ssh.service']],
    ['the ASCII bullet of a non-UTF-8 locale', '* ssh.service loaded failed failed OpenBSD Secure Shell server\n', ['ssh.service']],
    ['indented lines, no trailing newline', '  cron.service loaded failed failed Regular background program processing daemon', ['cron.service']],
    ['a failed socket and mount', 'ssh.socket loaded failed failed OpenBSD Secure Shell server socket\nsrv-data.mount loaded failed failed /srv/data\n', ['ssh.socket', 'srv-data.mount']],
  ])('%s', (_t, out, want) => {
    expect(parseFailedUnits(out)).toEqual(want);
  });
});

describe('bootVerdict', () => {
  it('is nothing to report when systemd says running', () => {
    expect(bootVerdict('acme-svr', 'running', [])).toBeUndefined();
  });
  it.each([
    ['degraded names the failed units', 'degraded', ['mosquitto.service', 'ssh.service'], 'acme-svr: systemd is degraded; failed units: mosquitto.service, ssh.service'],
    ['degraded with no unit listed says so', 'degraded', [], 'acme-svr: systemd is degraded; failed units: (none listed)'],
    // The answer of `is-system-running --wait` once its time ran out: still booting is a failure.
    ['starting', 'starting', [], 'acme-svr: systemd did not finish booting (is-system-running: starting)'],
    ['initializing', 'initializing', [], 'acme-svr: systemd did not finish booting (is-system-running: initializing)'],
    ['maintenance', 'maintenance', [], 'acme-svr: systemd did not finish booting (is-system-running: maintenance)'],
    ['no answer (timeout killed systemctl)', '', [], 'acme-svr: systemd did not finish booting (is-system-running: no answer)'],
  ])('%s', (_t, state, failed, want) => {
    expect(bootVerdict('acme-svr', state, failed)).toBe(want);
  });
});
