package appmode

import (
	"encoding/json"
	"io"
	"os"
	"strings"
)

// ProbeReport is what `kubetour app probe` prints: the isolation facts of
// the container it runs in, seen from inside. The runtime uses it when the
// host does not let it read /proc/<pid>/ns (a non-root user).
type ProbeReport struct {
	Namespaces map[string]string `json:"namespaces"`
	Hostname   string            `json:"hostname"`
	Pid1       string            `json:"pid1"`
	Cgroup     string            `json:"cgroup"` // /proc/self/cgroup
	Kernel     string            `json:"kernel"`
}

// Probe prints a ProbeReport as JSON.
func Probe(w io.Writer) int {
	r := ProbeReport{Namespaces: map[string]string{}}
	for _, kind := range []string{"net", "pid", "mnt", "ipc", "uts", "user", "cgroup"} {
		if l, err := os.Readlink("/proc/self/ns/" + kind); err == nil {
			r.Namespaces[kind] = l
		}
	}
	r.Hostname, _ = os.Hostname()
	if b, err := os.ReadFile("/proc/1/cmdline"); err == nil {
		r.Pid1 = DisplayCommand(strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"))
	}
	if b, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		r.Cgroup = string(b)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		r.Kernel = strings.TrimSpace(string(b))
	}
	if err := json.NewEncoder(w).Encode(r); err != nil {
		return 1
	}
	return 0
}
