package docker

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	dvolume "github.com/docker/docker/api/types/volume"

	"kubetour/engine/runtime"
)

var ctx = context.Background()

// events records what a runtime reports.
type recorder struct {
	mu  sync.Mutex
	evs []runtime.Event
}

func watch(rt *Runtime) *recorder {
	e := &recorder{}
	rt.Watch(func(ev runtime.Event) {
		e.mu.Lock()
		e.evs = append(e.evs, ev)
		e.mu.Unlock()
	})
	return e
}

// await reports whether the event arrives within d: the engine's event
// stream may deliver "die" a moment after the container's state says
// exited, so a test must wait for it rather than look once.
func (e *recorder) await(typ runtime.EventType, id string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if e.has(typ, id) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (e *recorder) has(typ runtime.EventType, id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.evs {
		if ev.Type == typ && (id == "" || ev.ContainerID == id) {
			return true
		}
	}
	return false
}

var podSeq int

func pod(t *testing.T, rt *Runtime, name string, share bool) *runtime.Sandbox {
	t.Helper()
	podSeq++
	sb, err := rt.RunSandbox(ctx, &runtime.SandboxConfig{
		PodUID: fmt.Sprintf("uid-%d", podSeq), Name: name, Namespace: "default", Node: "node-1", Hostname: name,
		IP: podIP(rt, podSeq), ShareProcessNamespace: share,
		DNSSearch: []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local"},
	})
	if err != nil {
		t.Fatalf("RunSandbox: %v", err)
	}
	return sb
}

// podIP is the n-th address of node 1's pod range.
func podIP(rt *Runtime, n int) string {
	a := rt.Plan().PodCIDR(1).Addr().Next()
	for ; n > 0; n-- {
		a = a.Next()
	}
	return a.String()
}

func run(t *testing.T, rt *Runtime, sb *runtime.Sandbox, cfg runtime.ContainerConfig) string {
	t.Helper()
	if _, err := rt.PullImage(ctx, cfg.Image); err != nil {
		t.Fatalf("PullImage: %v", err)
	}
	id, err := rt.CreateContainer(ctx, sb.ID, &cfg)
	if err != nil {
		t.Fatalf("CreateContainer: %v", err)
	}
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}
	return id
}

func execOut(rt *Runtime, id string, cmd ...string) (string, int, error) {
	var out bytes.Buffer
	code, err := rt.Exec(ctx, id, runtime.ExecOptions{Cmd: cmd, Stdout: &out, Stderr: &out})
	return out.String(), code, err
}

func waitExited(t *testing.T, rt *Runtime, id string, max time.Duration) *runtime.ContainerStatus {
	t.Helper()
	deadline := time.Now().Add(max)
	for {
		st, err := rt.ContainerStatus(ctx, id)
		if err != nil {
			t.Fatalf("ContainerStatus: %v", err)
		}
		if st.State == runtime.StateExited {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("container still %s after %v", st.State, max)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestIsolation checks the namespaces Docker gives a pod's containers.
func TestIsolation(t *testing.T) {
	rt := newRuntime(t, Options{})
	t.Run("own pid namespaces", func(t *testing.T) {
		sb := pod(t, rt, "pod-iso", false)
		run(t, rt, sb, runtime.ContainerConfig{Name: "c1", Image: "kubetm/init", Command: []string{"sh", "-c", "sleep 3600"}})
		run(t, rt, sb, runtime.ContainerConfig{Name: "c2", Image: "kubetm/init", Command: []string{"sh", "-c", "sleep 3600"}})
		iso, err := rt.Isolation(ctx, sb.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(iso.Containers) != 2 || iso.Source != "docker" || iso.Kernel == "" || iso.CgroupVersion == 0 {
			t.Fatalf("isolation %+v", iso)
		}
		a, b, host := iso.Containers[0].Namespaces, iso.Containers[1].Namespaces, iso.Host.Namespaces
		for _, kind := range []string{"net", "ipc"} {
			if a[kind] == "" || a[kind] != b[kind] {
				t.Errorf("%s not shared: %q %q", kind, a[kind], b[kind])
			}
		}
		for _, kind := range []string{"pid", "mnt", "uts"} {
			if a[kind] == "" || a[kind] == b[kind] {
				t.Errorf("%s shared: %q %q", kind, a[kind], b[kind])
			}
		}
		if a["user"] != host["user"] || a["net"] == host["net"] || a["pid"] == host["pid"] {
			t.Errorf("container vs host: user %q/%q net %q/%q", a["user"], host["user"], a["net"], host["net"])
		}
		c := iso.Containers[0]
		if c.Pid1 != "sh -c sleep 3600" || c.Hostname != "pod-iso" || c.Pid == 0 {
			t.Errorf("container facts %+v", c)
		}
	})
	t.Run("shareProcessNamespace", func(t *testing.T) {
		sb := pod(t, rt, "pod-share", true)
		c1 := run(t, rt, sb, runtime.ContainerConfig{Name: "c1", Image: "kubetm/init", Command: []string{"sleep", "3600"}})
		run(t, rt, sb, runtime.ContainerConfig{Name: "c2", Image: "kubetm/init", Command: []string{"sleep", "3600"}})
		iso, err := rt.Isolation(ctx, sb.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, b := iso.Containers[0].Namespaces, iso.Containers[1].Namespaces
		if a["pid"] == "" || a["pid"] != b["pid"] || a["mnt"] == b["mnt"] {
			t.Errorf("pid %q %q mnt %q %q", a["pid"], b["pid"], a["mnt"], b["mnt"])
		}
		if iso.Containers[0].Pid1 != "/pause" {
			t.Errorf("PID 1 is %q, want the sandbox's /pause", iso.Containers[0].Pid1)
		}
		out, code, err := execOut(rt, c1, "ps", "aux")
		if err != nil || code != 0 || !strings.Contains(out, "/pause") || strings.Count(out, "sleep 3600") != 2 {
			t.Errorf("ps aux in a shared PID namespace: %q %d %v", out, code, err)
		}
	})
	t.Run("hostname inside", func(t *testing.T) {
		sb := pod(t, rt, "pod-host", false)
		c1 := run(t, rt, sb, runtime.ContainerConfig{Name: "c1", Image: "busybox", Command: []string{"sleep", "3600"}})
		out, code, err := execOut(rt, c1, "sh", "-c", "hostname; cat /etc/hostname; uname -r")
		want := fmt.Sprintf("pod-host\npod-host\n%s\n", hostKernel())
		if err != nil || code != 0 || out != want {
			t.Errorf("got %q %d %v, want %q", out, code, err, want)
		}
	})
}

// TestMemoryLimit checks that a memory limit is the cgroup's and that a
// memhog crossing it is OOM-killed.
func TestMemoryLimit(t *testing.T) {
	rt := newRuntime(t, Options{})
	evs := watch(rt)
	sb := pod(t, rt, "pod-mem", false)
	idle := run(t, rt, sb, runtime.ContainerConfig{Name: "idle", Image: "kubetm/init", Command: []string{"sleep", "3600"},
		MemoryLimit: 64 << 20, CPULimit: 500, CPURequest: 250})
	iso, err := rt.Isolation(ctx, sb.ID)
	if err != nil {
		t.Fatal(err)
	}
	cg := iso.Containers[0].Cgroup
	if cg.MemoryLimit != 64<<20 || cg.CPUQuota != 50000 || cg.CPUPeriod != 100000 || cg.MemoryUsage == 0 || cg.Path == "" {
		t.Errorf("cgroup facts %+v", cg)
	}
	file := "/sys/fs/cgroup/memory/memory.limit_in_bytes"
	if rt.CgroupVersion() == 2 {
		file = "/sys/fs/cgroup/memory.max"
	}
	if out, _, _ := execOut(rt, idle, "cat", file); out != "67108864\n" {
		t.Errorf("inside, %s reads %q", file, out)
	}
	if cpu, mem, ok := rt.ContainerUsage(idle); !ok || mem <= 0 || cpu < 0 {
		t.Errorf("ContainerUsage: %d %d %v", cpu, mem, ok)
	}
	hog := run(t, rt, sb, runtime.ContainerConfig{Name: "hog", Image: "kubetour/memhog", Args: []string{"256Mi"}, MemoryLimit: 64 << 20})
	st := waitExited(t, rt, hog, 30*time.Second)
	if st.ExitCode != 137 || st.Reason != "OOMKilled" {
		t.Errorf("memhog: %+v, want 137 OOMKilled", st)
	}
	if !evs.await(runtime.EventOOM, hog, 10*time.Second) || !evs.await(runtime.EventExited, hog, 10*time.Second) {
		t.Errorf("events %+v", evs.evs)
	}
	// Restarted, hog is still one column of the pod: its newest
	// instance, with its limit though it is not running.
	hog2 := run(t, rt, sb, runtime.ContainerConfig{Name: "hog", Image: "kubetour/memhog", Args: []string{"256Mi"}, MemoryLimit: 64 << 20, Attempt: 1})
	waitExited(t, rt, hog2, 30*time.Second)
	iso, err = rt.Isolation(ctx, sb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iso.Containers) != 2 || iso.Containers[1].Name != "hog" || iso.Containers[1].Cgroup.MemoryLimit != 64<<20 {
		t.Errorf("after a restart the pod's containers are %+v", iso.Containers)
	}
}

// TestConfigMapUpdate checks that files written again reach a running
// container, atomically, and that a subPath mount keeps the old file.
func TestConfigMapUpdate(t *testing.T) {
	rt := newRuntime(t, Options{})
	if err := rt.EnsureVolume(ctx, &runtime.Volume{ID: "uid/cm", Kind: runtime.VolumeFiles}); err != nil {
		t.Fatal(err)
	}
	if err := rt.WriteVolumeFiles(ctx, "uid/cm", map[string][]byte{"a.txt": []byte("one\n"), "b.txt": []byte("bee\n")}); err != nil {
		t.Fatal(err)
	}
	sb := pod(t, rt, "pod-cm", false)
	c := run(t, rt, sb, runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"sleep", "3600"}, Mounts: []runtime.Mount{
		{VolumeID: "uid/cm", ContainerPath: "/cm"}, {VolumeID: "uid/cm", ContainerPath: "/single/a.txt", SubPath: "a.txt"}}})
	if out, _, _ := execOut(rt, c, "cat", "/cm/a.txt", "/single/a.txt"); out != "one\none\n" {
		t.Fatalf("before: %q", out)
	}
	if err := rt.WriteVolumeFiles(ctx, "uid/cm", map[string][]byte{"a.txt": []byte("two\n")}); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := execOut(rt, c, "cat", "/cm/a.txt", "/single/a.txt"); out != "two\none\n" {
		t.Errorf("after: %q, want the volume updated and the subPath file not", out)
	}
	if out, code, _ := execOut(rt, c, "cat", "/cm/b.txt"); code == 0 {
		t.Errorf("a key gone from the ConfigMap is still there: %q", out)
	}
	if out, code, _ := execOut(rt, c, "sh", "-c", "echo x > /cm/new"); code == 0 || !strings.Contains(out, "Read-only file system") {
		t.Errorf("writing a ConfigMap volume: %q %d", out, code)
	}
}

// TestEmulatedImages checks what the catalogue's images do on Docker.
func TestEmulatedImages(t *testing.T) {
	rt := newRuntime(t, Options{})
	info, err := rt.PullImage(ctx, "nginx:1.25")
	if err != nil || !info.Emulated || info.ID == "" {
		t.Fatalf("PullImage nginx: %+v %v", info, err)
	}
	if _, err := rt.PullImage(ctx, "example.invalid/nope:1"); err == nil {
		t.Errorf("an unknown image was pulled")
	}
	sb := pod(t, rt, "web", false)
	web := run(t, rt, sb, runtime.ContainerConfig{Name: "nginx", Image: "nginx:1.25"})
	waitServing(t, rt, net.JoinHostPort(sb.IP, "80"))
	code, body, err := httpGet(rt, net.JoinHostPort(sb.IP, "80"), "/")
	if err != nil || code != 200 || !strings.Contains(body, "Welcome to nginx!") {
		t.Errorf("GET nginx: %d %q %v", code, body, err)
	}
	// Docker writes the log file a moment after the process writes.
	var logs bytes.Buffer
	logged := func() bool {
		logs.Reset()
		rt.Logs(ctx, web, runtime.LogOptions{TailLines: 1}, &logs)
		return strings.Contains(logs.String(), `"GET / HTTP/1.1" 200`)
	}
	if !eventually(10*time.Second, logged) {
		t.Errorf("access log %q", logs.String())
	}
	out, code2, err := execOut(rt, web, "sh", "-c", "cat /etc/os-release | head -1; ls /usr/share/nginx/html; echo $NGINX_VERSION")
	if err != nil || code2 != 0 || out != "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n50x.html\nindex.html\n1.25.5\n" {
		t.Errorf("exec in nginx: %q %d %v", out, code2, err)
	}
	t.Run("bad command is a StartError", func(t *testing.T) {
		id, err := rt.CreateContainer(ctx, sb.ID, &runtime.ContainerConfig{Name: "bad", Image: "busybox", Command: []string{"nosuch"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.StartContainer(ctx, id); err == nil || !strings.Contains(err.Error(), `exec: "nosuch": executable file not found in $PATH`) {
			t.Errorf("start: %v", err)
		}
		if st, _ := rt.ContainerStatus(ctx, id); st == nil || st.ExitCode != 128 || st.Reason != "StartError" {
			t.Errorf("status %+v", st)
		}
	})
	t.Run("exec with a terminal", func(t *testing.T) {
		resize := make(chan runtime.TermSize, 1)
		resize <- runtime.TermSize{Width: 100, Height: 30}
		var out bytes.Buffer
		code, err := rt.Exec(ctx, web, runtime.ExecOptions{Cmd: []string{"sh"}, TTY: true, Resize: resize,
			Stdin: strings.NewReader("echo hi-$((1+2))\nexit 7\n"), Stdout: &out})
		if err != nil || code != 7 || !strings.Contains(out.String(), "hi-3\r\n") {
			t.Errorf("tty exec: %q %d %v", out.String(), code, err)
		}
	})
	t.Run("an emptyDir over the web root hides index.html", func(t *testing.T) {
		if err := rt.EnsureVolume(ctx, &runtime.Volume{ID: "uid/html", Kind: runtime.VolumePod}); err != nil {
			t.Fatal(err)
		}
		sb := pod(t, rt, "web2", false)
		web := run(t, rt, sb, runtime.ContainerConfig{Name: "nginx", Image: "nginx", Mounts: []runtime.Mount{{VolumeID: "uid/html", ContainerPath: "/usr/share/nginx/html"}}})
		side := run(t, rt, sb, runtime.ContainerConfig{Name: "side", Image: "busybox", Command: []string{"sleep", "3600"}, Mounts: []runtime.Mount{{VolumeID: "uid/html", ContainerPath: "/html"}}})
		waitServing(t, rt, net.JoinHostPort(sb.IP, "80"))
		if code, _, err := httpGet(rt, net.JoinHostPort(sb.IP, "80"), "/"); code != 403 {
			t.Errorf("empty web root: %d %v", code, err)
		}
		execOut(rt, side, "sh", "-c", "echo from-the-sidecar > /html/index.html")
		if code, body, err := httpGet(rt, net.JoinHostPort(sb.IP, "80"), "/"); code != 200 || body != "from-the-sidecar\n" {
			t.Errorf("shared volume: %d %q %v", code, body, err)
		}
		_ = web
	})
}

// waitServing waits until a server container accepts connections, as a
// readiness probe would: a fixed pause is too short on a loaded machine.
func waitServing(t *testing.T, rt *Runtime, addr string) {
	t.Helper()
	var err error
	if !eventually(30*time.Second, func() bool {
		var c net.Conn
		if c, err = rt.Dial(ctx, addr); err == nil {
			c.Close()
		}
		return err == nil
	}) {
		t.Fatalf("%s never accepted a connection: %v", addr, err)
	}
}

func httpGet(rt *Runtime, addr, path string) (int, string, error) {
	c, err := rt.Dial(ctx, addr)
	if err != nil {
		return 0, "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// TestStaticIP checks that the kubelet's address is the pod's, and that
// the plan's ranges are what the network holds.
func TestStaticIP(t *testing.T) {
	rt := newRuntime(t, Options{})
	want := rt.Plan().PodCIDR(2).Addr().Next().Next().Next().String()
	sb, err := rt.RunSandbox(ctx, &runtime.SandboxConfig{PodUID: "u", Name: "p", Namespace: "default", IP: want})
	if err != nil {
		t.Fatal(err)
	}
	if sb.IP != want {
		t.Errorf("IP %s, want %s", sb.IP, want)
	}
	// The same address again: Docker refuses it; the runtime takes another.
	sb2, err := rt.RunSandbox(ctx, &runtime.SandboxConfig{PodUID: "u2", Name: "p2", Namespace: "default", IP: want})
	if err != nil {
		t.Fatal(err)
	}
	if sb2.IP == want || !rt.Plan().DynamicRange.Contains(mustAddr(sb2.IP)) {
		t.Errorf("second pod's IP %s", sb2.IP)
	}
}

// TestServices checks that a Service proxy answers by name from a pod and
// on its NodePort from the host, and follows its endpoints.
func TestServices(t *testing.T) {
	rt := newRuntime(t, Options{})
	sb := pod(t, rt, "web-1", false)
	run(t, rt, sb, runtime.ContainerConfig{Name: "app", Image: "kubetm/app:v1"})
	client := pod(t, rt, "client", false)
	curl := run(t, rt, client, runtime.ContainerConfig{Name: "c", Image: "kubetm/init", Command: []string{"sleep", "3600"}})
	nodePort := freePort(t)
	spec := &runtime.ServiceSpec{Namespace: "default", Name: "web", ClusterIP: rt.Plan().ServiceIP(20).String(),
		Ports: []runtime.ServicePort{{Name: "http", Protocol: "TCP", Port: 80, NodePort: int32(nodePort), Endpoints: []string{sb.IP + ":8080"}}}}
	if err := rt.EnsureService(ctx, spec); err != nil {
		t.Fatal(err)
	}
	// The proxy rules and the DNS record take a moment to apply.
	var out string
	if !eventually(20*time.Second, func() bool {
		out, _, _ = execOut(rt, curl, "curl", "-s", "web/hostname")
		return out == "Hostname : web-1\n"
	}) {
		t.Fatalf("curl web/hostname: %q", out)
	}
	if out, _, _ := execOut(rt, curl, "curl", "-s", spec.ClusterIP+"/version"); out != "Version : v1\n" {
		t.Errorf("curl ClusterIP: %q", out)
	}
	if out, _, _ := execOut(rt, curl, "nslookup", "web"); !strings.Contains(out, spec.ClusterIP) {
		t.Errorf("nslookup web: %q", out)
	}
	if code, body, err := httpGet(rt, fmt.Sprintf("127.0.0.1:%d", nodePort), "/hostname"); code != 200 || body != "Hostname : web-1\n" {
		t.Errorf("NodePort: %d %q %v", code, body, err)
	}
	// No endpoints: refused, as kube-proxy's REJECT makes it.
	spec.Ports[0].Endpoints = nil
	if err := rt.EnsureService(ctx, spec); err != nil {
		t.Fatal(err)
	}
	refused := eventually(20*time.Second, func() bool {
		c, err := rt.Dial(ctx, spec.ClusterIP+":80")
		if c != nil {
			c.Close()
		}
		return err != nil
	})
	if !refused {
		t.Errorf("a Service without endpoints still accepts")
	}
	if err := rt.RemoveService(ctx, "default", "web"); err != nil {
		t.Fatal(err)
	}
}

func mustAddr(s string) netip.Addr {
	a, _ := netip.ParseAddr(s)
	return a
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// sessionObjects counts what Docker holds for a session.
func sessionObjects(t *testing.T, rt *Runtime, session string) (ctrs, nets, vols int) {
	t.Helper()
	f := filters.NewArgs(filters.Arg("label", labelSession+"="+session))
	cs, err := rt.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := rt.cli.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := rt.cli.VolumeList(ctx, dvolume.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs), len(ns), len(vs.Volumes)
}

// populate gives a runtime one of everything.
func populate(t *testing.T, rt *Runtime) {
	t.Helper()
	for _, v := range []runtime.Volume{{ID: "u/e", Kind: runtime.VolumePod}, {ID: "pv/data", Kind: runtime.VolumeCluster},
		{ID: "u/cm", Kind: runtime.VolumeFiles}, {ID: "hostpath/node-1/srv", Kind: runtime.VolumeNode, Node: "node-1", Path: "/srv"}} {
		if err := rt.EnsureVolume(ctx, &v); err != nil {
			t.Fatal(err)
		}
	}
	rt.WriteVolumeFiles(ctx, "u/cm", map[string][]byte{"k": []byte("v")})
	sb := pod(t, rt, "everything", false)
	run(t, rt, sb, runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"sh", "-c", "echo x > /srv/root-owned; sleep 3600"},
		Mounts: []runtime.Mount{{VolumeID: "u/e", ContainerPath: "/e"}, {VolumeID: "pv/data", ContainerPath: "/data"},
			{VolumeID: "u/cm", ContainerPath: "/cm"}, {VolumeID: "hostpath/node-1/srv", ContainerPath: "/srv"}}})
	if err := rt.EnsureService(ctx, &runtime.ServiceSpec{Namespace: "default", Name: "s", ClusterIP: rt.Plan().ServiceIP(5).String(),
		Ports: []runtime.ServicePort{{Port: 80, Endpoints: []string{sb.IP + ":80"}}}}); err != nil {
		t.Fatal(err)
	}
}

// TestCloseLeavesNothing checks that Close removes everything of the
// session, and nothing of another one.
func TestCloseLeavesNothing(t *testing.T) {
	other := newRuntime(t, Options{})
	otherSB := pod(t, other, "other", false)
	rt, err := startRuntime(Options{})
	if err != nil {
		t.Fatal(err)
	}
	populate(t, rt)
	if c, n, v := sessionObjects(t, rt, rt.Session()); c != 3 || n != 1 || v != 2 {
		t.Errorf("before Close: %d containers %d networks %d volumes, want 3 1 2", c, n, v)
	}
	dir := rt.dir
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if c, n, v := sessionObjects(t, other, rt.Session()); c+n+v != 0 {
		t.Errorf("after Close: %d containers %d networks %d volumes", c, n, v)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("session folder %s: %v", dir, err)
	}
	if _, err := other.cli.ContainerInspect(ctx, otherSB.ID); err != nil {
		t.Errorf("the other session's sandbox: %v", err)
	}
}

// TestCrashSweep kills -9 a process that owns a session, then checks that
// the next runtime sweeps what it left, and leaves a live session alone.
func TestCrashSweep(t *testing.T) {
	live := newRuntime(t, Options{})
	liveSB := pod(t, live, "live", false)
	testBinary, err := testBinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env = append(os.Environ(), "KUBETOUR_DOCKER_CRASH_HELPER=1", "KUBETOUR_TEST_BINARY="+testBinary, "KUBETOUR_TEST_STATE="+testStateDir)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	session := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "crash-helper session "); ok {
			session = s
			break
		}
	}
	if session == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the helper did not start a session")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if c, n, v := sessionObjects(t, live, session); c == 0 || n == 0 || v == 0 {
		t.Fatalf("the crashed session left %d containers %d networks %d volumes; want some", c, n, v)
	}
	next := newRuntime(t, Options{})
	if c, n, v := sessionObjects(t, next, session); c+n+v != 0 {
		t.Errorf("after the sweep: %d containers %d networks %d volumes", c, n, v)
	}
	if _, err := os.Stat(filepath.Join(testStateDir, "docker", session)); !os.IsNotExist(err) {
		t.Errorf("the crashed session's folder: %v", err)
	}
	if _, err := next.cli.ContainerInspect(ctx, liveSB.ID); err != nil {
		t.Errorf("the live session's sandbox was swept: %v", err)
	}
}

// TestCrashHelper is the process TestCrashSweep kills.
func TestCrashHelper(t *testing.T) {
	if os.Getenv("KUBETOUR_DOCKER_CRASH_HELPER") != "1" {
		t.Skip("run by TestCrashSweep")
	}
	rt, err := startRuntime(Options{StateDir: os.Getenv("KUBETOUR_TEST_STATE")})
	if err != nil {
		t.Fatal(err)
	}
	populate(t, rt)
	fmt.Printf("crash-helper session %s\n", rt.Session())
	select {}
}

// TestEngineDownAndUp cuts the runtime's connection to the engine (a
// socket proxy in between) and checks it reports the engine down, then
// up, without failing.
func TestEngineDownAndUp(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "docker.sock")
	px := &sockProxy{path: sock, target: "/var/run/docker.sock"}
	if err := px.start(); err != nil {
		t.Skip("no local Docker socket to proxy: " + err.Error())
	}
	t.Cleanup(px.stop) // after the runtime's Close, registered later
	rt := newRuntime(t, Options{Host: "unix://" + sock})
	evs := watch(rt)
	px.stop()
	waitFor(t, 10*time.Second, func() bool { return evs.has(runtime.EventRuntimeDown, "") })
	if err := px.start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return evs.has(runtime.EventRuntimeUp, "") })
	sb := pod(t, rt, "after", false)
	id := run(t, rt, sb, runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"true"}})
	waitFor(t, 10*time.Second, func() bool { return evs.has(runtime.EventExited, id) })
}

func waitFor(t *testing.T, max time.Duration, cond func() bool) {
	t.Helper()
	if !eventually(max, cond) {
		t.Fatalf("condition not met within %v", max)
	}
}

// eventually polls cond against the real clock, since Docker's side
// of these tests runs on it: a loaded machine is slower, never wrong.
func eventually(max time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(max)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// sockProxy forwards a unix socket to another; stop cuts every connection.
type sockProxy struct {
	path, target string
	mu           sync.Mutex
	l            net.Listener
	conns        []net.Conn
}

func (p *sockProxy) start() error {
	if _, err := os.Stat(p.target); err != nil {
		return err
	}
	os.Remove(p.path)
	l, err := net.Listen("unix", p.path)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("unix", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return nil
}

func (p *sockProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestAttach connects to a main process that reads its stdin.
func TestAttach(t *testing.T) {
	rt := newRuntime(t, Options{})
	sb := pod(t, rt, "attach", false)
	id := run(t, rt, sb, runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"sh"}, Stdin: true})
	var out bytes.Buffer
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- rt.Attach(ctx, id, runtime.ExecOptions{Stdin: pr, Stdout: &out, Stderr: &out}) }()
	// The pipe holds the input until Attach reads it, after it is attached.
	io.WriteString(pw, "echo attached-$((6*7))\nexit 3\n")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Attach: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Attach did not return when the process exited")
	}
	pw.Close()
	if out.String() != "attached-42\n" {
		t.Errorf("output %q", out.String())
	}
	if st := waitExited(t, rt, id, 5*time.Second); st.ExitCode != 3 {
		t.Errorf("exit %d", st.ExitCode)
	}
}

// TestIsolationProbe plays a user who may not read other processes'
// namespace links: the facts then come from inside the containers.
func TestIsolationProbe(t *testing.T) {
	rt := newRuntime(t, Options{})
	sb := pod(t, rt, "pod-probe", false)
	run(t, rt, sb, runtime.ContainerConfig{Name: "c1", Image: "kubetm/init", Command: []string{"sh", "-c", "sleep 3600"}, MemoryLimit: 32 << 20})
	run(t, rt, sb, runtime.ContainerConfig{Name: "c2", Image: "busybox", Command: []string{"sleep", "3600"}})
	direct, err := rt.Isolation(ctx, sb.ID)
	if err != nil {
		t.Fatal(err)
	}
	readNamespace = func(string) (string, error) { return "", os.ErrPermission }
	defer func() { readNamespace = os.Readlink }()
	probed, err := rt.Isolation(ctx, sb.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(probed.Notes) == 0 {
		t.Errorf("no note says the facts were probed")
	}
	for i := range direct.Containers {
		d, p := direct.Containers[i], probed.Containers[i]
		for _, kind := range runtime.NamespaceKinds {
			if d.Namespaces[kind] != p.Namespaces[kind] {
				t.Errorf("%s %s: host view %q, probe %q", d.Name, kind, d.Namespaces[kind], p.Namespaces[kind])
			}
		}
		if d.Pid1 != p.Pid1 || d.Hostname != p.Hostname || d.Cgroup.MemoryLimit != p.Cgroup.MemoryLimit || d.Cgroup.Path != p.Cgroup.Path {
			t.Errorf("host view %+v, probe %+v", d, p)
		}
	}
}

// TestCPULimit checks that cpuburn is throttled to its CPU limit.
func TestCPULimit(t *testing.T) {
	rt := newRuntime(t, Options{})
	sb := pod(t, rt, "pod-cpu", false)
	id := run(t, rt, sb, runtime.ContainerConfig{Name: "burn", Image: "kubetour/cpuburn", Args: []string{"2"}, CPULimit: 500, CPURequest: 500})
	time.Sleep(500 * time.Millisecond)
	before, _, ok := rt.ContainerUsage(id)
	start := time.Now()
	time.Sleep(2 * time.Second)
	after, _, ok2 := rt.ContainerUsage(id)
	if !ok || !ok2 {
		t.Fatal("no usage")
	}
	// The limit is a ceiling; on a busy host the burner may get less.
	rate := float64(after-before) / float64(time.Since(start))
	if rate < 0.05 || rate > 0.6 {
		t.Errorf("cpuburn 2 under a 500m limit used %.2f CPU", rate)
	}
	t.Logf("cpuburn 2 under a 500m limit used %.2f CPU", rate)
	var logs bytes.Buffer
	rt.Logs(ctx, id, runtime.LogOptions{TailLines: -1}, &logs)
	if logs.String() != "cpuburn: keeping 2 CPU busy\n" {
		t.Errorf("logs %q", logs.String())
	}
}

// A session looks for its /16 from SearchFrom on: test sessions leave
// 10.96.0.0/16, with kubeadm's addresses, to a student's cluster.
func TestSessionSubnetSearchFrom(t *testing.T) {
	rt := newRuntime(t, Options{SearchFrom: 120})
	if b := rt.Plan().Subnet.Addr().As4()[1]; b < 120 {
		t.Fatalf("session took %s, below 10.120.0.0/16", rt.Plan().Subnet)
	}
}
