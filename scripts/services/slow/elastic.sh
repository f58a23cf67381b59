#!/usr/bin/env bash
# A private, single-node Elasticsearch 8.19.21 for @outpools/driver-elastic's tests and benchmark.
# Usage: elastic.sh start | wait [seconds] | stop | status
#   start  idempotent; returns within seconds. In the background (log: $dir/setup.log): fetches
#          the integ-test-zip distribution from Maven Central once (unpacked into $cache),
#          creates the system user, generates the certificates, writes the node's configuration
#          and the file-realm user, then starts the node as that user.
#   wait   blocks until cluster health answers yellow or green (default 180 s); non-zero with
#          the log tail if not.
#   stop   SIGTERM, then waits for the process to end (SIGKILL after 30 s); idempotent.
# One node serves every test over https on 127.0.0.1:19200 (transport 127.0.0.1:19300):
# security on, TLS on HTTP with a certificate signed by a test CA, a file-realm superuser
# "outpools" / "outpools-es-pw".
# State under /tmp/outpools-services/elastic/:
#   ca.crt / ca.key          the test CA (openssl)
#   server.crt / server.key  the node's certificate (SAN IP:127.0.0.1, DNS:localhost) signed by
#                            the CA; server.crt holds the CA too, so a client without the CA sees
#                            SELF_SIGNED_CERT_IN_CHAIN ("selfsigned_peer" accepts it, "peer" not)
#   config/                  ES_PATH_CONF: elasticsearch.yml, jvm.options.d/, users, certs/
#   data/ logs/ run/         the node's data, logs and pid file (run/elastic.pid); setup.log
# service: Elasticsearch 8.19 on 19200 (JDK 17; first run fetches ~107 MB from Maven Central; starts in 10-25 s)
# ports: 19200
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"

version=8.19.21
port=19200
transport_port=19300
dir=/tmp/outpools-services/elastic
cache=${OUTPOOLS_ELASTIC_CACHE:-/var/cache/outpools/elastic/$version}
home=$cache/elasticsearch-$version
conf=$dir/config
pidfile=$dir/run/elastic.pid
setup_log=$dir/setup.log
lock=$dir/start.lock
es_user=outpools-es
user=outpools
pass=outpools-es-pw

running_pid() {
  local pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# True while a background launch holds the start lock.
launching() {
  [ -e "$lock" ] || return 1
  ! flock -n "$lock" true
}

health() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 --cacert "$dir/ca.crt" -u "$user:$pass" \
    "https://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null || true
}

fetch_distribution() {
  [ -x "$home/bin/elasticsearch" ] && [ -e "$home/.complete" ] && return 0
  command -v mvn >/dev/null || apt_install maven
  command -v unzip >/dev/null || apt_install unzip
  mkdir -p "$cache"
  local tmp
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  mvn -q -B dependency:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$version:zip" \
    -DoutputDirectory="$tmp"
  unzip -q "$tmp/elasticsearch-$version.zip" -d "$tmp"
  rm -rf "$home"
  mv "$tmp/elasticsearch-$version" "$home"
  rm -rf "$tmp"
  touch "$home/.complete"
}

make_user() {
  id -u "$es_user" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$es_user"
}

make_certs() {
  make_server_cert "$dir" "outpools elastic test CA"
}

write_config() {
  if [ ! -s "$conf/.complete" ]; then
    rm -rf "$conf"
    cp -r "$home/config" "$conf"
    touch "$conf/.complete"
  fi
  mkdir -p "$conf/certs" "$conf/jvm.options.d" "$dir/data" "$dir/logs"
  install -m 644 "$dir/ca.crt" "$conf/certs/ca.crt"
  install -m 644 "$dir/server.crt" "$conf/certs/server.crt"
  install -m 600 "$dir/server.key" "$conf/certs/server.key"
  cat >"$conf/elasticsearch.yml" <<YAML
cluster.name: outpools-test
node.name: outpools-es-1
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $port
transport.port: $transport_port
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.key: certs/server.key
xpack.security.http.ssl.certificate: certs/server.crt
xpack.security.http.ssl.certificate_authorities: [certs/ca.crt]
xpack.security.authc.realms.file.file1.order: 0
YAML
  printf '%s\n' -Xms512m -Xmx512m >"$conf/jvm.options.d/heap.options"
  chown -R "$es_user" "$conf" "$dir/data" "$dir/logs"
  if ! grep -q "^$user:" "$conf/users" 2>/dev/null; then
    runuser -u "$es_user" -- env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$conf" \
      CLI_JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' \
      "$home/bin/elasticsearch-users" useradd "$user" -p "$pass" -r superuser
  fi
}

# Runs in the background under the start lock: setup, then the node (daemonized, pid file).
launch() {
  echo "setup $(date -u +%FT%TZ)"
  if port_open "$port" || running_pid >/dev/null; then echo "already running"; return 0; fi
  fetch_distribution
  make_user
  make_certs
  write_config
  chmod 755 /tmp/outpools-services "$dir"
  mkdir -p "$dir/run" && chown "$es_user" "$dir/run"
  rm -f "$pidfile"
  echo "starting $(date -u +%FT%TZ)"
  runuser -u "$es_user" -- env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$conf" \
    ES_JAVA_OPTS='-XX:TieredStopAtLevel=1' CLI_JAVA_OPTS='-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' \
    "$home/bin/elasticsearch" -d -p "$pidfile"
  echo "started $(date -u +%FT%TZ)"
}

java_home=${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

cmd=${1:-start}
case "$cmd" in
  start)
    mkdir -p "$dir"
    if port_open "$port" || running_pid >/dev/null || launching; then
      echo "elastic already up or starting on 127.0.0.1:$port"
      exit 0
    fi
    touch "$lock"
    # setsid + flock: the launch survives this script and holds the lock until the node is up.
    setsid flock -n "$lock" bash "$0" __launch >>"$setup_log" 2>&1 </dev/null &
    echo "elastic starting in the background (log: $setup_log)"
    ;;
  __launch)
    launch
    ;;
  wait)
    secs=${2:-180}
    deadline=$((SECONDS + secs))
    while ((SECONDS < deadline)); do
      if [ "$(health)" = 200 ]; then echo "elastic ready on https://127.0.0.1:$port"; exit 0; fi
      if ! launching && ! running_pid >/dev/null && ! port_open "$port"; then
        sleep 1
        launching || running_pid >/dev/null || port_open "$port" || break
      fi
      sleep 0.3
    done
    echo "elastic not ready within ${secs}s" >&2
    tail -n 30 "$setup_log" >&2 2>/dev/null || true
    tail -n 30 "$dir/logs/outpools-test.log" >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    # A launch under way: let it finish (it writes the pid file), then stop what it started.
    if launching; then flock -w 180 "$lock" true || true; fi
    if pid=$(running_pid); then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    echo "elastic stopped"
    ;;
  status)
    if [ "$(health)" = 200 ]; then echo "ready"; elif running_pid >/dev/null || launching; then echo "starting"; else echo "stopped"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start | wait [seconds] | stop | status" >&2
    exit 2
    ;;
esac
