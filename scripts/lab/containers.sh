# LXC side of the lab: include/common.conf, and stopping containers / snapper configs on the way down.
# shellcheck shell=bash

# The setup-host playbook will own this file on real hosts; the lab writes the same content so its
# smoke test can start containers before the playbooks exist. cgroup v1 here: lxc.cgroup2.* only warn.
write_common_conf() {
  [[ -s $LAB_LXC_ROOT/include/common.conf ]] && return 0   # setup-host's version stays
  cat > "$LAB_LXC_ROOT/include/common.conf" <<'CONF'
# Included by every container's lxc.container.conf.
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
lxc.net.0.name = eth0
lxc.net.0.flags = up
lxc.cgroup2.cpu.max = 1000000 1000000
lxc.cgroup2.memory.low = 512M
lxc.cgroup2.memory.max = 640M
lxc.cgroup2.memory.swap.max = 200M
lxc.start.auto = 1
lxc.apparmor.profile = unconfined
lxc.init.cmd = /bin/busybox init
lxc.signal.halt = SIGUSR2
lxc.mount.auto = proc:mixed sys:ro
lxc.mount.entry = tmpfs run tmpfs rw,nosuid,nodev,mode=755,create=dir 0 0
lxc.tty.max = 1
lxc.pty.max = 16
CONF
}

# Names of containers whose directories live under the lab's containers/.
lab_containers() {
  [[ -d $LAB_LXC_ROOT/containers ]] || return 0
  find "$LAB_LXC_ROOT/containers" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'
}

containers_down() {
  local name
  for name in $(lab_containers); do
    if lxc-info -n "$name" -s 2>/dev/null | grep -q RUNNING; then
      lxc-stop -n "$name" -k > /dev/null 2>&1 || true
      echo "    stopped container $name"
    fi
  done
}

# snapper configs whose subvolume is under the lab's btrfs mounts.
snapper_down() {
  local f name sub
  for f in /etc/snapper/configs/*; do
    [[ -f $f ]] || continue
    name=$(basename "$f")
    sub=$(sed -n 's/^SUBVOLUME="\(.*\)"$/\1/p' "$f")
    case $sub in
      "$LAB_LXC_MNT"|"$LAB_LXC_MNT"/*|"$LAB_BACKUP_MNT"|"$LAB_BACKUP_MNT"/*)
        snapper --no-dbus -c "$name" delete-config > /dev/null 2>&1 \
          || { rm -f "$f"; sed -i "s/\(SNAPPER_CONFIGS=\"[^\"]*\)\b$name\b/\1/" /etc/default/snapper; }
        echo "    snapper config $name deleted" ;;
    esac
  done
}
