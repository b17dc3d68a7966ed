#!/usr/bin/env bash
# Login timing for account enumeration: answers for an unknown email and for an existing email with a wrong password,
# N alternating requests each (curl, one at a time), medians. Starts the service (Release, Development, small demo
# data, SQLite in a temporary folder) and stops it.
#
#   bench/run-login-timing.sh            settings: LOGIN_TIMING_PORT (5302), LOGIN_TIMING_N (60)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${LOGIN_TIMING_PORT:-5302}; n=${LOGIN_TIMING_N:-60}
if ss -Hltn "sport = :$port" | grep -q .; then echo "port $port is in use (LOGIN_TIMING_PORT)" >&2; exit 2; fi
dotnet build src/AskProAI.Web -c Release -v q -nologo >/dev/null
work=$(mktemp -d /tmp/askpro-login-timing.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# Limits raised so that the measurement is not throttled; everything else as shipped.
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=http://127.0.0.1:$port ConnectionStrings__AskPro="Data Source=$work/timing.db" \
  DemoData__Companies=2 DemoData__CallsPerCompany=200 DemoData__CustomersPerCompany=20 DemoData__BranchesPerCompany=2 \
  DemoData__StaffPerBranch=1 DemoData__Days=5 DemoData__OngoingCallsPerCompany=1 Cache__Warm__Enabled=false \
  RateLimits__LoginPermits=100000 RateLimits__MaxFailedSignIns=1000 \
  dotnet src/AskProAI.Web/bin/Release/net10.0/AskProAI.Web.dll >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
login() {
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"wrong-password\"}" "http://127.0.0.1:$port/api/auth/login"
}
for _ in 1 2 3 4 5; do login manager1@askpro.test >/dev/null; login nobody@askpro.test >/dev/null; done
for i in $(seq 1 "$n"); do login manager1@askpro.test >>"$work/existing"; login "nobody$i@askpro.test" >>"$work/unknown"; done
median() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%.1f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)*1000}'; }
echo "existing email, wrong password: median $(median "$work/existing") ms over $n"
echo "unknown email:                  median $(median "$work/unknown") ms over $n"
