package sim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kubetour/engine/apps/memfs"
	"kubetour/engine/runtime"
)

// hostNamespaces are the init namespaces' inode numbers on a Linux host:
// fixed by the kernel for ipc, uts, user, pid, cgroup; the first two
// allocated for net and mnt.
var hostNamespaces = map[string]uint64{
	"cgroup": 4026531835, "pid": 4026531836, "user": 4026531837,
	"uts": 4026531838, "ipc": 4026531839, "net": 4026531840, "mnt": 4026531841,
}

// firstNamespaceInode is where new namespaces' numbers start, as on a
// host that has been up a little while.
const firstNamespaceInode = 4026532160

// nextNS allocates a namespace id; callers hold r.mu.
func (r *Runtime) nextNS() uint64 {
	r.nsSeq++
	return r.nsSeq
}

func nsLinks(ids map[string]uint64) map[string]string {
	out := make(map[string]string, len(ids))
	for k, v := range ids {
		out[k] = fmt.Sprintf("%s:[%d]", k, v)
	}
	return out
}

// memUsage is what a container's cgroup charges; callers hold r.mu.
func (r *Runtime) memUsage(c *container) int64 {
	if c.state != runtime.StateRunning {
		return 0
	}
	total := c.img.MemoryBase
	for _, p := range c.procs {
		total += p.mem
	}
	return total
}

// chargeCPU brings a container's CPU time up to now: demand, throttled by
// the cgroup quota. Callers hold r.mu.
func (r *Runtime) chargeCPU(c *container) {
	now := r.now()
	if c.cpuSince.IsZero() || c.state != runtime.StateRunning {
		c.cpuSince = now
		return
	}
	var demand int64
	for _, p := range c.procs {
		demand += p.cpuMilli
	}
	if c.cfg.CPULimit > 0 && demand > c.cfg.CPULimit {
		demand = c.cfg.CPULimit
	}
	c.cpuNanos += demand * int64(now.Sub(c.cpuSince)) / 1000
	c.cpuSince = now
}

// qosClass is the cgroup parent the kubelet would use.
func qosClass(cfg runtime.ContainerConfig) string {
	if cfg.MemoryLimit == 0 && cfg.CPULimit == 0 && cfg.CPURequest == 0 {
		return "besteffort"
	}
	return "burstable"
}

// cgroupFacts are a container's cgroup limits and use; callers hold r.mu.
func (r *Runtime) cgroupFacts(c *container) runtime.CgroupFacts {
	r.chargeCPU(c)
	f := runtime.CgroupFacts{
		Path:          fmt.Sprintf("/kubepods/%s/pod%s/%s", qosClass(c.cfg), c.sb.cfg.PodUID, c.id),
		MemoryLimit:   c.cfg.MemoryLimit,
		MemoryUsage:   r.memUsage(c),
		CPUPeriod:     100000,
		CPUUsageNanos: c.cpuNanos,
		PidsCurrent:   int64(len(c.procs)),
	}
	if c.cfg.CPULimit > 0 {
		f.CPUQuota = c.cfg.CPULimit * 100 // µs per 100ms period
	}
	return f
}

// Isolation reports the namespaces and cgroups of a sandbox's containers.
// The ids are invented but consistent: containers of a pod share net, ipc
// and uts; each has its own pid (unless the pod shares it), mnt and
// cgroup; all share the host's user namespace and kernel.
func (r *Runtime) Isolation(ctx context.Context, sandboxID string) (*runtime.Isolation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sb, err := r.sandbox(sandboxID)
	if err != nil {
		return nil, err
	}
	node := sb.cfg.Node
	if node == "" {
		node = "node"
	}
	iso := &runtime.Isolation{
		Source: "simulated", Kernel: r.kernel, CgroupVersion: 2,
		Host: runtime.ProcessFacts{
			Name: "host", Pid: 1, Pid1: "/sbin/init", Hostname: node,
			Namespaces: nsLinks(hostNamespaces), Cgroup: runtime.CgroupFacts{Path: "/"},
		},
		Notes: []string{"simulated runtime: namespace numbers are consistent but not read from a kernel; the kernel release is the host's"},
	}
	for _, c := range sb.ctrs {
		ids := map[string]uint64{
			"net": sb.ns["net"], "ipc": sb.ns["ipc"], "uts": sb.ns["uts"],
			"pid": c.ns["pid"], "mnt": c.ns["mnt"], "cgroup": c.ns["cgroup"],
			"user": hostNamespaces["user"],
		}
		pid1 := strings.Join(c.argv, " ")
		if sb.cfg.ShareProcessNamespace {
			ids["pid"] = sb.ns["pid"]
			pid1 = "/pause"
		}
		pf := runtime.ProcessFacts{
			Name: c.cfg.Name, Pid1: pid1, Hostname: sb.cfg.Hostname,
			Namespaces: nsLinks(ids), Cgroup: r.cgroupFacts(c),
		}
		if c.state == runtime.StateRunning {
			pf.Pid = c.hostPid
		}
		iso.Containers = append(iso.Containers, pf)
	}
	return iso, nil
}

// procTree is a container's /proc: what `cat /proc/1/cmdline` and `cat
// /proc/sys/kernel/osrelease` show (the host's kernel).
func (r *Runtime) procTree(c *container) *memfs.Tree {
	return memfs.NewLazyTree(r.now, func(t *memfs.Tree) { r.fillProc(t, c) })
}

func (r *Runtime) fillProc(t *memfs.Tree, c *container) {
	t.SetDynamic("/1/cmdline", 0o444, func() []byte {
		argv := c.argv
		if c.sb.cfg.ShareProcessNamespace {
			argv = []string{"/pause"}
		}
		return []byte(strings.Join(argv, "\x00") + "\x00")
	})
	t.SetDynamic("/sys/kernel/osrelease", 0o444, func() []byte { return []byte(r.kernel + "\n") })
	t.SetDynamic("/sys/kernel/hostname", 0o444, func() []byte { return []byte(c.sb.cfg.Hostname + "\n") })
	t.SetDynamic("/version", 0o444, func() []byte {
		return []byte("Linux version " + r.kernel + " (kubetour-sim) #1 SMP PREEMPT_DYNAMIC\n")
	})
	t.SetDynamic("/self/cgroup", 0o444, func() []byte { return []byte("0::/\n") })
	t.SetDynamic("/uptime", 0o444, func() []byte {
		up := r.now().Sub(c.sb.created)
		return []byte(fmt.Sprintf("%.2f %.2f\n", up.Seconds(), up.Seconds()))
	})
}

// cgroupTree is a container's /sys/fs/cgroup (v2): its limits and use, as
// the memory lesson reads them from inside.
func (r *Runtime) cgroupTree(c *container) *memfs.Tree {
	return memfs.NewLazyTree(r.now, func(t *memfs.Tree) { r.fillCgroup(t, c) })
}

func (r *Runtime) fillCgroup(t *memfs.Tree, c *container) {
	facts := func() runtime.CgroupFacts {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.cgroupFacts(c)
	}
	num := func(n int64) []byte { return []byte(strconv.FormatInt(n, 10) + "\n") }
	t.SetDynamic("/memory.max", 0o644, func() []byte {
		if c.cfg.MemoryLimit == 0 {
			return []byte("max\n")
		}
		return num(c.cfg.MemoryLimit)
	})
	t.SetDynamic("/memory.current", 0o444, func() []byte { return num(facts().MemoryUsage) })
	t.SetDynamic("/cpu.max", 0o644, func() []byte {
		if c.cfg.CPULimit == 0 {
			return []byte("max 100000\n")
		}
		return []byte(fmt.Sprintf("%d 100000\n", c.cfg.CPULimit*100))
	})
	t.SetDynamic("/cpu.weight", 0o644, func() []byte {
		shares := int64(2)
		if c.cfg.CPURequest > 0 {
			shares = c.cfg.CPURequest * 1024 / 1000
		}
		return num(1 + (shares-2)*9999/262142)
	})
	t.SetDynamic("/cpu.stat", 0o444, func() []byte {
		us := facts().CPUUsageNanos / int64(time.Microsecond)
		return []byte(fmt.Sprintf("usage_usec %d\nuser_usec %d\nsystem_usec 0\n", us, us))
	})
	t.SetDynamic("/pids.current", 0o444, func() []byte { return num(facts().PidsCurrent) })
	t.SetDynamic("/pids.max", 0o644, func() []byte { return []byte("max\n") })
}
