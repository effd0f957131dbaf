# Pebble, Debian's ACME test server, on 127.0.0.1:14000 with its own listener certificate (lab2 reaches
# it at $LAB2_GW:14000, forwarded: scripts/lab/lab2.sh).
# Every challenge passes (PEBBLE_VA_ALWAYS_VALID=1), so certbot needs no DNS.
# certbot: --server https://127.0.0.1:14000/dir with REQUESTS_CA_BUNDLE=$LAB_PEBBLE/ca.crt
# shellcheck shell=bash

pebble_up() {
  local p=$LAB_PEBBLE
  mkdir -p "$p"
  if [[ ! -s $p/ca.crt ]]; then
    # A small CA and a leaf for 127.0.0.1/localhost, so clients can trust the CA file alone.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=osm-lab pebble listener CA' \
      -keyout "$p/ca.key" -out "$p/ca.crt.partial" 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout "$p/key.pem" -out "$p/leaf.csr" 2> /dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$LAB2_GW" > "$p/leaf.ext"
    openssl x509 -req -in "$p/leaf.csr" -CA "$p/ca.crt.partial" -CAkey "$p/ca.key" -CAcreateserial \
      -days 3650 -extfile "$p/leaf.ext" -out "$p/cert.pem" 2> /dev/null
    mv "$p/ca.crt.partial" "$p/ca.crt"
  fi
  cat > "$p/pebble-config.json" <<CONF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$LAB_PEBBLE_PORT",
    "managementListenAddress": "127.0.0.1:$LAB_PEBBLE_MGMT_PORT",
    "certificate": "$p/cert.pem",
    "privateKey": "$p/key.pem",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
CONF
  if pid_alive pebble; then
    echo "    pebble already running (pid $(cat "$LAB_RUN/pebble.pid"))"
  else
    # pebble keeps its ACME accounts in memory only: the accounts certbot registered with an earlier
    # pebble (a lab whose processes ended while its state stayed) are unknown to this one, and certbot
    # would fail every customer with accountDoesNotExist. certbot registers anew without them.
    rm -rf "$LAB_STATE/letsencrypt/accounts"
    start_daemon pebble env PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_VA_NOSLEEP=1 \
      /usr/bin/pebble -config "$p/pebble-config.json" -strict=false
    wait_port "$LAB_PEBBLE_PORT" || die "pebble did not start (see $LAB_STATE/logs/pebble.log)"
    echo "    pebble https://127.0.0.1:$LAB_PEBBLE_PORT/dir (pid $(cat "$LAB_RUN/pebble.pid"))"
  fi
  echo "    ACME directory CA bundle: $p/ca.crt (issued certs chain to https://127.0.0.1:$LAB_PEBBLE_MGMT_PORT/roots/0)"
}

pebble_down() {
  stop_pid pebble
}
