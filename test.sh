#!/usr/bin/env bash
# The whole test suite: vet, then every package's tests. Docker-backed tests
# skip, saying so, when no Docker engine answers; everything else needs only Go.
set -euo pipefail
cd "$(dirname "$0")"
go vet ./...
# internal/earlysignal is a module of its own (it must initialise first).
(cd internal/earlysignal && go vet ./... && go test -count=1 ./...)
# The timeout is per test binary, and the two heaviest Docker tests take
# turns (internal/dockerlock): the second one's wait counts against it.
go test -count=1 -timeout 120m ./...
