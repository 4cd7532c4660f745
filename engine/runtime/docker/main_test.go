package docker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests run kubetour's image built from a kubetour binary made once
// for the whole run: $KUBETOUR_TEST_BINARY if set, else `go build
// ./cmd/kubetour` into a temporary folder, else (cmd/kubetour does not
// build right now) the small stand-in in testdata/appbin.
var (
	testBinary   string
	testStateDir string
	buildErr     error
	buildOnce    sync.Once
	testTmp      string
)

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "kubetour-docker-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testTmp = tmp
	testStateDir = filepath.Join(tmp, "state")
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}

func buildTestBinary(dir string) (string, error) {
	if b := os.Getenv("KUBETOUR_TEST_BINARY"); b != "" {
		return b, nil
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module: %w", err)
	}
	out := filepath.Join(dir, "kubetour")
	build := func(pkg string) error {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = strings.TrimSpace(string(root))
		msg, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, msg)
		}
		return nil
	}
	if err := build("./cmd/kubetour"); err != nil {
		fmt.Fprintf(os.Stderr, "docker tests: cmd/kubetour does not build, using testdata/appbin: %v\n", err)
		if err := build("./engine/runtime/docker/testdata/appbin"); err != nil {
			return "", err
		}
	}
	return out, nil
}

// testSearchFrom is where test sessions look for a free /16.
const testSearchFrom = 110

// newRuntime starts a Docker runtime for a test, or skips the test when no
// engine answers.
func newRuntime(tb testing.TB, opts Options) *Runtime {
	tb.Helper()
	rt, err := startRuntime(opts)
	if errors.Is(err, ErrNoEngine) {
		tb.Skip("no Docker engine reachable: " + err.Error())
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := rt.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return rt
}

// testBinaryPath builds the test binary the first time a test needs it.
func testBinaryPath() (string, error) {
	buildOnce.Do(func() { testBinary, buildErr = buildTestBinary(testTmp) })
	return testBinary, buildErr
}

func startRuntime(opts Options) (*Runtime, error) {
	if _, err := testBinaryPath(); err != nil {
		return nil, buildErr
	}
	if opts.Binary == "" {
		opts.Binary = testBinary
	}
	if opts.StateDir == "" {
		opts.StateDir = testStateDir
	}
	if opts.SearchFrom == 0 && opts.Subnet == "" {
		// 10.96–10.109 stay free for the course check running beside.
		opts.SearchFrom = testSearchFrom
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return New(ctx, opts)
}
