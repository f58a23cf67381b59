#!/usr/bin/env bash
# A private, single-node Apache Cassandra 5.0.9 for @outpools/driver-cassandra's tests and
# benchmark. Usage: cassandra.sh start | wait [seconds] | stop [--kill] | status
#   start  idempotent; returns within seconds. In the background (log: $dir/setup.log): fetches
#          cassandra-all 5.0.9's runtime jars from Maven Central once (cached in $cache),
#          generates the certificates, writes cassandra.yaml and runs CassandraDaemon.
#   wait   blocks until the node serves CQL (default 240 s); non-zero with the log tail if not.
#   stop   SIGTERM (or SIGKILL with --kill) and waits for the process to end; idempotent.
# One node serves every test: native transport 127.0.0.1:19042 (storage 17000), plaintext and
# TLS on the same port (client_encryption_options optional: true), PasswordAuthenticator
# (superuser cassandra/cassandra usable at once; the tests create their own role). Passwords are
# hashed with bcrypt's smallest cost (2^4 rounds instead of 2^10): every client connection costs
# one bcrypt check on the node, and at the default cost 20 workers connecting at once keep both
# cores of a test machine busy for seconds.
# State under /tmp/outpools-services/cassandra/:
#   ca.crt / ca.key          a test CA (openssl)
#   server.crt / server.key  the node's certificate (SAN IP:127.0.0.1, DNS:localhost), signed
#                            by the CA; server.p12 the PKCS12 keystore Cassandra reads (keytool
#                            checks it)
#   run/                     cassandra.yaml, logback.xml, data, commitlog, logs; cassandra.log
# service: Cassandra 5.0 on 19042 (JDK 17; first run fetches ~67 MB from Maven Central; starts in 15-40 s)
# ports: 19042
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"

version=5.0.9
port=19042
storage_port=17000
dir=/tmp/outpools-services/cassandra
cache=${OUTPOOLS_CASSANDRA_CACHE:-/var/cache/outpools/cassandra/$version}
run=$dir/run
pidfile=$dir/cassandra.pid
log=$dir/cassandra.log
setup_log=$dir/setup.log
keystore_pass=outpools-keystore-pw

running_pid() {
  local pid
  [ -s "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

fetch_jars() {
  [ -e "$cache/lib/.complete" ] && return 0
  command -v mvn >/dev/null || apt_install maven
  mkdir -p "$cache"
  local tmp
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>outpools</groupId><artifactId>cassandra-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.cassandra</groupId><artifactId>cassandra-all</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
  mvn -q -B -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/lib"
  touch "$tmp/lib/.complete"
  rm -rf "$cache/lib"
  mv "$tmp/lib" "$cache/lib"
  rm -rf "$tmp"
}

make_certs() {
  [ -s "$dir/server.p12" ] && [ -s "$dir/ca.crt" ] && return 0
  make_server_cert "$dir" "outpools cassandra test CA"
  # server.crt holds the CA too, so the keystore sends the chain.
  openssl pkcs12 -export -name server -in "$dir/server.crt" -inkey "$dir/server.key" \
    -passout "pass:$keystore_pass" -out "$dir/server.p12.tmp"
  keytool -list -storetype PKCS12 -keystore "$dir/server.p12.tmp" -storepass "$keystore_pass" >/dev/null
  install -m 600 "$dir/server.p12.tmp" "$dir/server.p12"
  rm -f "$dir/server.p12.tmp"
}

write_config() {
  mkdir -p "$run/data" "$run/commitlog" "$run/saved_caches" "$run/hints" "$run/cdc_raw" "$run/logs"
  cat >"$run/cassandra.yaml" <<YAML
cluster_name: outpools-test
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
data_file_directories: [$run/data]
commitlog_directory: $run/commitlog
saved_caches_directory: $run/saved_caches
hints_directory: $run/hints
cdc_raw_directory: $run/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$storage_port"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $storage_port
native_transport_port: $port
start_native_transport: true
endpoint_snitch: SimpleSnitch
authenticator: PasswordAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
storage_compatibility_mode: NONE
auto_snapshot: false
concurrent_compactors: 1
client_encryption_options:
  enabled: true
  optional: true
  keystore: $dir/server.p12
  keystore_password: $keystore_pass
  store_type: PKCS12
  require_client_auth: false
YAML
  cat >"$run/logback.xml" <<XML
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
XML
}

# Runs in the background (setsid): setup, then exec the JVM so that the pid file names it.
launch() {
  echo "setup $(date -u +%FT%TZ)"
  fetch_jars
  make_certs
  write_config
  local jamm
  jamm=$(ls "$cache"/lib/jamm-*.jar | head -n1)
  local opts=(-Xms512M -Xmx512M -Xss256k -XX:+UseG1GC -XX:+ParallelRefProcEnabled
    -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m -XX:TieredStopAtLevel=1
    -Djdk.attach.allowAttachSelf=true)
  local m
  for m in java.base/jdk.internal.misc java.management.rmi/com.sun.jmx.remote.internal.rmi \
    java.rmi/sun.rmi.registry java.rmi/sun.rmi.server java.sql/java.sql java.base/java.lang.ref \
    jdk.unsupported/sun.misc jdk.compiler/com.sun.tools.javac.file jdk.attach/sun.tools.attach; do
    opts+=("--add-exports=$m=ALL-UNNAMED")
  done
  for m in java.base/java.lang.module java.base/jdk.internal.loader java.base/jdk.internal.ref \
    java.base/jdk.internal.reflect java.base/jdk.internal.math java.base/jdk.internal.module \
    java.base/jdk.internal.util.jar jdk.management/com.sun.management.internal java.base/sun.nio.ch \
    java.base/java.io java.base/java.lang.reflect jdk.compiler/com.sun.tools.javac \
    java.base/java.lang java.base/java.util; do
    opts+=("--add-opens=$m=ALL-UNNAMED")
  done
  opts+=(-Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.useCacheForAllThreads=true
    -Dio.netty.allocator.maxOrder=11 "-javaagent:$jamm"
    "-Dcassandra.config=file://$run/cassandra.yaml" "-Dlogback.configurationFile=$run/logback.xml"
    "-Dcassandra.logdir=$run/logs" "-Dcassandra.storagedir=$run" -Dcassandra-foreground=yes
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=1000
    -Dcassandra.superuser_setup_delay_ms=0 -Dcassandra.auth_bcrypt_gensalt_log2_rounds=4)
  echo "launch $(date -u +%FT%TZ)"
  echo $$ >"$pidfile"
  exec java "${opts[@]}" -cp "$cache/lib/*" org.apache.cassandra.service.CassandraDaemon >"$log" 2>&1
}

ready() { port_open "$port" && grep -q "Starting listening for CQL clients" "$log" 2>/dev/null; }

case "${1:-}" in
  start)
    mkdir -p "$dir"
    if running_pid >/dev/null; then echo "cassandra already running (pid $(cat "$pidfile"))"; exit 0; fi
    if port_open "$port"; then echo "port $port is taken by another process" >&2; exit 1; fi
    rm -f "$pidfile" "$log"
    date -u +%s.%N >"$dir/started-at"
    # The launcher writes its own pid (then execs java); until then the setup pid stands in.
    setsid bash "$0" __launch >"$setup_log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    echo "cassandra starting in the background (log $setup_log, then $log)"
    ;;
  __launch) launch ;;
  wait)
    secs=${2:-240}
    for ((i = 0; i < secs * 10; i++)); do
      if ready; then
        if [ -s "$dir/started-at" ]; then
          awk -v s="$(cat "$dir/started-at")" -v n="$(date -u +%s.%N)" \
            'BEGIN { printf "cassandra ready on 127.0.0.1:'$port' (%.1f s after start)\n", n - s }'
        else echo "cassandra ready on 127.0.0.1:$port"; fi
        exit 0
      fi
      if ! running_pid >/dev/null && ! port_open "$port"; then
        echo "cassandra is not running" >&2
        tail -n 30 "$setup_log" "$log" 2>/dev/null >&2 || true
        exit 1
      fi
      sleep 0.1
    done
    echo "cassandra not ready within ${secs}s" >&2
    tail -n 30 "$setup_log" "$log" 2>/dev/null >&2 || true
    exit 1
    ;;
  stop)
    sig=TERM
    [ "${2:-}" = "--kill" ] && sig=KILL
    if pid=$(running_pid); then
      # The launcher leads its own process group (setsid): a stop during setup ends Maven too.
      kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || true
      for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || true; sleep 0.5; fi
    fi
    rm -f "$pidfile"
    echo "cassandra stopped"
    ;;
  status)
    if ready; then echo "ready"; elif running_pid >/dev/null; then echo "starting"; else echo "stopped"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start | wait [seconds] | stop [--kill] | status" >&2
    exit 2
    ;;
esac
