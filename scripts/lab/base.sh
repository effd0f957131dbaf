# Installs an OS base tarball as a read-only btrfs subvolume under os-bases/, named to sort by date.
# shellcheck shell=bash

source "$LAB_SCRIPTS/base-build.sh"

installed_base() {
  local kind=$1
  find "$LAB_LXC_ROOT/os-bases" -mindepth 1 -maxdepth 1 -name "*-$kind" -printf '%f\n' | sort | tail -n1
}

base_up() {
  local kind=$1 name tarball bases=$LAB_LXC_ROOT/os-bases partial
  # A partial install from an interrupted run is thrown away.
  for partial in "$bases"/.partial-*; do
    [[ -e $partial ]] && btrfs subvolume delete -c "$partial" > /dev/null
  done
  name=$(installed_base "$kind")
  if [[ -n $name ]]; then
    echo "    installed: $bases/$name"
    return 0
  fi
  base_build "$kind"
  tarball=$(base_tarball "$kind")
  name=$(date -u +%Y%m%d-%H%M%S)-$kind
  btrfs subvolume create "$bases/.partial-$name" > /dev/null
  zstd -q -d -c "$tarball" | tar -C "$bases/.partial-$name" --numeric-owner -xf -
  btrfs property set -ts "$bases/.partial-$name" ro true
  mv "$bases/.partial-$name" "$bases/$name"
  echo "    installed: $bases/$name (read-only subvolume)"
}
