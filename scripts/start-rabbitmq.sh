#!/bin/bash
# Starts Debian's RabbitMQ (3.10) on 127.0.0.1 in a fresh temporary directory, for differential tests.
#
# Usage: scripts/start-rabbitmq.sh [AMQP_PORT] [NODE_NAME]     (defaults: 5699, switchyard-ref)
# Prints the AMQP URL on stdout once the broker accepts connections. Diagnostics go to stderr.
# Stop it with: kill "$(cat <dir>/server.pid)"  (the directory is printed on stderr; remove it afterwards).
# The Erlang distribution port is AMQP_PORT + 20000, so two nodes with different AMQP ports never collide.
# Must run as a user that may run the RabbitMQ scripts (root in the test container).
set -eu

PORT="${1:-5699}"
NODE="${2:-switchyard-ref}"
DIST_PORT=$((PORT + 20000))
SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server

[ -x "$SERVER" ] || { echo "start-rabbitmq: $SERVER not found (apt-get install rabbitmq-server)" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "start-rabbitmq: port $PORT is already in use" >&2
  exit 1
fi

DIR="$(mktemp -d "${TMPDIR:-/tmp}/rabbitmq-$NODE-XXXXXX")"
mkdir -p "$DIR/mnesia" "$DIR/log" "$DIR/home"
echo '[].' > "$DIR/enabled_plugins"
# A low disk limit: temporary directories often sit on small filesystems.
cat > "$DIR/rabbitmq.conf" <<EOF
disk_free_limit.absolute = 50MB
EOF

(
  export RABBITMQ_NODENAME="$NODE@localhost"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$PORT"
  export RABBITMQ_DIST_PORT="$DIST_PORT"
  export RABBITMQ_MNESIA_BASE="$DIR/mnesia"
  export RABBITMQ_LOG_BASE="$DIR/log"
  export RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins"
  export HOME="$DIR/home"
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  exec setsid "$SERVER" > "$DIR/server.out" 2>&1 < /dev/null
) &
echo $! > "$DIR/server.pid"

# Ready once the AMQP port accepts connections (the listener opens last in RabbitMQ's boot).
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "start-rabbitmq: node $NODE@localhost in $DIR (pid $(cat "$DIR/server.pid"))" >&2
    echo "amqp://guest:guest@127.0.0.1:$PORT"
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/server.pid")" 2>/dev/null; then
    echo "start-rabbitmq: the server exited during boot; see $DIR/server.out and $DIR/log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "start-rabbitmq: no listener on $PORT after 60 s; see $DIR/log" >&2
exit 1
