# Sourced by start.sh: starts the system's processes in the background, waits until each is healthy, and
# stops every one of them (only those, by the PIDs recorded here) on Ctrl-C, on exit or when one fails.

STARTED_PIDS=()
STARTED_NAMES=()
LOG_DIR=${MINIKAFKA_LOG_DIR:-logs}

# start_process NAME COMMAND...: runs COMMAND with its output in $LOG_DIR/NAME.log.
start_process() {
  local name="$1"
  shift
  mkdir -p "$LOG_DIR"
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  STARTED_PIDS+=("$!")
  STARTED_NAMES+=("$name")
}

# wait_healthy NAME URL SECONDS: polls URL until it answers 2xx; fails with the log's tail if the process
# died or the time ran out.
wait_healthy() {
  local name="$1" url="$2" seconds="$3" pid="" waited=0 i
  for i in "${!STARTED_NAMES[@]}"; do
    [ "${STARTED_NAMES[$i]}" = "$name" ] && pid="${STARTED_PIDS[$i]}"
  done
  while ! curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "✗ $name exited during start-up. Last lines of $LOG_DIR/$name.log:" >&2
      tail -n 25 "$LOG_DIR/$name.log" >&2
      return 1
    fi
    if [ "$waited" -ge "$seconds" ]; then
      echo "✗ $name did not become healthy at $url within ${seconds}s. Last lines of $LOG_DIR/$name.log:" >&2
      tail -n 25 "$LOG_DIR/$name.log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "✓ $name is up ($url)"
}

# stop_all: stops what start_process started, newest first; each gets 20 s to shut down gracefully.
stop_all() {
  local i pid
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${STARTED_PIDS[$i]}"
    if kill -0 "$pid" 2>/dev/null; then
      echo "Stopping ${STARTED_NAMES[$i]} (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${STARTED_PIDS[$i]}"
    for _ in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  STARTED_NAMES=()
}
