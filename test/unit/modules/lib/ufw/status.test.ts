import { describe, expect, it } from 'vitest';
import { parseAddedLine, parseShowAdded, parseStatusVerbose } from '../../../../../modules/lib/ufw/status.js';

// Captured from ufw 0.36.2 on this machine (inside a private netns + copy of /etc/ufw).
const SHOW_ADDED = `Added user rules (see 'ufw status' for running firewall):
ufw allow 8883/tcp comment 'mqtt acme'
ufw allow from 10.0.3.0/24 to any port 22 proto tcp comment 'ssh lab'
ufw deny 53/udp
ufw limit 2222/tcp
ufw reject from 192.168.1.5 to any port 25 proto tcp
ufw allow 9000
ufw allow from 2001:db8::/32 to any port 443 proto tcp
`;

const STATUS_ACTIVE = `Status: active
Logging: on (medium)
Default: deny (incoming), allow (outgoing), disabled (routed)
New profiles: skip

To                         Action      From
--                         ------      ----
8883/tcp                   ALLOW IN    Anywhere                   # mqtt acme
22/tcp                     ALLOW IN    10.0.3.0/24                # ssh lab
53/udp                     DENY IN     Anywhere                  
2222/tcp                   LIMIT IN    Anywhere                  
25/tcp                     REJECT IN   192.168.1.5               
9000                       ALLOW IN    Anywhere                  
80/tcp on eth0             ALLOW IN    Anywhere                  
Anywhere                   ALLOW IN    1.2.3.4                   
8883/tcp (v6)              ALLOW IN    Anywhere (v6)              # mqtt acme
443/tcp                    ALLOW IN    2001:db8::/32             

53                         ALLOW OUT   Anywhere                  
8080/tcp                   ALLOW FWD   Anywhere                  
`;

const pick = (r: { action: string; direction: string; port?: string; proto: string; from: string; comment?: string }) =>
  [r.action, r.direction, r.port ?? '-', r.proto, r.from, r.comment ?? ''].join(' ');

describe('parseShowAdded', () => {
  it('turns each recorded ufw command into a rule', () => {
    expect(parseShowAdded(SHOW_ADDED).map(pick)).toEqual([
      'allow in 8883 tcp any mqtt acme',
      'allow in 22 tcp 10.0.3.0/24 ssh lab',
      'deny in 53 udp any ',
      'limit in 2222 tcp any ',
      'reject in 25 tcp 192.168.1.5 ',
      'allow in 9000 any any ',
      'allow in 443 tcp 2001:db8::/32 ',
    ]);
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
    expect(s.rules.map(pick)).toEqual([
      'allow in 8883 tcp any mqtt acme',
      'allow in 22 tcp 10.0.3.0/24 ssh lab',
      'deny in 53 udp any ',
      'limit in 2222 tcp any ',
      'reject in 25 tcp 192.168.1.5 ',
      'allow in 9000 any any ',
      'allow in 80 tcp any ',
      'allow in - any 1.2.3.4 ',
      'allow in 8883 tcp any mqtt acme',
      'allow in 443 tcp 2001:db8::/32 ',
      'allow out 53 any any ',
      'allow fwd 8080 tcp any ',
    ]);
    expect(s.rules[6]?.iface).toBe('eth0');
    expect(s.rules[8]?.v6).toBe(true);
    expect(s.rules[0]?.v6).toBeUndefined();
  });

  it.each([
    ['Status: inactive\n', { active: false, rules: [] }],
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
