// dns_record's rfc2136 backend end to end: nsupdate with TSIG and dig reads, against a private
// PowerDNS 4.7 with dnsupdate=yes (scripts/lab/pdns.sh), checked from outside with dig.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedCount, dig, playbookRunner, startPdns, type PdnsInstance } from './pdns-instance.js';

const PLAYBOOK = `
- name: DNS records by RFC 2136
  hosts: localhost
  gather_facts: false
  vars:
    dns: &dns
      backend: rfc2136
      server: 127.0.0.1
      port: "{{ dns_port }}"
      zone: "{{ zone }}"
      tsig_key_name: "{{ tsig_name }}"
      tsig_key_secret: "{{ tsig_secret }}"
      ttl: "{{ ttl }}"
      state: "{{ state }}"
  tasks:
    - name: the host's address
      dns_record:
        <<: *dns
        name: lab3
        type: A
        values: "{{ ips }}"
    - name: the customer's MQTT name
      dns_record:
        <<: *dns
        name: zeta-mqtt
        type: CNAME
        values: "lab3.{{ zone }}"
`;

let pdns: PdnsInstance;
let runner: ReturnType<typeof playbookRunner>;
let secret: string;

beforeAll(async () => {
  pdns = await startPdns();
  secret = pdns.tsigSecret('osm-test');
  runner = playbookRunner(pdns, PLAYBOOK, {
    zone: pdns.zone, dns_port: pdns.dnsPort, tsig_name: 'osm-test', tsig_secret: secret, ttl: 300, ips: ['10.0.3.30'], state: 'present',
  });
});
afterAll(() => pdns?.cleanup());

const answers = (name: string, type: string) => dig(pdns.dnsPort, `${name}.${pdns.zone}`, type).map((a) => `${a.ttl} ${a.type} ${a.value}`).sort();

describe('dns_record backend=rfc2136 against PowerDNS', () => {
  it('creates, then changes nothing on a second run', async () => {
    const r = await runner.play({});
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changedCount(r)).toBe(2);
    expect(answers('lab3', 'A')).toEqual(['300 A 10.0.3.30']);
    expect(answers('zeta-mqtt', 'CNAME')).toEqual(['300 CNAME lab3.osm-lab.test.']);
    const again = await runner.play({});
    expect(again.code).toBe(0);
    expect(changedCount(again)).toBe(0);
  });

  it('--check shows a change without making it, then a run makes it', async () => {
    const check = await runner.play({ ttl: 120, ips: ['10.0.3.30', '10.0.3.31'] }, '--check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('update lab3.osm-lab.test. A: ttl 300 -> 120, +10.0.3.31');
    expect(answers('lab3', 'A')).toEqual(['300 A 10.0.3.30']);
    const r = await runner.play({ ttl: 120, ips: ['10.0.3.30', '10.0.3.31'] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changedCount(r)).toBe(2);
    expect(answers('lab3', 'A')).toEqual(['120 A 10.0.3.30', '120 A 10.0.3.31']);
    expect(answers('zeta-mqtt', 'CNAME')).toEqual(['120 CNAME lab3.osm-lab.test.']);
  });

  it('refuses an update signed with another key, and names the server', async () => {
    const wrong = 'b3RoZXIta2V5LW5vdC10aGUtcmlnaHQtb25l';
    const r = await runner.play({ ttl: 60, tsig_secret: wrong });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(r.stdout).toContain(`nsupdate to 127.0.0.1:${pdns.dnsPort} for zone osm-lab.test. failed:`);
    expect(answers('lab3', 'A')).toEqual(['120 A 10.0.3.30', '120 A 10.0.3.31']);
  });

  it('removes the records', async () => {
    const r = await runner.play({ state: 'absent', ips: [] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(changedCount(r)).toBe(2);
    expect(answers('lab3', 'A')).toEqual([]);
    expect(answers('zeta-mqtt', 'CNAME')).toEqual([]);
  });

  it('never shows the TSIG secret', () => {
    expect(runner.runs()).toBe(6);
    expect(secret.length).toBeGreaterThan(40);
    for (const text of runner.outputs) expect(text).not.toContain(secret);
  });
});
