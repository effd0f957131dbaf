// ufw's recorded rules from its files (modules/lib/ufw/rules-files.ts). The lines expected here are
// what `ufw show added` printed for the same tuples (ufw 0.36.2, Debian 12); the lab's ufw test
// compares the two on the real ufw.
import { describe, expect, it } from 'vitest';
import { showAddedFromFiles } from '../../../../../modules/lib/ufw/rules-files.js';

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const grep = (enabled: string, v4: string[], v6: string[]) =>
  [`/etc/ufw/ufw.conf:ENABLED=${enabled}`, ...v4.map((l) => `/etc/ufw/user.rules:${l}`), ...v6.map((l) => `/etc/ufw/user6.rules:${l}`)].join('\n') + '\n';
const HEADER = "Added user rules (see 'ufw status' for running firewall):";

describe('showAddedFromFiles', () => {
  it('lists a rule for both address families once, in the short form, with its comment', () => {
    const out = showAddedFromFiles(
      grep(
        'no',
        [`### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=${hex('osm-play setup-host')}`, '### tuple ### limit udp 1194 0.0.0.0/0 any 0.0.0.0/0 in'],
        [`### tuple ### allow tcp 22 ::/0 any ::/0 in comment=${hex('osm-play setup-host')}`, '### tuple ### limit udp 1194 ::/0 any ::/0 in'],
      ),
    );
    expect(out).toBe(`${HEADER}\nufw allow 22/tcp comment 'osm-play setup-host'\nufw limit 1194/udp\n`);
  });

  it('writes the full form for addresses, source ports, any port and outbound rules', () => {
    const out = showAddedFromFiles(
      grep(
        'no',
        [
          `### tuple ### allow tcp 9100 0.0.0.0/0 any 10.0.0.0/8 in comment=${hex('scrape')}`,
          '### tuple ### deny any any 0.0.0.0/0 any 192.0.2.7 in',
          '### tuple ### reject tcp 25 0.0.0.0/0 any 0.0.0.0/0 out',
          '### tuple ### deny tcp any 0.0.0.0/0 53 0.0.0.0/0 in',
          '### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in',
        ],
        [],
      ),
    );
    expect(out).toBe(
      `${HEADER}\nufw allow from 10.0.0.0/8 to any port 9100 proto tcp comment 'scrape'\nufw deny from 192.0.2.7\nufw reject out 25/tcp\nufw deny from any port 53 proto tcp\nufw allow to any\n`,
    );
  });

  it('says (None) when nothing is recorded', () => {
    expect(showAddedFromFiles(grep('no', [], []))).toBe(`${HEADER}\n(None)\n`);
  });

  it('leaves it to ufw when ufw is enabled, or the files hold a kind it does not turn', () => {
    const plain = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in';
    expect(showAddedFromFiles(grep('yes', [plain], []))).toBeUndefined();
    expect(showAddedFromFiles(`/etc/ufw/user.rules:${plain}\n`)).toBeUndefined();
    for (const other of [
      '### tuple ### allow any 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in',
      '### tuple ### allow_log tcp 22 0.0.0.0/0 any 0.0.0.0/0 in',
      '### tuple ### route:allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in',
      '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in_eth0',
      '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in comment=zz',
    ]) {
      expect(showAddedFromFiles(grep('no', [plain, other], [])), other).toBeUndefined();
    }
  });

  it('leaves a rule only user6.rules has to ufw (it depends on IPV6= and the kernel)', () => {
    const v4 = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in';
    expect(showAddedFromFiles(grep('no', [v4], ['### tuple ### allow tcp 22 ::/0 any 2001:db8::1 in']))).toBeUndefined();
  });
});
