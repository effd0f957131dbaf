import { describe, expect, it } from 'vitest';
import { hostnameFacts, planHostname, setCommands, strategyFor } from '../../../modules/hostname.js';

describe('hostname', () => {
  it.each<[Record<string, unknown>, boolean, string]>([
    [{}, true, 'systemd'],
    [{}, false, 'file'],
    [{ use: 'debian' }, true, 'file'],
    [{ use: 'systemd' }, false, 'systemd'],
  ])('%j with systemd running=%s uses %s', (extra, sd, want) => expect(strategyFor({ name: 'h', ...extra } as never, sd)).toBe(want));

  it('plans a change only when the live name or /etc/hostname differs', () => {
    expect(planHostname({ name: 'web1' }, { strategy: 'systemd', current: 'web1', file: 'web1' })).toEqual([]);
    expect(planHostname({ name: 'web1' }, { strategy: 'systemd', current: 'web1', file: 'old' })[0].data).toEqual([['hostnamectl', 'set-hostname', 'web1']]);
    const c = planHostname({ name: 'web1' }, { strategy: 'file', current: 'old', file: null });
    expect(c[0].data).toEqual(setCommands('file', 'web1'));
    expect(c[0].data?.[0].slice(-1)).toEqual(['web1']);
  });

  it('facts split the name at the first dot', () => {
    expect(hostnameFacts('web1.example.org')).toEqual({ ansible_hostname: 'web1', ansible_nodename: 'web1.example.org', ansible_fqdn: 'web1.example.org', ansible_domain: 'example.org' });
  });
});
