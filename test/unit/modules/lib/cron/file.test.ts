import { describe, expect, it } from 'vitest';
import { checkCronName, renderCronFile, validateCronText } from '../../../../../modules/lib/cron/file.js';

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
