# lxc-net (bridge + dnsmasq) configured for the lab, and the nft guard that keeps containers on the bridge.
# shellcheck shell=bash

LXC_NET=/usr/libexec/lxc/lxc-net

write_lxc_net_config() {
  # Once set up (by lab-up or setup-host's template), the file is left as it is.
  grep -qs '^LXC_DHCP_CONFILE="\?/etc/lxc/dnsmasq.conf"\?$' /etc/default/lxc-net \
    || cat > /etc/default/lxc-net <<CONF
# Written by osm-play scripts/lab-up (the previous file is restored by lab-down).
USE_LXC_BRIDGE="true"
LXC_BRIDGE="$LAB_BRIDGE"
LXC_ADDR="$LAB_BRIDGE_ADDR"
LXC_NETMASK="255.255.255.0"
LXC_NETWORK="$LAB_NET"
LXC_DHCP_RANGE="10.0.3.2,10.0.3.254"
LXC_DHCP_MAX="253"
LXC_DHCP_CONFILE=/etc/lxc/dnsmasq.conf
LXC_DHCP_PING="false"
CONF
  # Playbooks append dhcp-host lines here; keep what is there, make sure DNS is never forwarded.
  mkdir -p /etc/lxc
  touch /etc/lxc/dnsmasq.conf
  grep -qx 'no-resolv' /etc/lxc/dnsmasq.conf || printf 'no-resolv\n' >> /etc/lxc/dnsmasq.conf
  grep -qx 'dhcp-hostsfile=/etc/lxc/dnsmasq-hosts.conf' /etc/lxc/dnsmasq.conf \
    || printf 'dhcp-hostsfile=/etc/lxc/dnsmasq-hosts.conf\n' >> /etc/lxc/dnsmasq.conf
  touch /etc/lxc/dnsmasq-hosts.conf
}

guard_up() {
  nft -f - <<NFT
table inet $LAB_NFT_TABLE
delete table inet $LAB_NFT_TABLE
table inet $LAB_NFT_TABLE {
  chain forward {
    type filter hook forward priority -10; policy accept;
    iifname "$LAB_BRIDGE" ip daddr != $LAB_NET drop
    iifname "$LAB_BRIDGE" meta nfproto ipv6 drop
    # lab2 (scripts/lab/lab2.sh) is never routed anywhere through this machine.
    iifname "$LAB2_VETH" drop
  }
  # lab2 reaches this machine's pebble, its OSM host sshd (a move's btrfs send from lab2 to lab) and
  # the backup sshd at $LAB2_GW, which stand on loopback.
  chain lab2_forwards {
    type nat hook prerouting priority -100; policy accept;
    iifname "$LAB2_VETH" ip daddr $LAB2_GW tcp dport { $LAB_PEBBLE_PORT, $LAB_SSH_PORT, $LAB_BACKUP_SSH_PORT } dnat ip to 127.0.0.1
  }
  # While lxc-net restarts, the bridge has no address and the subnet's route is gone: the host's own
  # traffic to the containers (nginx's upstreams) would follow the default route off the machine.
  chain output {
    type filter hook output priority -10; policy accept;
    ip daddr $LAB_NET oifname != { "$LAB_BRIDGE", "lo" } reject
  }
  chain input {
    type filter hook input priority -10; policy accept;
    iifname "$LAB_BRIDGE" ip daddr { $LAB_NET, 255.255.255.255 } accept
    iifname "$LAB_BRIDGE" drop
    # From lab2: replies to what this machine sent it, and the forwarded ports; nothing else.
    iifname "$LAB2_VETH" ct state established,related accept
    iifname "$LAB2_VETH" ct status dnat accept
    iifname "$LAB2_VETH" drop
  }
}
NFT
}

net_up() {
  [[ -f $LAB_STATE/ip_forward.orig ]] || cat /proc/sys/net/ipv4/ip_forward > "$LAB_STATE/ip_forward.orig"
  write_lxc_net_config
  guard_up
  if [[ -f /run/lxc/network_up ]] && ip link show "$LAB_BRIDGE" > /dev/null 2>&1 \
     && [[ -s /run/lxc/dnsmasq.pid ]] && pid_running "$(cat /run/lxc/dnsmasq.pid)"; then
    echo "    lxc-net already up"
  else
    "$LXC_NET" stop force > /dev/null 2>&1 || true
    without_inherited_fds "$LXC_NET" start
  fi
  echo "    $LAB_BRIDGE $LAB_BRIDGE_ADDR/24, dnsmasq pid $(cat /run/lxc/dnsmasq.pid), nft table inet $LAB_NFT_TABLE"
}

net_down() {
  if [[ -f /run/lxc/network_up ]] || ip link show "$LAB_BRIDGE" > /dev/null 2>&1; then
    "$LXC_NET" stop force > /dev/null 2>&1 || true
    echo "    lxc-net stopped"
  fi
  rmdir /run/lxc 2>/dev/null || true
  if nft list table inet "$LAB_NFT_TABLE" > /dev/null 2>&1; then
    nft delete table inet "$LAB_NFT_TABLE"
    echo "    nft table inet $LAB_NFT_TABLE deleted"
  fi
  if [[ -f $LAB_STATE/ip_forward.orig ]]; then
    cat "$LAB_STATE/ip_forward.orig" > /proc/sys/net/ipv4/ip_forward
    rm -f "$LAB_STATE/ip_forward.orig"
  fi
}
