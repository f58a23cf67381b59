#!/usr/bin/env bash
# RabbitMQ for the rabbit driver's tests, leaving the pre-started broker (node rabbit@localhost,
# 127.0.0.1:5672) running as it is:
#
#   - on the DEFAULT node: a vhost "outpools_test" and a user "outpools-test" with all rights on
#     it (created with rabbitmqctl when missing; nothing is stopped);
#   - a private node outpools-tls@localhost (dist port 25682) with state in
#     /tmp/outpools-services/rabbit-tls/:
#       127.0.0.1:15682  plain AMQP
#       127.0.0.1:15681  AMQPS, server certificate signed by a CA generated here
#                        (SAN IP:127.0.0.1, IP:::1, DNS:localhost)
#     Tests stop and start its app (rabbitmqctl -n outpools-tls@localhost stop_app/start_app).
#
# Tests read ports, users, passwords and certificate paths from info.json in the state directory.
# Idempotent: what already answers is left alone. `30-rabbit-tls.sh stop` stops the private node.
# service: a test vhost on the shared broker, a private RabbitMQ node with AMQPS on 15682/15681
# ports: 15682 15681
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

dir=/tmp/outpools-services/rabbit-tls
node=outpools-tls@localhost
port=15682
tls_port=15681
dist_port=25682
# Test-only credentials for servers that listen on loopback only.
user=outpools
password=outpools-rabbit-secret
vhost=outpools_test
vhost_user=outpools-test
vhost_password=outpools-vhost-secret

node_env() {
  env RABBITMQ_NODENAME="$node" RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" \
    RABBITMQ_DIST_PORT="$dist_port" ERL_EPMD_ADDRESS=127.0.0.1 "$@"
}

if [ "${1:-}" = "stop" ]; then # only the private node (-n): the shared rabbit@localhost keeps running
  pid=$(head -n1 "$dir/rabbit.pid" 2>/dev/null | tr -dc '0-9' || true)
  if [ -z "$pid" ] || [ ! -d "/proc/$pid" ]; then
    echo "rabbit-tls node $node: not running"
  elif [ "${DRY_RUN:-}" = 1 ]; then
    echo "rabbit-tls node $node: would stop it (rabbitmqctl -n $node stop, pid $pid)"
  else
    node_env rabbitmqctl -q -n "$node" stop "$dir/rabbit.pid" || true
    echo "rabbit-tls node $node: stopped"
  fi
  exit 0
fi

write_info() {
  cat >"$dir/info.json.tmp" <<EOF
{
  "host": "127.0.0.1",
  "node": "$node",
  "port": $port,
  "tlsPort": $tls_port,
  "username": "$user",
  "password": "$password",
  "vhost": "$vhost",
  "vhostUser": "$vhost_user",
  "vhostPassword": "$vhost_password",
  "caFile": "$dir/ca.crt",
  "otherCaFile": "$dir/other-ca.crt",
  "selfSignedCertFile": "$dir/selfsigned.crt",
  "selfSignedKeyFile": "$dir/selfsigned.key",
  "otherHostCertFile": "$dir/selfsigned-other.crt",
  "otherHostKeyFile": "$dir/selfsigned-other.key"
}
EOF
  mv "$dir/info.json.tmp" "$dir/info.json"
}

command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
command -v openssl >/dev/null || apt_install openssl
mkdir -p "$dir"

# The vhost and user on the default node (idempotent; the default node keeps running).
if port_open 5672; then
  rabbitmqctl -q list_vhosts | grep -qx "$vhost" || rabbitmqctl -q add_vhost "$vhost"
  if ! rabbitmqctl -q list_users | grep -q "^$vhost_user[[:space:]]"; then
    rabbitmqctl -q add_user "$vhost_user" "$vhost_password" >/dev/null
  fi
  rabbitmqctl -q set_permissions -p "$vhost" "$vhost_user" ".*" ".*" ".*"
fi

if port_open "$port" && port_open "$tls_port" && [ -f "$dir/info.json" ] && [ -f "$dir/selfsigned-other.crt" ]; then
  echo "rabbit-tls already up on $port (tls $tls_port)"
  exit 0
fi

# Certificates: a CA, a server certificate signed by it, an unrelated CA (a wrong CA must be
# refused) and a self-signed certificate (for verify_mode = "selfsigned_peer"). Kept across runs.
if [ ! -f "$dir/server.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools rabbit test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools unrelated CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
fi
if [ ! -f "$dir/selfsigned.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
    -keyout "$dir/selfsigned.key" -out "$dir/selfsigned.crt" 2>/dev/null
fi
# A self-signed certificate for another host name (selfsigned_peer must refuse it).
if [ ! -f "$dir/selfsigned-other.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=other.example" \
    -addext "subjectAltName=DNS:other.example" \
    -keyout "$dir/selfsigned-other.key" -out "$dir/selfsigned-other.crt" 2>/dev/null
fi
chmod 644 "$dir"/*.crt "$dir"/*.key

: >"$dir/rabbitmq-env.conf"
echo '[].' >"$dir/enabled_plugins"
cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$port
listeners.ssl.1 = 127.0.0.1:$tls_port
ssl_options.cacertfile = $dir/ca.crt
ssl_options.certfile = $dir/server.crt
ssl_options.keyfile = $dir/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
default_user = $user
default_pass = $password
loopback_users = none
disk_free_limit.absolute = 50MB
EOF
mkdir -p "$dir/log" "$dir/mnesia"
chown -R rabbitmq:rabbitmq "$dir"

if ! port_open "$port"; then
  if node_env rabbitmqctl -q -n "$node" ping >/dev/null 2>&1; then
    # The node runs but its app was left stopped (a test that stopped it did not finish).
    node_env rabbitmqctl -q -n "$node" start_app
  else
    node_env rabbitmq-server -detached
    node_env rabbitmqctl -q -n "$node" wait --timeout 120 "$dir/rabbit.pid" >/dev/null
  fi
fi
wait_port "$port" 60
wait_port "$tls_port" 60
write_info
echo "rabbit-tls up on $port (tls $tls_port), node $node"
