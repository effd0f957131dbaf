# The lab's OS base, built the production way: playbooks/build-os-base.yaml over the lab host's sshd
# (the lab inventory keeps the tarball in $LAB_CACHE/bases, so later lab-ups unpack it in seconds),
# and the LXC layout and include/common.conf from setup-host.yaml's lxc_layout tasks.
# shellcheck shell=bash

# osm-play from this checkout, built first when it never was.
lab_osm_play() {
  [[ -f $LAB_REPO/dist/bundle/cli.js ]] || (cd "$LAB_REPO" && npm run --silent build) >&2
  node "$LAB_REPO/bin/osm-play.js" -i "$LAB_REPO/inventory/lab.yaml" --lock-timeout 900 "$@"
}

# The lab host builds first: lab2 has no way out to the Debian mirror (only to this machine's
# pebble and backup sshd), so on a machine without the cached tarball it takes the one lab wrote.
base_up() {
  local log=$LAB_STATE/logs/build-os-base.log
  if ! { lab_osm_play "$LAB_REPO/playbooks/build-os-base.yaml" --limit lab &&
    lab_osm_play "$LAB_REPO/playbooks/build-os-base.yaml"; } > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    return 1
  fi
  grep -E 'OS base [0-9]' "$log" | tail -n 1 | sed 's/.*=> /    /' || true
}

lxc_layout_up() {
  local log=$LAB_STATE/logs/setup-host-lxc-layout.log
  if ! lab_osm_play "$LAB_REPO/playbooks/setup-host.yaml" --tags lxc_layout > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    return 1
  fi
}
