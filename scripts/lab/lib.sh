# Shared by scripts/lab-up, scripts/lab-down and the helpers in scripts/lab/.
# Fixed choices of the lab: every path and address lives here and in inventory/lab.yaml.
# shellcheck shell=bash

LAB_STATE=/var/lib/osm-lab
LAB_RUN=$LAB_STATE/run
LAB_CACHE=/var/cache/osm-play
LAB_ETC_BACKUP=$LAB_STATE/etc-backup
LAB_LXC_MNT=/srv/osm-lxc
LAB_LXC_ROOT=$LAB_LXC_MNT/lxc
LAB_LXC_IMG=$LAB_STATE/osm-lxc.btrfs.img
LAB_LXC_IMG_SIZE=8G
LAB_BACKUP_MNT=/srv/backups
LAB_BACKUP_IMG=$LAB_STATE/backups.btrfs.img
LAB_BACKUP_IMG_SIZE=2G
LAB_BRIDGE=lxcbr0
LAB_BRIDGE_ADDR=10.0.3.1
LAB_NET=10.0.3.0/24
LAB_NFT_TABLE=osm_lab_guard
LAB_NGINX=$LAB_STATE/nginx
# The lab nginx's http listeners: loopback on lab; every address in lab2's own namespace.
LAB_NGINX_LISTEN=${LAB_NGINX_LISTEN-127.0.0.1:}
LAB_SSH=$LAB_STATE/ssh
LAB_SSH_PORT=2222
LAB_BACKUP_SSH_PORT=2223
LAB_PEBBLE=$LAB_STATE/pebble
LAB_PEBBLE_PORT=14000
LAB_PEBBLE_MGMT_PORT=15000
LAB_BIN=$LAB_STATE/bin
# lab2, the fleet's second OSM host (scripts/lab/lab2.sh): network and mount namespaces of its own.
LAB2_NS=osm-lab2
LAB2_VETH=osmlab2
LAB2_GW=10.98.0.1
LAB2_ADDR=10.98.0.2
LAB2_DIR=$LAB_STATE/lab2
LAB2_IMG=$LAB_STATE/osm-lxc2.btrfs.img
LAB2_IMG_SIZE=6G
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_SCRIPTS/../.." && pwd)

LAB_T0=${LAB_T0:-$(date +%s%3N)}
LAB_PHASE_T=$LAB_T0
LAB_PHASE_NAME=

# Ends the previous phase (printing its time) and starts the next one.
phase() {
  local now; now=$(date +%s%3N)
  if [[ -n $LAB_PHASE_NAME ]]; then
    printf '    %s: %s\n' "$LAB_PHASE_NAME" "$(secs $((now - LAB_PHASE_T)))"
  fi
  LAB_PHASE_NAME=$1
  LAB_PHASE_T=$now
  [[ -z $1 ]] || printf '==> %s\n' "$1"
}

# Milliseconds to "1.2s".
secs() { printf '%d.%ds' $(($1 / 1000)) $(($1 % 1000 / 100)); }

total_time() { secs $(($(date +%s%3N) - LAB_T0)); }

die() { printf 'lab: %s\n' "$*" >&2; exit 1; }

# Saves the pre-lab version of a path once, before the lab first changes it.
backup_once() {
  local path=$1 dest=$LAB_ETC_BACKUP$1
  [[ -e $dest || -e $dest.did-not-exist ]] && return 0
  mkdir -p "$(dirname "$dest")"
  if [[ -e $path ]]; then
    cp -a "$path" "$dest"
  else
    : > "$dest.did-not-exist"
  fi
}

backup_all_once() {
  local p
  while read -r p; do
    [[ -z $p || $p == \#* ]] && continue
    backup_once "$p"
  done < "$LAB_SCRIPTS/etc-files.txt"
}

# Puts a path back as it was before the lab (content in place, so bind-mounted files keep working).
restore_path() {
  local path=$1 src=$LAB_ETC_BACKUP$1
  if [[ -e $src.did-not-exist ]]; then
    rm -rf "$path"
    rm -f "$src.did-not-exist"
  elif [[ -d $src ]]; then
    rm -rf "$path"
    cp -a "$src" "$path"
    rm -rf "$src"
  elif [[ -e $src ]]; then
    cp -a "$src" "$path"
    rm -f "$src"
  fi
}

# pid file helpers: every process the lab starts has its pid under $LAB_RUN.
# True while a process runs. A zombie counts as gone: where PID 1 does not reap orphans (this
# machine's, and CI's), a killed daemon stays a zombie and `kill -0` alone would call it alive.
pid_running() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Processes stopped by stop_pid and nginx_down: PID 1 reaps them a second or two late, and
# wait_reaped waits for them all at once, so what lab-down leaves holds no zombie of ours either.
LAB_STOPPED_PIDS=()

# Waits (up to 5 s in all) until every stopped process has left the process table.
wait_reaped() {
  local pid i
  for pid in "${LAB_STOPPED_PIDS[@]}"; do
    for i in $(seq 1 50); do
      [[ -e /proc/$pid ]] || break
      sleep 0.1
    done
  done
  LAB_STOPPED_PIDS=()
}

pid_alive() {
  local f=$LAB_RUN/$1.pid
  [[ -s $f ]] || return 1
  pid_running "$(cat "$f")"
}

stop_pid() {
  local name=$1 f=$LAB_RUN/$1.pid pid i
  [[ -s $f ]] || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  if pid_running "$pid"; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      pid_running "$pid" || break
      sleep 0.1
    done
    if pid_running "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  LAB_STOPPED_PIDS+=("$pid")
  rm -f "$f"
  echo "    stopped $name ($pid)"
}

LAB_LOCK=/run/lock/osm-lab.lock

# The processes with the lab lock open, as "pid command" lines, leaving out this script and what
# it forked (bash keeps saved copies of fd 9 in its subshells).
lab_lock_holders() {
  local want fd pid
  want=$(readlink -f "$LAB_LOCK")
  for fd in /proc/[0-9]*/fd/*; do
    [[ $(readlink "$fd" 2>/dev/null) == "$want" ]] || continue
    pid=${fd#/proc/}; pid=${pid%%/*}
    descends_from_us "$pid" && continue
    printf '%s %s\n' "$pid" "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
  done | sort -u
}

descends_from_us() {
  local pid=$1 i stat
  for i in $(seq 1 64); do
    [[ $pid == "$$" ]] && return 0
    ((pid > 1)) || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }; set -- $stat; pid=$2
  done
  return 1
}

# Takes the lab lock on fd 9 (one lab-up or lab-down at a time) and records our pid in it. While
# the recorded pid lives, we wait for it. When it does not, whoever still holds the lock inherited
# the descriptor from a lab-up or lab-down that has ended (lab daemons once did); those holders are
# ended, or the lab could never be taken down again.
take_lab_lock() {
  exec 9<> "$LAB_LOCK"
  if ! flock -n 9; then
    local owner
    sleep 1   # a lab-up that has just taken the lock may not have written its pid yet
    owner=$(tr -cd 0-9 < "$LAB_LOCK")
    if [[ -n $owner ]] && pid_running "$owner"; then
      echo "lab: waiting for lab-up/lab-down (pid $owner) to finish"
      flock -w 900 9 || die "another lab-up/lab-down (pid $owner) holds $LAB_LOCK"
    elif ! flock -n 9; then
      local stale
      stale=$(lab_lock_holders)
      printf 'lab: %s is held by processes left from an ended lab-up/lab-down; ending them:\n%s\n' "$LAB_LOCK" "$stale"
      # shellcheck disable=SC2046
      kill $(cut -d' ' -f1 <<< "$stale") 2>/dev/null || true
      flock -w 30 9 || die "$LAB_LOCK is still held by: $(lab_lock_holders)"
    fi
  fi
  echo "$$" > "$LAB_LOCK"
}

# Closes every descriptor above 2 of the current shell; call it in a subshell about to exec. A daemon
# that kept one would hold a lock of whoever ran lab-up (`flock LOCKFILE scripts/lab-up`, or lab-up's
# own fd 9) for as long as it lives. The descriptors are listed first and closed after, with no
# redirection on the loop: bash restores a redirected loop's descriptors when it ends.
close_inherited_fds() {
  local fds=() fd
  for fd in /proc/$BASHPID/fd/*; do fds+=("${fd##*/}"); done
  for fd in "${fds[@]}"; do
    if ((fd > 2)) && [[ -e /proc/$BASHPID/fd/$fd ]]; then eval "exec $fd>&-"; fi
  done
}

# Runs a command (a self-daemonizing nginx, sshd, lxc-net) with no descriptor of ours above 2.
without_inherited_fds() {
  ( close_inherited_fds; exec "$@" )
}

# Starts a daemon in its own session, detached from our stdio, with its pid recorded. One process
# only: a subshell that waited for the daemon would keep every descriptor we hold, the lab lock too.
start_daemon() {
  local name=$1; shift
  local log=$LAB_STATE/logs/$name.log
  mkdir -p "$LAB_RUN" "$LAB_STATE/logs"
  # shellcheck disable=SC2016
  ( close_inherited_fds; exec setsid bash -c 'echo $$ > "$0"; exec "$@"' "$LAB_RUN/$name.pid" "$@" ) \
    < /dev/null >> "$log" 2>&1 &
  local i
  for i in $(seq 1 50); do [[ -s $LAB_RUN/$name.pid ]] && break; sleep 0.05; done
}

# Waits until a TCP port accepts connections on 127.0.0.1.
wait_port() {
  local port=$1 i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Unmounts everything mounted below a directory (deepest first), never lazily.
umount_under() {
  local dir=$1 m
  findmnt -rn -o TARGET | awk -v d="$dir/" 'index($0, d) == 1' | sort -r | while read -r m; do
    umount "$m"
  done
}
