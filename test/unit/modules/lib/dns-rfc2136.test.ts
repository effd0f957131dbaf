import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digArgv, nsupdateScript, parseDigAnswers, type Rfc2136Target } from '../../../../modules/lib/dns/rfc2136.js';

// Real dig answers of PowerDNS 4.7.3 (see ../fixtures/pdns/README.txt).
const dig = (name: string) => readFileSync(new URL(`../fixtures/pdns/${name}`, import.meta.url), 'utf8');
const SECRET = 'c2VjcmV0LXRzaWcta2V5LWJ5dGVz';
const t: Rfc2136Target = { server: '127.0.0.1', port: 5300, zone: 'osm-lab.test.', tsig: { name: 'osm-test', algorithm: 'hmac-sha256', secret: SECRET } };

describe('rfc2136 backend', () => {
  it('asks for every RRset at the name over TCP, without the key', () => {
    const argv = digArgv(t, 'www.osm-lab.test.');
    expect(argv).toEqual(['dig', '@127.0.0.1', '-p', '5300', '+tcp', '+norecurse', '+noall', '+comments', '+answer', '+time=5', '+tries=1', 'www.osm-lab.test.', 'ANY']);
    expect(argv.join(' ')).not.toContain(SECRET);
  });

  it.each([
    ['dig-any-cname.txt', 'acme-mqtt.osm-lab.test.', [{ name: 'acme-mqtt.osm-lab.test.', type: 'CNAME', ttl: 3600, records: [{ content: 'lab.osm-lab.test.', disabled: false }] }]],
    ['dig-any-nxdomain.txt', 'nope.osm-lab.test.', []],
  ])('reads %s', (file, name, want) => {
    expect(parseDigAnswers(dig(file), name)).toEqual(want);
  });

  it('groups the apex RRsets by type and keeps TXT quoting', () => {
    const sets = parseDigAnswers(dig('dig-any-apex.txt'), 'osm-lab.test.');
    expect(sets.map((s) => s.type).sort()).toEqual(['MX', 'NS', 'SOA', 'TXT']);
    expect(sets.find((s) => s.type === 'TXT')).toEqual({ name: 'osm-lab.test.', type: 'TXT', ttl: 60, records: [{ content: '"v=spf1 -all"', disabled: false }] });
  });

  it('refuses an answer from a server that is not authoritative, and output without a header', () => {
    expect(() => parseDigAnswers(dig('dig-any-refused.txt'), 'www.other.test.')).toThrow('the server answered REFUSED for www.other.test.: is it authoritative for the zone?');
    expect(() => parseDigAnswers(';; connection timed out; no servers could be reached\n', 'x.')).toThrow('dig gave no answer header');
  });

  it('writes one update message: deletes, then the new RRset', () => {
    const script = nsupdateScript(t, [
      { name: 'www.osm-lab.test.', type: 'A', changetype: 'REPLACE', ttl: 300, records: [{ content: '10.0.3.10', disabled: false }, { content: '10.0.3.11', disabled: false }] },
      { name: 'old.osm-lab.test.', type: 'CNAME', changetype: 'DELETE' },
    ]);
    expect(script).toBe(
      [
        'server 127.0.0.1 5300',
        `key hmac-sha256:osm-test ${SECRET}`,
        'zone osm-lab.test.',
        'update delete www.osm-lab.test. A',
        'update add www.osm-lab.test. 300 A 10.0.3.10',
        'update add www.osm-lab.test. 300 A 10.0.3.11',
        'update delete old.osm-lab.test. CNAME',
        'send',
        '',
      ].join('\n'),
    );
    expect(nsupdateScript({ ...t, tsig: undefined }, [])).toBe('server 127.0.0.1 5300\nzone osm-lab.test.\nsend\n');
  });
});
