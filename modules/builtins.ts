// The one list of what osm-play has built in: modules, the lxc connection and the osm_containers
// inventory source. Each module is a lazy loader with a literal path, so a run loads only the
// modules its playbooks name, and a bundler still sees every file. The engine's own connections
// (local, ssh) are listed in runner/connection/index.ts. A module file not listed here is not a
// built-in: test/unit/modules/builtins.test.ts fails when a file in modules/ is missing.
import { registerConnectionType } from '../runner/connection/index.js';
import { registerInventorySource } from '../runner/load/inventory.js';
import { osmContainersSource } from './inventory/osm_containers.js';

/** Module name → loader of the file whose default export is that module. */
export const BUILTIN_MODULES: Readonly<Record<string, () => Promise<{ default: unknown }>>> = {
  add_host: () => import('./add_host.js'),
  apt: () => import('./apt.js'),
  apt_key: () => import('./apt_key.js'),
  apt_repository: () => import('./apt_repository.js'),
  assert: () => import('./assert.js'),
  blockinfile: () => import('./blockinfile.js'),
  btrfs_send: () => import('./btrfs_send.js'),
  btrfs_subvolume: () => import('./btrfs_subvolume.js'),
  chirpstack_admin_password: () => import('./chirpstack_admin_password.js'),
  chirpstack_influxdb_integration: () => import('./chirpstack_influxdb_integration.js'),
  command: () => import('./command.js'),
  container_limits: () => import('./container_limits.js'),
  copy: () => import('./copy.js'),
  cron_file: () => import('./cron_file.js'),
  deb822_repository: () => import('./deb822_repository.js'),
  debug: () => import('./debug.js'),
  dns_lookup: () => import('./dns_lookup.js'),
  dns_record: () => import('./dns_record.js'),
  dnsmasq_host: () => import('./dnsmasq_host.js'),
  fail: () => import('./fail.js'),
  fetch: () => import('./fetch.js'),
  file: () => import('./file.js'),
  find: () => import('./find.js'),
  generated_secret: () => import('./generated_secret.js'),
  get_url: () => import('./get_url.js'),
  git: () => import('./git.js'),
  grafana_user: () => import('./grafana_user.js'),
  group: () => import('./group.js'),
  hostname: () => import('./hostname.js'),
  hosts_entry: () => import('./hosts_entry.js'),
  include_vars: () => import('./include_vars.js'),
  influxdb_dbrp: () => import('./influxdb_dbrp.js'),
  influxdb_setup: () => import('./influxdb_setup.js'),
  influxdb_token: () => import('./influxdb_token.js'),
  lineinfile: () => import('./lineinfile.js'),
  lxc_container: () => import('./lxc_container.js'),
  mosquitto_user: () => import('./mosquitto_user.js'),
  nginx_config: () => import('./nginx_config.js'),
  os_base: () => import('./os_base.js'),
  os_base_prune: () => import('./os_base_prune.js'),
  os_base_switch: () => import('./os_base_switch.js'),
  osm_facts: () => import('./osm_facts.js'),
  osm_fleet_status: () => import('./osm_fleet_status.js'),
  osm_placement: () => import('./osm_placement.js'),
  osm_served: () => import('./osm_served.js'),
  osm_status: () => import('./osm_status.js'),
  package: () => import('./package.js'),
  pause: () => import('./pause.js'),
  ping: () => import('./ping.js'),
  postgresql_db: () => import('./postgresql_db.js'),
  postgresql_user: () => import('./postgresql_user.js'),
  reboot: () => import('./reboot.js'),
  replace: () => import('./replace.js'),
  rsync: () => import('./rsync.js'),
  service: () => import('./service.js'),
  service_settings: () => import('./service_settings.js'),
  set_fact: () => import('./set_fact.js'),
  setup: () => import('./setup.js'),
  shell: () => import('./shell.js'),
  slurp: () => import('./slurp.js'),
  snapper_config: () => import('./snapper_config.js'),
  snapper_snapshot: () => import('./snapper_snapshot.js'),
  stat: () => import('./stat.js'),
  sysctl: () => import('./sysctl.js'),
  systemd: () => import('./systemd.js'),
  systemd_service: () => import('./systemd_service.js'),
  template: () => import('./template.js'),
  tls_certificate: () => import('./tls_certificate.js'),
  ufw_rule: () => import('./ufw_rule.js'),
  ufw_state: () => import('./ufw_state.js'),
  unarchive: () => import('./unarchive.js'),
  uri: () => import('./uri.js'),
  user: () => import('./user.js'),
  wait_for: () => import('./wait_for.js'),
  wait_for_connection: () => import('./wait_for_connection.js'),
};

/** Registers the built-in connections and inventory sources; safe to call more than once. */
export function registerBuiltins(): void {
  // Loaded when a run first enters a container (a literal path, so the bundle keeps it).
  registerConnectionType('lxc', async (host, vars, opts) => (await import('./connections/lxc.js')).createLxcConnection(host, vars, opts));
  registerInventorySource('osm_containers', osmContainersSource);
}
