#!/usr/bin/env bash
# Runs every test of the project: unit, storage, and end-to-end over real gRPC on loopback, with the
# offset and metadata store tests against the PostgreSQL at 127.0.0.1:5432 (database "test").
set -euo pipefail
cd "$(dirname "$0")"
. scripts/find-jdk.sh
./mvnw -B verify "$@"
