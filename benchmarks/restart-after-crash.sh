#!/usr/bin/env bash
# Restart after a crash: produce ~1 GB into a broker, kill -9 it, start it again with the command
# ./start.sh uses (scripts/broker-launch.sh: unpacked jar, JDK 25 AOT cache) and time until the gRPC port
# answers an Admin.ListTopics call that names the topic. RUNS restarts per build (default 3), each from a
# copy of the same crash image, builds alternating; the median printed.
#
#   benchmarks/restart-after-crash.sh                      # the broker built in this checkout
#   benchmarks/restart-after-crash.sh A.jar B.jar          # alternate two builds' -exec.jars run by run
#
# Each jar is unpacked (and its AOT cache recorded) once, in its own folder next to it. Environment:
# RUNS (3), RECORDS (10,000,000 records of 100 bytes: ~1 GB on disk), GRPC_PORT / HTTP_PORT (9092 / 8080),
# WORK (the data directories, default benchmarks/target/restart-after-crash), BROKER_ARGS (passed on).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
. scripts/find-jdk.sh
. scripts/broker-launch.sh

RUNS=${RUNS:-3}
RECORDS=${RECORDS:-10000000}
GRPC_PORT=${GRPC_PORT:-9092}
HTTP_PORT=${HTTP_PORT:-8080}
WORK=${WORK:-$repo/benchmarks/target/restart-after-crash}
read -r -a broker_args <<<"${BROKER_ARGS:-}"
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=("$(ls minikafka-broker/target/*-exec.jar | head -n 1)")
bench_jar=benchmarks/target/minikafka-bench.jar
[ -f "$bench_jar" ] || bin/minikafka-bench --help >/dev/null # builds it

pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; }
trap cleanup EXIT

# An empty ListTopicsRequest as one gRPC frame (not compressed, length 0) over h2c.
list_topics() {
  # The HTTP status is printed after the body: 200 means the gRPC server took the call.
  printf '\0\0\0\0\0' | curl -s --max-time 2 --http2-prior-knowledge -H 'content-type: application/grpc' \
    -H 'te: trailers' --data-binary @- -w ' http=%{http_code}' \
    "http://127.0.0.1:$GRPC_PORT/minikafka.v1.Admin/ListTopics" 2>/dev/null | tr -c '[:print:]' ' ' | grep 'http=200' || true
}

# wait_serving TOPIC: milliseconds from now until ListTopics answers (naming TOPIC when given), or fails
# after 300 s (a first start on a busy machine can be slow; the timed restarts are not).
wait_serving() {
  local start now
  start=$(date +%s%N)
  while :; do
    if list_topics | grep -q "$1"; then
      now=$(date +%s%N)
      echo $(((now - start) / 1000000))
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the broker exited; see $WORK/broker.log" >&2; return 1; }
    now=$(date +%s%N)
    [ $(((now - start) / 1000000000)) -lt 300 ] || { echo "not serving after 300 s" >&2; return 1; }
    sleep 0.01
  done
}

# launch JAR DATA: the broker from JAR on DATA, started as start.sh starts it.
launch() {
  local exec_jar="$1" data="$2"
  MINIKAFKA_DATA_DIR="$data" MINIKAFKA_GRPC_PORT=$GRPC_PORT MINIKAFKA_HTTP_PORT=$HTTP_PORT \
    "${BROKER_CMDS[$exec_jar]}" >>"$WORK/broker.log" 2>&1 &
  pid=$!
}

mkdir -p "$WORK"
: >"$WORK/broker.log"
declare -A BROKER_CMDS
for jar in "${jars[@]}"; do
  jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  # prepare_broker unpacks into minikafka-broker/target/app relative to the working directory: give each
  # jar its own folder, so two builds do not share an unpacked copy or an AOT cache.
  stage="$(dirname "$jar")/restart-bench-$(basename "$jar" .jar)"
  mkdir -p "$stage"
  (cd "$stage" && MINIKAFKA_DATA_DIR="$WORK/training" prepare_broker "$jar" &&
    printf '%q ' "${BROKER_CMD[@]}" "${broker_args[@]}" >cmd)
  # A runnable line, from inside $stage (the command's paths are relative to it).
  printf '#!/usr/bin/env bash\ncd %q && exec %s\n' "$stage" "$(cat "$stage/cmd")" >"$stage/run"
  chmod +x "$stage/run"
  BROKER_CMDS[$jar]="$stage/run"
  jars_abs+=("$jar")
done

# One crash image for every run: the first build produces ~1 GB and is killed at once; each timed restart
# starts from a fresh copy of that image, so every build recovers exactly the same tail.
crashed="$WORK/crashed"
if [ ! -d "$crashed" ]; then
  rm -rf "$WORK/data"
  launch "${jars_abs[0]}" "$WORK/data"
  wait_serving "" >/dev/null # the first start: no topic yet
  java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -jar "$bench_jar" produce \
    --bootstrap "127.0.0.1:$GRPC_PORT" --topic crash --records "$RECORDS" --threads 2 --timeout 20m \
    >"$WORK/produce.log" 2>&1 || echo "produce ended early (see $WORK/produce.log); crashing with what was written"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  mv "$WORK/data" "$crashed"
fi
echo "crash image: $(du -sm "$crashed" | cut -f1) MB on disk ($crashed; delete it to produce a new one)"

declare -A results
for run in $(seq 1 "$RUNS"); do
  for jar in "${jars_abs[@]}"; do
    data="$WORK/data"
    rm -rf "$data"
    cp -a "$crashed" "$data"
    # The copy's pages are all dirty; a real crash leaves only the kernel's write-back window unwritten.
    # Written out here, so the restart's fsync of the recovered tail (LogRecovery) times the disk's
    # share of a restart, not the copy.
    sync
    launch "$jar" "$data"
    ms=$(wait_serving crash)
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    results[$jar]+="$ms "
    spring=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$WORK/broker.log" | tail -n 1 | grep -o '[0-9.]* seconds' || true)
    echo "run $run  $jar  serving after ${ms} ms  (Spring's own count: ${spring:-?};" \
      "load average $(cut -d' ' -f1-3 /proc/loadavg))"
  done
done

echo
for jar in "${jars_abs[@]}"; do
  # shellcheck disable=SC2086
  median=$(printf '%s\n' ${results[$jar]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
  echo "median  $jar  ${median} ms  (runs: ${results[$jar]})"
done
