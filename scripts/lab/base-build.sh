# Builds an OS base root filesystem and caches it as a tarball in $LAB_CACHE.
#   small:  busybox + mosquitto + the libraries they link, from `apt-get download` + `dpkg-deb -x` (seconds)
#   debian: debootstrap minbase with mosquitto, openssh-server, iproute2, ifupdown, dhcp client (minutes)
# Both boot with `busybox init` (see rootfs_configure): there is no systemd in a container here.
# shellcheck shell=bash

base_tarball() { printf '%s/osm-base-%s-bookworm.tar.zst\n' "$LAB_CACHE" "$1"; }

# First deb.debian.org-style mirror named in the apt sources (deb822 or one-line form).
apt_mirror() {
  local m
  m=$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
  [[ -n $m ]] || m=$(grep -hsE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    | grep -v security | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' | head -n1 || true)
  printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# Packages whose files the small base needs: the two programs and every library they link.
small_base_packages() {
  local lib
  printf '%s\n' busybox mosquitto libc6
  for lib in $(ldd /usr/sbin/mosquitto /bin/busybox | awk '/=>/ { print $3 } /^\s*\/lib/ { print $1 }'); do
    dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib"
  done | cut -d: -f1 | sort -u
}

build_small_rootfs() {
  local root=$1 work=$2 deb applet
  mkdir -p "$work/debs"
  # shellcheck disable=SC2046
  (cd "$work/debs" && apt-get download -q $(small_base_packages | sort -u) > /dev/null)
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,root,var/log,var/lib}
  chmod 1777 "$root/tmp"
  for applet in $(/bin/busybox --list-full); do
    [[ -e $root/$applet || -L $root/$applet ]] || ln -s /bin/busybox "$root/$applet"
  done
  cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
mosquitto:x:100:101:mosquitto:/var/lib/mosquitto:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
  cat > "$root/etc/group" <<'GR'
root:x:0:
mosquitto:x:101:
nogroup:x:65534:
GR
  printf 'root:*:19000:0:99999:7:::\nmosquitto:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
  chmod 640 "$root/etc/shadow"
  printf 'hosts: files dns\npasswd: files\ngroup: files\nshadow: files\n' > "$root/etc/nsswitch.conf"
}

build_debian_rootfs() {
  local root=$1
  debootstrap --variant=minbase \
    --include=mosquitto,openssh-server,iproute2,ifupdown,isc-dhcp-client,busybox \
    bookworm "$root" "$(apt_mirror)" > "$LAB_STATE/logs/debootstrap.log" 2>&1 \
    || { umount_under "$root"; tail -n 20 "$LAB_STATE/logs/debootstrap.log" >&2; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  # Host keys are made per container at first boot (inittab), never shared through the base.
  rm -f "$root"/etc/ssh/ssh_host_*
}

# What every base gets: busybox init with an inittab, a DHCP client script, mosquitto on all addresses.
rootfs_configure() {
  local root=$1 kind=$2
  mkdir -p "$root"/etc/udhcpc "$root"/etc/mosquitto/conf.d "$root"/var/lib/mosquitto "$root"/var/log/mosquitto
  chown 100:101 "$root"/var/lib/mosquitto "$root"/var/log/mosquitto 2>/dev/null || true
  if [[ $kind == debian ]]; then
    chown "$(chroot "$root" id -u mosquitto):$(chroot "$root" id -g mosquitto)" \
      "$root"/var/lib/mosquitto "$root"/var/log/mosquitto
  fi
  cat > "$root/etc/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
# udhcpc hook: put the address dnsmasq gave us on the interface.
case "$1" in
  deconfig)
    /bin/busybox ip -4 addr flush dev "$interface"
    /bin/busybox ip link set "$interface" up ;;
  bound|renew)
    /bin/busybox ip -4 addr flush dev "$interface"
    /bin/busybox ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && /bin/busybox ip route replace default via "${router%% *}" dev "$interface"
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done ;;
esac
exit 0
SCRIPT
  chmod 755 "$root/etc/udhcpc/default.script"
  # mosquitto 2 listens only on localhost unless told otherwise; auth is the provisioning's job.
  printf '# osm-lab base: listen for nginx on the bridge\nlistener 1883 0.0.0.0\n' \
    > "$root/etc/mosquitto/conf.d/00-listener.conf"
  {
    echo '# osm-lab base: busybox init (lxc.init.cmd = /bin/busybox init, lxc.signal.halt = SIGUSR2)'
    echo '::sysinit:/bin/busybox mkdir -p /run/mosquitto /run/sshd /var/log/mosquitto'
    echo '::sysinit:/bin/busybox chown mosquitto:mosquitto /run/mosquitto /var/log/mosquitto /var/lib/mosquitto'
    echo '::sysinit:/bin/busybox ip link set lo up'
    [[ $kind == debian ]] && echo '::sysinit:/usr/bin/ssh-keygen -A'
    echo '::respawn:/bin/busybox udhcpc -f -i eth0 -s /etc/udhcpc/default.script -x hostname:osm'
    echo '::respawn:/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf'
    [[ $kind == debian ]] && echo '::respawn:/usr/sbin/sshd -D'
    echo '::shutdown:/bin/busybox killall mosquitto'
  } > "$root/etc/inittab"
  printf 'osm-base\n' > "$root/etc/hostname"
  printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
  : > "$root/etc/resolv.conf"
  printf '%s %s built by osm-play scripts/lab\n' "$kind" "$(date -u +%FT%TZ)" > "$root/etc/osm-base"
}

# Builds the tarball for a kind unless it is cached.
base_build() {
  local kind=$1 tarball work
  tarball=$(base_tarball "$kind")
  if [[ -s $tarball ]]; then
    echo "    cached: $tarball"
    return 0
  fi
  mkdir -p "$LAB_CACHE" "$LAB_STATE/logs"
  for work in "$LAB_STATE"/base-build.*; do   # left by an interrupted build
    [[ -d $work ]] && { umount_under "$work"; rm -rf --one-file-system "$work"; }
  done
  work=$(mktemp -d "$LAB_STATE/base-build.XXXXXX")
  mkdir -p "$work/root"
  case $kind in
    small) build_small_rootfs "$work/root" "$work" ;;
    debian) build_debian_rootfs "$work/root" ;;
    *) die "unknown base kind '$kind' (small|debian)" ;;
  esac
  rootfs_configure "$work/root" "$kind"
  tar -C "$work/root" --numeric-owner -cf - . | zstd -q -T0 -o "$tarball.partial"
  mv "$tarball.partial" "$tarball"
  umount_under "$work"
  rm -rf --one-file-system "$work"
  echo "    built: $tarball ($(du -h "$tarball" | cut -f1))"
}
