#!/usr/bin/env bash
# One load-simulator run against one service instance on this machine (Release, Development demo data, SQLite),
# with the in-process cache or with Redis as L2 + backplane. Starts and stops everything it needs.
#
#   bench/run-load.sh memory <label> [load simulator options...]
#   bench/run-load.sh redis  <label> [load simulator options...]
#
# e.g. bench/run-load.sh memory reads-in-process --modes Disabled,Legacy,Optimized --duration-s 30 --webhooks-per-s 0
# Results: docs/results/load-<label>.{json,md,svg} and load-<label>.run.txt (machine, load average, command).
# Settings (environment): LOAD_PORT (5301), LOAD_REDIS_PORT (6398), LOAD_OUT (docs/results), extra service settings
# as ASP.NET Core environment variables (e.g. Clock__StartAt=2026-11-27T05:59:05Z, Cache__Mode=Legacy).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
cache=${1:?memory or redis}; label=${2:?label}; shift 2
port=${LOAD_PORT:-5301}
redis_port=${LOAD_REDIS_PORT:-6398}
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

# The Development demo database lives in src/AskProAI.Web/data (generated on first start).
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
  echo "service settings: ${settings[*]:-none} $(env | grep -E '^(Cache|Clock|Hosting)__' | tr '\n' ' ')"
  echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), nproc $(nproc), $(uptime | sed 's/.*load/load/')"
} | tee "$out/load-$label.run.txt"
set +e
dotnet bench/AskProAI.LoadTest/bin/Release/net10.0/AskProAI.LoadTest.dll "${args[@]}"
status=$?
set -e
echo "finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), exit $status, $(uptime | sed 's/.*load/load/')" | tee -a "$out/load-$label.run.txt"
exit $status
