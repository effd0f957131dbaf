#!/usr/bin/env bash
# The holder of lab2's mount namespace (scripts/lab/lab2.sh starts it in lab2's network namespace,
# under `unshare --mount --propagation private`): mounts lab2's own files over this machine's, then
# keeps the namespace for as long as it lives. Nothing mounted here is seen outside.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
d=$LAB2_DIR
# A sysfs of lab2's network namespace (lxc-net looks for its bridge in /sys/class/net), keeping the
# cgroup hierarchy LXC needs.
mkdir -p "$d/cgroup"
mount --rbind /sys/fs/cgroup "$d/cgroup"
mount -t sysfs osm-lab2-sys /sys
mount --move "$d/cgroup" /sys/fs/cgroup
mount -o loop "$LAB2_IMG" "$LAB_LXC_MNT"
mkdir -p "$LAB_LXC_ROOT"
# /etc: this machine's, under lab2's own changes (an overlay: files are replaced by rename, which a
# file bind mount would refuse), with lab2's hosts, default/lxc-net and default/snapper; the folders
# the playbooks fill are lab2's alone.
mount -t overlay osm-lab2-etc -o "lowerdir=/etc,upperdir=$d/etc-upper,workdir=$d/etc-work" /etc
mount --bind "$d/etc-lxc" /etc/lxc
mount --bind "$d/snapper-configs" /etc/snapper/configs
mount --bind "$d/ufw" /etc/ufw
mount --bind "$d/cron.d" /etc/cron.d
mount --bind "$d/misc" /var/lib/misc
# The lab's client key, known_hosts and pebble CA stay shared; the rest of /var/lib/osm-lab is lab2's.
mount --bind "$LAB_SSH" "$d/state/ssh"
mount --bind "$LAB_PEBBLE" "$d/state/pebble"
mount --rbind "$d/state" "$LAB_STATE"
mount -t tmpfs -o mode=755 osm-lab2-run /run
mkdir -p /run/sshd /run/lock /run/lxc
chmod 1777 /run/lock
: > /run/osm-lab2-ready
exec sleep infinity
