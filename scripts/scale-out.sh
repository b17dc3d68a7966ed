#!/usr/bin/env bash
# Three service instances as on three hosts: each in its own network namespace (veth pair to this machine; traffic
# never leaves it), with its own HOME, content root and data folder, reaching PostgreSQL and Redis over its link;
# nginx (deploy/nginx/askpro.conf) round-robins over them on loopback. Needs root (ip netns), nginx, iproute2,
# redis-server and PostgreSQL's server binaries; the .NET SDK (start publishes src/AskProAI.Web, ReadyToRun, into WORK/web).
#
#   scripts/scale-out.sh start WORK    # writes WORK/scale-out.env (ASKPRO_TEST_BALANCER, ASKPRO_TEST_INSTANCES)
#   scripts/scale-out.sh stop WORK     # stops everything it started and deletes the namespaces and links
#
# Settings (environment): ASKPRO_NETNS_PREFIX (askpro-; names of namespaces and links), ASKPRO_NETNS_NET (10.231:
# instance N is 10.231.N.2, this machine's end of its link 10.231.N.1), ASKPRO_SCALEOUT_LB_PORT (5460),
# ASKPRO_SCALEOUT_PG_PORT (55460), ASKPRO_SCALEOUT_REDIS_PORT (6460), ASKPRO_SCALEOUT_INSTANCES (3, at most 3:
# the sample configuration names three). Instances run in Development with a small demo data set (company 1's
# manager: manager1@askpro.test / demo-password).
# For the scaled-out soak (bench/run-soak.sh with SOAK_SCALE_OUT=1), all off by default:
#   ASKPRO_SCALEOUT_REDIS=cluster      a Redis Cluster of 3 masters + 3 replicas (Redis's own cluster mode) instead of
#                                      the standalone Redis, on ports ASKPRO_SCALEOUT_CLUSTER_PORT (7461) .. +5, bound
#                                      to loopback and to the first link's host address ($net.1.1), which every node
#                                      announces (cluster-announce-ip); namespaces 2 and 3 get a host route to it via
#                                      their own link's host end. cluster-node-timeout:
#                                      ASKPRO_SCALEOUT_CLUSTER_NODE_TIMEOUT (5000 ms). Node N's folder WORK/cluster/PORT
#                                      holds its redis.conf, so it can be killed and started again (as a replica).
#   ASKPRO_SCALEOUT_PG_FSYNC=on        PostgreSQL with fsync on (a durability check); off by default.
#   ASKPRO_SCALEOUT_DIRECT_PORT=P      nginx also forwards 127.0.0.1:P+N-1 to instance N alone (per-instance /metrics
#                                      for the load simulator, which only sends traffic to loopback).
#   ASKPRO_SCALEOUT_INSTANCE_ENV="K=V ..." more environment for every instance, after the defaults (so it overrides
#                                      them: e.g. DemoData__Companies=20 Cache__Warm__Enabled=true).
#   ASKPRO_SCALEOUT_START_TIMEOUT      seconds an instance may take to turn Healthy (180; the first one seeds).
#   ASKPRO_SCALEOUT_WEB_DIR_N=DIR      instance N runs the build in DIR (a folder with AskProAI.Web.dll) instead of this
#                                      checkout's publish: a deployment in the middle of a rolling upgrade (instance
#                                      1 must then be the release that migrates the database).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

command=${1:?usage: scale-out.sh start|stop WORK}
work=${2:?usage: scale-out.sh start|stop WORK}
prefix=${ASKPRO_NETNS_PREFIX:-askpro-}
# stop takes the prefix that start used (WORK/netns-prefix), whatever the environment says now: a stop without the
# same ASKPRO_NETNS_PREFIX used to delete the default askpro- namespaces, i.e. another deployment's (the test script's).
if [ "$command" = stop ] && [ -f "$work/netns-prefix" ]; then
  prefix=$(cat "$work/netns-prefix")
fi
net=${ASKPRO_NETNS_NET:-10.231}
lb_port=${ASKPRO_SCALEOUT_LB_PORT:-5460}
pg_port=${ASKPRO_SCALEOUT_PG_PORT:-55460}
redis_port=${ASKPRO_SCALEOUT_REDIS_PORT:-6460}
count=${ASKPRO_SCALEOUT_INSTANCES:-3}
redis_mode=${ASKPRO_SCALEOUT_REDIS:-standalone}
cluster_port=${ASKPRO_SCALEOUT_CLUSTER_PORT:-7461}
node_timeout=${ASKPRO_SCALEOUT_CLUSTER_NODE_TIMEOUT:-5000}
pg_fsync=${ASKPRO_SCALEOUT_PG_FSYNC:-off}
direct_port=${ASKPRO_SCALEOUT_DIRECT_PORT:-}
instance_env=${ASKPRO_SCALEOUT_INSTANCE_ENV:-}
start_timeout=${ASKPRO_SCALEOUT_START_TIMEOUT:-180}
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")

stop() {
  for i in $(seq 1 3); do
    [ -f "$work/i$i/pid" ] && kill "$(cat "$work/i$i/pid")" 2>/dev/null || true
  done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  for pidfile in "$work"/cluster/*/redis.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  if [ -f "$work/pg/PG_VERSION" ]; then
    su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  fi
  for i in $(seq 1 3); do
    ip netns pids "${prefix}i$i" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip link del "${prefix}h$i" 2>/dev/null || true
    ip netns del "${prefix}i$i" 2>/dev/null || true
  done
}

fail() {
  echo "scale-out: $*" >&2
  exit 1
}

if [ "$command" = stop ]; then
  stop
  exit 0
fi
[ "$command" = start ] || fail "unknown command $command (start|stop)"
[ "$(id -u)" = 0 ] || fail "needs root for ip netns"
[ "$count" -ge 1 ] && [ "$count" -le 3 ] || fail "ASKPRO_SCALEOUT_INSTANCES must be 1 to 3"
[ "$redis_mode" = standalone ] || [ "$redis_mode" = cluster ] || fail "ASKPRO_SCALEOUT_REDIS must be standalone or cluster"
[ "$pg_fsync" = off ] || [ "$pg_fsync" = on ] || fail "ASKPRO_SCALEOUT_PG_FSYNC must be on or off"
for tool in ip nginx redis-server curl; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done
[ -x "$PG_BIN/pg_ctl" ] || fail "PostgreSQL server binaries are not installed"
dotnet_bin=$(command -v dotnet)
mkdir -p "$work" && chmod 755 "$work"
echo "$prefix" >"$work/netns-prefix"

# The instances run a ReadyToRun publish of the service, as a deployment would (ADR 0029): precompiled code from the
# first request on, instead of the JIT compiling on the cores that serve. Incremental: seconds when nothing changed.
rid="linux-$(uname -m | sed 's/^x86_64$/x64/; s/^aarch64$/arm64/')"
web_dir="$work/web"
"$dotnet_bin" publish "$repo/src/AskProAI.Web" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o "$web_dir" -v q -nologo >"$work/publish.log" 2>&1 || { tail -20 "$work/publish.log" >&2; fail "dotnet publish of src/AskProAI.Web failed"; }

# The links: this machine is $net.N.1, instance N is $net.N.2. A failure here must fail the run, never skip it.
listen="127.0.0.1"
for i in $(seq 1 "$count"); do
  ns="${prefix}i$i" host="${prefix}h$i" peer="${prefix}n$i"
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$host" 2>/dev/null || true
  ip netns add "$ns"
  ip link add "$host" type veth peer name "$peer"
  ip link set "$peer" netns "$ns"
  ip addr add "$net.$i.1/24" dev "$host"
  ip link set "$host" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip addr add "$net.$i.2/24" dev "$peer"
  ip netns exec "$ns" ip link set "$peer" up
  # The cluster announces one address ($net.1.1): the other namespaces reach it through their link's host end. A host
  # route, not a default route: with a default route every DNS query (to a resolver this machine does not forward to)
  # waits for the resolver's 5 s timeouts instead of failing at once, and the instances stalled 5-10 s on them.
  if [ "$redis_mode" = cluster ] && [ "$i" -gt 1 ]; then ip netns exec "$ns" ip route add "$net.1.1/32" via "$net.$i.1"; fi
  listen="$listen,$net.$i.1"
done

# PostgreSQL and Redis listen on loopback and on this machine's end of each link.
mkdir -p "$work/pg" && chown postgres "$work/pg"
su postgres -s /bin/sh -c "$PG_BIN/initdb -D $work/pg -A trust -U postgres >/dev/null"
echo "host all all $net.0.0/16 trust" >>"$work/pg/pg_hba.conf"
su postgres -s /bin/sh -c "$PG_BIN/pg_ctl -D $work/pg -l $work/pg/log -o '-p $pg_port -k $work/pg -c listen_addresses=$listen -c fsync=$pg_fsync -c max_connections=300' -w start >/dev/null"
# Redis refuses non-loopback clients without a password (protected mode): the instances use one, as on real hosts.
redis_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
if [ "$redis_mode" = standalone ]; then
  redis-server --port "$redis_port" --bind ${listen//,/ } --requirepass "$redis_password" --save "" --appendonly no --daemonize yes \
    --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
  for _ in $(seq 1 50); do REDISCLI_AUTH="$redis_password" redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  redis_config() { echo "$net.$1.1:$redis_port,password=$redis_password"; }
else
  # 3 masters + 3 replicas, every node bound to loopback and $net.1.1 and announcing $net.1.1.
  announce="$net.1.1"
  . "$repo/scripts/redis-cluster.sh"
  start_redis_cluster "$work/cluster" "$cluster_port" "127.0.0.1 $announce" "$announce" "$redis_password" "$node_timeout" \
    || fail "the Redis Cluster did not form"
  cluster_nodes=$(IFS=,; echo "${REDIS_CLUSTER_NODES[*]}")
  redis_config() { echo "$cluster_nodes,password=$redis_password"; }
fi

# Instance N: its own namespace, HOME, content root (a copy of the build) and data folder.
start_instance() {
  local i=$1 dir="$work/i$1"
  local from="$web_dir" override="ASKPRO_SCALEOUT_WEB_DIR_$1"
  [ -z "${!override:-}" ] || from="${!override}"
  [ -f "$from/AskProAI.Web.dll" ] || fail "no AskProAI.Web.dll in $from"
  mkdir -p "$dir/home" "$dir/data"
  cp -r "$from" "$dir/app"
  (cd "$dir/app" && exec ip netns exec "${prefix}i$i" env HOME="$dir/home" \
    ASPNETCORE_ENVIRONMENT=Development DemoActivity__Enabled=false ASPNETCORE_URLS="http://$net.$i.2:5080" \
    Database__Provider=PostgreSql ConnectionStrings__AskPro="Host=$net.$i.1;Port=$pg_port;Username=postgres;Database=askpro" \
    Cache__Redis="$(redis_config "$i")" Cache__Warm__Enabled=false \
    DemoData__Companies=3 DemoData__CallsPerCompany=2000 DemoData__Days=14 $instance_env \
    "$dotnet_bin" AskProAI.Web.dll >"$dir/log" 2>&1) &
  echo $! >"$dir/pid"
}

wait_healthy() {
  local i=$1 deadline=$((SECONDS + start_timeout))
  until curl -s --max-time 5 "http://$net.$i.2:5080/health" 2>/dev/null | grep -q '^{"status":"Healthy"'; do
    kill -0 "$(cat "$work/i$i/pid")" 2>/dev/null || { tail -20 "$work/i$i/log" >&2; fail "instance $i exited"; }
    [ $SECONDS -lt $deadline ] || { tail -20 "$work/i$i/log" >&2; fail "instance $i not healthy within $start_timeout s"; }
    sleep 0.5
  done
}

# The first instance migrates and seeds (and makes the first Data Protection key); the others start on it.
start_instance 1
wait_healthy 1
for i in $(seq 2 "$count"); do start_instance "$i"; done
for i in $(seq 2 "$count"); do wait_healthy "$i"; done

# nginx with the sample configuration, only the addresses and the port rewritten.
mkdir -p "$work/nginx"
sed -e "s/10\.231\./$net./g" -e "s/listen 127\.0\.0\.1:8080;/listen 127.0.0.1:$lb_port;/" deploy/nginx/askpro.conf >"$work/nginx/askpro.conf"
if [ "$count" -lt 3 ]; then
  for i in $(seq $((count + 1)) 3); do sed -i "/server $net\.$i\.2:5080/d" "$work/nginx/askpro.conf"; done
fi
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '\$remote_addr "\$request" \$status \$upstream_addr \$request_time';
  access_log $work/nginx/access.log upstream;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  include $work/nginx/askpro.conf;
  include $work/nginx/direct.conf;
}
CONF
# Optional: one loopback port per instance (its /metrics for the load simulator); not part of the sample.
: >"$work/nginx/direct.conf"
direct=""
if [ -n "$direct_port" ]; then
  for i in $(seq 1 "$count"); do
    echo "server { listen 127.0.0.1:$((direct_port + i - 1)); location / { proxy_pass http://$net.$i.2:5080; } }" >>"$work/nginx/direct.conf"
    direct="$direct${direct:+,}http://127.0.0.1:$((direct_port + i - 1))"
  done
fi
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
for _ in $(seq 1 50); do curl -s --max-time 2 "http://127.0.0.1:$lb_port/health" | grep -q '"status"' && break; sleep 0.1; done
curl -s --max-time 5 "http://127.0.0.1:$lb_port/health" | grep -q '^{"status":"Healthy"' || fail "nginx does not answer on 127.0.0.1:$lb_port"

instances=""
for i in $(seq 1 "$count"); do instances="$instances${instances:+,}http://$net.$i.2:5080"; done
cat >"$work/scale-out.env" <<ENV
export ASKPRO_TEST_BALANCER=http://127.0.0.1:$lb_port
export ASKPRO_TEST_INSTANCES=$instances
export ASKPRO_SCALEOUT_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=askpro'
export ASKPRO_SCALEOUT_DIRECT=$direct
ENV
if [ "$redis_mode" = cluster ]; then
  cat >>"$work/scale-out.env" <<ENV
export ASKPRO_SCALEOUT_REDIS_CLUSTER=$cluster_nodes
export ASKPRO_SCALEOUT_CLUSTER_DIR=$work/cluster
export ASKPRO_SCALEOUT_REDIS_AUTH=$redis_password
ENV
fi
chmod 600 "$work/scale-out.env"
echo "scale-out: $count instances in namespaces ${prefix}i1..${prefix}i$count behind nginx on 127.0.0.1:$lb_port, Redis $redis_mode, PostgreSQL fsync $pg_fsync"
