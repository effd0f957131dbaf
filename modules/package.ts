// package: the generic package module. osm-play manages Debian hosts, so it hands over to apt.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, ModuleError } from '../runner/module.js';
import { Value } from '@sinclair/typebox/value';
import apt, { type AptChange } from './apt.js';

const args = Type.Object(
  {
    name: Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })], { description: 'Package name or list of names.' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent'), Type.Literal('latest'), Type.Literal('installed'), Type.Literal('removed')], {
      default: 'present',
      description: 'present/installed, absent/removed, or latest; passed to apt.',
    }),
    use: Type.String({ default: 'auto', description: "Package manager: 'auto' or 'apt' (only apt is supported)." }),
  },
  { additionalProperties: false },
);
type Args = Static<typeof args>;

function aptArgs(a: Args): Record<string, unknown> {
  if (a.use !== 'auto' && a.use !== 'apt') throw new ModuleError(`package: use: ${a.use} is not supported; osm-play manages Debian hosts with apt`);
  return { name: a.name, state: a.state };
}

/** package is apt: its changes are apt's, applied (exhaustively) by apt's apply. */
export type PackageChange = AptChange;

// apt's arguments get their defaults here, as the schema check would give them.
function withDefaults(a: Record<string, unknown>): never {
  return Value.Default(apt.args, structuredClone(a)) as never;
}

export default defineModule({
  name: 'package',
  doc: 'Installs or removes packages with the host\'s package manager. osm-play supports Debian hosts, so this is the apt module with name and state (present, installed, latest, absent, removed).',
  example: ['- package:', '    name: git', '    state: present'].join('\n'),
  args,
  async gather(host, a) {
    return apt.gather(host, withDefaults(aptArgs(a)));
  },
  plan: (a, s): PackageChange[] => apt.plan(withDefaults(aptArgs(a)), s),
  async apply(host, a, changes, s) {
    return apt.apply(host, withDefaults(aptArgs(a)), changes, s);
  },
  result: (a, s, c) => apt.result?.(withDefaults(aptArgs(a)), s, c) ?? {},
});
