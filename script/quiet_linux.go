//go:build linux

package script

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procSample is a process's CPU time and whether every thread sleeps.
type procSample struct {
	cpu      uint64
	sleeping bool
	ok       bool
}

// sampleProcess reads /proc: a process blocked on the network has all its
// threads sleeping and burns no CPU between two samples.
func sampleProcess(pid int) procSample {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "task")
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return procSample{}
	}
	s := procSample{sleeping: true, ok: true}
	for _, t := range tasks {
		data, err := os.ReadFile(filepath.Join(dir, t.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name may hold spaces; fields start after ")".
		i := strings.LastIndexByte(string(data), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 13 {
			continue
		}
		if f[0] != "S" {
			s.sleeping = false
		}
		ut, _ := strconv.ParseUint(f[11], 10, 64)
		st, _ := strconv.ParseUint(f[12], 10, 64)
		s.cpu += ut + st
	}
	return s
}
