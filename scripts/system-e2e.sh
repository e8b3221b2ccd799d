#!/usr/bin/env bash
# The whole local system, end to end, as a user starts it: ./start.sh on ports and a data directory of its
# own (so it never meets a system the user is running), then the dashboard driven in headless Chromium
# (ui/e2e-system): Start Stream, events flowing through the broker to the three consumer groups, Stop.
# Stops everything it started, also when the test fails. Called by ./test.sh after the builds.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
export MINIKAFKA_DATA_DIR="$work/data" MINIKAFKA_LOG_DIR="$work/logs"
export MINIKAFKA_GRPC_PORT=19192 MINIKAFKA_HTTP_PORT=18180 AGGREGATOR_PORT=15273
export PAYMENTS_PORT=18181 ORDERS_PORT=18182 NOTIFICATIONS_PORT=18183 ANALYTICS_PORT=18184

./start.sh > "$work/start.log" 2>&1 &
system=$!
stop_system() {
  if kill -0 "$system" 2>/dev/null; then
    kill -TERM "$system"
    wait "$system" || true
  fi
}
trap stop_system EXIT

for _ in $(seq 1 300); do
  grep -q "MiniKafka is running" "$work/start.log" && break
  if ! kill -0 "$system" 2>/dev/null; then
    echo "start.sh failed:" >&2
    cat "$work/start.log" >&2
    exit 1
  fi
  sleep 1
done
if ! grep -q "MiniKafka is running" "$work/start.log"; then
  echo "the system did not start within 300 s:" >&2
  cat "$work/start.log" >&2
  exit 1
fi
cat "$work/start.log"

if ! (cd ui && DASHBOARD_URL="http://127.0.0.1:$AGGREGATOR_PORT" BROKER_URL="http://127.0.0.1:$MINIKAFKA_HTTP_PORT" \
    node --test --test-reporter=spec e2e-system/); then
  for log in "$MINIKAFKA_LOG_DIR"/*.log; do
    echo "---- last lines of $log" >&2
    tail -n 20 "$log" >&2
  done
  exit 1
fi
