// What the lxc connection accepts, apart from the connection itself, so that modules' schemas and the
// osm_containers inventory source can use it without loading the connection (and its shell) at start.

/** LXC container names as OSM makes them; also keeps names from reading as lxc-attach options. */
export const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The parent's vars a connection needs (no passwords: those stay with the parent host). */
export const PARENT_CONNECTION_VARS = /^ansible_(host|port|user|connection|ssh_(?!pass).*|private_key_file|become(_method|_user)?)$/;
