#!/usr/bin/env bash
# One load-simulator run against one service instance on this machine (Release, Development demo data, SQLite),
# with the in-process cache or with Redis as L2 + backplane. Starts and stops everything it needs.
#
#   bench/run-load.sh memory <label> [load simulator options...]
#   bench/run-load.sh redis  <label> [load simulator options...]
#
# e.g. bench/run-load.sh memory reads-in-process --modes Disabled,Legacy,Optimized --duration-s 30 --webhooks-per-s 0
# Results: docs/results/load-<label>.{json,md,svg} and load-<label>.run.txt (machine, load average, command).
# Settings (environment): LOAD_PORT (5301), LOAD_REDIS_PORT (6398), LOAD_OUT (docs/results), LOAD_DATABASE (sqlite, or
# postgresql: a PostgreSQL from its own binaries in the run's temp folder on LOAD_PG_PORT (55499), demo data generated
# into it), extra service settings as ASP.NET Core environment variables (e.g. Clock__StartAt=2026-11-27T05:59:05Z,
# Cache__Mode=Legacy, DemoData__Companies=200).
#
# The scale scenario (issue 14): LOAD_DATABASE=postgresql DemoData__Companies=200 DemoData__CallsPerCompany=5000 \
#   bench/run-load.sh memory scale200 --companies 200 --poll-ms 5000 --duration-s 60 --webhooks-per-s 10 --peak-factor 3
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
cache=${1:?memory or redis}; label=${2:?label}; shift 2
port=${LOAD_PORT:-5301}
redis_port=${LOAD_REDIS_PORT:-6398}
database=${LOAD_DATABASE:-sqlite}
pg_port=${LOAD_PG_PORT:-55499}
case "$database" in sqlite|postgresql) ;; *) echo "LOAD_DATABASE: sqlite or postgresql" >&2; exit 2;; esac
out=${LOAD_OUT:-docs/results}
case "$cache" in memory|redis) ;; *) echo "first argument: memory or redis" >&2; exit 2;; esac
for p in "$port" "$redis_port"; do
  if ss -Hltn "sport = :$p" | grep -q .; then echo "port $p is in use (LOAD_PORT / LOAD_REDIS_PORT)" >&2; exit 2; fi
done

dotnet build src/AskProAI.Web -c Release -v q -nologo >/dev/null
dotnet build bench/AskProAI.LoadTest -c Release -v q -nologo >/dev/null
work=$(mktemp -d /tmp/askpro-load.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  [ -d "$work/pg" ] && su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

settings=()
if [ "$cache" = redis ]; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  settings+=(Cache__Redis="127.0.0.1:$redis_port")
fi

if [ "$database" = postgresql ]; then
  # As scripts/test.sh does: the server's own binaries, a cluster in the run's temp folder, loopback only.
  PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  chmod 755 "$work"; mkdir -p "$work/pg" && chown postgres "$work/pg"
  su postgres -s /bin/sh -c "$PG_BIN/initdb -D $work/pg -A trust -U postgres >/dev/null"
  su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -l $work/pg/log -o '-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200' -w start >/dev/null"
  settings+=(Database__Provider=PostgreSql ConnectionStrings__AskPro="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres")
fi

# The Development demo database lives in src/AskProAI.Web/data (generated on first start); PostgreSQL's is generated here.
(cd src/AskProAI.Web && exec env ASPNETCORE_ENVIRONMENT=Development DemoActivity__Enabled=false ASPNETCORE_URLS="http://127.0.0.1:$port" "${settings[@]}" \
  dotnet bin/Release/net10.0/AskProAI.Web.dll >"$work/service.log" 2>&1) &
pid=$!
for _ in $(seq 1 600); do
  curl -s --max-time 5 "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '^{"status":"Healthy"' && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$work/service.log" >&2; exit 1; }
  sleep 1
done

mkdir -p "$out"
args=(--url "http://127.0.0.1:$port" --label "$label" --out "$out" "$@")
{
  echo "command: bench/run-load.sh $cache $label $*"
  echo "service settings: ${settings[*]:-none} $(env | grep -E '^(Cache|Clock|Hosting|DemoData)__' | tr '\n' ' ')"
  echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), nproc $(nproc), $(uptime | sed 's/.*load/load/')"
} | tee "$out/load-$label.run.txt"
set +e
dotnet bench/AskProAI.LoadTest/bin/Release/net10.0/AskProAI.LoadTest.dll "${args[@]}"
status=$?
set -e
echo "finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), exit $status, $(uptime | sed 's/.*load/load/')" | tee -a "$out/load-$label.run.txt"
exit $status
