#!/usr/bin/env bash
# Runs every test. On a fresh machine it installs what the tests need (Redis, PostgreSQL, Chromium, nginx, iproute2),
# starts Redis and PostgreSQL on loopback in a temporary folder, starts three service instances in network namespaces
# behind nginx (scripts/scale-out.sh; needs root), runs `dotnet test`, and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v nginx >/dev/null || need+=(nginx)
command -v ip >/dev/null || need+=(iproute2)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/askpro-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  bash scripts/scale-out.sh stop "$work/scale-out" >/dev/null 2>&1 || true
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  for pidfile in "$work"/cluster/*/redis.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  if [ -d "$work/pg" ]; then su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Redis on a loopback port of its own.
REDIS_PORT=${ASKPRO_TEST_REDIS_PORT:-6391}
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export ASKPRO_TEST_REDIS="127.0.0.1:$REDIS_PORT"
export ASKPRO_TEST_REDIS_SERVER="$(command -v redis-server)"

# A Redis Cluster of 3 masters and 3 replicas on loopback (Redis's own cluster mode). Each node has a folder with its
# redis.conf, so the failover test can kill a master and start it again (it rejoins as a replica).
CLUSTER_PORT=${ASKPRO_TEST_CLUSTER_PORT:-7391}
. scripts/redis-cluster.sh
start_redis_cluster "$work/cluster" "$CLUSTER_PORT" 127.0.0.1 127.0.0.1 "" 1000 || { echo "Redis Cluster did not form" >&2; exit 1; }
export ASKPRO_TEST_REDIS_CLUSTER=$(IFS=,; echo "${REDIS_CLUSTER_NODES[*]}")
export ASKPRO_TEST_REDIS_CLUSTER_DIR="$work/cluster"

# PostgreSQL from its own binaries in the temp folder (no service manager); runs as the postgres user.
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
PG_PORT=${ASKPRO_TEST_PG_PORT:-55432}
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -s /bin/sh -c "$PG_BIN/initdb -D $work/pg -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -l $work/pg/log -o '-p $PG_PORT -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off' -w start >/dev/null"
export ASKPRO_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"

# Three instances as on three hosts (network namespaces, their own HOME and data folders) behind nginx, for the
# scale-out tests. Without root or namespaces this fails the run: those tests must not be skipped.
dotnet build src/AskProAI.Web -c Release -v q -nologo
bash scripts/scale-out.sh start "$work/scale-out"
. "$work/scale-out/scale-out.env"

# One test project at a time (-m:1): the fault and browser tests assert fail-fast behaviour and must not share
# the two cores with four other test hosts.
dotnet test AskProAI.slnx -c Release -m:1 "$@"
