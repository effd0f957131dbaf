# btrfs filesystems on sparse loop files: the lxc root and the backup host's /srv/backups.
# shellcheck shell=bash

# Marks a directory the lab created, so lab-down removes it and nothing else.
mkdir_marked() {
  local dir=$1
  [[ -d $dir ]] && return 0
  mkdir -p "$LAB_STATE/created"
  printf '%s\n' "$dir" >> "$LAB_STATE/created/dirs"
  mkdir -p "$dir"
}

btrfs_loop_up() {
  local img=$1 size=$2 mnt=$3
  if mountpoint -q "$mnt"; then
    [[ $(findmnt -n -o FSTYPE "$mnt") == btrfs ]] || die "$mnt is mounted but not btrfs"
    echo "    $mnt already mounted"
    return 0
  fi
  if [[ ! -f $img ]]; then
    rm -f "$img.partial"
    truncate -s "$size" "$img.partial"
    mkfs.btrfs -q "$img.partial" > /dev/null
    mv "$img.partial" "$img"
  fi
  mkdir_marked "$mnt"
  mount -o loop "$img" "$mnt"
  echo "    $mnt: btrfs on $(findmnt -n -o SOURCE "$mnt") ($img, $size sparse)"
}

storage_up() {
  mkdir -p "$LAB_STATE"
  btrfs_loop_up "$LAB_LXC_IMG" "$LAB_LXC_IMG_SIZE" "$LAB_LXC_MNT"
  mkdir -p "$LAB_LXC_ROOT"/{os-bases,containers,include,logs,deleted}
  btrfs_loop_up "$LAB_BACKUP_IMG" "$LAB_BACKUP_IMG_SIZE" "$LAB_BACKUP_MNT"
}

# Deletes every subvolume under a mount, deepest first (snapper's .snapshots included).
delete_subvolumes() {
  local mnt=$1 sv
  mountpoint -q "$mnt" || return 0
  btrfs subvolume list -o "$mnt" > /dev/null 2>&1 || return 0
  btrfs subvolume list "$mnt" | sed 's/^.* path //' \
    | awk '{ print length($0) "\t" $0 }' | sort -rn | cut -f2- \
    | while read -r sv; do
        btrfs subvolume delete -c "$mnt/$sv" > /dev/null
      done
}

btrfs_loop_down() {
  local img=$1 mnt=$2 dev
  if mountpoint -q "$mnt"; then
    delete_subvolumes "$mnt"
    umount "$mnt"
    echo "    unmounted $mnt"
  fi
  # mount -o loop sets autoclear; detach anything still holding the image anyway.
  if [[ -f $img ]]; then
    for dev in $(losetup -j "$img" -O NAME -n 2>/dev/null); do
      losetup -d "$dev" && echo "    detached $dev"
    done
  fi
}

storage_down() {
  btrfs_loop_down "$LAB_LXC_IMG" "$LAB_LXC_MNT"
  lab2_loop_down
  btrfs_loop_down "$LAB_BACKUP_IMG" "$LAB_BACKUP_MNT"
}

# Removes the directories lab-up created (mount points), newest first.
created_dirs_down() {
  local f=$LAB_STATE/created/dirs dir
  [[ -f $f ]] || return 0
  tac "$f" | while read -r dir; do
    [[ -n $dir ]] || continue
    mountpoint -q "$dir" && { echo "    $dir still mounted, kept" >&2; continue; }
    rm -rf --one-file-system "$dir"
  done
  rm -f "$f"
}

# lab2's btrfs is mounted in its mount namespace only, which ends with its last process (lab-down
# kills them with lab2's network namespace); its loop device then detaches itself (autoclear).
lab2_loop_down() {
  local i dev
  [[ -f $LAB2_IMG ]] || return 0
  for i in $(seq 1 50); do
    [[ -z $(losetup -j "$LAB2_IMG" -O NAME -n 2>/dev/null) ]] && return 0
    sleep 0.1
  done
  for dev in $(losetup -j "$LAB2_IMG" -O NAME -n 2>/dev/null); do
    losetup -d "$dev" && echo "    detached $dev"
  done
}
