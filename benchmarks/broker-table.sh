#!/usr/bin/env bash
# The broker's results table (docs/benchmarks.md, issue #2's targets) in one command.
#
# Starts one broker (the exec jar, -Xmx256m, a data directory of its own under benchmarks/target/), then runs
# the load generator RUNS times per row, rows alternating run by run so a noisy machine hits them alike:
#   produce      acks=LEADER, 2 threads, PRODUCE_RECORDS, idempotent producer (the client's default)
#   produce-noid the same with --no-idempotence
#   consume      one consumer reading CONSUME_RECORDS from the beginning of a topic of their own, filled once
#   durable      acks=DURABLE, 16 threads, DURABLE_RECORDS as fast as they go
#   durable-rate acks=DURABLE, 16 threads at DURABLE_RATE records/s (20 % warm-up left out)
#   e2e          end-to-end latency at 10,000 records/s, E2E_SECONDS measured after E2E_WARMUP seconds
#   e2e-noid     the same with --no-idempotence
# Prints the date, commit and machine, every run, and a Markdown table of medians; the JSON lines land in
# $WORK/results.jsonl.
#
#   ./mvnw -B -q -pl minikafka-broker,benchmarks -am package -DskipTests   # builds both jars
#   benchmarks/broker-table.sh                                              # defaults below; env overrides
#   BROKER_OPTS="-XX:+UseZGC" ROWS="durable-rate e2e" benchmarks/broker-table.sh
#   BROKER_JAR=old-exec.jar BENCH_JAR=old-bench.jar ROWS=e2e benchmarks/broker-table.sh   # another build's jars
#
# Ports: gRPC BASE_PORT+92, HTTP BASE_PORT+80 (BASE_PORT 19000 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh

RUNS=${RUNS:-3}
ROWS=${ROWS:-produce produce-noid consume durable durable-rate e2e}
PRODUCE_RECORDS=${PRODUCE_RECORDS:-6000000}
CONSUME_RECORDS=${CONSUME_RECORDS:-12000000}
DURABLE_RECORDS=${DURABLE_RECORDS:-4000000}
DURABLE_RATE=${DURABLE_RATE:-200000}
E2E_SECONDS=${E2E_SECONDS:-10}
E2E_WARMUP=${E2E_WARMUP:-10}
BROKER_OPTS=${BROKER_OPTS:--XX:+UseG1GC}
BASE_PORT=${BASE_PORT:-19000}
WORK=${WORK:-$PWD/benchmarks/target/broker-table-$BASE_PORT}
GRPC=$((BASE_PORT + 92)) HTTP=$((BASE_PORT + 80))

BROKER_JAR=${BROKER_JAR:-minikafka-broker/target/minikafka-broker-0.1.0-SNAPSHOT-exec.jar}
BENCH_JAR=${BENCH_JAR:-benchmarks/target/minikafka-bench.jar}
for jar in "$BROKER_JAR" "$BENCH_JAR"; do
  [ -f "$jar" ] || { echo "missing $jar: ./mvnw -B -q -pl minikafka-broker,benchmarks -am package -DskipTests" >&2; exit 1; }
done
JAVA_OPTS=()
if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 23 ] 2>/dev/null; then
  JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi

rm -rf "$WORK" && mkdir -p "$WORK"
BROKER_PID=
cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

# shellcheck disable=SC2086 # BROKER_OPTS is a list of JVM options
MINIKAFKA_DATA_DIR="$WORK/data" MINIKAFKA_GRPC_PORT=$GRPC MINIKAFKA_HTTP_PORT=$HTTP \
  "$JAVA_HOME/bin/java" -Xmx256m $BROKER_OPTS "${JAVA_OPTS[@]}" -jar "$BROKER_JAR" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$HTTP/actuator/health/readiness" >/dev/null && break
  kill -0 "$BROKER_PID" 2>/dev/null || { echo "the broker exited; see $WORK/broker.log" >&2; exit 1; }
  sleep 0.25
done
# What docs/benchmarks.md records with every result: when, which build, on what machine.
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); checkout $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)');" \
  "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
echo "broker $BROKER_PID ($BROKER_JAR) ready on 127.0.0.1:$GRPC ($BROKER_OPTS); load average $(cut -d' ' -f1-3 /proc/loadavg)"

bench() { # row, load generator arguments...
  local row=$1; shift
  local out
  out=$("$JAVA_HOME/bin/java" -Xmx1g "${JAVA_OPTS[@]}" -jar "$BENCH_JAR" "$@" --bootstrap "127.0.0.1:$GRPC" --json \
    2>"$WORK/last.err" | tail -n 1) || { echo "$row failed: $(head -n 1 "$WORK/last.err")" >&2; exit 1; }
  cat "$WORK/last.err" >>"$WORK/bench.err"
  echo "{\"row\":\"$row\",\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",\"result\":$out}" >>"$WORK/results.jsonl"
  echo "$row: $(node -e 'const r=JSON.parse(process.argv[1]); const l=r.latency||{};
    console.log(`${Math.round(r.recordsPerSec).toLocaleString("en")} records/s` + (r.latency ? `, p50 ${l.p50} ms, p99 ${l.p99} ms` : ""))' "$out")"
}

run_row() {
  case $1 in
    produce) bench produce produce --topic perf --records "$PRODUCE_RECORDS" --threads 2 ;;
    produce-noid) bench produce-noid produce --topic perf --records "$PRODUCE_RECORDS" --threads 2 --no-idempotence ;;
    consume) bench consume consume --topic perf-read --threads 1 --records "$CONSUME_RECORDS" ;;
    durable) bench durable produce --topic durable --records "$DURABLE_RECORDS" --threads 16 --acks DURABLE ;;
    durable-rate) bench durable-rate produce --topic durable --acks DURABLE --threads 16 --rate "$DURABLE_RATE" \
        --records $((DURABLE_RATE * 10)) --warmup-records $((DURABLE_RATE * 2)) ;;
    e2e) bench e2e e2e --topic e2e --rate 10000 --duration "$((E2E_WARMUP + E2E_SECONDS))s" --warmup "${E2E_WARMUP}s" ;;
    e2e-noid) bench e2e-noid e2e --topic e2e --rate 10000 --duration "$((E2E_WARMUP + E2E_SECONDS))s" --warmup "${E2E_WARMUP}s" \
        --no-idempotence ;;
    *) echo "unknown row $1 (rows: produce produce-noid consume durable durable-rate e2e e2e-noid)" >&2; exit 2 ;;
  esac
}

# consume reads a topic of its own, filled once before the first run (the produce rows write fewer records
# than it reads, and a consume asking for more than the topic holds would wait out its --timeout)
if [[ " $ROWS " == *" consume "* ]]; then
  bench setup produce --topic perf-read --records "$CONSUME_RECORDS" --threads 2 >/dev/null
fi
for run in $(seq 1 "$RUNS"); do
  for row in $ROWS; do run_row "$row"; done
done

echo
echo "| row | records/s (median of $RUNS) | p50 ms | p99 ms | runs (records/s) |"
echo "|---|---|---|---|---|"
node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s[Math.floor((s.length - 1) / 2)]; return Number.isNaN(m) ? "–" : m; };
  for (const row of process.argv[2].split(" ")) {
    const rs = lines.filter(l => l.row === row).map(l => l.result);
    if (!rs.length) continue;
    const f = x => Math.round(x).toLocaleString("en");
    console.log(`| ${row} | ${f(median(rs.map(r => r.recordsPerSec)))} | ${median(rs.map(r => r.latency?.p50 ?? NaN))} | ` +
      `${median(rs.map(r => r.latency?.p99 ?? NaN))} | ${rs.map(r => f(r.recordsPerSec)).join(" / ")} |`);
  }' "$WORK/results.jsonl" "$ROWS"
echo "broker: $(grep -c 'OutOfMemoryError' "$WORK/broker.log" || true) OutOfMemoryError lines in its log; load average $(cut -d' ' -f1-3 /proc/loadavg)"
