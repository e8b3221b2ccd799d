# Sourced by start.sh: prepares the broker to start fast and sets BROKER_CMD to the command that runs it.
#
# Spring Boot's fat jar is unpacked once (`-Djarmode=tools extract`), because the JVM's class-data caches
# only work on plain jars. On JDK 25+ a training run (`spring.context.exit=onRefresh`) then records an AOT
# cache (JEP 514) of the classes Spring loads and links at start-up; later starts map it instead of loading
# and verifying ~10,000 classes, which takes start-up from ~5.5 s to ~2.3 s on a 2-core machine. The cache is
# rebuilt whenever the jar is newer. On JDK 21-24 the broker starts from the unpacked jar without a cache.
#
# The broker also runs in Spring AOT mode: the jar carries its bean definitions as code generated at build
# time (the process-aot goal), which saves parsing configuration classes and evaluating conditions at every
# start (~2.1 s instead of ~3.2 s to a refreshed context). MINIKAFKA_AOT=false starts it the ordinary way, for
# a property that adds or removes beans (docs/operations.md, "Spring AOT").

prepare_broker() {
  local exec_jar="$1" app_dir="minikafka-broker/target/app"
  local mode=spring-aot
  [ "${MINIKAFKA_AOT:-true}" = false ] && mode=plain
  # One JDK cache per mode: the two load different classes at start-up.
  local app_jar="$app_dir/$(basename "$exec_jar")" cache="$app_dir/broker-$mode.aot"
  if [ ! -f "$app_jar" ] || [ "$exec_jar" -nt "$app_jar" ]; then
    rm -rf "$app_dir"
    "$JAVA_HOME/bin/java" -Djarmode=tools -jar "$exec_jar" extract --destination "$app_dir" >/dev/null
    touch "$app_jar"
  fi
  BROKER_CMD=("$JAVA_HOME/bin/java" -Xmx256m -XX:+UseG1GC)
  [ "$mode" = plain ] || BROKER_CMD+=(-Dspring.aot.enabled=true)
  if [ "$(java_major "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; then
    BROKER_CMD+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
    if [ ! -f "$cache" ] || [ "$app_jar" -nt "$cache" ]; then
      echo "Recording a start-up cache for the broker (once, about 20 s)..."
      local scratch
      scratch=$(mktemp -d)
      # A throw-away data dir and ephemeral ports: the training run must not touch the user's data.
      if ! MINIKAFKA_DATA_DIR="$scratch/data" MINIKAFKA_GRPC_PORT=0 MINIKAFKA_HTTP_PORT=0 \
          "${BROKER_CMD[@]}" -XX:AOTCacheOutput="$cache" -Dspring.context.exit=onRefresh -jar "$app_jar" \
          >"$scratch/training.log" 2>&1; then
        echo "  (could not record it, starting without; see $scratch/training.log)"
        rm -f "$cache"
      else
        rm -rf "$scratch"
      fi
    fi
    # The cache's own notes (a stub it could not reuse) are not for users; real errors still print.
    [ -f "$cache" ] && BROKER_CMD+=(-XX:AOTCache="$cache" -Xlog:aot*=error)
  fi
  BROKER_CMD+=(-jar "$app_jar")
}
