# sshd for the lab host (127.0.0.1:2222) and the backup host (127.0.0.1:2223), own configs and keys.
# osm-play logs in as $LAB_SSH_USER (uid 0) with $LAB_SSH/id_ed25519 and checks host keys against
# $LAB_SSH/known_hosts.
#
# Why not root itself: sshd runs every command through the user's login shell, and bash sources
# ~/.bashrc for commands that come over ssh. A machine whose root .bashrc does slow work (pyenv
# init takes seconds) would make every task slow. The lab's uid-0 user has /bin/sh and its own home.
LAB_SSH_USER=osmlab
# shellcheck shell=bash

# write_sshd_config NAME PORT [LISTEN_ADDRESS] [PID_FILE]: the host key (made once) and the config.
write_sshd_config() {
  local name=$1 port=$2 listen=${3:-127.0.0.1} pidfile=${4:-$LAB_RUN/sshd-$1.pid}
  [[ -s $LAB_SSH/${name}_host_ed25519_key ]] \
    || ssh-keygen -q -t ed25519 -N '' -C "osm-lab-$name" -f "$LAB_SSH/${name}_host_ed25519_key"
  cat > "$LAB_SSH/${name}_sshd_config" <<CONF
# osm-play lab: $name
Port $port
ListenAddress $listen
HostKey $LAB_SSH/${name}_host_ed25519_key
PidFile $pidfile
PermitRootLogin prohibit-password
AllowUsers $LAB_SSH_USER root
PubkeyAuthentication yes
AuthorizedKeysFile $LAB_SSH/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
PrintMotd no
MaxSessions 50
MaxStartups 50:30:100
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
CONF
}

lab_ssh_user_up() {
  if ! getent passwd "$LAB_SSH_USER" > /dev/null; then
    mkdir -p "$LAB_STATE/home"
    # "*": no password at all, but not locked ("!" would make sshd refuse even key logins).
    useradd --non-unique --uid 0 --gid 0 --password "*" --no-create-home --home-dir "$LAB_STATE/home" --shell /bin/sh "$LAB_SSH_USER"
    : > "$LAB_STATE/created-ssh-user"
  fi
}

lab_ssh_user_down() {
  if [[ -f $LAB_STATE/created-ssh-user ]] && getent passwd "$LAB_SSH_USER" > /dev/null; then
    # userdel refuses a uid that has running processes (any root process counts): edit the files.
    sed -i "/^$LAB_SSH_USER:/d" /etc/passwd /etc/shadow
    rm -f "$LAB_STATE/created-ssh-user"
  fi
}

sshd_up() {
  mkdir -p "$LAB_SSH" "$LAB_RUN"
  lab_ssh_user_up
  chmod 700 "$LAB_SSH"
  [[ -s $LAB_SSH/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C osm-lab-client -f "$LAB_SSH/id_ed25519"
  cp "$LAB_SSH/id_ed25519.pub" "$LAB_SSH/authorized_keys"
  chmod 600 "$LAB_SSH/authorized_keys"
  write_sshd_config host "$LAB_SSH_PORT"
  write_sshd_config backup "$LAB_BACKUP_SSH_PORT"
  {
    printf '[127.0.0.1]:%s %s\n' "$LAB_SSH_PORT" "$(cut -d' ' -f1,2 "$LAB_SSH/host_host_ed25519_key.pub")"
    printf '[127.0.0.1]:%s %s\n' "$LAB_BACKUP_SSH_PORT" "$(cut -d' ' -f1,2 "$LAB_SSH/backup_host_ed25519_key.pub")"
  } > "$LAB_SSH/known_hosts"
  # sshd needs its privilege separation directory; note it if the lab made it.
  if [[ ! -d /run/sshd ]]; then
    mkdir -p /run/sshd && chmod 755 /run/sshd && : > "$LAB_STATE/created-run-sshd"
  fi
  local name
  for name in host backup; do
    /usr/sbin/sshd -t -f "$LAB_SSH/${name}_sshd_config"
    if pid_alive "sshd-$name"; then
      kill -HUP "$(cat "$LAB_RUN/sshd-$name.pid")"
    else
      without_inherited_fds /usr/sbin/sshd -f "$LAB_SSH/${name}_sshd_config" -E "$LAB_STATE/logs/sshd-$name.log"
    fi
  done
  wait_port "$LAB_SSH_PORT" && wait_port "$LAB_BACKUP_SSH_PORT" || die "sshd did not start (see $LAB_STATE/logs/sshd-*.log)"
  echo "    sshd 127.0.0.1:$LAB_SSH_PORT (lab host) and 127.0.0.1:$LAB_BACKUP_SSH_PORT (backup host)"
  echo "    key $LAB_SSH/id_ed25519, known_hosts $LAB_SSH/known_hosts"
}

sshd_down() {
  stop_pid sshd-host
  stop_pid sshd-backup
  lab_ssh_user_down
  if [[ -f $LAB_STATE/created-run-sshd ]]; then
    rmdir /run/sshd 2>/dev/null || true
    rm -f "$LAB_STATE/created-run-sshd"
  fi
}
