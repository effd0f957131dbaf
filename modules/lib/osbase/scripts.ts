// Fixed POSIX sh scripts that build an OS base on the host. Every value arrives as a positional
// argument ("$1"...), never inside the script text, so nothing a caller passes is parsed by a shell.

/** Prints `stamp <UTC time>`, `cache yes|no`, then `== <base>` and the base's manifest for each base. */
export const INVENTORY_SCRIPT = `
set -u
dir=$1 tarball=$2
printf 'stamp %s\\n' "$(date -u +%Y%m%d-%H%M%S)"
if [ -n "$tarball" ] && [ -s "$tarball" ]; then echo 'cache yes'; else echo 'cache no'; fi
[ -d "$dir" ] || exit 0
for b in "$dir"/*/; do
  [ -d "$b" ] || continue
  printf '== %s\\n' "$(basename "$b")"
  cat "$b/etc/osm-base.json" 2>/dev/null
  printf '\\n'
done
`;

/** Deletes subvolumes left by a build that was interrupted (\`.partial-*\`). */
export const CLEAR_PARTIALS_SCRIPT = `
set -eu
for p in "$1"/.partial-*; do
  [ -e "$p" ] || continue
  btrfs subvolume delete -c "$p" > /dev/null
done
`;

/**
 * In a private mount namespace (the mounts vanish with it, whatever happens): apt inside the new root
 * with services kept from starting, updates from the base's own sources, then the extra packages.
 * $1 is the root, the rest are packages.
 */
export const CHROOT_APT_SCRIPT = `
set -eu
r=$1; shift
mount -t proc proc "$r/proc"
mount -t sysfs sysfs "$r/sys"
mount --rbind /dev "$r/dev"
printf '#!/bin/sh\\nexit 101\\n' > "$r/usr/sbin/policy-rc.d"
chmod 755 "$r/usr/sbin/policy-rc.d"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
apt() { chroot "$r" apt-get -q -y -o Dpkg::Options::=--force-confold "$@"; }
apt update
apt dist-upgrade
if [ $# -gt 0 ]; then apt install --no-install-recommends "$@"; fi
apt clean
rm -f "$r/usr/sbin/policy-rc.d"
`;

/**
 * A flat apt repository of the .deb files in $1/$2 (the root and the folder in it): a Packages index
 * made with dpkg-deb alone (every host has dpkg), Filename/Size/SHA256 added to each control.
 */
export const LOCAL_REPO_SCRIPT = `
set -eu
cd "$1/$2"
: > Packages
for deb in *.deb; do
  [ -f "$deb" ] || continue
  dpkg-deb -f "$deb" >> Packages
  printf 'Filename: ./%s\\nSize: %s\\nSHA256: %s\\n\\n' "$deb" "$(stat -c %s "$deb")" "$(sha256sum "$deb" | cut -d' ' -f1)" >> Packages
done
`;

/** What makes a root filesystem a base many containers share: no identity of its own. */
export const FINISH_SCRIPT = `
set -eu
r=$1
# systemd makes a machine-id per container at its first boot; dbus reads the same one.
: > "$r/etc/machine-id"
mkdir -p "$r/var/lib/dbus"
rm -f "$r/var/lib/dbus/machine-id"
ln -s /etc/machine-id "$r/var/lib/dbus/machine-id"
# SSH host keys are made per container at first boot (the ssh.service drop-in), never shared.
rm -f "$r"/etc/ssh/ssh_host_*
# The build host's name, resolver and apt lists do not belong in a base: LXC gives each container
# its name, DHCP its resolver.
: > "$r/etc/resolv.conf"
rm -f "$r/etc/hostname"
printf '127.0.0.1 localhost\\n::1 localhost ip6-localhost ip6-loopback\\n' > "$r/etc/hosts"
rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/archives/*.deb
`;

/** Packs a root filesystem into the cache, atomically: a reader never sees half a tarball. */
export const PACK_SCRIPT = `
set -eu
r=$1 tarball=$2
mkdir -p "$(dirname "$tarball")"
tmp="$tarball.partial.$$"
trap 'rm -f "$tmp"' EXIT
tar -C "$r" --numeric-owner --xattrs --xattrs-include='*' -cf - . | zstd -q -T0 -3 -o "$tmp"
mv "$tmp" "$tarball"
trap - EXIT
`;

export const UNPACK_SCRIPT = `
set -eu
zstd -q -d -c "$2" | tar -C "$1" --numeric-owner --xattrs --xattrs-include='*' -xf -
`;

/** Read-only first, then the final name: a base that carries its name is always complete. */
export const SEAL_SCRIPT = `
set -eu
btrfs property set -ts "$1" ro true
mv -T "$1" "$2"
`;
