#!/usr/bin/env bash
# A second, private PostgreSQL cluster with ssl=on for @outpools/driver-rdbms' TLS and
# kill/restart tests, on 127.0.0.1:55433 with all state under /tmp/outpools-services/pg-tls/:
#   ca.crt / ca.key         a test CA (generated with openssl)
#   server.crt / server.key a server certificate for 127.0.0.1 and localhost, signed by the CA,
#                           sent with the CA in its chain (so that without the CA a client sees
#                           SELF_SIGNED_CERT_IN_CHAIN: verify_mode "selfsigned_peer" accepts it,
#                           "peer" refuses it)
#   data/                   the cluster (initdb), log in postgres.log, socket in run/
# Password authentication (scram-sha-256) for TCP clients, plaintext and TLS both allowed;
# role "outpools" / "outpools-test-pw", database "test".
# Idempotent: when the port answers, nothing is touched; a stopped cluster is started again
# (the tests stop it with `pg_ctl -m immediate stop` and run this script to bring it back).
# `11-pg-tls.sh stop` stops it (SIGINT: PostgreSQL's fast shutdown).
# service: a private PostgreSQL cluster with TLS on 55433
# ports: 55433
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

port=55433
dir=/tmp/outpools-services/pg-tls
user=outpools
pass=outpools-test-pw

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
as_pg() { runuser -u postgres -- "$@"; }

if [ "${1:-}" = stop ]; then
  stop_pid_file "$dir/data/postmaster.pid" postgres "pg-tls (127.0.0.1:$port)" INT
  exit 0
fi

# Older runs of this script sent the leaf certificate alone: add the CA to the chain.
if [ -s "$dir/server.crt" ] && [ -s "$dir/ca.crt" ] && [ "$(grep -c 'BEGIN CERTIFICATE' "$dir/server.crt")" -lt 2 ]; then
  cat "$dir/ca.crt" >>"$dir/server.crt"
  if port_open "$port" && [ -n "$bindir" ]; then as_pg "$bindir/pg_ctl" -D "$dir/data" reload >/dev/null; fi
fi

if port_open "$port"; then
  echo "pg-tls already up on $port"
  exit 0
fi

command -v openssl >/dev/null || apt_install openssl
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  apt_install postgresql
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi
mkdir -p "$dir/run"
chmod 755 /tmp/outpools-services "$dir"

# --- certificates (kept across runs so tests and configs can point at them)
make_server_cert "$dir" "outpools test CA"
chown postgres "$dir/run" "$dir/server.key" "$dir/server.crt"

# --- cluster
fresh=""
if [ ! -s "$dir/data/PG_VERSION" ]; then
  rm -rf "$dir/data"
  install -d -o postgres -m 700 "$dir/data"
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$dir/data/postgresql.conf" <<CONF
# outpools test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
password_encryption = 'scram-sha-256'
max_connections = 100
shared_buffers = 16MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fresh=1
fi
touch "$dir/postgres.log" && chown postgres "$dir/postgres.log"
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start >/dev/null
wait_port "$port" 30

psql_su() { as_pg psql -h "$dir/run" -p "$port" -U postgres -qAtX -v ON_ERROR_STOP=1 "$@"; }
if [ -n "$fresh" ] || [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname='$user'")" != "1" ]; then
  psql_su -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname='$user') THEN CREATE ROLE $user LOGIN PASSWORD '$pass'; END IF; END \$\$" >/dev/null
fi
if [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname='test'")" != "1" ]; then
  psql_su -c "CREATE DATABASE test OWNER $user" >/dev/null
fi
echo "pg-tls up on 127.0.0.1:$port (ssl=on, CA $dir/ca.crt)"
