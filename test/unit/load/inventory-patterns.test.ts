import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, matchHosts, unmatchedTerms } from '../../../runner/load/inventory.js';

const inv = loadInventory([join(import.meta.dirname, '../../fixtures/inventory/ini/hosts')]);
const DB = ['dba.example.com', 'dbb.example.com'];
const WEB = ['web01', 'web02', 'web03', 'web-extra'];

const cases: [string, string[]][] = [
  ['all', ['standalone', ...WEB, ...DB]],
  ['*', ['standalone', ...WEB, ...DB]],
  ['web', WEB],
  ['osm', [...WEB, ...DB]],
  ['ungrouped', ['standalone']],
  ['web02', ['web02']],
  ['web:db', [...WEB, ...DB]],
  ['web,db', [...WEB, ...DB]],
  ['db,web01', [...DB, 'web01']],
  ['osm:&web', WEB],
  ['osm:!web', DB],
  ['all:!osm', ['standalone']],
  ['web:!web02:!web03', ['web01', 'web-extra']],
  ['web0*', ['web01', 'web02', 'web03']],
  ['*.example.com', DB],
  ['w*', WEB],
  ['~web\\d+', ['web01', 'web02', 'web03']],
  ['~db[ab]', DB],
  ['web[0]', ['web01']],
  ['web[-1]', ['web-extra']],
  ['web[1:2]', ['web02', 'web03']],
  ['web[2:]', ['web03', 'web-extra']],
  ['nosuch', []],
  ['web:nosuch', WEB],
  ['localhost', ['localhost']],
  ['web01:localhost', ['web01', 'localhost']],
  ['empty_group', []],
];

describe('matchHosts', () => {
  it.each(cases)('%s', (pattern, expected) => {
    expect(matchHosts(inv, pattern)).toEqual(expected);
  });

  it('all does not include the implicit localhost', () => {
    expect(matchHosts(inv, 'all')).not.toContain('localhost');
  });

  it('unmatchedTerms lists terms that select nothing', () => {
    expect(unmatchedTerms(inv, 'web:nosuch:!other')).toEqual(['nosuch', '!other']);
  });
});
