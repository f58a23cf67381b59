#!/usr/bin/env bash
# The base services: PostgreSQL 5432, MariaDB 3306, Redis 6379, RabbitMQ 5672 on loopback.
# This machine kind starts them before a session; on any other machine this installs them from
# Debian's packages and starts them. Idempotent: a service whose port answers is left alone.
# service: shared PostgreSQL 5432, MariaDB 3306, Redis 6379, RabbitMQ 5672 (never stopped)
# ports: 5432 3306 6379 5672
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

if [ "${1:-}" = stop ]; then
  echo "base services (PostgreSQL 5432, MariaDB 3306, Redis 6379, RabbitMQ 5672) are shared: left running"
  exit 0
fi

need_apt=()
port_open 5432 || command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
port_open 3306 || command -v mariadbd >/dev/null || need_apt+=(mariadb-server)
port_open 6379 || command -v redis-server >/dev/null || need_apt+=(redis-server)
port_open 5672 || command -v rabbitmq-server >/dev/null || need_apt+=(rabbitmq-server)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v zsh >/dev/null || need_apt+=(zsh) # the shell-completion tests source the zsh script
if [ ${#need_apt[@]} -gt 0 ]; then apt_install "${need_apt[@]}"; fi

if ! port_open 5432; then
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  wait_port 5432 30
  # trust auth on loopback for the test user, as on the prepared machines
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
fi
if ! port_open 3306; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306 30
fi
if ! port_open 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  wait_port 6379 15
fi
if ! port_open 5672; then
  rabbitmq-server -detached
  for _ in $(seq 1 60); do
    rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1 && break
    sleep 1
  done
  wait_port 5672 30
fi
echo "base services up: postgresql mariadb redis rabbitmq"
