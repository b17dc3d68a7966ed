#!/usr/bin/env bash
# The soak: two service instances (Development demo data, PostgreSQL, Redis L2 + backplane) under steady polling and
# signed webhooks for a fixed time, then a check that every acknowledged webhook is in the database.
#
#   bench/run-soak.sh [duration-seconds]        # default 600
#
# Starts Redis (no persistence) and PostgreSQL (its own binaries, fsync on: this is a durability check) on loopback
# in a temporary folder, builds and starts instance A (which generates the demo data), then instance B, runs the load
# simulator against both and stops everything on exit. Results: docs/results/load-<label>.{json,md,svg} and
# load-<label>.run.txt; instance, Redis and PostgreSQL logs: artifacts/soak/<label>/.
# Settings (environment): SOAK_LABEL, SOAK_REDIS_PORT, SOAK_PG_PORT, SOAK_PORT_A, SOAK_PORT_B, SOAK_COMPANIES,
# SOAK_VIEWERS, SOAK_POLL_MS, SOAK_WEBHOOKS_PER_S, SOAK_MEMORY_SAMPLE_S, SOAK_OUT.
# SOAK_REDIS_OUTAGE=AT:FOR stops Redis AT seconds after the load starts and starts it again (empty) FOR seconds later,
# on the same port: a fault run (zero failed requests; stale reads by 5-second window show when they happened).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

duration=${1:-600}
label=${SOAK_LABEL:-soak-2x-redis}
redis_port=${SOAK_REDIS_PORT:-6397}
pg_port=${SOAK_PG_PORT:-55450}
port_a=${SOAK_PORT_A:-5201}
port_b=${SOAK_PORT_B:-5202}
companies=${SOAK_COMPANIES:-20}
viewers=${SOAK_VIEWERS:-2}
poll_ms=${SOAK_POLL_MS:-500}
webhooks_per_s=${SOAK_WEBHOOKS_PER_S:-5}
memory_sample_s=${SOAK_MEMORY_SAMPLE_S:-15}
out=${SOAK_OUT:-docs/results}
logs="$repo/artifacts/soak/$label"

for port in "$redis_port" "$pg_port" "$port_a" "$port_b"; do
  if ss -Hltn "sport = :$port" | grep -q .; then
    echo "port $port is in use; choose others (SOAK_*_PORT)" >&2
    exit 2
  fi
done
command -v redis-server >/dev/null || { echo "redis-server is not installed" >&2; exit 2; }
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")
[ -x "$PG_BIN/pg_ctl" ] || { echo "PostgreSQL server binaries are not installed" >&2; exit 2; }

echo "== building (Release)"
dotnet build src/AskProAI.Web -c Release -v q -nologo
dotnet build bench/AskProAI.LoadTest -c Release -v q -nologo
web_dir="$repo/src/AskProAI.Web/bin/Release/net10.0"
load_dll="$repo/bench/AskProAI.LoadTest/bin/Release/net10.0/AskProAI.LoadTest.dll"

work=$(mktemp -d /tmp/askpro-soak.XXXXXX)
chmod 755 "$work"
rm -rf "$logs" && mkdir -p "$logs" "$out"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  if [ -d "$work/pg" ]; then
    cp "$work/pg/log" "$logs/postgres.log" 2>/dev/null || true
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -m fast -w stop" >/dev/null 2>&1 || true
  fi
  cp "$work/redis.log" "$logs/redis.log" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Redis on 127.0.0.1:$redis_port (no persistence)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$redis_port" ping >/dev/null

# fsync and synchronous_commit stay at their defaults (on): an acknowledged webhook must be durable.
# max_connections above two default Npgsql pools (100 each), so the pools cannot exhaust the server.
echo "== PostgreSQL on 127.0.0.1:$pg_port (fsync on)"
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -s /bin/sh -c "$PG_BIN/initdb -D $work/pg -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -l $work/pg/log -o '-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=250' -w start >/dev/null"
su postgres -s /bin/sh -c "$PG_BIN/psql -h 127.0.0.1 -p $pg_port -U postgres -qc 'CREATE DATABASE askpro'"
pg="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=askpro"
su postgres -s /bin/sh -c "$PG_BIN/psql -h 127.0.0.1 -p $pg_port -U postgres -d askpro -Atc 'SHOW fsync; SHOW synchronous_commit'" | paste -sd' ' | sed 's/^/   fsync, synchronous_commit: /'

start_instance() { # name port
  (
    cd "$web_dir"
    exec env ASPNETCORE_ENVIRONMENT=Development DemoActivity__Enabled=false ASPNETCORE_URLS="http://127.0.0.1:$2" \
      Database__Provider=PostgreSql ConnectionStrings__AskPro="$pg" Cache__Redis="127.0.0.1:$redis_port" \
      dotnet AskProAI.Web.dll >"$logs/instance-$1.log" 2>&1
  ) &
  pids+=($!)
}

wait_healthy() { # name port timeout-seconds pid
  local deadline=$((SECONDS + $3)) started=$SECONDS
  until curl -s --max-time 5 "http://127.0.0.1:$2/health" 2>/dev/null | grep -q '^{"status":"Healthy"'; do
    if ! kill -0 "$4" 2>/dev/null; then
      wait "$4" && code=0 || code=$?
      echo "instance $1 exited with status $code before it was healthy (137: killed); last log lines:" >&2
      tail -20 "$logs/instance-$1.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "instance $1 not healthy after $3 s; last log lines:" >&2
      tail -20 "$logs/instance-$1.log" >&2
      exit 1
    fi
    sleep 1
  done
  echo "   instance $1 healthy after $((SECONDS - started)) s"
}

echo "== instance A on 127.0.0.1:$port_a (generates the demo data)"
start_instance A "$port_a"
wait_healthy A "$port_a" 600 "${pids[0]}"
echo "== instance B on 127.0.0.1:$port_b"
start_instance B "$port_b"
wait_healthy B "$port_b" 120 "${pids[1]}"

args=(--url "http://127.0.0.1:$port_a,http://127.0.0.1:$port_b" --modes as-configured --label "$label"
  --companies "$companies" --viewers "$viewers" --poll-ms "$poll_ms" --duration-s "$duration"
  --webhooks-per-s "$webhooks_per_s" --memory-sample-s "$memory_sample_s"
  --verify-database "PostgreSql:$pg" --out "$out")
{
  echo "command: dotnet bench/AskProAI.LoadTest/bin/Release/net10.0/AskProAI.LoadTest.dll ${args[*]}"
  echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc: $(nproc)"
  echo "uptime: $(uptime)"
  echo "dotnet: $(dotnet --version), $(redis-server --version | cut -d' ' -f1-3), $("$PG_BIN/postgres" --version)"
} | tee "$out/load-$label.run.txt"

echo "== load for $duration s"
if [ -n "${SOAK_REDIS_OUTAGE:-}" ]; then
  outage_at=${SOAK_REDIS_OUTAGE%%:*}; outage_for=${SOAK_REDIS_OUTAGE##*:}
  (
    sleep "$outage_at"
    echo "== $(date -u +%H:%M:%S) stopping Redis for $outage_for s" | tee -a "$out/load-$label.run.txt"
    redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    sleep "$outage_for"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
    echo "== $(date -u +%H:%M:%S) Redis started again (empty)" | tee -a "$out/load-$label.run.txt"
  ) &
fi
set +e
timeout $((duration + 900)) dotnet "$load_dll" "${args[@]}"
status=$?
set -e
{
  echo "finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load simulator exit code $status"
  echo "uptime at the end: $(uptime)"
  for i in 0 1; do
    kill -0 "${pids[$i]}" 2>/dev/null || echo "instance $([ $i = 0 ] && echo A || echo B) was NOT running at the end"
  done
  for name in A B; do
    echo "instance $name log: $(grep -c '^fail:' "$logs/instance-$name.log" || true) fail, $(grep -c '^crit:' "$logs/instance-$name.log" || true) crit, $(grep -c '^warn:' "$logs/instance-$name.log" || true) warn lines"
  done
} | tee -a "$out/load-$label.run.txt"
for name in A B; do
  grep -A3 -E '^(fail|crit):' "$logs/instance-$name.log" | head -20 || true
done
exit $status
