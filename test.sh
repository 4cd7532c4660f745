#!/usr/bin/env bash
# The whole test suite: vet, then every package's tests. Docker-backed tests
# skip, saying so, when no Docker engine answers; everything else needs only Go.
set -euo pipefail
cd "$(dirname "$0")"
go vet ./...
# internal/earlysignal is a module of its own (it must initialise first).
(cd internal/earlysignal && go vet ./... && go test -count=1 ./...)
go test -count=1 -timeout 60m ./...
