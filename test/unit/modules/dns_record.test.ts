import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wantedRrset } from '../../../modules/dns_record.js';
import { apiCurlConfig, parseCurlOutput } from '../../../modules/lib/dns/curl.js';
import { curlQuote } from '../../../modules/lib/http/curl.js';
import { canonicalValue, canonicalValues, recordFqdn } from '../../../modules/lib/dns/names.js';
import { apiError, findRrset, parseZone, zoneUrl, type PdnsTarget } from '../../../modules/lib/dns/pdns-api.js';
import { planRrset, type WantedRrset } from '../../../modules/lib/dns/rrset-plan.js';

// Real answers of PowerDNS 4.7.3 (see fixtures/pdns/README.txt).
const fixture = (name: string) => parseCurlOutput(readFileSync(new URL(`./fixtures/pdns/${name}`, import.meta.url), 'utf8'));
const ZONE = parseZone(fixture('get-zone-records.txt').body);
const target: PdnsTarget = { apiUrl: 'http://127.0.0.1:8081', apiKey: 'k-secret', serverId: 'localhost', zone: 'osm-lab.test.' };

describe('names', () => {
  it.each([
    ['www', 'osm-lab.test', 'www.osm-lab.test.'],
    ['@', 'osm-lab.test.', 'osm-lab.test.'],
    ['', 'osm-lab.test', 'osm-lab.test.'],
    ['osm-lab.test', 'osm-lab.test', 'osm-lab.test.'],
    ['WWW.Osm-Lab.Test', 'osm-lab.test', 'www.osm-lab.test.'],
    ['www.osm-lab.test.', 'osm-lab.test', 'www.osm-lab.test.'],
    ['_mqtt._tcp', 'osm-lab.test', '_mqtt._tcp.osm-lab.test.'],
    // Relative although it ends like another zone: only names ending in the zone are full names.
    ['www.example.org', 'osm-lab.test', 'www.example.org.osm-lab.test.'],
  ])('recordFqdn(%j, %j) = %j', (name, zone, want) => {
    expect(recordFqdn(name, zone)).toBe(want);
  });

  it('refuses a full name outside the zone', () => {
    expect(() => recordFqdn('www.example.org.', 'osm-lab.test')).toThrow("name 'www.example.org.' is outside zone osm-lab.test.");
    expect(() => recordFqdn('xosm-lab.test.', 'osm-lab.test')).toThrow('outside zone');
  });

  it.each([
    ['CNAME', 'Lab.osm-lab.test', 'lab.osm-lab.test.'],
    ['CNAME', 'lab.osm-lab.test.', 'lab.osm-lab.test.'],
    ['NS', 'ns1.osm-lab.test', 'ns1.osm-lab.test.'],
    ['MX', '10  mail.osm-lab.test', '10 mail.osm-lab.test.'],
    ['SRV', '0 5 8883 lab.osm-lab.test', '0 5 8883 lab.osm-lab.test.'],
    ['AAAA', 'FD00:0:0::0001', 'fd00::1'],
    ['AAAA', 'not-an-address', 'not-an-address'],
    ['TXT', 'v=spf1 -all', '"v=spf1 -all"'],
    ['TXT', 'say "hi" \\o/', '"say \\"hi\\" \\\\o/"'],
    ['TXT', '"already" "quoted"', '"already" "quoted"'],
    ['A', ' 10.0.3.10 ', '10.0.3.10'],
  ])('canonicalValue(%s, %j) = %j', (type, value, want) => {
    expect(canonicalValue(type, value)).toBe(want);
  });

  it('values are a sorted set', () => {
    expect(canonicalValues('A', ['10.0.3.11', '10.0.3.10', '10.0.3.11'])).toEqual(['10.0.3.10', '10.0.3.11']);
  });

  it('wantedRrset takes one string or a list, and uppercases the type', () => {
    const base = { zone: 'osm-lab.test', ttl: 300, state: 'present' as const, api_url: 'http://x', server_id: 'localhost' };
    expect(wantedRrset({ ...base, name: 'acme', type: 'cname', values: 'lab.osm-lab.test' })).toEqual({
      name: 'acme.osm-lab.test.', type: 'CNAME', ttl: 300, values: ['lab.osm-lab.test.'], state: 'present',
    });
    expect(wantedRrset({ ...base, name: 'acme', type: 'A', values: ['10.0.0.2', '10.0.0.1'] }).values).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(() => wantedRrset({ ...base, name: 'acme', type: 'A', values: ['10.0.0.2', ' '] })).toThrow('dns_record: values: an empty value');
    expect(() => wantedRrset({ ...base, name: 'a.other.', type: 'A', values: '10.0.0.1' })).toThrow('dns_record: name: ');
  });
});

describe('curl on stdin', () => {
  it('quotes what would end or break a config line', () => {
    expect(curlQuote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  it('puts the key and the body in the config, never in argv', () => {
    const cfg = apiCurlConfig({ method: 'PATCH', url: 'http://127.0.0.1:8081/x', headers: { 'X-API-Key': 'k"1' }, body: '{"a":"b\\n"}' });
    expect(cfg.split('\n')).toEqual([
      'url = "http://127.0.0.1:8081/x"',
      'request = "PATCH"',
      'silent',
      'show-error',
      'max-time = 30',
      'proto = "=http,https"',
      'write-out = "\\n%{http_code}"',
      'header = "X-API-Key: k\\"1"',
      'data-binary = "{\\"a\\":\\"b\\\\n\\"}"',
      '',
    ]);
    expect(() => apiCurlConfig({ method: 'POST', url: 'http://x', headers: {}, body: '@/etc/shadow' })).toThrow('may not start with @');
  });

  it.each([
    ['get-zone-new.txt', 200],
    ['patch-ok.txt', 204],
    ['get-zone-unknown.txt', 404],
    ['get-zone-badkey.txt', 401],
    ['patch-bad-content.txt', 422],
  ])('reads the status of %s', (file, status) => {
    expect(fixture(file).status).toBe(status);
  });

  it('refuses output without a status', () => {
    expect(() => parseCurlOutput('')).toThrow('curl gave no HTTP status');
    expect(() => parseCurlOutput('body\nnope')).toThrow('curl gave no HTTP status');
  });
});

describe('PowerDNS answers', () => {
  it('builds the zone URL from a base with or without /api/v1', () => {
    expect(zoneUrl(target)).toBe('http://127.0.0.1:8081/api/v1/servers/localhost/zones/osm-lab.test.');
    expect(zoneUrl({ ...target, apiUrl: 'http://h:1/api/v1/' })).toBe('http://h:1/api/v1/servers/localhost/zones/osm-lab.test.');
  });

  it('finds RRsets of a recorded zone', () => {
    expect(findRrset(ZONE, 'www.osm-lab.test.', 'A')).toEqual({
      name: 'www.osm-lab.test.', type: 'A', ttl: 300,
      records: [{ content: '10.0.3.10', disabled: false }, { content: '10.0.3.11', disabled: false }],
    });
    expect(findRrset(ZONE, 'www.osm-lab.test.', 'AAAA')).toBeNull();
    expect(parseZone(fixture('get-zone-new.txt').body).map((r) => r.type).sort()).toEqual(['A', 'NS', 'SOA']);
  });

  it.each([
    ['get-zone-badkey.txt', 'x: the PowerDNS API at http://127.0.0.1:8081 refused the API key (HTTP 401)'],
    ['get-zone-unknown.txt', "x: zone osm-lab.test. not found on server 'localhost' at http://127.0.0.1:8081 (HTTP 404 Not Found): create the zone first"],
    ['patch-cname-conflict.txt', 'x: PowerDNS API answered HTTP 422: RRset www.osm-lab.test. IN CNAME: Conflicts with pre-existing RRset'],
    ['patch-out-of-zone.txt', 'x: PowerDNS API answered HTTP 422: RRset www.other.test. IN A: Name is out of zone'],
  ])('explains %s', (file, msg) => {
    const text = apiError(fixture(file), 'x', target);
    expect(text).toBe(msg);
    expect(text).not.toContain(target.apiKey);
  });
});

const want = (over: Partial<WantedRrset>): WantedRrset => ({ name: 'www.osm-lab.test.', type: 'A', ttl: 300, values: ['10.0.3.10', '10.0.3.11'], state: 'present', ...over });
const www = findRrset(ZONE, 'www.osm-lab.test.', 'A');
const mx = findRrset(ZONE, 'osm-lab.test.', 'MX');

describe('planRrset', () => {
  it.each([
    ['same values and ttl', want({}), www, []],
    ['same values in another order', want({ values: ['10.0.3.11', '10.0.3.10'] }), www, []],
    ['new RRset', want({ name: 'new.osm-lab.test.' }), null, ['create']],
    ['other ttl', want({ ttl: 600 }), www, ['update']],
    ['one value less', want({ values: ['10.0.3.10'] }), www, ['update']],
    ['one value more', want({ values: ['10.0.3.10', '10.0.3.11', '10.0.3.12'] }), www, ['update']],
    ['a disabled record', want({}), www && { ...www, records: [www.records[0]!, { content: '10.0.3.11', disabled: true }] }, ['update']],
    ['absent, exists', want({ state: 'absent', values: [] }), www, ['delete']],
    ['absent, missing', want({ state: 'absent', values: [] }), null, []],
    ['absent one of two values', want({ state: 'absent', values: ['10.0.3.11'] }), www, ['update']],
    ['absent both values', want({ state: 'absent', values: ['10.0.3.10', '10.0.3.11'] }), www, ['delete']],
    ['absent a value not there', want({ state: 'absent', values: ['10.9.9.9'] }), www, []],
    ['MX unchanged', want({ name: 'osm-lab.test.', type: 'MX', ttl: 3600, values: ['10 mail.osm-lab.test.'] }), mx, []],
  ])('%s', (_n, w, cur, actions) => {
    expect(planRrset(w, cur).map((c) => c.action)).toEqual(actions);
  });

  it('a change carries the PATCH entry, a summary and zone-file diffs', () => {
    const [c] = planRrset(want({ ttl: 600, values: ['10.0.3.10', '10.0.3.12'] }), www);
    expect(c).toEqual({
      action: 'update',
      target: 'www.osm-lab.test. A',
      summary: 'update www.osm-lab.test. A: ttl 300 -> 600, +10.0.3.12, -10.0.3.11',
      before: 'www.osm-lab.test. 300 IN A 10.0.3.10\nwww.osm-lab.test. 300 IN A 10.0.3.11\n',
      after: 'www.osm-lab.test. 600 IN A 10.0.3.10\nwww.osm-lab.test. 600 IN A 10.0.3.12\n',
      data: {
        name: 'www.osm-lab.test.', type: 'A', changetype: 'REPLACE', ttl: 600,
        records: [{ content: '10.0.3.10', disabled: false }, { content: '10.0.3.12', disabled: false }],
      },
    });
  });

  it('removing some values keeps the rest and their ttl', () => {
    const [c] = planRrset(want({ state: 'absent', values: ['10.0.3.11'] }), www);
    expect(c?.data).toEqual({ name: 'www.osm-lab.test.', type: 'A', changetype: 'REPLACE', ttl: 300, records: [{ content: '10.0.3.10', disabled: false }] });
    expect(c?.summary).toBe('update www.osm-lab.test. A: -10.0.3.11');
    const [d] = planRrset(want({ state: 'absent', values: [] }), www);
    expect(d?.data).toEqual({ name: 'www.osm-lab.test.', type: 'A', changetype: 'DELETE' });
    expect(d?.after).toBe('');
  });

  it.each([
    ['no values for present', want({ values: [] }), [], 'at least one value is needed for state=present'],
    ['a CNAME with two values', want({ type: 'CNAME', values: ['a.test.', 'b.test.'] }), [], 'a CNAME holds exactly one value, got 2'],
    ['a CNAME where an A is', want({ type: 'CNAME', values: ['lab.osm-lab.test.'] }), ['A'], 'www.osm-lab.test. already has A records, and a CNAME cannot share its name'],
    ['an A where a CNAME is', want({}), ['CNAME'], 'www.osm-lab.test. is a CNAME, which cannot share its name with A'],
  ])('refuses %s', (_n, w, others, msg) => {
    expect(() => planRrset(w, null, others)).toThrow(msg);
  });
});
