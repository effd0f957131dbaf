# lab2, the fleet's second OSM host (issue 12): this machine again, in a network namespace and a mount
# namespace of its own. It has its own loopback, lxcbr0, dnsmasq, nft tables and ip_forward; its own
# btrfs at /srv/osm-lxc, /etc (an overlay on this machine's, with /etc/lxc, /etc/snapper/configs,
# /etc/ufw and /etc/cron.d its own), /var/lib/misc, /var/lib/osm-lab and a fresh /run; an sshd on 10.98.0.2 port 22 and an
# nginx on every address of its namespace, as on a production host. So the playbooks reach it exactly
# as they reach lab, with the same paths, and nothing either host does can touch the other.
# This machine's end of the link, 10.98.0.1, forwards two ports to its loopback: pebble (ACME) and the
# backup host's sshd. Nothing is routed through it: lab2 and its containers reach no other address.
# A holder process (`sleep infinity`, pid in $LAB_RUN/lab2.pid) keeps the mount namespace; everything
# lab-up starts in lab2 is entered from it (nsenter -t PID -m -n).
# shellcheck shell=bash

lab2_pid() {
  pid_alive lab2 && cat "$LAB_RUN/lab2.pid"
}

# Runs a command in lab2's namespaces.
in_lab2() {
  local pid
  pid=$(lab2_pid) || die "lab2 is not running"
  nsenter -t "$pid" -m -n -- "$@"
}

# The link: a veth pair, this machine's end $LAB2_GW, lab2's end $LAB2_ADDR (eth0), no default route.
lab2_net_up() {
  ip netns list | grep -q "^$LAB2_NS\b" || ip netns add "$LAB2_NS"
  # A link whose other end is not in lab2's namespace is left from an ended one: made anew.
  if ip link show "$LAB2_VETH" > /dev/null 2>&1 && ! ip -n "$LAB2_NS" link show eth0 > /dev/null 2>&1; then
    ip link delete "$LAB2_VETH" 2> /dev/null || true
  fi
  ip link show "$LAB2_VETH" > /dev/null 2>&1 || ip link add "$LAB2_VETH" type veth peer name eth0 netns "$LAB2_NS"
  ip addr replace "$LAB2_GW/24" dev "$LAB2_VETH"
  ip link set "$LAB2_VETH" up
  ip -n "$LAB2_NS" link set lo up
  ip -n "$LAB2_NS" addr replace "$LAB2_ADDR/24" dev eth0
  ip -n "$LAB2_NS" link set eth0 up
  # The forwarded ports land on 127.0.0.1 (the guard's lab2 chains): allowed only with route_localnet.
  sysctl -q -w "net.ipv4.conf.$LAB2_VETH.route_localnet=1"
  echo "    netns $LAB2_NS: $LAB2_ADDR (this machine's end $LAB2_GW on $LAB2_VETH)"
}

# lab2's own copies of the host files it changes, made once: pristine ones (the etc backup holds
# this machine's files as they were before the lab), so lab2 starts as an unused host.
lab2_files_up() {
  local d=$LAB2_DIR pristine
  mkdir -p "$d"/{etc-upper/default,etc-work,etc-lxc,snapper-configs,cron.d,misc} "$d"/state/{ssh,pebble,run,logs,home}
  [[ -e $d/etc-lxc/default.conf || ! -e /etc/lxc/default.conf ]] || cp -a /etc/lxc/default.conf "$d/etc-lxc/"
  [[ -e $d/etc-upper/hosts ]] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$d/etc-upper/hosts"
  [[ -e $d/etc-upper/default/lxc-net ]] || : > "$d/etc-upper/default/lxc-net"
  if [[ ! -e $d/etc-upper/default/snapper ]]; then
    pristine=$LAB_ETC_BACKUP/etc/default/snapper
    [[ -f $pristine ]] || pristine=/etc/default/snapper
    sed 's/^SNAPPER_CONFIGS=.*/SNAPPER_CONFIGS=""/' "$pristine" > "$d/etc-upper/default/snapper"
  fi
  if [[ ! -d $d/ufw ]]; then
    cp -a /etc/ufw "$d/ufw"
    for pristine in user.rules user6.rules; do
      [[ -f $LAB_ETC_BACKUP/etc/ufw/$pristine ]] && cp -a "$LAB_ETC_BACKUP/etc/ufw/$pristine" "$d/ufw/"
    done
  fi
  mkdir -p /var/lib/misc /etc/snapper/configs /etc/cron.d
  if [[ ! -f $LAB2_IMG ]]; then
    truncate -s "$LAB2_IMG_SIZE" "$LAB2_IMG.partial"
    mkfs.btrfs -q "$LAB2_IMG.partial" > /dev/null
    mv "$LAB2_IMG.partial" "$LAB2_IMG"
  fi
}

# lab2's sshd: port 22 on its own address; the pid file in its own /run.
lab2_sshd_config() {
  write_sshd_config lab2 22 "$LAB2_ADDR" /run/sshd-lab2.pid
}

# known_hosts lines for lab2 (port 22) and, as lab2 reaches them, lab's sshd and the backup host.
lab2_known_hosts() {
  printf '%s %s\n' "$LAB2_ADDR" "$(cut -d' ' -f1,2 "$LAB_SSH/lab2_host_ed25519_key.pub")"
  printf '[%s]:%s %s\n' "$LAB2_GW" "$LAB_SSH_PORT" "$(cut -d' ' -f1,2 "$LAB_SSH/host_host_ed25519_key.pub")"
  printf '[%s]:%s %s\n' "$LAB2_GW" "$LAB_BACKUP_SSH_PORT" "$(cut -d' ' -f1,2 "$LAB_SSH/backup_host_ed25519_key.pub")"
}

lab2_up() {
  lab2_files_up
  if ! lab2_pid > /dev/null; then
    start_daemon lab2 nsenter --net="/run/netns/$LAB2_NS" unshare --mount --propagation private \
      bash "$LAB_SCRIPTS/lab2-namespace.sh"
    local i
    for i in $(seq 1 100); do
      lab2_pid > /dev/null && nsenter -t "$(lab2_pid)" -m test -e /run/osm-lab2-ready 2> /dev/null && break
      sleep 0.1
    done
    lab2_pid > /dev/null || die "lab2's namespace did not start (see $LAB_STATE/logs/lab2.log)"
  fi
  lab2_sshd_config
  lab2_known_hosts >> "$LAB_SSH/known_hosts"
  # The host's parts inside its namespaces, by the same functions lab-up uses for lab.
  in_lab2 bash -c "source '$LAB_SCRIPTS/lib.sh'; source '$LAB_SCRIPTS/net.sh'; source '$LAB_SCRIPTS/nginx.sh'
    set -Eeuo pipefail
    write_lxc_net_config
    if [[ -s /run/lxc/dnsmasq.pid ]] && pid_running \$(cat /run/lxc/dnsmasq.pid); then :; else without_inherited_fds $LXC_NET start; fi
    LAB_NGINX_LISTEN= nginx_up > /dev/null
    /usr/sbin/sshd -t -f '$LAB_SSH/lab2_sshd_config'
    if [[ -s /run/sshd-lab2.pid ]] && pid_running \$(cat /run/sshd-lab2.pid); then kill -HUP \$(cat /run/sshd-lab2.pid)
    else without_inherited_fds /usr/sbin/sshd -f '$LAB_SSH/lab2_sshd_config' -E '$LAB_STATE/logs/sshd-lab2.log'; fi"
  local i
  for i in $(seq 1 100); do (exec 3<>"/dev/tcp/$LAB2_ADDR/22") 2>/dev/null && break; sleep 0.1; done
  (exec 3<>"/dev/tcp/$LAB2_ADDR/22") 2>/dev/null || die "lab2's sshd did not start"
  echo "    lab2: ssh osmlab@$LAB2_ADDR:22, its own lxcbr0, dnsmasq and nginx (namespace pid $(lab2_pid))"
}

# Stops lab2's containers; its processes and namespaces go with the osm-* netns in lab-down.
lab2_down() {
  lab2_pid > /dev/null || return 0
  in_lab2 bash -c "source '$LAB_SCRIPTS/lib.sh'; source '$LAB_SCRIPTS/containers.sh'; containers_down" || true
}

# The kernel takes a deleted namespace's links down a moment later: wait, so lab-down leaves none.
lab2_link_gone() {
  local i
  for i in $(seq 1 50); do
    ip link show "$LAB2_VETH" > /dev/null 2>&1 || return 0
    sleep 0.1
  done
  ip link delete "$LAB2_VETH" 2> /dev/null || true
}
