# The lab's own nginx instance (the system nginx is left alone): stream module, http + stream blocks
# including devtank/customers.{http,stream}.d/*.conf, a default self-signed certificate.
# Use $LAB_BIN/nginx-lab (a wrapper adding -p/-c/-e) for `-t` and `-s reload`.
# shellcheck shell=bash

write_nginx_conf() {
  local p=$LAB_NGINX
  mkdir -p "$p"/{devtank/customers.http.d,devtank/customers.stream.d,devtank/services,certs,logs,temp} "$LAB_BIN" "$LAB_RUN"
  if [[ ! -s $p/certs/default.crt ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=osm-lab-default' \
      -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
      -keyout "$p/certs/default.key" -out "$p/certs/default.crt" 2> /dev/null
  fi
  # setup-host owns nginx.conf once it has run: write the lab's first version only.
  [[ -s $p/nginx.conf ]] || cat > "$p/nginx.conf" <<CONF
# osm-play lab nginx: run through $LAB_BIN/nginx-lab
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
pid $LAB_RUN/nginx.pid;
error_log $p/logs/error.log;
worker_processes 1;
events { worker_connections 512; }

http {
    include /etc/nginx/mime.types;
    access_log $p/logs/access.log;
    client_body_temp_path $p/temp/client_body;
    proxy_temp_path $p/temp/proxy;
    fastcgi_temp_path $p/temp/fastcgi;
    uwsgi_temp_path $p/temp/uwsgi;
    scgi_temp_path $p/temp/scgi;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }

    server {
        listen ${LAB_NGINX_LISTEN}80 default_server;
        return 301 https://\$host\$request_uri;
    }
    server {
        listen ${LAB_NGINX_LISTEN}443 ssl default_server;
        ssl_certificate $p/certs/default.crt;
        ssl_certificate_key $p/certs/default.key;
        return 404;
    }
    include devtank/customers.http.d/*.conf;
    include devtank/services/*.conf;
}

stream {
    ssl_certificate $p/certs/default.crt;
    ssl_certificate_key $p/certs/default.key;
    include devtank/customers.stream.d/*.conf;
}
CONF
  cat > "$LAB_BIN/nginx-lab" <<WRAP
#!/bin/sh
# The lab nginx instance: same flags for -t, -s reload and start.
exec /usr/sbin/nginx -p $p/ -c $p/nginx.conf -e $p/logs/error.log "\$@"
WRAP
  chmod 755 "$LAB_BIN/nginx-lab"
}

# Masters running the lab conf in our network namespace, whoever started them (a test may have run
# `nginx -p ... -c ...`); lab2's nginx runs the same path in its own namespace and is not ours.
lab_nginx_masters() {
  local pid ours
  ours=$(readlink /proc/self/ns/net)
  for pid in $(pgrep -f -- "^nginx: master process .*-c $LAB_NGINX/nginx.conf" || true); do
    [[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$ours" ]] && echo "$pid"
  done
  return 0
}

nginx_up() {
  write_nginx_conf
  "$LAB_BIN/nginx-lab" -t -q
  local master
  if ! pid_alive nginx; then
    master=$(lab_nginx_masters | head -n1)
    # Adopt a lab nginx that lost its pid file rather than fail on its ports.
    [[ -z $master ]] || echo "$master" > "$LAB_RUN/nginx.pid"
  fi
  if pid_alive nginx; then
    "$LAB_BIN/nginx-lab" -s reload
    echo "    nginx reloaded (pid $(cat "$LAB_RUN/nginx.pid"))"
  else
    rm -f "$LAB_RUN/nginx.pid"
    without_inherited_fds "$LAB_BIN/nginx-lab"   # the daemon must not hold a caller's lock
    echo "    nginx started (pid $(cat "$LAB_RUN/nginx.pid")), conf $LAB_NGINX/nginx.conf"
  fi
}

nginx_down() {
  local master i
  stop_pid nginx
  for master in $(lab_nginx_masters); do
    kill "$master" 2>/dev/null || true
    for i in $(seq 1 50); do pid_running "$master" || break; sleep 0.1; done
    if pid_running "$master"; then
      pkill -9 -P "$master" || true   # workers first: they outlive a killed master
      kill -9 "$master" 2>/dev/null || true
    fi
    LAB_STOPPED_PIDS+=("$master")
    echo "    stopped nginx $master (no pid file)"
  done
}
