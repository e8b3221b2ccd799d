#!/usr/bin/env bash
# Runs every test of the project:
#  - the Java modules (./mvnw verify): unit, storage, end to end over real gRPC on loopback, the metadata and
#    offset stores and Orders against the PostgreSQL at 127.0.0.1:5432 (database "test"), the binder swap
#    tests against the RabbitMQ at 127.0.0.1:5672 and an embedded Kafka, a JMeter smoke run,
#    the load generator's commands against a broker of their own, the compose check;
#  - docker-compose.yml through `docker-compose config`, where Debian's docker-compose is installed;
#  - the aggregator (node:test) and the dashboard (type check, Vitest, and a headless-Chromium end-to-end test);
#  - the whole system started by ./start.sh, driven from the dashboard in headless Chromium (scripts/system-e2e.sh).
# Arguments go to Maven (e.g. -Dtest=... -Dsurefire.failIfNoSpecifiedTests=false).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/find-jdk.sh
./mvnw -B verify "$@"

if command -v docker-compose >/dev/null; then
  docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml: valid (docker-compose config)"
fi

(cd aggregator && npm ci --no-audit --no-fund --loglevel=error && npm test)
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run typecheck && npm test && npm run e2e)

# Last: the whole system as ./start.sh starts it, on ports of its own, driven from the dashboard.
scripts/system-e2e.sh
