#!/usr/bin/env bash
# Starts MiniKafka locally: builds what is not built, then runs the broker with its embedded defaults
# (H2 metadata and logs under ./data; no database to install). Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/find-jdk.sh

broker_jar=$(ls minikafka-broker/target/minikafka-broker-*-exec.jar 2>/dev/null | head -n 1 || true)
if [ -z "$broker_jar" ] || [ -n "$(find minikafka-broker/src minikafka-client/src -newer "$broker_jar" -type f | head -n 1)" ]; then
  echo "Building MiniKafka (first run takes a few minutes)..."
  ./mvnw -q -B -DskipTests install
  broker_jar=$(ls minikafka-broker/target/minikafka-broker-*-exec.jar | head -n 1)
fi

. scripts/broker-launch.sh
prepare_broker "$broker_jar"

mkdir -p logs
echo "Starting the broker: gRPC on 127.0.0.1:${MINIKAFKA_GRPC_PORT:-9092}, HTTP on http://127.0.0.1:${MINIKAFKA_HTTP_PORT:-8080}"
echo "Logs: logs/broker.log; data: ${MINIKAFKA_DATA_DIR:-data/broker}"
"${BROKER_CMD[@]}" "$@" 2>&1 | tee logs/broker.log
