#!/usr/bin/env bash
# Measures how long each widget takes to compute, uncached (Cache__Mode=Disabled: every request computes), on the
# Development demo data (SQLite, 20 companies x 50,000 calls), from the service's own Server-Timing "compute" part.
# Two phases: one request at a time (each widget of each company, ROUNDS times), then whole dashboards with
# PARALLEL requests in flight (four widgets computing per request, so 4 x PARALLEL computations compete for the cores).
# The factory timeouts' defaults (docs/engine.md, "Factory timeouts") come from this.
#
#   flock /tmp/askpro-measure.lock bench/run-compute-times.sh
#
# Settings (environment): COMPUTE_PORT (5311), ROUNDS (5), PARALLEL (4). Results: docs/results/compute-times.txt
set -euo pipefail
cd "$(dirname "$0")/.."
port=${COMPUTE_PORT:-5311}
rounds=${ROUNDS:-5}
parallel=${PARALLEL:-4}
out=docs/results/compute-times.txt
if ss -Hltn "sport = :$port" | grep -q .; then echo "port $port is in use (COMPUTE_PORT)" >&2; exit 2; fi

dotnet build src/AskProAI.Web -c Release -v q -nologo >/dev/null
work=$(mktemp -d /tmp/askpro-compute.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The Development demo database lives in src/AskProAI.Web/data (generated on first start). The service runs from a
# copy of its build, so a build during the run does not change it.
cp -r src/AskProAI.Web/bin/Release/net10.0 "$work/app"
(cd src/AskProAI.Web && exec env ASPNETCORE_ENVIRONMENT=Development DemoActivity__Enabled=false Cache__Mode=Disabled \
  ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet "$work/app/AskProAI.Web.dll" >"$work/service.log" 2>&1) &
pid=$!
for _ in $(seq 1 900); do
  curl -s --max-time 5 "http://127.0.0.1:$port/health" 2>/dev/null | grep -q '^{"status":"Healthy"' && break
  kill -0 "$pid" 2>/dev/null || { tail -20 "$work/service.log" >&2; exit 1; }
  sleep 1
done

base="http://127.0.0.1:$port"
token=$(curl -s -H 'Content-Type: application/json' -d '{"email":"admin@askpro.test","password":"demo-password"}' "$base/api/auth/login" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
before=$(uptime | sed 's/.*load/load/')

# Warm-up: the first computation of each widget after start pays JIT and EF Core model building.
for w in dashboard_stats live_calls recent_calls stats_overview; do
  curl -s -o /dev/null -H "Authorization: Bearer $token" "$base/api/companies/1/widgets/$w"
done

for r in $(seq 1 "$rounds"); do
  for c in $(seq 1 20); do
    for w in dashboard_stats live_calls recent_calls stats_overview; do
      curl -s -o /dev/null -D - -H "Authorization: Bearer $token" "$base/api/companies/$c/widgets/$w" \
        | tr -d '\r' | sed -n "s/^[Ss]erver-[Tt]iming: .*compute;dur=\([0-9.]*\).*/sequential $w \1/p"
    done
  done
done >"$work/samples"

for r in $(seq 1 "$rounds"); do
  for c in $(seq 1 20); do echo "$c"; done
done | xargs -P "$parallel" -I{} sh -c "curl -s -o /dev/null -D - -H 'Authorization: Bearer $token' '$base/api/companies/{}/dashboard' | tr -d '\r' | grep -i '^server-timing:'" \
  | python3 -c '
import re, sys
for line in sys.stdin:
    for name, dur in re.findall(r"(\w+)_compute;dur=([0-9.]+)", line):
        print("parallel", name, dur)
' >>"$work/samples"
after=$(uptime | sed 's/.*load/load/')

{
  echo "command: flock /tmp/askpro-measure.lock bench/run-compute-times.sh (ROUNDS=$rounds PARALLEL=$parallel)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), nproc $(nproc), before: $before, after: $after"
  echo "Server-Timing compute (ms), uncached (Cache__Mode=Disabled), demo data 20 companies x 50,000 calls, SQLite"
  python3 - "$work/samples" <<'EOF'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    phase, widget, ms = line.split()
    rows.setdefault((phase, widget), []).append(float(ms))
def pct(xs, p):
    xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
print(f"{'phase':<11}{'widget':<17}{'n':>5}{'median':>9}{'p95':>9}{'p99':>9}{'max':>9}")
for (phase, widget), xs in sorted(rows.items()):
    print(f"{phase:<11}{widget:<17}{len(xs):>5}{statistics.median(xs):>9.1f}{pct(xs,95):>9.1f}{pct(xs,99):>9.1f}{max(xs):>9.1f}")
EOF
} | tee "$out"
