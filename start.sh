#!/usr/bin/env bash
# Starts the whole MiniKafka system locally: the broker (embedded defaults: H2 metadata and logs under
# ./data, no database to install), the four demo services on the MiniKafka binder, and the aggregator with
# the dashboard. Builds what is not built, waits until each part is healthy, prints the dashboard's address.
# Ctrl-C stops everything. Logs: logs/<part>.log. Arguments are passed to the broker.
#
# With MINIKAFKA_DB_URL (and MINIKAFKA_DB_USER/PASSWORD) set, the broker keeps its metadata there; with
# ORDERS_DB_URL (and ORDERS_DB_USER/PASSWORD), Orders keeps its orders there (both PostgreSQL JDBC URLs).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/find-jdk.sh
. scripts/broker-launch.sh
. scripts/processes.sh

SERVICES=(payments orders notifications analytics)
# The demo's topic: Payments spreads customers over this many partitions, so consumer groups can scale out.
export PAYMENTS_PARTITIONS=${PAYMENTS_PARTITIONS:-4}
declare -A SERVICE_PORTS=([payments]=${PAYMENTS_PORT:-8081} [orders]=${ORDERS_PORT:-8082}
  [notifications]=${NOTIFICATIONS_PORT:-8083} [analytics]=${ANALYTICS_PORT:-8084})
HTTP_PORT=${MINIKAFKA_HTTP_PORT:-8080}
DASHBOARD_PORT=${AGGREGATOR_PORT:-5173}

# ---- build what is missing or older than its sources ----------------------------------------------------
stale() { # stale JAR DIR...: true when JAR is missing or a file under DIR is newer
  local jar="$1"
  shift
  [ -z "$jar" ] || [ ! -f "$jar" ] || [ -n "$(find "$@" -newer "$jar" -type f 2>/dev/null | head -n 1)" ]
}
exec_jar() { ls "$1"/target/*-exec.jar 2>/dev/null | head -n 1 || true; }

needs_build=false
stale "$(exec_jar minikafka-broker)" minikafka-broker/src minikafka-client/src && needs_build=true
for s in "${SERVICES[@]}"; do
  stale "$(exec_jar "$s")" "$s/src" demo-common/src spring-cloud-stream-binder-minikafka/src && needs_build=true
done
if $needs_build; then
  echo "Building MiniKafka (the first run takes a few minutes)..."
  ./mvnw -q -B -DskipTests install
fi
if [ ! -d aggregator/node_modules ]; then
  echo "Installing the aggregator's packages..."
  (cd aggregator && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -f ui/dist/index.html ] || [ -n "$(find ui/src ui/index.html -newer ui/dist/index.html -type f | head -n 1)" ]; then
  echo "Building the dashboard..."
  (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build >/dev/null)
fi

# ---- start, in order, each once the one before is healthy -------------------------------------------------
trap 'echo; stop_all; exit 130' INT TERM
trap 'stop_all' EXIT
fail() {
  echo "MiniKafka did not start: $1. Stopping what was started." >&2
  exit 1
}

prepare_broker "$(exec_jar minikafka-broker)"
start_process broker "${BROKER_CMD[@]}" "$@"
wait_healthy broker "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" 120 || fail "the broker"
# Created here, with its partition count, before any service could create it with the binder's default.
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP_PORT/api/v1/topics" \
  -H 'Content-Type: application/json' -d "{\"name\":\"payments\",\"partitions\":$PAYMENTS_PARTITIONS}")
case "$status" in
  201) echo "✓ topic payments created with $PAYMENTS_PARTITIONS partitions" ;;
  409)
    # Kept from an earlier run: Payments must use the partitions it has (it cannot send to more).
    PAYMENTS_PARTITIONS=$(curl -s "http://127.0.0.1:$HTTP_PORT/api/v1/topics/payments" | grep -o '"partition":[0-9]*' | wc -l)
    echo "✓ topic payments exists, with $PAYMENTS_PARTITIONS partitions" ;;
  *) fail "could not create the topic payments (HTTP $status)" ;;
esac

SERVICE_JVM=(-Xmx256m -XX:TieredStopAtLevel=1)
# JDK 25 warns about gRPC's and Netty's native and Unsafe use at every start; these flags allow them quietly.
[ "$(java_major "$JAVA_HOME/bin/java")" -ge 25 ] && SERVICE_JVM+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
for s in "${SERVICES[@]}"; do
  start_process "$s" "$JAVA_HOME/bin/java" "${SERVICE_JVM[@]}" -jar "$(exec_jar "$s")" \
    --spring.cloud.stream.minikafka.binder.brokers="127.0.0.1:${MINIKAFKA_GRPC_PORT:-9092}"
done
for s in "${SERVICES[@]}"; do
  wait_healthy "$s" "http://127.0.0.1:${SERVICE_PORTS[$s]}/actuator/health" 120 || fail "$s"
done

# The aggregator reads the broker and the services where this script started them.
export BROKER_URL="http://127.0.0.1:$HTTP_PORT" PAYMENTS_URL="http://127.0.0.1:${SERVICE_PORTS[payments]}" \
  ORDERS_URL="http://127.0.0.1:${SERVICE_PORTS[orders]}" NOTIFICATIONS_URL="http://127.0.0.1:${SERVICE_PORTS[notifications]}" \
  ANALYTICS_URL="http://127.0.0.1:${SERVICE_PORTS[analytics]}" AGGREGATOR_PORT="$DASHBOARD_PORT"
start_process aggregator node aggregator/src/main.js
wait_healthy aggregator "http://127.0.0.1:$DASHBOARD_PORT/api/health" 30 || fail "the aggregator"

echo
echo "MiniKafka is running. Dashboard: http://127.0.0.1:$DASHBOARD_PORT  (Ctrl-C stops everything)"
echo "Broker: gRPC 127.0.0.1:${MINIKAFKA_GRPC_PORT:-9092}, HTTP http://127.0.0.1:$HTTP_PORT; logs in $LOG_DIR/"

# Run until Ctrl-C, or until a part exits on its own (then say which and stop the rest).
while true; do
  for i in "${!STARTED_PIDS[@]}"; do
    if ! kill -0 "${STARTED_PIDS[$i]}" 2>/dev/null; then
      fail "${STARTED_NAMES[$i]} exited (see $LOG_DIR/${STARTED_NAMES[$i]}.log)"
    fi
  done
  sleep 2
done
