// Package dockerlock keeps the test suite's heaviest Docker tests (the
// course checked on real containers, the transcripts replayed on them) from
// running at the same time in different test binaries: side by side on two
// cores they slowed real containers enough to miss timings that each meets
// alone.
package dockerlock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"kubetour/engine/runtime/docker"
)

// Hold blocks until no other test binary holds the lock, takes it, and
// releases it when tb's test ends.
func Hold(tb testing.TB) {
	tb.Helper()
	holdAt(tb, filepath.Join(os.TempDir(), "kubetour-heavy-docker-tests.lock"))
}

func holdAt(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		tb.Fatalf("docker test lock: %v", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		tb.Fatalf("docker test lock: %v", err)
	}
	tb.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}

// HoldWithEngine skips tb when no Docker engine answers, saying so, and
// otherwise takes the lock. binary is the kubetour build the runtime's
// images are made of.
func HoldWithEngine(tb testing.TB, binary string) {
	tb.Helper()
	probe, err := docker.New(context.Background(), docker.Options{Binary: binary, StateDir: tb.TempDir()})
	if errors.Is(err, docker.ErrNoEngine) {
		tb.Skip(err.Error()) // ErrNoEngine says "no Docker engine reachable: …"
	}
	if err != nil {
		tb.Fatal(err)
	}
	probe.Close()
	Hold(tb)
}
