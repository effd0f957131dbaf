# LXC side of the lab on the way down: stopping containers, deleting snapper configs.
# shellcheck shell=bash

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
