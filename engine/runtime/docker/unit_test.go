package docker

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kubetour/engine/apps"
	"kubetour/engine/runtime"
)

func TestPlan(t *testing.T) {
	p := planFor(netip.MustParsePrefix("10.96.0.0/16"))
	if p.PodCIDR(0).String() != "10.96.128.0/24" || p.PodCIDR(2).String() != "10.96.130.0/24" ||
		p.ServiceCIDR.String() != "10.96.0.0/17" || p.ServiceIP(10).String() != "10.96.0.10" ||
		p.ServiceIP(1).String() != "10.96.0.1" || !p.ServiceCIDR.Contains(netip.MustParseAddr("10.96.100.100")) ||
		p.Gateway.String() != "10.96.255.254" || p.DynamicRange.String() != "10.96.255.0/24" {
		t.Errorf("plan %+v", p)
	}
	for ip, want := range map[string]bool{"10.96.129.5": true, "10.96.255.5": false, "10.96.100.100": false, "10.97.129.5": false} {
		if got := p.isPodIP(netip.MustParseAddr(ip)); got != want {
			t.Errorf("isPodIP(%s) = %v", ip, got)
		}
	}
}

func TestAtomicDir(t *testing.T) {
	dir := t.TempDir()
	if err := writeAtomicDir(dir, map[string][]byte{"a": []byte("1"), "sub/b": []byte("2")}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string { b, _ := os.ReadFile(filepath.Join(dir, name)); return string(b) }
	if read("a") != "1" || read("sub/b") != "2" {
		t.Fatalf("a %q sub/b %q", read("a"), read("sub/b"))
	}
	if l, _ := os.Readlink(filepath.Join(dir, "a")); l != "..data/a" {
		t.Errorf("a links to %q", l)
	}
	if err := writeAtomicDir(dir, map[string][]byte{"a": []byte("3")}); err != nil {
		t.Fatal(err)
	}
	if read("a") != "3" {
		t.Errorf("a %q after the update", read("a"))
	}
	if _, err := os.Lstat(filepath.Join(dir, "sub")); !os.IsNotExist(err) {
		t.Errorf("sub is still there: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 3 { // ..data, one ..kubetour_<time>, a
		t.Errorf("entries %q", names)
	}
}

func TestContainerEnv(t *testing.T) {
	b, _ := apps.Resolve("nginx:1.25")
	env := apps.ContainerEnv(b, "web", []runtime.EnvVar{{Name: "NGINX_VERSION", Value: "x"}, {Name: "A", Value: "1"}})
	var got []string
	for _, e := range envStrings(env) {
		name, _, _ := strings.Cut(e, "=")
		got = append(got, name)
	}
	if strings.Join(got, ",") != "PATH,HOSTNAME,NGINX_VERSION,NJS_VERSION,PKG_RELEASE,A,HOME" || envStrings(env)[2] != "NGINX_VERSION=x" {
		t.Errorf("env %q", envStrings(env))
	}
	tty := envStrings(dumbTerm(env))
	if tty[len(tty)-2] != "TERM=dumb" || tty[len(tty)-1] != "KUBETOUR_TERM=xterm" {
		t.Errorf("tty env %q", tty)
	}
}

func TestResources(t *testing.T) {
	res := resources(&runtime.ContainerConfig{MemoryLimit: 64 << 20, CPULimit: 500, CPURequest: 250})
	if res.Memory != 64<<20 || res.MemorySwap != 64<<20 || res.NanoCPUs != 500_000_000 || res.CPUShares != 256 {
		t.Errorf("%+v", res)
	}
	if res := resources(&runtime.ContainerConfig{}); res.CPUShares != 2 || res.Memory != 0 || res.NanoCPUs != 0 {
		t.Errorf("best effort %+v", res)
	}
}

func TestElfDeps(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	deps, _, err := elfDeps(exe)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps {
		if _, err := os.Stat(d.host); err != nil {
			t.Errorf("dependency %s: %v", d.host, err)
		}
	}
	t.Logf("the test binary needs %d files: %v", len(deps), deps)
}

func TestNames(t *testing.T) {
	r := &Runtime{session: "ab12"}
	if got := r.containerName("web", "web-7d4f", "default", "1b2c-3d", 2); got != "k8s_web_web-7d4f_default_1b2c-3d_2_ab12" {
		t.Errorf("name %q", got)
	}
	if validSession("AB") || validSession("") || !validSession("ab12") {
		t.Errorf("validSession")
	}
}

func TestNoEngine(t *testing.T) {
	sock := "unix://" + filepath.Join(t.TempDir(), "nothing.sock")
	_, err := New(ctx, Options{Host: sock, StateDir: t.TempDir()})
	if !errors.Is(err, ErrNoEngine) || !strings.Contains(err.Error(), "no Docker engine reachable") {
		t.Errorf("New: %v", err)
	}
	if _, err := Check(ctx, Options{Host: sock}); !errors.Is(err, ErrNoEngine) {
		t.Errorf("Check: %v", err)
	}
}

func TestCheck(t *testing.T) {
	f, err := Check(ctx, Options{})
	if errors.Is(err, ErrNoEngine) {
		t.Skip("no Docker engine reachable: " + err.Error())
	}
	if err != nil || f.ServerVersion == "" || f.APIVersion == "" || f.CgroupVersion == 0 {
		t.Fatalf("%+v %v", f, err)
	}
	t.Logf("%+v", *f)
}

// Two nodes' pods publishing the same hostPort must not clash on the one
// host that plays every node.
func TestNodeLoopback(t *testing.T) {
	for node, want := range map[string]string{"k8s-master": "127.0.0.1", "k8s-node1": "127.0.0.2",
		"k8s-node2": "127.0.0.3", "worker": "127.0.0.1", "n999": "127.0.0.1"} {
		if got := nodeLoopback(node); got != want {
			t.Errorf("nodeLoopback(%q) = %s, want %s", node, got, want)
		}
	}
}

// Both cgroup layouts are read right whichever one this host has: a v2
// unified hierarchy (one line "0::/path", limits in memory.max and
// cpu.max) and v1 (a directory per controller).
func TestCgroupFactsBothVersions(t *testing.T) {
	write := func(dir string, files map[string]string) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := cgroupRoot
	t.Cleanup(func() { cgroupRoot = old })

	cgroupRoot = t.TempDir()
	write(filepath.Join(cgroupRoot, "system.slice/docker-abc.scope"), map[string]string{
		"memory.max": "67108864\n", "memory.current": "1048576\n", "cpu.max": "50000 100000\n",
		"cpu.stat": "usage_usec 2500\nuser_usec 2000\n", "pids.max": "max\n", "pids.current": "3\n",
		"memory.stat": "anon 4096\ninactive_file 524288\n",
	})
	lines := parseCgroupFile("0::/system.slice/docker-abc.scope\n")
	f := cgroupFactsOf(lines, 2)
	if f.Path != "/system.slice/docker-abc.scope" || f.MemoryLimit != 64<<20 || f.MemoryUsage != 1<<20 ||
		f.CPUQuota != 50000 || f.CPUPeriod != 100000 || f.CPUUsageNanos != 2500000 || f.PidsLimit != 0 || f.PidsCurrent != 3 {
		t.Errorf("v2 facts: %+v", f)
	}
	if ws := dirsOf(lines, 2).workingSet(); ws != 1<<20-524288 {
		t.Errorf("v2 working set %d", ws)
	}

	cgroupRoot = t.TempDir()
	write(filepath.Join(cgroupRoot, "memory/docker/abc"), map[string]string{
		"memory.limit_in_bytes": "9223372036854771712\n", "memory.usage_in_bytes": "2097152\n",
		"memory.stat": "total_inactive_file 1048576\n",
	})
	write(filepath.Join(cgroupRoot, "cpu,cpuacct/docker/abc"), map[string]string{
		"cpu.cfs_quota_us": "-1\n", "cpu.cfs_period_us": "100000\n", "cpuacct.usage": "123456789\n",
	})
	write(filepath.Join(cgroupRoot, "pids/docker/abc"), map[string]string{"pids.max": "100\n", "pids.current": "2\n"})
	lines = parseCgroupFile("12:pids:/docker/abc\n4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n0::/docker/abc\n")
	f = cgroupFactsOf(lines, 1)
	if f.Path != "/docker/abc" || f.MemoryLimit != 0 || f.MemoryUsage != 2<<20 || f.CPUQuota != 0 ||
		f.CPUPeriod != 100000 || f.CPUUsageNanos != 123456789 || f.PidsLimit != 100 || f.PidsCurrent != 2 {
		t.Errorf("v1 facts (no memory limit reads 0, quota -1 reads 0): %+v", f)
	}
	if ws := dirsOf(lines, 1).workingSet(); ws != 1<<20 {
		t.Errorf("v1 working set %d", ws)
	}
}
