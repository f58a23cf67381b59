# Helpers for the service scripts (sourced, not run: scripts/services.mjs runs only the numbered
# NN-name.sh scripts).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do port_open "$port" && return 0; sleep 0.1; done
  echo "port $port did not open within ${secs}s" >&2
  return 1
}
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# A test CA and a server certificate for 127.0.0.1 and localhost signed by it, in directory $1:
# ca.crt, ca.key, server.crt (the CA appended: without the CA a client sees
# SELF_SIGNED_CERT_IN_CHAIN, which verify_mode "selfsigned_peer" accepts and "peer" refuses),
# server.key. $2 names the CA. Kept when ca.crt and server.crt already exist.
make_server_cert() {
  local dir=$1 ca_name=$2 tmp
  [ -s "$dir/server.crt" ] && [ -s "$dir/ca.crt" ] && return 0
  command -v openssl >/dev/null || apt_install openssl
  tmp=$(mktemp -d)
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$ca_name" \
    -keyout "$tmp/ca.key" -out "$tmp/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "extendedKeyUsage=serverAuth" >"$tmp/ext.cnf"
  openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial \
    -days 3650 -extfile "$tmp/ext.cnf" -out "$tmp/server.crt" 2>/dev/null
  cat "$tmp/ca.crt" >>"$tmp/server.crt"
  mkdir -p "$dir"
  install -m 644 "$tmp/ca.crt" "$dir/ca.crt"
  install -m 600 "$tmp/ca.key" "$dir/ca.key"
  install -m 644 "$tmp/server.crt" "$dir/server.crt"
  install -m 600 "$tmp/server.key" "$dir/server.key"
  rm -rf "$tmp"
}

# Whether process $1 runs (a zombie waiting for its parent to reap it does not).
pid_alive() {
  local stat
  stat=$({ cat "/proc/$1/stat"; } 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

# Stop a private server by its pid file: $1 pid file, $2 a word its command line must contain
# (so that a stale pid file never kills an unrelated process), $3 its name for the messages,
# $4 the signal (default TERM). SIGKILL after 30 s. With DRY_RUN=1 only says what it would stop.
stop_pid_file() {
  local file=$1 expect=$2 name=$3 signal=${4:-TERM} pid i
  pid=$(head -n1 "$file" 2>/dev/null | tr -dc '0-9' || true)
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/cmdline" ] || ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$expect"; then
    echo "$name: not running"
    return 0
  fi
  if [ "${DRY_RUN:-}" = 1 ]; then
    echo "$name: would stop pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-100))"
    return 0
  fi
  kill -s "$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  echo "$name: stopped (pid $pid)"
}
