package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

// Isolation reads the kernel's own facts about a pod: each container's
// namespaces (/proc/<pid>/ns/* on the host, or from inside through an exec
// probe when this user may not read them), its cgroup's limits and usage
// (v1 or v2), its PID 1 and hostname, and the host's for comparison.
//
// On Docker the containers of a pod share the sandbox's net and ipc
// namespaces (and pid with shareProcessNamespace); each has its own mnt,
// pid and uts namespace: Docker cannot join another container's UTS
// namespace, so it copies the sandbox's hostname instead (dockershim
// pods were the same).
func (r *Runtime) Isolation(ctx context.Context, sandboxID string) (*runtime.Isolation, error) {
	sb, err := r.sandbox(sandboxID)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	// One column per container of the pod: its newest instance. A
	// restarted container's earlier instances stay (for logs --previous)
	// but are not what the pod runs.
	var ctrs []*ctr
	at := map[string]int{}
	for _, c := range sb.ctrs {
		if i, ok := at[c.name]; ok {
			ctrs[i] = c
			continue
		}
		at[c.name] = len(ctrs)
		ctrs = append(ctrs, c)
	}
	r.mu.Unlock()
	iso := &runtime.Isolation{Source: "docker", Kernel: r.kernel, CgroupVersion: r.cgroupVersion, Host: hostFacts()}
	sandboxPid := 0
	if sb.cfg.ShareProcessNamespace {
		if info, err := r.cli.ContainerInspect(ctx, sandboxID); err == nil && info.State != nil {
			sandboxPid = info.State.Pid
		}
	}
	probed := false
	for _, c := range ctrs {
		pf := runtime.ProcessFacts{Name: c.name, Hostname: sb.cfg.Hostname, Namespaces: map[string]string{}}
		info, err := r.cli.ContainerInspect(ctx, c.id)
		if err != nil || info.State == nil || !info.State.Running || info.State.Pid == 0 {
			// Not running (between restarts): its cgroup is gone, but
			// its limits are the ones it is given.
			pf.Cgroup.MemoryLimit = c.cfg.MemoryLimit
			if c.cfg.CPULimit > 0 {
				pf.Cgroup.CPUPeriod = 100000
				pf.Cgroup.CPUQuota = c.cfg.CPULimit * 100
			}
			iso.Containers = append(iso.Containers, pf)
			continue
		}
		pid := info.State.Pid
		pf.Pid = pid
		pid1 := pid
		if sandboxPid != 0 {
			pid1 = sandboxPid
		}
		pf.Pid1 = cmdline(pid1)
		readable := true
		for _, kind := range runtime.NamespaceKinds {
			l, err := readNamespace(fmt.Sprintf("/proc/%d/ns/%s", pid, kind))
			if err != nil {
				readable = false
				break
			}
			pf.Namespaces[kind] = l
		}
		if readable {
			pf.Cgroup = cgroupFactsOf(procCgroup(pid), r.cgroupVersion)
		} else if rep, err := r.probe(ctx, c); err == nil {
			pf.Namespaces, pf.Hostname, pf.Pid1 = rep.Namespaces, rep.Hostname, rep.Pid1
			pf.Cgroup = cgroupFactsOf(parseCgroupFile(rep.Cgroup), r.cgroupVersion)
			probed = true
		} else {
			iso.Notes = append(iso.Notes, fmt.Sprintf("the namespaces of container %s could not be read: this user may not read /proc/%d/ns, and %v", c.name, pid, err))
		}
		iso.Containers = append(iso.Containers, pf)
	}
	if probed {
		iso.Notes = append(iso.Notes, "this user may not read other processes' /proc/<pid>/ns links; the namespaces were read from inside each container by `kubetour app probe`")
	}
	return iso, nil
}

// readNamespace reads a namespace link of another process; a variable so
// that tests can play a user who may not.
var readNamespace = os.Readlink

// probe asks a container for its facts from inside, with kubetour's
// binary: only kubetour's own image has it.
func (r *Runtime) probe(ctx context.Context, c *ctr) (*appmode.ProbeReport, error) {
	if !c.img.emulated {
		return nil, fmt.Errorf("image %s has no kubetour probe", c.cfg.Image)
	}
	var out bytes.Buffer
	code, err := r.exec(ctx, c, runtime.ExecOptions{Cmd: appmode.ProbeArgv(), Stdout: &out}, false)
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("probe exited with %d", code)
	}
	var rep appmode.ProbeReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

// hostFacts are the host's init process's, or this process's when init's
// namespaces are not readable (they are the same unless kubetour itself
// runs in a container).
func hostFacts() runtime.ProcessFacts {
	h, _ := os.Hostname()
	pf := runtime.ProcessFacts{Name: "host", Pid: 1, Hostname: h, Namespaces: map[string]string{}, Cgroup: runtime.CgroupFacts{Path: "/"}}
	pid := 1
	if _, err := os.Readlink("/proc/1/ns/net"); err != nil {
		pid = os.Getpid()
		pf.Pid = pid
	}
	for _, kind := range runtime.NamespaceKinds {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, kind)); err == nil {
			pf.Namespaces[kind] = l
		}
	}
	pf.Pid1 = cmdline(1)
	return pf
}

// cmdline is a process's command as the container shows it. A container
// that has just started may still be runc's init on its way to exec the
// command: give it a moment.
func cmdline(pid int) string {
	for i := 0; ; i++ {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			return ""
		}
		s := strings.TrimRight(string(b), "\x00")
		if (s == "" || strings.HasPrefix(s, "runc")) && i < 50 {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		return appmode.DisplayCommand(strings.Split(s, "\x00"))
	}
}

// cgroupLine is one line of /proc/<pid>/cgroup.
type cgroupLine struct {
	controllers []string // empty for the v2 unified line
	path        string
}

func procCgroup(pid int) []cgroupLine {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return nil
	}
	return parseCgroupFile(string(b))
}

func parseCgroupFile(s string) []cgroupLine {
	var out []cgroupLine
	for _, line := range strings.Split(s, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var ctrls []string
		if parts[1] != "" {
			ctrls = strings.Split(parts[1], ",")
		}
		out = append(out, cgroupLine{controllers: ctrls, path: parts[2]})
	}
	return out
}

// cgroupDirs are where a container's cgroup files are on the host.
type cgroupDirs struct {
	version                   int
	path                      string // memory controller's path (v1) or the unified one (v2)
	memory, cpu, cpuacct, pid string // directories
}

// cgroupRoot is where cgroup filesystems are mounted (a variable so the
// parsing of both versions is tested on any host).
var cgroupRoot = "/sys/fs/cgroup"

func dirsOf(lines []cgroupLine, version int) *cgroupDirs {
	d := &cgroupDirs{version: version}
	if version == 2 {
		for _, l := range lines {
			if len(l.controllers) == 0 {
				d.path = l.path
				dir := filepath.Join(cgroupRoot, l.path)
				d.memory, d.cpu, d.cpuacct, d.pid = dir, dir, dir, dir
			}
		}
		return d
	}
	find := func(ctrl string) string {
		for _, l := range lines {
			for _, c := range l.controllers {
				if c != ctrl {
					continue
				}
				for _, mnt := range []string{ctrl, strings.Join(l.controllers, ",")} {
					dir := filepath.Join(cgroupRoot, mnt, l.path)
					if _, err := os.Stat(dir); err == nil {
						if ctrl == "memory" {
							d.path = l.path
						}
						return dir
					}
				}
			}
		}
		return ""
	}
	d.memory, d.cpu, d.cpuacct, d.pid = find("memory"), find("cpu"), find("cpuacct"), find("pids")
	return d
}

func cgroupFactsOf(lines []cgroupLine, version int) runtime.CgroupFacts {
	return dirsOf(lines, version).facts()
}

// readInt reads a cgroup file's number; "max", -1 and v1's huge
// "unlimited" read as 0.
func readInt(dir, file string) int64 {
	if dir == "" {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.Fields(string(b) + " x")[0], 10, 64)
	if err != nil || n < 0 || n >= 1<<62 {
		return 0
	}
	return n
}

// statValue reads key from a flat-keyed cgroup file (memory.stat, cpu.stat).
func statValue(dir, file, key string) int64 {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+" "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

func (d *cgroupDirs) facts() runtime.CgroupFacts {
	f := runtime.CgroupFacts{Path: d.path}
	if d.version == 2 {
		f.MemoryLimit = readInt(d.memory, "memory.max")
		f.MemoryUsage = readInt(d.memory, "memory.current")
		if b, err := os.ReadFile(filepath.Join(d.cpu, "cpu.max")); err == nil {
			if fs := strings.Fields(string(b)); len(fs) == 2 {
				if fs[0] != "max" {
					f.CPUQuota, _ = strconv.ParseInt(fs[0], 10, 64)
				}
				f.CPUPeriod, _ = strconv.ParseInt(fs[1], 10, 64)
			}
		}
		f.CPUUsageNanos = statValue(d.cpu, "cpu.stat", "usage_usec") * 1000
		f.PidsLimit = readInt(d.pid, "pids.max")
		f.PidsCurrent = readInt(d.pid, "pids.current")
		return f
	}
	f.MemoryLimit = readInt(d.memory, "memory.limit_in_bytes")
	f.MemoryUsage = readInt(d.memory, "memory.usage_in_bytes")
	f.CPUQuota = readInt(d.cpu, "cpu.cfs_quota_us")
	f.CPUPeriod = readInt(d.cpu, "cpu.cfs_period_us")
	f.CPUUsageNanos = readInt(d.cpuacct, "cpuacct.usage")
	f.PidsLimit = readInt(d.pid, "pids.max")
	f.PidsCurrent = readInt(d.pid, "pids.current")
	return f
}

// workingSet is the memory the kubelet's summary reports: usage minus
// the inactive file cache.
func (d *cgroupDirs) workingSet() int64 {
	if d.version == 2 {
		return max(readInt(d.memory, "memory.current")-statValue(d.memory, "memory.stat", "inactive_file"), 0)
	}
	return max(readInt(d.memory, "memory.usage_in_bytes")-statValue(d.memory, "memory.stat", "total_inactive_file"), 0)
}

// ContainerUsage reports what metrics-server reads for a running
// container: CPU time since it started and its memory working set, from
// its cgroup files (one inspect the first time, then file reads only).
func (r *Runtime) ContainerUsage(id string) (cpuNanos, memoryBytes int64, ok bool) {
	c, err := r.container(id)
	if err != nil {
		return 0, 0, false
	}
	c.mu.Lock()
	done := c.exitReported || c.startErr != nil
	dirs := c.cgroup
	pid := c.pid
	c.mu.Unlock()
	if done {
		return 0, 0, false
	}
	if dirs == nil {
		if pid == 0 {
			info, err := r.cli.ContainerInspect(r.ctx, id)
			if err != nil || info.State == nil || !info.State.Running {
				return 0, 0, false
			}
			pid = info.State.Pid
		}
		lines := procCgroup(pid)
		if lines == nil {
			return 0, 0, false
		}
		dirs = dirsOf(lines, r.cgroupVersion)
		c.mu.Lock()
		c.pid, c.cgroup = pid, dirs
		c.mu.Unlock()
	}
	if _, err := os.Stat(dirs.memory); err != nil {
		return 0, 0, false // the cgroup is gone with the container
	}
	f := dirs.facts()
	return f.CPUUsageNanos, dirs.workingSet(), true
}
