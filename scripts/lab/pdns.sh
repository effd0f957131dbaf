# PowerDNS authoritative (Debian pdns-server + pdns-backend-sqlite3) on loopback: DNS on
# 127.0.0.1:$LAB_PDNS_PORT, HTTP API on 127.0.0.1:$LAB_PDNS_API_PORT, serving the lab zone.
# No systemd: pdns_server runs in the foreground under start_daemon, its pid in $LAB_RUN/$LAB_PDNS_NAME.pid.
# The API key is generated into $LAB_PDNS/api-key (root, 0600); pdns.conf holds only its scrypt hash.
#
# Every value below may be set before sourcing, so a test can run a private instance in a temp dir on
# free ports (test/integration/dns/pdns.ts): LAB_STATE, LAB_RUN, LAB_PDNS, LAB_PDNS_PORT,
# LAB_PDNS_API_PORT, LAB_PDNS_ZONE, LAB_PDNS_NAME. Needs lib.sh (start_daemon, stop_pid, wait_port).
# shellcheck shell=bash

LAB_PDNS=${LAB_PDNS:-$LAB_STATE/pdns}
LAB_PDNS_PORT=${LAB_PDNS_PORT:-5300}
LAB_PDNS_API_PORT=${LAB_PDNS_API_PORT:-8081}
LAB_PDNS_ZONE=${LAB_PDNS_ZONE:-osm-lab.test}
LAB_PDNS_NAME=${LAB_PDNS_NAME:-pdns}
LAB_PDNS_SCHEMA=/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql

pdns_check_installed() {
  local f
  for f in /usr/sbin/pdns_server /usr/bin/pdnsutil /usr/bin/sqlite3 "$LAB_PDNS_SCHEMA"; do
    [[ -e $f ]] || die "pdns: $f is missing (install pdns-server pdns-backend-sqlite3 sqlite3: scripts/lab/install-packages)"
  done
  # Debian's package enables pdns.service; without systemd nothing starts it. A daemon of this
  # instance that lost its pid file would hold our ports: refuse rather than start a second one.
  if ! pid_alive "$LAB_PDNS_NAME" && pgrep -f -- "pdns_server --config-dir=$LAB_PDNS\$" > /dev/null; then
    die "pdns: a pdns_server of $LAB_PDNS runs without $LAB_RUN/$LAB_PDNS_NAME.pid: stop it first"
  fi
  return 0
}

# The API key: made once, kept on re-runs (inventories and tests read it from the file).
pdns_api_key() {
  local f=$LAB_PDNS/api-key
  if [[ ! -s $f ]]; then
    (umask 077 && openssl rand -hex 24 > "$f.partial" && mv "$f.partial" "$f")
  fi
  cat "$f"
}

pdns_write_conf() {
  local key hash
  key=$(pdns_api_key)
  # Hashed once; a new salt every run would rewrite the file for nothing.
  if [[ ! -s $LAB_PDNS/api-key.hash ]]; then
    hash=$(printf '%s\n' "$key" | pdnsutil hash-password 2> /dev/null | tail -n1)
    [[ $hash == '$scrypt$'* ]] || die "pdns: pdnsutil hash-password gave no scrypt hash"
    (umask 077 && printf '%s\n' "$hash" > "$LAB_PDNS/api-key.hash")
  fi
  hash=$(cat "$LAB_PDNS/api-key.hash")
  (umask 077 && cat > "$LAB_PDNS/pdns.conf.partial" <<CONF
# osm-play lab PowerDNS ($LAB_PDNS_ZONE); written by scripts/lab/pdns.sh
launch=gsqlite3
gsqlite3-database=$LAB_PDNS/pdns.sqlite3
local-address=127.0.0.1
local-port=$LAB_PDNS_PORT
socket-dir=$LAB_PDNS
daemon=no
write-pid=no
guardian=no
disable-syslog=yes
log-timestamp=yes
loglevel=4
# Traffic stays on loopback: no security poll, no notifies to the NS names of a zone.
security-poll-suffix=
disable-axfr=yes
primary=no
secondary=no
# RFC 2136 updates, from loopback only (a zone also needs TSIG-ALLOW-DNSUPDATE or ALLOW-DNSUPDATE-FROM).
dnsupdate=yes
allow-dnsupdate-from=127.0.0.0/8
# The zone's SOA as pdnsutil create-zone makes it; API changes bump its serial (SOA-EDIT-API).
default-soa-content=ns1.@ hostmaster.@ 0 10800 3600 604800 3600
api=yes
api-key=$hash
webserver=yes
webserver-address=127.0.0.1
webserver-port=$LAB_PDNS_API_PORT
webserver-allow-from=127.0.0.1
setuid=pdns
setgid=pdns
CONF
  mv "$LAB_PDNS/pdns.conf.partial" "$LAB_PDNS/pdns.conf")
}

pdns_write_db() {
  local db=$LAB_PDNS/pdns.sqlite3
  if [[ ! -s $db ]]; then
    sqlite3 "$db.partial" < "$LAB_PDNS_SCHEMA"
    mv "$db.partial" "$db"
  fi
  # pdns drops to user pdns: sqlite needs the database and its directory (for the journal) writable.
  # The database holds TSIG secrets in the clear: user pdns only.
  chown pdns:pdns "$LAB_PDNS" "$db"
  chmod 600 "$db"
  runuser -u pdns -- test -w "$db" \
    || die "pdns: user pdns cannot write $db (every directory above $LAB_PDNS must be searchable by others)"
}

pdnsutil_lab() { pdnsutil --config-dir="$LAB_PDNS" "$@"; }

pdns_write_zone() {
  local z=$LAB_PDNS_ZONE
  if ! pdnsutil_lab list-zone "$z" > /dev/null 2>&1; then
    pdnsutil_lab create-zone "$z" "ns1.$z" > /dev/null
    pdnsutil_lab add-record "$z" ns1 A 3600 127.0.0.1 > /dev/null
    pdnsutil_lab set-meta "$z" SOA-EDIT-API DEFAULT > /dev/null
  fi
  # pdnsutil ran as root: files it left must stay writable for user pdns.
  chown pdns:pdns "$LAB_PDNS"/pdns.sqlite3*
}

# A TSIG key allowed to send RFC 2136 updates to the lab zone (dns_record backend=rfc2136).
# Its base64 secret goes to $LAB_PDNS/tsig-NAME.secret (root, 0600); prints that path.
pdns_tsig_key() {
  local name=${1:?pdns_tsig_key needs a key name} f
  f=$LAB_PDNS/tsig-$name.secret
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "pdns: bad TSIG key name '$name'"
  if [[ ! -s $f ]]; then
    pdnsutil_lab list-tsig-keys | grep -q "^$name\. " || pdnsutil_lab generate-tsig-key "$name" hmac-sha256 > /dev/null
    (umask 077 && pdnsutil_lab list-tsig-keys | awk -v n="$name." '$1 == n { print $3 }' > "$f.partial")
    [[ -s $f.partial ]] || die "pdns: TSIG key $name was not made"
    mv "$f.partial" "$f"
  fi
  pdnsutil_lab set-meta "$LAB_PDNS_ZONE" TSIG-ALLOW-DNSUPDATE "$name" > /dev/null
  # Every update bumps the SOA serial, as API changes do.
  pdnsutil_lab set-meta "$LAB_PDNS_ZONE" SOA-EDIT-DNSUPDATE INCREASE > /dev/null
  chown pdns:pdns "$LAB_PDNS"/pdns.sqlite3*
  echo "$f"
}

pdns_up() {
  pdns_check_installed
  mkdir -p "$LAB_PDNS" "$LAB_RUN"
  chmod 750 "$LAB_PDNS"
  pdns_write_conf
  pdns_write_db
  pdns_write_zone
  if pid_alive "$LAB_PDNS_NAME"; then
    echo "    pdns already running (pid $(cat "$LAB_RUN/$LAB_PDNS_NAME.pid"))"
  else
    start_daemon "$LAB_PDNS_NAME" /usr/sbin/pdns_server --config-dir="$LAB_PDNS"
    wait_port "$LAB_PDNS_API_PORT" || die "pdns did not start (see $LAB_STATE/logs/$LAB_PDNS_NAME.log)"
    wait_port "$LAB_PDNS_PORT" || die "pdns does not answer on $LAB_PDNS_PORT (see $LAB_STATE/logs/$LAB_PDNS_NAME.log)"
    echo "    pdns dns 127.0.0.1:$LAB_PDNS_PORT api http://127.0.0.1:$LAB_PDNS_API_PORT (pid $(cat "$LAB_RUN/$LAB_PDNS_NAME.pid"))"
  fi
  echo "    zone $LAB_PDNS_ZONE, API key $LAB_PDNS/api-key"
}

pdns_down() {
  stop_pid "$LAB_PDNS_NAME"
}

# Everything of the instance: the process, then its directory (config, database, key).
pdns_cleanup() {
  pdns_down
  rm -rf --one-file-system "$LAB_PDNS"
}
