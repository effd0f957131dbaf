# The lab's monitoring (issue 18): what systemd runs on a production OSM host and monitoring host,
# run here as lab daemons on loopback (this machine has no systemd). inventory/lab.yaml points the
# osm_monitoring_agent and osm_monitoring_server roles at the same paths and ports.
#   node-exporter   127.0.0.1:19100, textfile collector $LAB_MONITORING/textfile
#   osm-metrics     every 5 s in the timer's place, once setup-host has installed it
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
LAB_OSM_METRICS=$LAB_BIN/osm-metrics
LAB_OSM_METRICS_INTERVAL=5

# Writes FILE with stdin's text unless it exists (setup-monitoring's files are never overwritten).
monitoring_seed_file() {
  local file=$1
  if [[ -s $file ]]; then cat > /dev/null; else cat > "$file"; fi
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

  if pid_alive node-exporter; then
    echo "    node-exporter already running (pid $(cat "$LAB_RUN/node-exporter.pid"))"
  else
    start_daemon node-exporter /usr/bin/prometheus-node-exporter \
      "--collector.textfile.directory=$m/textfile" "--web.listen-address=127.0.0.1:$LAB_NODE_EXPORTER_PORT"
    wait_port "$LAB_NODE_EXPORTER_PORT" || die "node-exporter did not start (see $LAB_STATE/logs/node-exporter.log)"
    echo "    node-exporter http://127.0.0.1:$LAB_NODE_EXPORTER_PORT/metrics, textfile folder $m/textfile"
  fi

  # The systemd timer's stand-in: the same command the osm-metrics.service runs (setup-host's
  # osm_monitoring_agent installs the script and its settings; until then it waits).
  if pid_alive osm-metrics-timer; then
    echo "    osm-metrics timer already running (pid $(cat "$LAB_RUN/osm-metrics-timer.pid"))"
  else
    start_daemon osm-metrics-timer sh -c \
      'while :; do if [ -x "$0" ] && [ -r "$1" ]; then "$0" --config "$1" --textfile "$2"; fi; sleep "$3"; done' \
      "$LAB_OSM_METRICS" "$m/metrics.conf" "$m/textfile" "$LAB_OSM_METRICS_INTERVAL"
    echo "    osm-metrics every ${LAB_OSM_METRICS_INTERVAL}s ($LAB_OSM_METRICS --config $m/metrics.conf --textfile $m/textfile)"
  fi

  if pid_alive prometheus; then
    echo "    prometheus already running (pid $(cat "$LAB_RUN/prometheus.pid"))"
  else
    start_daemon prometheus /usr/bin/prometheus "--config.file=$m/prometheus.yml" \
      "--storage.tsdb.path=$m/prometheus-data" --storage.tsdb.retention.time=2d \
      "--web.listen-address=127.0.0.1:$LAB_PROMETHEUS_PORT" --web.enable-lifecycle
    wait_port "$LAB_PROMETHEUS_PORT" || die "prometheus did not start (see $LAB_STATE/logs/prometheus.log)"
    echo "    prometheus http://127.0.0.1:$LAB_PROMETHEUS_PORT/ (config $m/prometheus.yml)"
  fi

  if pid_alive alertmanager; then
    echo "    alertmanager already running (pid $(cat "$LAB_RUN/alertmanager.pid"))"
  else
    start_daemon alertmanager /usr/bin/prometheus-alertmanager "--config.file=$m/alertmanager.yml" \
      "--storage.path=$m/alertmanager-data" "--web.listen-address=127.0.0.1:$LAB_ALERTMANAGER_PORT" \
      --cluster.listen-address=
    wait_port "$LAB_ALERTMANAGER_PORT" || die "alertmanager did not start (see $LAB_STATE/logs/alertmanager.log)"
    echo "    alertmanager http://127.0.0.1:$LAB_ALERTMANAGER_PORT/ (config $m/alertmanager.yml)"
  fi

  if pid_alive blackbox; then
    echo "    blackbox exporter already running (pid $(cat "$LAB_RUN/blackbox.pid"))"
  else
    start_daemon blackbox /usr/bin/prometheus-blackbox-exporter "--config.file=$m/blackbox.yml" \
      "--web.listen-address=127.0.0.1:$LAB_BLACKBOX_PORT"
    wait_port "$LAB_BLACKBOX_PORT" || die "blackbox exporter did not start (see $LAB_STATE/logs/blackbox.log)"
    echo "    blackbox exporter http://127.0.0.1:$LAB_BLACKBOX_PORT/ (config $m/blackbox.yml)"
  fi
}

monitoring_down() {
  local name
  for name in blackbox alertmanager prometheus osm-metrics-timer node-exporter; do stop_pid "$name"; done
}
