#!/usr/bin/env bash
# RDBMS test fixtures for @outpools/driver-rdbms, on top of the base PostgreSQL (5432) and
# MariaDB (3306) that 00-base.sh starts:
#   - a test user WITH a password in each server (the seed requires a non-empty password):
#     user "outpools", password "outpools-test-pw", database "test";
#   - unixODBC with Debian's PostgreSQL and MariaDB ODBC drivers, a private odbcinst.ini
#     (CommLog=0: psqlODBC would otherwise write a log file per process under /tmp) and an
#     odbc.ini with the DSNs "outpools-pg" and "outpools-mariadb" in /tmp/outpools-services/odbc/;
#     tests set ODBCSYSINI and ODBCINI to that directory;
#   - the native build of the `odbc` npm package (rebuilt when it does not load);
#   - a private MariaDB with TLS on 127.0.0.1:33307 (state, CA and server certificate in
#     /tmp/outpools-services/mariadb-tls/; the certificate file carries the CA in its chain),
#     same user, for the mysql TLS tests.
# Idempotent: run it as often as you like. `10-rdbms.sh stop` stops the private MariaDB.
# service: test users, unixODBC DSNs, a private MariaDB with TLS on 33307
# ports: 33307
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"

user=outpools
pass=outpools-test-pw
odbc_dir=/tmp/outpools-services/odbc
mdir=/tmp/outpools-services/mariadb-tls

if [ "${1:-}" = stop ]; then # the private MariaDB with TLS; the shared servers are left running
  stop_pid_file "$mdir/mysqld.pid" mariadbd "mariadb-tls (127.0.0.1:33307)"
  exit 0
fi

wait_port 5432 30
wait_port 3306 30

# --- PostgreSQL: role with a password, database "test" (base server uses trust auth on loopback)
psql_su() { su postgres -c "psql -qAtX -v ON_ERROR_STOP=1 $*"; }
if [ "$(psql_su "-c \"SELECT 1 FROM pg_roles WHERE rolname='$user'\"")" != "1" ]; then
  psql_su "-c \"CREATE ROLE $user LOGIN PASSWORD '$pass'\"" >/dev/null
fi
if [ "$(psql_su "-c \"SELECT 1 FROM pg_database WHERE datname='test'\"")" != "1" ]; then
  psql_su "-c \"CREATE DATABASE test\"" >/dev/null
fi
psql_su "-d test -c \"GRANT ALL ON SCHEMA public TO $user; GRANT ALL ON DATABASE test TO $user\"" >/dev/null

# --- MariaDB: user with a password for both loopback spellings, database "test"
mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS test;
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON test.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON test.* TO '$user'@'localhost';
FLUSH PRIVILEGES;
SQL

# --- unixODBC and the two ODBC drivers
need_apt=()
dpkg -s unixodbc >/dev/null 2>&1 || need_apt+=(unixodbc)
dpkg -s unixodbc-dev >/dev/null 2>&1 || need_apt+=(unixodbc-dev)
dpkg -s odbc-postgresql >/dev/null 2>&1 || need_apt+=(odbc-postgresql)
dpkg -s odbc-mariadb >/dev/null 2>&1 || need_apt+=(odbc-mariadb)
if [ ${#need_apt[@]} -gt 0 ]; then apt_install "${need_apt[@]}"; fi

find_lib() { # first existing driver library among the arguments' basenames
  local name
  for name in "$@"; do
    local hit
    hit=$(find /usr/lib -name "$name" -print -quit 2>/dev/null || true)
    if [ -n "$hit" ]; then echo "$hit"; return 0; fi
  done
  echo "no ODBC driver library among: $*" >&2
  return 1
}
pg_lib=$(find_lib psqlodbcw.so)
maria_lib=$(find_lib libmaodbc.so)

mkdir -p "$odbc_dir"
cat >"$odbc_dir/odbcinst.ini.new" <<INI
[PostgreSQL Unicode]
Description=PostgreSQL ODBC driver (Unicode)
Driver=$pg_lib
CommLog=0
Debug=0
UsageCount=1

[MariaDB Unicode]
Description=MariaDB Connector/ODBC (Unicode)
Driver=$maria_lib
UsageCount=1
INI
cat >"$odbc_dir/odbc.ini.new" <<INI
[outpools-pg]
Driver=PostgreSQL Unicode
Servername=127.0.0.1
Port=5432
Database=test
Username=$user
Password=$pass
CommLog=0
Debug=0

[outpools-mariadb]
Driver=MariaDB Unicode
Server=127.0.0.1
Port=3306
Database=test
User=$user
Password=$pass
INI
mv "$odbc_dir/odbcinst.ini.new" "$odbc_dir/odbcinst.ini"
mv "$odbc_dir/odbc.ini.new" "$odbc_dir/odbc.ini"

# --- the odbc npm package's native module
if ! (cd "$root" && node -e "require('odbc')" >/dev/null 2>&1); then
  echo "rebuilding the odbc native module"
  (cd "$root" && npm_config_nodedir=/usr pnpm rebuild odbc >/dev/null)
  (cd "$root" && node -e "require('odbc')")
fi
# --- a private MariaDB with TLS (the base one has none)
mport=33307
if ! port_open "$mport"; then
  mkdir -p "$mdir"
  chmod 755 /tmp/outpools-services "$mdir"
  if [ ! -s "$mdir/server.crt" ] || [ ! -s "$mdir/ca.crt" ]; then
    command -v openssl >/dev/null || apt_install openssl
    tmp=$(mktemp -d)
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=outpools mariadb test CA" \
      -keyout "$tmp/ca.key" -out "$tmp/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
      "extendedKeyUsage=serverAuth" >"$tmp/ext.cnf"
    openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial \
      -days 3650 -extfile "$tmp/ext.cnf" -out "$tmp/server.crt" 2>/dev/null
    cat "$tmp/ca.crt" >>"$tmp/server.crt"
    install -m 644 "$tmp/ca.crt" "$mdir/ca.crt"
    install -m 644 -o mysql "$tmp/server.crt" "$mdir/server.crt"
    install -m 600 -o mysql "$tmp/server.key" "$mdir/server.key"
    rm -rf "$tmp"
  fi
  if [ ! -d "$mdir/data/mysql" ]; then
    rm -rf "$mdir/data"
    install -d -o mysql -g mysql -m 750 "$mdir/data"
    mariadb-install-db --user=mysql --datadir="$mdir/data" --auth-root-authentication-method=socket \
      --skip-test-db >"$mdir/install.log" 2>&1
  fi
  touch "$mdir/mariadbd.log" && chown mysql "$mdir/mariadbd.log" "$mdir"
  setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$mdir/data" --port="$mport" \
    --bind-address=127.0.0.1 --socket="$mdir/mysqld.sock" --pid-file="$mdir/mysqld.pid" \
    --log-error="$mdir/mariadbd.log" --skip-name-resolve --skip-log-bin --performance-schema=OFF \
    --innodb-buffer-pool-size=16M --max-connections=100 \
    --ssl-ca="$mdir/ca.crt" --ssl-cert="$mdir/server.crt" --ssl-key="$mdir/server.key" \
    </dev/null >/dev/null 2>&1 &
  wait_port "$mport" 60
  mysql --socket="$mdir/mysqld.sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS test;
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pass';
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON test.* TO '$user'@'127.0.0.1';
GRANT ALL PRIVILEGES ON test.* TO '$user'@'localhost';
FLUSH PRIVILEGES;
SQL
fi

echo "rdbms fixtures ready: user $user in postgresql and mariadb, ODBC DSNs in $odbc_dir"
