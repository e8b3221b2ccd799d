#!/usr/bin/env bash
# The binder benchmark, MiniKafka binder against the Kafka binder, side by side in one session.
#
# Starts a MiniKafka broker (the exec jar, -Xmx256m) and an Apache Kafka broker (single-node KRaft from the
# Maven Central jars, -Xmx1g), then alternates the two binders run by run: RUNS throughput runs (THROUGHPUT_RECORDS
# records as fast as the producer's StreamBridge takes them) and RUNS latency runs (RATE records/s for
# LATENCY_SECONDS after WARMUP_SECONDS). Every run is two JVMs of the same application (benchmarks-binder):
# a consumer in group "bench", then a producer; each on a fresh topic of 4 partitions. Prints every run's
# result and the medians; the JSON lines land in $WORK/results.jsonl.
#
#   ./mvnw -B -q -pl benchmarks-binder -am package -DskipTests    # builds the broker and the bench jar
#   benchmarks-binder/run.sh                                      # defaults below; override as env vars
#
# Before/after a binder change: keep a copy of the bench jar built before it and add a third "binder",
#   BEFORE_JAR=bench-before.jar BINDERS="minikafka kafka minikafka-before" benchmarks-binder/run.sh
# (a name ending in -before runs BEFORE_JAR with the profile named before the dash).
#
# Ports: MiniKafka gRPC 26092, HTTP 26080; Kafka 26094, its controller 26095 (BASE_PORT shifts all four).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh

RUNS=${RUNS:-3}
THROUGHPUT_RECORDS=${THROUGHPUT_RECORDS:-1000000}
THROUGHPUT_WARMUP=${THROUGHPUT_WARMUP:-100000}
RATE=${RATE:-2000}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
LATENCY_SECONDS=${LATENCY_SECONDS:-30}
BINDERS=${BINDERS:-minikafka kafka}
THROUGHPUT_BINDERS=${THROUGHPUT_BINDERS:-$BINDERS}
LATENCY_BINDERS=${LATENCY_BINDERS:-$BINDERS}
KINDS=${KINDS:-throughput latency}
BASE_PORT=${BASE_PORT:-26000}
APP_OPTS=${APP_OPTS:--Xmx1g -XX:+UseG1GC}
WORK=${WORK:-$PWD/benchmarks-binder/target/binder-bench-$BASE_PORT}

MK_GRPC=$((BASE_PORT + 92)) MK_HTTP=$((BASE_PORT + 80)) KAFKA_PORT=$((BASE_PORT + 94)) KAFKA_CONTROLLER=$((BASE_PORT + 95))
BENCH_JAR=benchmarks-binder/target/minikafka-binder-bench.jar
BROKER_JAR=minikafka-broker/target/minikafka-broker-0.1.0-SNAPSHOT-exec.jar
for jar in "$BENCH_JAR" "$BROKER_JAR"; do
  [ -f "$jar" ] || { echo "missing $jar: ./mvnw -B -q -pl benchmarks-binder -am package -DskipTests" >&2; exit 1; }
done

rm -rf "$WORK" && mkdir -p "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_for_port() { # port seconds
  for _ in $(seq 1 $(($2 * 10))); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1 after $2 s" >&2; return 1
}

# --- Copies of the jars, so that a rebuild during the session does not pull them away under the JVMs.
cp "$BENCH_JAR" "$WORK/bench.jar" && BENCH_JAR="$WORK/bench.jar"

# --- MiniKafka broker
cp "$BROKER_JAR" "$WORK/minikafka-broker.jar"
MINIKAFKA_DATA_DIR="$WORK/minikafka-data" SPRING_GRPC_SERVER_ADDRESS="127.0.0.1:$MK_GRPC" MINIKAFKA_HTTP_PORT=$MK_HTTP \
  SERVER_ADDRESS=127.0.0.1 "$JAVA_HOME/bin/java" -Xmx256m -XX:+UseG1GC -jar "$WORK/minikafka-broker.jar" \
  >"$WORK/minikafka-broker.log" 2>&1 &
PIDS+=($!)
echo "MiniKafka broker: pid $!, 127.0.0.1:$MK_GRPC"

# --- Kafka broker: the jars from Maven Central (benchmarks-binder/kafka/pom.xml), single-node KRaft.
KAFKA_LIBS=benchmarks-binder/kafka/target/libs
if [ ! -f "$KAFKA_LIBS/kafka_2.13-4.1.2.jar" ]; then
  ./mvnw -q -B -f benchmarks-binder/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory=target/libs
fi
cat >"$WORK/kafka.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$WORK/kafka-data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
KAFKA_CP="$KAFKA_LIBS/*"
"$JAVA_HOME/bin/java" -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$("$JAVA_HOME/bin/java" -cp "$KAFKA_CP" \
  kafka.tools.StorageTool random-uuid)" -c "$WORK/kafka.properties" >"$WORK/kafka-format.log" 2>&1
"$JAVA_HOME/bin/java" -Xmx1g -Xms1g -XX:+UseG1GC -cp "$KAFKA_CP" kafka.Kafka "$WORK/kafka.properties" \
  >"$WORK/kafka-broker.log" 2>&1 &
PIDS+=($!)
echo "Kafka broker: pid $!, 127.0.0.1:$KAFKA_PORT"
wait_for_port "$MK_GRPC" 300
wait_for_port "$KAFKA_PORT" 300

# One run: a consumer JVM, once it is ready a producer JVM, then the consumer's JSON line into results.jsonl.
run() { # kind binder n records warmup rate
  local kind=$1 binder=$2 n=$3 records=$4 warmup=$5 rate=$6
  local name="$kind-$binder-$n" profile=${binder%%-*} jar=$BENCH_JAR
  [[ $binder == *-before ]] && jar=${BEFORE_JAR:?BEFORE_JAR must name the bench jar to compare with}
  local common=(--bench.topic="$name" --bench.records="$records" --bench.warmup-records="$warmup" --bench.rate="$rate"
        --bench.minikafka-brokers="127.0.0.1:$MK_GRPC" --bench.kafka-brokers="127.0.0.1:$KAFKA_PORT")
  "$JAVA_HOME/bin/java" $APP_OPTS -jar "$jar" --spring.profiles.active="$profile,consumer" "${common[@]}" \
    --bench.report="$WORK/$name.json" >"$WORK/$name-consumer.log" 2>&1 &
  local consumer=$!
  for _ in $(seq 1 3000); do
    grep -q "consumer: ready" "$WORK/$name-consumer.log" && break
    kill -0 "$consumer" 2>/dev/null || { echo "consumer of $name died, see $WORK/$name-consumer.log" >&2; return 1; }
    sleep 0.1
  done
  "$JAVA_HOME/bin/java" $APP_OPTS -jar "$jar" --spring.profiles.active="$profile,producer" "${common[@]}" \
    >"$WORK/$name-producer.log" 2>&1 \
    || { echo "producer of $name failed, see $WORK/$name-producer.log" >&2; }
  wait "$consumer" || echo "consumer of $name did not see every record, see $WORK/$name-consumer.log" >&2
  jq -c --arg run "$name" --arg binder "$binder" --arg kind "$kind" '. + {run: $run, binder: $binder, kind: $kind}' \
    "$WORK/$name.json" >>"$WORK/results.jsonl"
  jq -r '"\(.run): \(.received) records, \(.throughput) records/s end to end, p50 \(.latencyMs.p50) p95 \(.latencyMs.p95) p99 \(.latencyMs.p99) ms"' \
    <<<"$(tail -1 "$WORK/results.jsonl")"
}

echo "$(date -u +%FT%TZ) start; load average $(cut -d' ' -f1-3 /proc/loadavg)"
order=($THROUGHPUT_BINDERS)
for n in $(seq 1 "$RUNS"); do
  [[ " $KINDS " == *" throughput "* ]] || break
  for binder in "${order[@]}"; do
    run throughput "$binder" "$n" "$THROUGHPUT_RECORDS" "$THROUGHPUT_WARMUP" 0
  done
  order=($(printf '%s\n' "${order[@]}" | tac)) # the other binder goes first next time
done
order=($LATENCY_BINDERS)
for n in $(seq 1 "$RUNS"); do
  [[ " $KINDS " == *" latency "* ]] || break
  for binder in "${order[@]}"; do
    run latency "$binder" "$n" $((RATE * (WARMUP_SECONDS + LATENCY_SECONDS))) $((RATE * WARMUP_SECONDS)) "$RATE"
  done
  order=($(printf '%s\n' "${order[@]}" | tac))
done
echo "$(date -u +%FT%TZ) end; load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "Medians of $RUNS runs (throughput in records/s end to end, latency in ms at $RATE records/s):"
jq -rs '
  def median: if length == 0 then "-" else sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end end;
  group_by(.binder)[] | . as $runs | ($runs[0].binder) as $b
  | [$runs[] | select(.kind == "throughput") | .throughput] as $t
  | [$runs[] | select(.kind == "latency")] as $l
  | "\($b): throughput \($t | median) (\($t | map(floor) | join(" / ")))"
    + "; latency p50 \([$l[].latencyMs.p50] | median) p95 \([$l[].latencyMs.p95] | median)"
    + " p99 \([$l[].latencyMs.p99] | median) (p99s \([$l[].latencyMs.p99] | join(" / ")))"' "$WORK/results.jsonl"
