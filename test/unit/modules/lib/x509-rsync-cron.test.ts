import { describe, expect, it } from 'vitest';
import { checkCronName, renderCronFile, validateCronText } from '../../../../modules/lib/cron.js';
import { parseItemize } from '../../../../modules/lib/rsync-itemize.js';
import { daysLeft, parseX509Text, sameNames } from '../../../../modules/lib/x509.js';

describe('parseX509Text (openssl 3.0 output)', () => {
  it('reads expiry, SANs, subject and issuer', () => {
    const info = parseX509Text(`notAfter=Dec  7 22:36:54 2026 GMT
X509v3 Subject Alternative Name: 
    DNS:a.example, DNS:b.example, IP Address:127.0.0.1
subject=CN = a.example
issuer=CN = Pebble Intermediate CA 5c3a0e
`);
    expect(info.notAfter.toISOString()).toBe('2026-12-07T22:36:54.000Z');
    expect(info.names).toEqual(['a.example', 'b.example', '127.0.0.1']);
    expect(info.subject).toBe('CN = a.example');
    expect(info.issuer).toBe('CN = Pebble Intermediate CA 5c3a0e');
    expect(Math.round(daysLeft(info, new Date('2026-11-27T22:36:54Z')))).toBe(10);
  });
  it('has no names when the certificate has no SAN (openssl says so on stderr)', () => {
    expect(parseX509Text('notAfter=Jan  1 00:00:00 2030 GMT\n').names).toEqual([]);
  });
  it.each(['', 'unable to load certificate', 'notAfter=garbage'])('throws on %j', (t) => {
    expect(() => parseX509Text(t)).toThrow();
  });
  it.each([
    [['a', 'b'], ['B', 'a'], true],
    [['a'], ['a', 'b'], false],
    [['a', 'a'], ['a'], true],
  ])('sameNames %j %j', (a, b, same) => {
    expect(sameNames(a, b)).toBe(same);
  });
});

describe('parseItemize (rsync 3.x)', () => {
  it('reads new, changed, deleted and link items; skips other lines', () => {
    const c = parseItemize(`sending incremental file list
>f+++++++++ a
cL+++++++++ l -> a
cd+++++++++ sub/
*deleting   extra
>f.s....... a b
.f...p..... sub/b
.d..t...... ./
<f.st...... up
hf+++++++++ hard => a

sent 1 bytes  received 2 bytes
`);
    expect(c.map((x) => [x.kind, x.fileType ?? '', x.path, x.linkTarget ?? ''])).toEqual([
      ['receive', 'f', 'a', ''],
      ['local', 'L', 'l', 'a'],
      ['local', 'd', 'sub/', ''],
      ['delete', '', 'extra', ''],
      ['receive', 'f', 'a b', ''],
      ['attrs', 'f', 'sub/b', ''],
      ['attrs', 'd', './', ''],
      ['send', 'f', 'up', ''],
      ['hardlink', 'f', 'hard => a', ''],
    ]);
  });
  it('treats unchanged items (-ii) and empty output as no change', () => {
    expect(parseItemize('.f          a\n.d          ./\n')).toEqual([]);
    expect(parseItemize('')).toEqual([]);
  });
});

describe('cron files', () => {
  const header = 'managed by osm-play';
  it('renders env lines and entries, defaulting fields to *', () => {
    expect(
      renderCronFile(
        [{ minute: '43', hour: '2', user: 'root', job: '/opt/devtank/backup.sh >> /var/log/osm-backup 2>&1', comment: 'nightly' }],
        { SHELL: '/bin/sh', MAILTO: '' },
        header,
      ),
    ).toBe('# managed by osm-play\nSHELL=/bin/sh\nMAILTO=\n# nightly\n43 2 * * * root /opt/devtank/backup.sh >> /var/log/osm-backup 2>&1\n');
  });
  it.each([
    [{ minute: '60', user: 'root', job: 'x' }, 'minute 60 is outside 0-59'],
    [{ hour: '*/x', user: 'root', job: 'x' }, "hour '*/x' is not a cron field"],
    [{ weekday: 'funday', user: 'root', job: 'x' }, "weekday 'funday'"],
    [{ user: 'ro ot', job: 'x' }, "user 'ro ot'"],
    [{ user: 'root', job: ' ' }, 'job is empty'],
    [{ user: 'root', job: 'a\nb' }, 'job spans lines'],
    [{ user: 'root', job: 'date +%F' }, 'unescaped %'],
  ])('refuses %j', (entry, msg) => {
    expect(() => renderCronFile([entry], {}, header)).toThrow(msg);
  });
  it.each([
    [{ minute: '*/5', hour: '1-5,7', day: '1', month: 'jan-mar', weekday: 'mon', user: 'root', job: 'date +\\%F' }],
    [{ minute: '0', weekday: '7', user: 'osm-backup', job: 'true' }],
  ])('accepts %j', (entry) => {
    expect(validateCronText(renderCronFile([entry], { PATH: '/usr/bin:/bin' }, header))).toEqual([]);
  });
  it('writes @reboot and other nicknames alone, refusing them with other time fields', () => {
    const text = renderCronFile([{ minute: '@reboot', user: 'root', job: '/usr/local/sbin/osm-start-containers' }], {}, header);
    expect(text).toBe('# managed by osm-play\n@reboot root /usr/local/sbin/osm-start-containers\n');
    expect(validateCronText(text)).toEqual([]);
    expect(() => renderCronFile([{ minute: '@reboot', hour: '2', user: 'root', job: 'x' }], {}, header)).toThrow('hour cannot be combined with @reboot');
    expect(() => renderCronFile([{ minute: '@boot', user: 'root', job: 'x' }], {}, header)).toThrow("'@boot' is not one of");
  });
  it('refuses a bad env name', () => {
    expect(() => renderCronFile([], { 'A-B': 'x' }, header)).toThrow('env A-B');
  });
  it.each([
    ['* * * * root x\n', 'needs five time fields'],
    ['* * * * * root x', 'end with a newline'],
    ['99 * * * * root x\n', 'outside 0-59'],
    ['@daily\n', "'@' schedule"],
    ['@sometimes root x\n', 'unknown schedule @sometimes'],
  ])('validateCronText %j', (text, msg) => {
    expect(validateCronText(text).join('; ')).toContain(msg);
  });
  it.each([
    ['osm-backup', null],
    ['a.b', "cron.d name 'a.b'"],
    ['../x', "cron.d name '../x'"],
    ['', "cron.d name ''"],
  ])('checkCronName %j', (name, msg) => {
    const r = checkCronName(name);
    if (msg === null) expect(r).toBeNull();
    else expect(r).toContain(msg);
  });
});
