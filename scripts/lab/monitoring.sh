# The lab's monitoring (issue 18): what systemd runs on a production OSM host and monitoring host,
# run here as lab daemons on loopback (this machine has no systemd). inventory/lab.yaml points the
# osm_monitoring_agent and osm_monitoring_server roles at the same paths and ports.
#   node-exporter   127.0.0.1:19100, textfile collector $LAB_MONITORING/textfile
#   osm-metrics     the ExecStart of the osm-metrics.service setup-host writes (in $LAB_STATE/systemd),
#                   every 5 s in the timer's place (1 min in production: 5 s keeps the lab test short)
#   prometheus      127.0.0.1:19090 (--web.enable-lifecycle: POST /-/reload after setup-monitoring)
#   alertmanager    127.0.0.1:19093
#   blackbox        127.0.0.1:19115
# Until setup-monitoring.yaml writes the real files, the daemons start from minimal ones made here.
# shellcheck shell=bash

LAB_MONITORING=$LAB_STATE/monitoring
LAB_NODE_EXPORTER_PORT=19100
LAB_PROMETHEUS_PORT=19090
LAB_ALERTMANAGER_PORT=19093
LAB_BLACKBOX_PORT=19115
LAB_OSM_METRICS_UNIT=$LAB_STATE/systemd/osm-metrics.service
LAB_OSM_METRICS_INTERVAL=5

# Writes FILE with stdin's text unless it exists (setup-monitoring's files are never overwritten).
monitoring_seed_file() {
  local file=$1
  if [[ -s $file ]]; then cat > /dev/null; else cat > "$file"; fi
}

# monitoring_daemon NAME PORT ARGV...: starts NAME unless its pid is alive, and waits for its port.
# A port already held by another program (say one a lab-down of an older branch left running) is
# an error naming it, rather than a daemon that dies unseen while the other answers in its place.
monitoring_daemon() {
  local name=$1 port=$2 holder; shift 2
  if pid_alive "$name"; then
    echo "    $name already running (pid $(cat "$LAB_RUN/$name.pid"), 127.0.0.1:$port)"
    return 0
  fi
  holder=$(ss -Hltnp "sport = :$port" 2>/dev/null)
  [[ -z $holder ]] || die "port $port for the lab's $name is held: $holder"
  start_daemon "$name" "$@"
  wait_port "$port" && pid_alive "$name" || die "$name did not start (see $LAB_STATE/logs/$name.log)"
  echo "    $name http://127.0.0.1:$port/"
}

monitoring_up() {
  local m=$LAB_MONITORING
  mkdir -p "$m/textfile" "$m/prometheus-data" "$m/alertmanager-data" "$m/osm-targets" "$LAB_BIN"
  monitoring_seed_file "$m/prometheus.yml" <<CONF
# Placeholder from scripts/lab/monitoring.sh; setup-monitoring.yaml replaces it.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs: []
CONF
  monitoring_seed_file "$m/alertmanager.yml" <<'CONF'
# Placeholder from scripts/lab/monitoring.sh; setup-monitoring.yaml replaces it.
route:
  receiver: none
receivers:
  - name: none
CONF
  monitoring_seed_file "$m/blackbox.yml" <<'CONF'
# Placeholder from scripts/lab/monitoring.sh; setup-monitoring.yaml replaces it.
modules:
  tcp_connect:
    prober: tcp
CONF

  monitoring_daemon node-exporter "$LAB_NODE_EXPORTER_PORT" /usr/bin/prometheus-node-exporter \
    "--collector.textfile.directory=$m/textfile" "--web.listen-address=127.0.0.1:$LAB_NODE_EXPORTER_PORT"

  # The systemd timer's stand-in: runs the command of the osm-metrics.service that setup-host's
  # osm_monitoring_agent wrote (until it has, it waits), so the lab runs what systemd would.
  if pid_alive osm-metrics-timer; then
    echo "    osm-metrics timer already running (pid $(cat "$LAB_RUN/osm-metrics-timer.pid"))"
  else
    # shellcheck disable=SC2016 # expanded by the inner sh
    start_daemon osm-metrics-timer sh -c \
      'while :; do cmd=$(sed -n "s/^ExecStart=//p" "$0" 2>/dev/null); [ -n "$cmd" ] && $cmd; sleep "$1"; done' \
      "$LAB_OSM_METRICS_UNIT" "$LAB_OSM_METRICS_INTERVAL"
    echo "    osm-metrics every ${LAB_OSM_METRICS_INTERVAL}s (ExecStart of $LAB_OSM_METRICS_UNIT)"
  fi

  monitoring_daemon prometheus "$LAB_PROMETHEUS_PORT" /usr/bin/prometheus "--config.file=$m/prometheus.yml" \
    "--storage.tsdb.path=$m/prometheus-data" --storage.tsdb.retention.time=2d \
    "--web.listen-address=127.0.0.1:$LAB_PROMETHEUS_PORT" --web.enable-lifecycle
  monitoring_daemon alertmanager "$LAB_ALERTMANAGER_PORT" /usr/bin/prometheus-alertmanager "--config.file=$m/alertmanager.yml" \
    "--storage.path=$m/alertmanager-data" "--web.listen-address=127.0.0.1:$LAB_ALERTMANAGER_PORT" \
    --cluster.listen-address=
  monitoring_daemon blackbox "$LAB_BLACKBOX_PORT" /usr/bin/prometheus-blackbox-exporter "--config.file=$m/blackbox.yml" \
    "--web.listen-address=127.0.0.1:$LAB_BLACKBOX_PORT"
}

monitoring_down() {
  local name pid
  # The timer's stand-in is a session of its own (start_daemon): end its whole process group, so no
  # osm-metrics run or sleep of it outlives the loop.
  if pid_alive osm-metrics-timer; then
    pid=$(cat "$LAB_RUN/osm-metrics-timer.pid")
    kill -- "-$pid" 2>/dev/null || true
  fi
  stop_pid osm-metrics-timer
  for name in blackbox alertmanager prometheus node-exporter; do stop_pid "$name"; done
}
