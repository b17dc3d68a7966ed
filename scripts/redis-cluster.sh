# Sourced by scripts/test.sh and scripts/scale-out.sh: a Redis Cluster of 3 masters and 3 replicas (Redis's own cluster
# mode). Each node has a folder DIR/PORT with its redis.conf, so a test can kill a master and start it again (it rejoins
# as a replica).
#
#   start_redis_cluster DIR FIRST_PORT BIND ANNOUNCE PASSWORD NODE_TIMEOUT_MS
#
# BIND: the addresses the nodes listen on (space-separated); ANNOUNCE: the address every node announces and the other
# nodes and clients use; PASSWORD: empty for none. Sets REDIS_CLUSTER_NODES (ANNOUNCE:PORT ...) and returns 0 once the
# cluster is ok; otherwise prints redis-cli's output and returns 1.
start_redis_cluster() {
  local dir=$1 first=$2 bind=$3 announce=$4 password=$5 node_timeout=$6 port node
  local auth=()
  [ -n "$password" ] && auth=(env "REDISCLI_AUTH=$password")
  REDIS_CLUSTER_NODES=()
  for port in $(seq "$first" $((first + 5))); do
    node="$dir/$port"
    mkdir -p "$node"
    {
      echo "port $port"
      echo "bind $bind"
      [ -n "$password" ] && printf 'requirepass %s\nmasterauth %s\n' "$password" "$password"
      cat <<CONF
daemonize yes
dir $node
pidfile $node/redis.pid
logfile $node/redis.log
save ""
appendonly no
cluster-enabled yes
cluster-config-file $node/nodes.conf
cluster-node-timeout $node_timeout
cluster-announce-ip $announce
CONF
    } >"$node/redis.conf"
    chmod 600 "$node/redis.conf"
    redis-server "$node/redis.conf"
    REDIS_CLUSTER_NODES+=("$announce:$port")
  done
  for port in $(seq "$first" $((first + 5))); do
    for _ in $(seq 1 50); do "${auth[@]}" redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  done
  if ! "${auth[@]}" redis-cli --cluster create "${REDIS_CLUSTER_NODES[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1; then
    cat "$dir/create.log" >&2
    return 1
  fi
  for _ in $(seq 1 100); do
    "${auth[@]}" redis-cli -p "$first" cluster info 2>/dev/null | grep -q "cluster_state:ok" && return 0
    sleep 0.1
  done
  cat "$dir/create.log" >&2
  return 1
}
