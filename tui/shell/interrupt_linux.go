//go:build linux

package shell

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// Interrupt sends sig to every process of this user whose environment
// holds marker (KUBETOUR_JOB=<id>, set on each command the console
// starts) and returns how many it signalled. script.Runner starts kubectl
// without a way to cancel it; the marker finds exactly the console's
// command, not a describe the objects view runs at the same time.
func Interrupt(marker string, sig syscall.Signal) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	want := []byte(marker)
	self := os.Getpid()
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if bytes.Equal(kv, want) {
				if syscall.Kill(pid, sig) == nil {
					n++
				}
				break
			}
		}
	}
	return n
}
