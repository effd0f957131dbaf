// Files every OSM base carries besides what Debian's packages install.

export interface BaseFile {
  /** Relative to the base's root. */
  path: string;
  content: string;
  mode: number;
}

export const BASE_FILES: BaseFile[] = [
  {
    // The container's address comes from lxc-net's dnsmasq, fixed by the container's MAC.
    path: 'etc/network/interfaces',
    mode: 0o644,
    content: '# Managed by osm-play (build-os-base.yaml).\nauto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n',
  },
  {
    // Host keys are never shared through the base: each container makes its own before sshd starts.
    path: 'etc/systemd/system/ssh.service.d/osm-host-keys.conf',
    mode: 0o644,
    content: '# Managed by osm-play (build-os-base.yaml): per-container SSH host keys, made at first boot.\n[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n',
  },
];
