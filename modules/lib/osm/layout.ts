// The OSM layout, in one place: what a customer's container is called, where its files are on the
// host, which nginx include files are its, and the names it is served under. Modules read and
// playbooks write by these (osm_facts hands them to playbooks as `layout`); nothing else spells
// them out. Pure: no host is read.

/** A customer's container (and its subvolume, snapper config, dnsmasq and hosts name) is `<customer>-svr`. */
export const CONTAINER_SUFFIX = '-svr';

/** The suffixes of the customer's names under its domain: Grafana, InfluxDB, ChirpStack, MQTT over TLS. */
export const NAME_SUFFIXES = ['', '-influx', '-chirpstack', '-mqtt'] as const;
const MQTT_SUFFIX = '-mqtt';

/** Under lxc_root: the containers, their lxc-start logs, the final copies of deleted customers, the OS bases. */
export const containersDir = (lxcRoot: string): string => `${lxcRoot}/containers`;
export const logsDir = (lxcRoot: string): string => `${lxcRoot}/logs`;
export const deletedDir = (lxcRoot: string): string => `${lxcRoot}/deleted`;
export const osBasesDir = (lxcRoot: string): string => `${lxcRoot}/os-bases`;
/** Under lxc_root: a moving customer's read-only copies on both hosts (move-customer.yaml), one subvolume per container. */
export const movingDir = (lxcRoot: string): string => `${lxcRoot}/moving`;

/** Under nginx_dir: the customers' stream (MQTT over TLS) and http (vhosts) include files, `<customer>.conf`. */
export const nginxStreamDir = (nginxDir: string): string => `${nginxDir}/devtank/customers.stream.d`;
export const nginxHttpDir = (nginxDir: string): string => `${nginxDir}/devtank/customers.http.d`;
export const NGINX_FILE_SUFFIX = '.conf';

/** In a container's directory: its LXC config, the customer record, the layer over the OS base, snapper's snapshots, the last restore. */
export const CONFIG_FILE = 'lxc.container.conf';
export const RECORD_FILE = 'osm-customer.json';
export const LAYER_DIR = 'rootfs-layer';
export const SNAPSHOTS_DIR = '.snapshots';
export const RESTORED_FROM_FILE = 'osm-restored-from';
/** In a move's staging subvolume on the source: the target's inventory name, written when the source stops for the last copy. */
export const HANDED_TO_FILE = 'handed-to';

export function containerOf(customer: string): string {
  return `${customer}${CONTAINER_SUFFIX}`;
}

/** The customer a container (or snapper config, dnsmasq or hosts name) is of; null for a name that is no customer's. */
export function customerOfContainer(container: string): string | null {
  return container.endsWith(CONTAINER_SUFFIX) ? container.slice(0, -CONTAINER_SUFFIX.length) : null;
}

/** The customer an nginx include file `<customer>.conf` is of; null for another file. */
export function customerOfNginxFile(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.endsWith(NGINX_FILE_SUFFIX) ? name.slice(0, -NGINX_FILE_SUFFIX.length) : null;
}

/**
 * The name of a deleted customer's final copy under deleted/: `<container>-<subvolume uuid>`, one per
 * incarnation of the container (`none` when its uuid could not be read).
 */
export function finalCopyName(customer: string, subvolumeUuid: string | null): string {
  return `${containerOf(customer)}-${subvolumeUuid || 'none'}`;
}

/**
 * Whether an entry of deleted/ is a final copy of customer. Another customer's copies whose name
 * starts the same (<name>-svr-<more>-svr-<uuid>) have an `s` after that start, so they never match.
 */
export function isFinalCopyOf(name: string, customer: string): boolean {
  const prefix = `${containerOf(customer)}-`;
  return name.startsWith(prefix) && /^([0-9a-f-]+|none)$/.test(name.slice(prefix.length));
}

export interface LayoutPaths {
  lxcRoot: string;
  nginxDir: string;
  /** The domain of the customer's names; without one, names and mqtt_name are null. */
  domain?: string | null;
}

/** Snake case: playbooks read it as osm.layout / osm.customers[c].layout. */
export interface CustomerLayout {
  container: string;
  dir: string;
  config: string;
  record: string;
  layer: string;
  snapshots: string;
  restored_from_file: string;
  /** The subvolume a move stages its read-only copies in (on the source and the target); `handed-to` in it names the target once the source stops. */
  moving: string;
  log: string;
  nginx_stream: string;
  nginx_http: string;
  domain: string | null;
  /** `<c>.<domain>`, `<c>-influx.<domain>`, `<c>-chirpstack.<domain>`, `<c>-mqtt.<domain>`: the certificate's and DNS's names, the first one the certificate's name. */
  names: string[] | null;
  /** The TLS server name of MQTT over TLS: `<c>-mqtt.<domain>`. */
  mqtt_name: string | null;
}

export function customerLayout(customer: string, p: LayoutPaths): CustomerLayout {
  const container = containerOf(customer);
  const dir = `${containersDir(p.lxcRoot)}/${container}`;
  const domain = p.domain || null;
  return {
    container,
    dir,
    config: `${dir}/${CONFIG_FILE}`,
    record: `${dir}/${RECORD_FILE}`,
    layer: `${dir}/${LAYER_DIR}`,
    snapshots: `${dir}/${SNAPSHOTS_DIR}`,
    restored_from_file: `${dir}/${RESTORED_FROM_FILE}`,
    moving: `${movingDir(p.lxcRoot)}/${container}`,
    log: `${logsDir(p.lxcRoot)}/${container}.log`,
    nginx_stream: `${nginxStreamDir(p.nginxDir)}/${customer}${NGINX_FILE_SUFFIX}`,
    nginx_http: `${nginxHttpDir(p.nginxDir)}/${customer}${NGINX_FILE_SUFFIX}`,
    domain,
    names: domain === null ? null : NAME_SUFFIXES.map((s) => `${customer}${s}.${domain}`),
    mqtt_name: domain === null ? null : `${customer}${MQTT_SUFFIX}.${domain}`,
  };
}
