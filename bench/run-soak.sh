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
#
# SOAK_SCALE_OUT=1 (as root): the soak scaled out instead. scripts/scale-out.sh starts three instances, each in its own
# network namespace with its own HOME and data folders, behind nginx (deploy/nginx/askpro.conf, round-robin), on
# PostgreSQL with fsync on and a Redis Cluster of 3 masters + 3 replicas (ASKPRO_SCALEOUT_REDIS=cluster); viewers and
# webhooks go through the balancer, each instance's /metrics is read through its own loopback port. Settings:
# SOAK_NETNS_PREFIX (asoak-), SOAK_NETNS_NET (10.232), SOAK_LB_PORT (5470; instances' own ports 5471-5473),
# SOAK_PG_PORT, SOAK_CLUSTER_PORT (7471-7476), SOAK_CLUSTER_NODE_TIMEOUT (5000 ms).
# SOAK_KILL_MASTER=AT[:RESTART] kills (SIGKILL) the cluster master holding company 1's slot AT seconds into the load,
# logs when a replica took over its slots (the failover time) and, with RESTART, starts the node again RESTART seconds
# after the kill (it rejoins as a replica).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

duration=${1:-600}
scale_out=${SOAK_SCALE_OUT:-}
label=${SOAK_LABEL:-$([ -n "$scale_out" ] && echo soak-3x-cluster || echo soak-2x-redis)}
redis_port=${SOAK_REDIS_PORT:-6397}
pg_port=${SOAK_PG_PORT:-$([ -n "$scale_out" ] && echo 55470 || echo 55450)}
port_a=${SOAK_PORT_A:-5201}
port_b=${SOAK_PORT_B:-5202}
lb_port=${SOAK_LB_PORT:-5470}
cluster_port=${SOAK_CLUSTER_PORT:-7471}
companies=${SOAK_COMPANIES:-20}
viewers=${SOAK_VIEWERS:-2}
poll_ms=${SOAK_POLL_MS:-500}
webhooks_per_s=${SOAK_WEBHOOKS_PER_S:-5}
memory_sample_s=${SOAK_MEMORY_SAMPLE_S:-15}
out=${SOAK_OUT:-docs/results}
logs="$repo/artifacts/soak/$label"

if [ -n "$scale_out" ]; then
  [ "$(id -u)" = 0 ] || { echo "SOAK_SCALE_OUT needs root (ip netns)" >&2; exit 2; }
  [ -z "${SOAK_REDIS_OUTAGE:-}" ] || { echo "SOAK_REDIS_OUTAGE is for the standalone soak; use SOAK_KILL_MASTER" >&2; exit 2; }
  ports=("$pg_port" "$lb_port" $((lb_port + 1)) $((lb_port + 2)) $((lb_port + 3)))
  for port in $(seq "$cluster_port" $((cluster_port + 5))); do ports+=("$port" $((port + 10000))); done
else
  [ -z "${SOAK_KILL_MASTER:-}" ] || { echo "SOAK_KILL_MASTER needs SOAK_SCALE_OUT=1 (a Redis Cluster)" >&2; exit 2; }
  ports=("$redis_port" "$pg_port" "$port_a" "$port_b")
fi
for port in "${ports[@]}"; do
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
scale_out_env=(ASKPRO_NETNS_PREFIX="${SOAK_NETNS_PREFIX:-asoak-}" ASKPRO_NETNS_NET="${SOAK_NETNS_NET:-10.232}"
  ASKPRO_SCALEOUT_LB_PORT="$lb_port" ASKPRO_SCALEOUT_PG_PORT="$pg_port" ASKPRO_SCALEOUT_DIRECT_PORT=$((lb_port + 1))
  ASKPRO_SCALEOUT_REDIS=cluster ASKPRO_SCALEOUT_CLUSTER_PORT="$cluster_port"
  ASKPRO_SCALEOUT_CLUSTER_NODE_TIMEOUT="${SOAK_CLUSTER_NODE_TIMEOUT:-5000}" ASKPRO_SCALEOUT_PG_FSYNC=on
  ASKPRO_SCALEOUT_START_TIMEOUT=600)
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$scale_out" ]; then
    for i in 1 2 3; do cp "$work/scale-out/i$i/log" "$logs/instance-$i.log" 2>/dev/null || true; done
    cp "$work/scale-out/pg/log" "$logs/postgres.log" 2>/dev/null || true
    cp "$work/scale-out/nginx/error.log" "$logs/nginx-error.log" 2>/dev/null || true
    for node in "$work"/scale-out/cluster/*/; do
      [ -f "$node/redis.log" ] && cp "$node/redis.log" "$logs/redis-$(basename "$node").log"
    done
    env "${scale_out_env[@]}" bash scripts/scale-out.sh stop "$work/scale-out" >/dev/null 2>&1 || true
    rm -rf "$work"
    return
  fi
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

if [ -n "$scale_out" ]; then
  # The soak's data and cache settings (as the two-instance soak: default demo data, warm-up on), in namespaces.
  echo "== three instances in namespaces behind nginx on 127.0.0.1:$lb_port, PostgreSQL (fsync on), Redis Cluster"
  env "${scale_out_env[@]}" \
    ASKPRO_SCALEOUT_INSTANCE_ENV="DemoData__Companies=$companies DemoData__CallsPerCompany=50000 DemoData__Days=60 Cache__Warm__Enabled=true Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat=HH:mm:ss.fff| Logging__Console__FormatterOptions__UseUtcTimestamp=true" \
    bash scripts/scale-out.sh start "$work/scale-out"
  . "$work/scale-out/scale-out.env"
  pg="$ASKPRO_SCALEOUT_POSTGRES"
  export REDISCLI_AUTH="$ASKPRO_SCALEOUT_REDIS_AUTH"
  instance_pids=("$work"/scale-out/i1/pid "$work"/scale-out/i2/pid "$work"/scale-out/i3/pid)
  names=(1 2 3)
  instance_log() { echo "$work/scale-out/i$1/log"; }
  su postgres -s /bin/sh -c "$PG_BIN/psql -h 127.0.0.1 -p $pg_port -U postgres -d askpro -Atc 'SHOW fsync; SHOW synchronous_commit'" | paste -sd' ' | sed 's/^/   fsync, synchronous_commit: /'
  # The million seeded rows: statistics and a checkpoint now, not autovacuum and the checkpointer in the measured minutes.
  started=$SECONDS
  su postgres -s /bin/sh -c "$PG_BIN/psql -h 127.0.0.1 -p $pg_port -U postgres -d askpro -qc 'VACUUM ANALYZE' -c 'CHECKPOINT'"
  echo "   VACUUM ANALYZE and CHECKPOINT after the seed: $((SECONDS - started)) s"
  redis-cli -p "$cluster_port" cluster nodes | awk '{print "   " $2, $3, $9}'
  args=(--url "$ASKPRO_TEST_BALANCER" --instance-url "$ASKPRO_SCALEOUT_DIRECT")
else
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

  echo "== instance A on 127.0.0.1:$port_a (generates the demo data)"
  start_instance A "$port_a"
  wait_healthy A "$port_a" 600 "${pids[0]}"
  echo "== instance B on 127.0.0.1:$port_b"
  start_instance B "$port_b"
  wait_healthy B "$port_b" 120 "${pids[1]}"
  echo "${pids[0]}" >"$work/A.pid"
  echo "${pids[1]}" >"$work/B.pid"
  instance_pids=("$work/A.pid" "$work/B.pid")
  names=(A B)
  instance_log() { echo "$logs/instance-$1.log"; }
  args=(--url "http://127.0.0.1:$port_a,http://127.0.0.1:$port_b")
fi

args+=(--modes as-configured --label "$label"
  --companies "$companies" --viewers "$viewers" --poll-ms "$poll_ms" --duration-s "$duration"
  --webhooks-per-s "$webhooks_per_s" --memory-sample-s "$memory_sample_s"
  --verify-database "PostgreSql:$pg" --out "$out")
{
  echo "command: dotnet bench/AskProAI.LoadTest/bin/Release/net10.0/AskProAI.LoadTest.dll ${args[*]}"
  echo "started: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc: $(nproc)"
  echo "uptime: $(uptime)"
  echo "dotnet: $(dotnet --version), $(redis-server --version | cut -d' ' -f1-3), $("$PG_BIN/postgres" --version)"
  [ -z "$scale_out" ] || echo "scale-out: 3 instances in namespaces behind nginx $(nginx -v 2>&1 | cut -d/ -f2) (deploy/nginx/askpro.conf), Redis Cluster 3 masters + 3 replicas (cluster-node-timeout ${SOAK_CLUSTER_NODE_TIMEOUT:-5000} ms)"
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
if [ -n "${SOAK_KILL_MASTER:-}" ]; then
  kill_at=${SOAK_KILL_MASTER%%:*}
  restart_after=$([[ "$SOAK_KILL_MASTER" == *:* ]] && echo "${SOAK_KILL_MASTER##*:}" || echo "")
  (
    # Counted from the start of the measured load (after the simulator's warm-up reads), as its 5-second windows are.
    until grep -q "measured load started" "$work/load.out" 2>/dev/null; do sleep 0.2; done
    sleep "$kill_at"
    slot=$(redis-cli -p "$cluster_port" cluster keyslot '{c:1}')
    # The master serving the slot: `cluster nodes` lists "id addr flags master ping pong epoch state slot-ranges...".
    master_of() {
      redis-cli -p "$1" cluster nodes | awk -v slot="$slot" '$3 ~ /master/ && $3 !~ /fail/ {
        for (i = 9; i <= NF; i++) { n = split($i, r, "-"); lo = r[1]; hi = (n == 2 ? r[2] : r[1]);
          if (slot >= lo && slot <= hi) { split($2, a, "[:@]"); print a[2]; exit } } }'
    }
    victim=$(master_of "$cluster_port")
    survivor=$cluster_port
    [ "$survivor" = "$victim" ] && survivor=$((cluster_port + 1))
    killed=$(date +%s.%N)
    kill -9 "$(cat "$ASKPRO_SCALEOUT_CLUSTER_DIR/$victim/redis.pid")"
    echo "== $(date -u +%H:%M:%S.%3N) killed (SIGKILL) the Redis master on port $victim (slot $slot of {c:1}), $kill_at s after the simulator printed its measured-load start" | tee -a "$out/load-$label.run.txt"
    new_master=""
    for _ in $(seq 1 1200); do
      new_master=$(master_of "$survivor" 2>/dev/null || true)
      if [ -n "$new_master" ] && [ "$new_master" != "$victim" ] && redis-cli -p "$survivor" cluster info | grep -q cluster_state:ok; then break; fi
      new_master=""
      sleep 0.05
    done
    if [ -n "$new_master" ]; then
      echo "== $(date -u +%H:%M:%S.%3N) replica on port $new_master took over the slot, cluster_state:ok, $(echo "$(date +%s.%N) - $killed" | bc | xargs printf '%.2f') s after the kill" | tee -a "$out/load-$label.run.txt"
    else
      echo "== no replica took over the slot within 60 s" | tee -a "$out/load-$label.run.txt"
    fi
    if [ -n "$restart_after" ]; then
      sleep "$(echo "$restart_after - ($(date +%s.%N) - $killed)" | bc | awk '{print ($1 > 0 ? $1 : 0)}')"
      redis-server "$ASKPRO_SCALEOUT_CLUSTER_DIR/$victim/redis.conf"
      for _ in $(seq 1 200); do
        redis-cli -p "$victim" role 2>/dev/null | head -1 | grep -q slave && break
        sleep 0.05
      done
      echo "== $(date -u +%H:%M:%S.%3N) node on port $victim started again: $(redis-cli -p "$victim" role 2>/dev/null | head -1)" | tee -a "$out/load-$label.run.txt"
    fi
  ) &
fi
set +e
timeout $((duration + 900)) dotnet "$load_dll" "${args[@]}" | tee "$work/load.out"
status=${PIPESTATUS[0]}
set -e
{
  echo "finished: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load simulator exit code $status"
  echo "uptime at the end: $(uptime)"
  for i in "${!names[@]}"; do
    kill -0 "$(cat "${instance_pids[$i]}")" 2>/dev/null || echo "instance ${names[$i]} was NOT running at the end"
  done
  for name in "${names[@]}"; do
    log=$(instance_log "$name")
    echo "instance $name log: $(grep -cE '^([0-9:.]+[|])?fail:' "$log" || true) fail, $(grep -cE '^([0-9:.]+[|])?crit:' "$log" || true) crit, $(grep -cE '^([0-9:.]+[|])?warn:' "$log" || true) warn lines"
  done
  [ -z "$scale_out" ] || redis-cli -p "$cluster_port" cluster nodes | awk '{print "cluster at the end: " $2, $3, $9}'
} | tee -a "$out/load-$label.run.txt"
for name in "${names[@]}"; do
  grep -A3 -E '^([0-9:.]+[|])?(fail|crit):' "$(instance_log "$name")" | head -20 || true
done
exit $status
