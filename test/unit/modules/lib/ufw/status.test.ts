import { describe, expect, it } from 'vitest';
import { parseAddedLine, parseShowAdded, parseStatusVerbose } from '../../../../../modules/lib/ufw/status.js';
import { SHOW_ADDED, STATUS_ACTIVE, STATUS_INACTIVE } from './fixtures.js';

const pick = (r: { action: string; direction: string; port?: string; proto: string; from: string; comment?: string }) =>
  [r.action, r.direction, r.port ?? '-', r.proto, r.from, r.comment ?? ''].join(' ');

/** The rules SHOW_ADDED records, as pick() shows them; STATUS_ACTIVE, of the same firewall, shows them too. */
const ADDED = [
  'allow in 8883 tcp any mqtt acme',
  'allow in 22 tcp 10.0.3.0/24 ssh lab',
  'deny in 53 udp any ',
  'limit in 2222 tcp any ',
  'reject in 25 tcp 192.168.1.5 ',
  'allow in 9000 any any ',
  'allow in 443 tcp 2001:db8::/32 ',
];

describe('parseShowAdded', () => {
  it('turns each recorded ufw command into a rule', () => {
    expect(parseShowAdded(SHOW_ADDED).map(pick)).toEqual(ADDED);
  });

  it.each([
    ["Added user rules (see 'ufw status' for running firewall):", null],
    ['(None)', null],
    ['ufw allow out 53', 'allow out 53 any any '],
    ['ufw route allow 8080/tcp', 'allow fwd 8080 tcp any '],
    ['ufw allow in on eth0 to any port 80 proto tcp', 'allow in 80 tcp any '],
    ['ufw allow 6000:6010/tcp', 'allow in 6000:6010 tcp any '],
    ['ufw allow 80,443/tcp', 'allow in 80,443 tcp any '],
    ['ufw allow from 1.2.3.4', 'allow in - any 1.2.3.4 '],
    ['ufw allow from 10.0.0.1 port 53 to any port 5353 proto udp', 'allow in 5353 udp 10.0.0.1 '],
  ])('%s', (line, want) => {
    const r = parseAddedLine(line);
    expect(r === null ? null : pick(r)).toBe(want);
  });

  it('keeps the interface and source port', () => {
    expect(parseAddedLine('ufw allow in on eth0 to any port 80 proto tcp')?.iface).toBe('eth0');
    expect(parseAddedLine('ufw allow from 10.0.0.1 port 53 to any port 5353 proto udp')?.fromPort).toBe('53');
  });
});

describe('parseStatusVerbose', () => {
  it('reads the header and every rule row, with v6 twins marked', () => {
    const s = parseStatusVerbose(STATUS_ACTIVE);
    expect(s.active).toBe(true);
    expect(s.logging).toBe('medium');
    expect(s.defaults).toEqual({ incoming: 'deny', outgoing: 'allow', routed: 'disabled' });
    // The recorded rules in status order, with rows show added does not list here: an interface
    // rule, a rule with no port, the v6 twin of 8883, and the out and routed sections.
    const [mqtt, ssh, dns, limit, smtp, any9000, v6net] = ADDED;
    expect(s.rules.map(pick)).toEqual([
      mqtt, ssh, dns, limit, smtp, any9000,
      'allow in 80 tcp any ',
      'allow in - any 1.2.3.4 ',
      mqtt,
      v6net,
      'allow out 53 any any ',
      'allow fwd 8080 tcp any ',
    ]);
    expect(s.rules[6]?.iface).toBe('eth0');
    expect(s.rules[8]?.v6).toBe(true);
    expect(s.rules[0]?.v6).toBeUndefined();
  });

  it.each([
    [STATUS_INACTIVE, { active: false, rules: [] }],
    ['Status: active\nLogging: off\nDefault: allow (incoming), allow (outgoing), deny (routed)\n', {
      active: true, logging: 'off', defaults: { incoming: 'allow', outgoing: 'allow', routed: 'deny' }, rules: [],
    }],
    ['Status: active\nLogging: on (low)\nDefault: reject (incoming), deny (outgoing), allow (routed)\n', {
      active: true, logging: 'low', defaults: { incoming: 'reject', outgoing: 'deny', routed: 'allow' }, rules: [],
    }],
  ])('header %#', (text, want) => {
    expect(parseStatusVerbose(text)).toEqual(want);
  });
});
