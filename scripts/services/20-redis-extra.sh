#!/usr/bin/env bash
# A second Redis for the redis driver's tests: AUTH, an ACL user and TLS, on private loopback
# ports, with state in /tmp/outpools-services/redis-extra/. The base Redis on 6379 is untouched.
#
#   127.0.0.1:16390  plaintext, requirepass (default user) + ACL user "outpools"
#   127.0.0.1:16391  TLS (same users), certificate signed by a private CA generated here
#
# Tests read the ports, users, passwords and certificate paths from info.json in the state
# directory. Idempotent: when the plaintext port answers, nothing is done. `20-redis-extra.sh stop`
# stops it.
# service: a private Redis with AUTH, ACL and TLS on 16390/16391
# ports: 16390 16391
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

dir=/tmp/outpools-services/redis-extra
port=16390
tls_port=16391
# Test-only credentials for a server that listens on loopback only.
default_password=outpools-default-secret
acl_user=outpools
acl_password=outpools-acl-secret

if [ "${1:-}" = stop ]; then
  stop_pid_file "$dir/redis.pid" redis-server "redis-extra (127.0.0.1:$port, tls $tls_port)"
  exit 0
fi

write_info() {
  cat >"$dir/info.json.tmp" <<EOF
{
  "host": "127.0.0.1",
  "port": $port,
  "tlsPort": $tls_port,
  "password": "$default_password",
  "aclUser": "$acl_user",
  "aclPassword": "$acl_password",
  "caFile": "$dir/ca.crt",
  "otherCaFile": "$dir/other-ca.crt",
  "certFile": "$dir/server.crt",
  "keyFile": "$dir/server.key",
  "selfSignedCertFile": "$dir/selfsigned.crt",
  "selfSignedKeyFile": "$dir/selfsigned.key"
}
EOF
  mv "$dir/info.json.tmp" "$dir/info.json"
}

if port_open "$port" && port_open "$tls_port" && [ -f "$dir/info.json" ] && [ -f "$dir/selfsigned.crt" ]; then
  echo "redis-extra already up on $port (tls $tls_port)"
  exit 0
fi

command -v redis-server >/dev/null || apt_install redis-server
command -v openssl >/dev/null || apt_install openssl
mkdir -p "$dir"
chmod 700 "$dir"

# Certificates: a CA, a server certificate for 127.0.0.1/::1/localhost signed by it, and an
# unrelated CA (to test that a wrong CA is refused). Generated once, kept across restarts.
if [ ! -f "$dir/server.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools redis test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools unrelated CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
fi
# A self-signed server certificate (its own issuer) for verify_mode = "selfsigned_peer" tests,
# which start their own private TLS redis-server with it.
if [ ! -f "$dir/selfsigned.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
    -keyout "$dir/selfsigned.key" -out "$dir/selfsigned.crt" 2>/dev/null
fi
chmod 644 "$dir"/*.crt "$dir"/*.key

cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $port
tls-port $tls_port
tls-cert-file $dir/server.crt
tls-key-file $dir/server.key
tls-ca-cert-file $dir/ca.crt
tls-auth-clients no
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
save ""
appendonly no
daemonize yes
user default on >$default_password ~* &* +@all
user $acl_user on >$acl_password ~* &* +@all
EOF
chmod 600 "$dir/redis.conf"

if ! port_open "$port"; then
  redis-server "$dir/redis.conf"
fi
wait_port "$port" 15
wait_port "$tls_port" 15
write_info
echo "redis-extra up on $port (tls $tls_port)"
