package dockerlock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// A second process cannot take the lock while this test holds it. The
// test locks a file of its own: the suite's lock may be held for half an
// hour by the course check running beside it.
func TestHoldExcludesAnotherProcess(t *testing.T) {
	if path := os.Getenv("DOCKERLOCK_CHILD"); path != "" {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			os.Exit(4)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); errors.Is(err, syscall.EWOULDBLOCK) {
			os.Exit(3)
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "lock")
	holdAt(t, path)
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHoldExcludesAnotherProcess$")
	cmd.Env = append(os.Environ(), "DOCKERLOCK_CHILD="+path)
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("another process was not kept out of the held lock: %v", err)
	}
}
