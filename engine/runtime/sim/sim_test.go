package sim_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	goruntime "runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"kubetour/engine/loop"
	"kubetour/engine/runtime"
	"kubetour/engine/runtime/sim"
)

var ctx = context.Background()

// cluster is a simulated runtime with a tiny Service table, the way the
// engine will wire it: DNS names to ClusterIPs, ClusterIP:port to a pod.
type cluster struct {
	t        *testing.T
	l        *loop.Loop
	rt       *sim.Runtime
	dns      map[string]string // FQDN -> ClusterIP
	services map[string]string // "clusterIP:port" -> "podIP:targetPort"
	events   []runtime.Event
	pods     int
}

func newCluster(t *testing.T) *cluster {
	c := &cluster{t: t, l: newLoop(t), dns: map[string]string{}, services: map[string]string{}}
	c.rt = sim.New(c.l, sim.Options{
		KernelRelease: "6.8.0-sim",
		Resolve: func(ctx context.Context, ns, host string) (string, error) {
			if ip, ok := c.dns[host]; ok {
				return ip, nil
			}
			return "", errors.New("NXDOMAIN")
		},
		DialService: func(ctx context.Context, ip string, port int) (net.Conn, error) {
			if backend, ok := c.services[net.JoinHostPort(ip, fmt.Sprint(port))]; ok {
				return c.rt.Dial(ctx, backend)
			}
			// Like kube-proxy: a Service IP without that port rejects; an
			// address that is nothing at all has no route.
			errno := syscall.EHOSTUNREACH
			for _, svcIP := range c.dns {
				if svcIP == ip {
					errno = syscall.ECONNREFUSED
				}
			}
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", errno)}
		},
	})
	c.rt.Watch(func(ev runtime.Event) { c.events = append(c.events, ev) })
	t.Cleanup(func() { c.rt.Close() })
	return c
}

func (c *cluster) pod(name string, mod ...func(*runtime.SandboxConfig)) *runtime.Sandbox {
	c.t.Helper()
	c.pods++
	cfg := &runtime.SandboxConfig{PodUID: fmt.Sprintf("uid-%d", c.pods), Name: name, Namespace: "default",
		Node: "node-1", Hostname: name, IP: fmt.Sprintf("10.244.1.%d", 4+c.pods)}
	for _, m := range mod {
		m(cfg)
	}
	sb, err := c.rt.RunSandbox(ctx, cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	return sb
}

func (c *cluster) run(sb *runtime.Sandbox, cfg runtime.ContainerConfig) string {
	c.t.Helper()
	id, err := c.rt.CreateContainer(ctx, sb.ID, &cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.rt.StartContainer(ctx, id); err != nil {
		c.t.Fatal(err)
	}
	return id
}

func (c *cluster) status(id string) *runtime.ContainerStatus {
	st, err := c.rt.ContainerStatus(ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	return st
}

func (c *cluster) exec(id string, cmd ...string) (string, int) {
	c.t.Helper()
	var out bytes.Buffer
	code, err := c.rt.Exec(ctx, id, runtime.ExecOptions{Cmd: cmd, Stdout: &out, Stderr: &out})
	if err != nil {
		c.t.Fatalf("exec %q: %v", cmd, err)
	}
	return out.String(), code
}

func (c *cluster) logs(id string, opts runtime.LogOptions) string {
	var out bytes.Buffer
	if err := c.rt.Logs(ctx, id, opts, &out); err != nil {
		c.t.Fatal(err)
	}
	return out.String()
}

func (c *cluster) get(addr, path string) (int, string) {
	c.t.Helper()
	conn, err := c.rt.Dial(ctx, addr)
	if err != nil {
		c.t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: curl/8.5.0\r\n\r\n", path, addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func all() runtime.LogOptions { return runtime.LogOptions{TailLines: -1} }

func TestCourseJob(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("job-1-abcde")
	id := c.run(sb, runtime.ContainerConfig{Name: "container", Image: "kubetm/init",
		Command: []string{"sh", "-c", "echo 'job start';sleep 20; echo 'job end'"}})
	c.l.Advance(19 * time.Second)
	if st := c.status(id); st.State != runtime.StateRunning {
		t.Fatalf("after 19s: %+v", st)
	}
	c.l.Advance(time.Second)
	st := c.status(id)
	if st.State != runtime.StateExited || st.ExitCode != 0 || st.Reason != "Completed" || !st.FinishedAt.Equal(t0.Add(20*time.Second)) {
		t.Errorf("after 20s: %+v", st)
	}
	want := "2026-01-01T00:00:00.000000000Z job start\n2026-01-01T00:00:20.000000000Z job end\n"
	if got := c.logs(id, runtime.LogOptions{TailLines: -1, Timestamps: true}); got != want {
		t.Errorf("logs %q", got)
	}
	if len(c.events) != 1 || c.events[0].Type != runtime.EventExited || !c.events[0].Time.Equal(t0.Add(20*time.Second)) {
		t.Errorf("events %+v", c.events)
	}
}

func TestCoursePodWithTwoPorts(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("pod-1")
	c.run(sb, runtime.ContainerConfig{Name: "container1", Image: "kubetm/p8000", Ports: []int32{8000}})
	c2 := c.run(sb, runtime.ContainerConfig{Name: "container2", Image: "kubetm/p8080", Ports: []int32{8080}})
	tests := map[string]struct{ addr, want string }{
		"8000": {sb.IP + ":8000", "containerPort : 8000\n"},
		"8080": {sb.IP + ":8080", "containerPort : 8080\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if code, body := c.get(tc.addr, "/"); code != 200 || body != tc.want {
				t.Errorf("got %d %q", code, body)
			}
		})
	}
	if out, code := c.exec(c2, "curl", "localhost:8000"); out != "containerPort : 8000\n" || code != 0 {
		t.Errorf("from container2: %q %d", out, code)
	}
}

func TestImagesWithoutCommand(t *testing.T) {
	tests := map[string]struct {
		image  string
		state  runtime.State
		code   int
		reason string
	}{
		"busybox exits at once without a terminal": {"busybox", runtime.StateExited, 0, "Completed"},
		"ubuntu bash exits at once":                {"ubuntu", runtime.StateExited, 0, "Completed"},
		"kubetm/init keeps running":                {"kubetm/init", runtime.StateRunning, 0, ""},
		"nginx serves":                             {"nginx", runtime.StateRunning, 0, ""},
		"curl image needs a URL":                   {"curlimages/curl", runtime.StateExited, 2, "Error"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCluster(t)
			id := c.run(c.pod("p"), runtime.ContainerConfig{Name: "c", Image: tc.image})
			c.l.Advance(time.Second)
			st := c.status(id)
			if st.State != tc.state || st.ExitCode != tc.code || st.Reason != tc.reason {
				t.Errorf("got %s %d %q", st.State, st.ExitCode, st.Reason)
			}
		})
	}
}

func TestStartError(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("p")
	id, err := c.rt.CreateContainer(ctx, sb.ID, &runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"no-such-cmd"}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.rt.StartContainer(ctx, id)
	want := `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "no-such-cmd": executable file not found in $PATH: unknown`
	st := c.status(id)
	if err == nil || err.Error() != want || st.ExitCode != 128 || st.Reason != "StartError" || st.Message != want {
		t.Errorf("err %v status %+v", err, st)
	}
}

func TestUnknownImage(t *testing.T) {
	c := newCluster(t)
	tests := map[string]struct{ image, want string }{
		"bad tag":        {"nginx:1.161", `failed to pull image "nginx:1.161": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": docker.io/library/nginx:1.161: not found`},
		"no such repo":   {"kubetm/nope", `failed to pull image "kubetm/nope": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/kubetm/nope:latest": failed to resolve reference "docker.io/kubetm/nope:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`},
		"lesson failure": {"kubetm/app:v2", `failed to pull image "kubetm/app:v2": registry unavailable`},
	}
	c.rt.FailPull("kubetm/app:v2", "registry unavailable")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := c.rt.PullImage(ctx, tc.image)
			var ie *runtime.ImageError
			if !errors.As(err, &ie) || err.Error() != tc.want {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestEnvFromConfigMapAndSecret(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "container", Image: "kubetm/init",
		Env: []runtime.EnvVar{{Name: "SSH", Value: "false"}, {Name: "User", Value: "dev"}, {Name: "Key", Value: "1234"}}})
	out, _ := c.exec(id, "env")
	want := "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=pod-1\nSSH=false\nUser=dev\nKey=1234\nHOME=/root\n"
	if out != want {
		t.Errorf("env:\n%s", out)
	}
}

func TestServices(t *testing.T) {
	c := newCluster(t)
	app := c.pod("pod-1")
	c.run(app, runtime.ContainerConfig{Name: "container", Image: "kubetm/app"})
	client := c.run(c.pod("client"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init"})
	c.dns["svc-1.default.svc.cluster.local"] = "10.96.0.5"
	c.services["10.96.0.5:9000"] = app.IP + ":8080"
	tests := map[string]struct {
		cmd  string
		out  string
		code int
	}{
		"by name":         {"curl svc-1:9000/hostname", "Hostname : pod-1\n", 0},
		"by FQDN":         {"curl svc-1.default.svc.cluster.local:9000/version", "Version : v1\n", 0},
		"by ClusterIP":    {"curl 10.96.0.5:9000/health", "pod-1 is Running\n", 0},
		"pod IP directly": {"curl " + app.IP + ":8080/hostname", "Hostname : pod-1\n", 0},
		"unknown name":    {"curl svc-2:9000", "curl: (6) Could not resolve host: svc-2; Unknown error\n", 6},
		"no such pod":     {"curl 10.244.9.9:8080", "curl: (7) Failed connect to 10.244.9.9:8080; No route to host\n", 7},
		"wrong port":      {"curl " + app.IP + ":80", "curl: (7) Failed connect to " + app.IP + ":80; Connection refused\n", 7},
		"nslookup": {"nslookup svc-1",
			"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tsvc-1.default.svc.cluster.local\nAddress: 10.96.0.5\n\n", 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, code := c.exec(client, "sh", "-c", tc.cmd)
			if out != tc.out || code != tc.code {
				t.Errorf("got %q %d", out, code)
			}
		})
	}
}

func TestCurlLoopInAContainer(t *testing.T) {
	c := newCluster(t)
	app := c.pod("app-1")
	c.run(app, runtime.ContainerConfig{Name: "c", Image: "kubetm/app:v2"})
	loopID := c.run(c.pod("watcher"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init",
		Command: []string{"sh", "-c", "while true; do curl -s " + app.IP + ":8080/version; sleep 1; done"}})
	c.l.Advance(2500 * time.Millisecond)
	want := "2026-01-01T00:00:00.000000000Z Version : v2\n2026-01-01T00:00:01.000000000Z Version : v2\n2026-01-01T00:00:02.000000000Z Version : v2\n"
	if got := c.logs(loopID, runtime.LogOptions{TailLines: -1, Timestamps: true}); got != want {
		t.Errorf("logs:\n%s", got)
	}
	if got := c.logs(loopID, runtime.LogOptions{TailLines: -1, SinceTime: t0.Add(time.Second)}); got != "Version : v2\nVersion : v2\n" {
		t.Errorf("since: %q", got)
	}
}

func TestNginxAccessLogAndSharedHTML(t *testing.T) {
	c := newCluster(t)
	c.rt.EnsureVolume(ctx, &runtime.Volume{ID: "html", Kind: runtime.VolumePod})
	sb := c.pod("web")
	nginx := c.run(sb, runtime.ContainerConfig{Name: "nginx", Image: "nginx:1.25",
		Mounts: []runtime.Mount{{VolumeID: "html", ContainerPath: "/usr/share/nginx/html"}}})
	writer := c.run(sb, runtime.ContainerConfig{Name: "debian", Image: "debian", Command: []string{"/bin/sh", "-c"},
		Args:   []string{"echo Hello from the debian container > /pod-data/index.html; sleep 3600"},
		Mounts: []runtime.Mount{{VolumeID: "html", ContainerPath: "/pod-data"}}})
	_ = writer
	if code, body := c.get(sb.IP+":80", "/"); code != 200 || body != "Hello from the debian container\n" {
		t.Errorf("got %d %q", code, body)
	}
	logs := c.logs(nginx, all())
	if !strings.HasSuffix(logs, `10.244.1.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 32 "-" "curl/8.5.0" "-"`+"\n") ||
		!strings.Contains(logs, "[notice] 1#1: nginx/1.25.5\n") {
		t.Errorf("nginx logs:\n%s", logs)
	}
}

func TestHostPath(t *testing.T) {
	c := newCluster(t)
	vol := func(id, node string) {
		if err := c.rt.EnsureVolume(ctx, &runtime.Volume{ID: id, Kind: runtime.VolumeNode, Node: node, Path: "/node-v"}); err != nil {
			t.Fatal(err)
		}
	}
	vol("a", "node-1")
	vol("b", "node-1")
	vol("c", "node-2")
	mount := func(id string) []runtime.Mount { return []runtime.Mount{{VolumeID: id, ContainerPath: "/mount1"}} }
	p1 := c.run(c.pod("pod-volume-2"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init", Mounts: mount("a")})
	p2 := c.run(c.pod("pod-volume-3"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init", Mounts: mount("b")})
	p3 := c.run(c.pod("elsewhere", func(s *runtime.SandboxConfig) { s.Node = "node-2" }), runtime.ContainerConfig{Name: "c", Image: "kubetm/init", Mounts: mount("c")})
	c.exec(p1, "sh", "-c", "echo hello > /mount1/a.txt")
	c.rt.RemoveVolume(ctx, "a")
	if out, _ := c.exec(p2, "cat", "/mount1/a.txt"); out != "hello\n" {
		t.Errorf("same node: %q", out)
	}
	if out, code := c.exec(p3, "ls", "/mount1"); out != "" || code != 0 {
		t.Errorf("other node: %q %d", out, code)
	}
	if files := c.rt.NodeFS("node-1").Files("/node-v"); string(files["/node-v/a.txt"]) != "hello\n" {
		t.Errorf("node disk %v", files)
	}
}

func TestInsideTheContainer(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("pod-1")
	id := c.run(sb, runtime.ContainerConfig{Name: "c", Image: "kubetm/init", MemoryLimit: 64 << 20, CPULimit: 500})
	// The first exec is PID 7 and its child 8: the container's own pid
	// namespace, where the main process is 1.
	want := "UID        PID  PPID  C STIME TTY          TIME CMD\nroot         1     0  0 00:00 ?        00:00:00 sleep infinity\nroot         7     0  0 00:00 ?        00:00:00 sh -c ps -ef\nroot         8     7  0 00:00 ?        00:00:00 ps -ef\n"
	if out, _ := c.exec(id, "sh", "-c", "ps -ef"); out != want {
		t.Errorf("ps -ef:\n%s", out)
	}
	tests := map[string]struct{ cmd, out string }{
		"kernel is the host's": {"cat /proc/sys/kernel/osrelease; uname -r", "6.8.0-sim\n6.8.0-sim\n"},
		"memory limit":         {"cat /sys/fs/cgroup/memory.max", "67108864\n"},
		"cpu limit":            {"cat /sys/fs/cgroup/cpu.max", "50000 100000\n"},
		"pid 1":                {"cat /proc/1/cmdline; echo", "sleep\x00infinity\x00\n"},
		"hosts":                {"tail -n 1 /etc/hosts", "10.244.1.5\tpod-1\n"},
		"resolv.conf":          {"cat /etc/resolv.conf", "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"},
		"os":                   {"head -n 1 /etc/os-release", "NAME=\"CentOS Linux\"\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if out, _ := c.exec(id, "sh", "-c", tc.cmd); out != tc.out {
				t.Errorf("got %q", out)
			}
		})
	}
}

func TestInteractiveExec(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init"})
	var out bytes.Buffer
	code, err := c.rt.Exec(ctx, id, runtime.ExecOptions{Cmd: []string{"/bin/bash"}, TTY: true,
		Stdin: strings.NewReader("echo $TERM\rexit 3\r"), Stdout: &out})
	want := "[root@pod-1 /]# echo $TERM\r\nxterm\r\n[root@pod-1 /]# exit 3\r\nexit\r\n"
	if err != nil || code != 3 || out.String() != want {
		t.Errorf("code %d err %v out %q", code, err, out.String())
	}
}

func TestExecSleepsOnTheClusterClock(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"sleep", "3600"}})
	done := make(chan string)
	go func() {
		out, _ := c.exec(id, "sh", "-c", "sleep 30; date +%T")
		done <- out
	}()
	c.waitTimer(30 * time.Second)
	c.l.Advance(30 * time.Second)
	if out := <-done; out != "00:00:30\n" {
		t.Errorf("got %q", out)
	}
}

// waitTimer waits, without sleeping, until an exec running on another
// goroutine has scheduled its wake-up d from now on the loop.
func (c *cluster) waitTimer(d time.Duration) {
	c.t.Helper()
	for i := 0; i < 10_000_000; i++ {
		if at, ok := c.l.NextTimer(); ok && at.Sub(c.l.Now()) == d {
			return
		}
		goruntime.Gosched()
	}
	c.t.Fatalf("no timer %v ahead", d)
}

func TestExecDiesWithTheContainer(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init"})
	done := make(chan int)
	go func() {
		code, _ := c.rt.Exec(ctx, id, runtime.ExecOptions{Cmd: []string{"sleep", "100"}})
		done <- code
	}()
	c.waitTimer(100 * time.Second)
	c.rt.Inject(id, sim.Fault{Kind: sim.FaultCrash, ExitCode: 2, Message: "boom"})
	if code := <-done; code != 137 {
		t.Errorf("exec code %d", code)
	}
	st := c.status(id)
	if st.ExitCode != 2 || st.Reason != "Error" || c.logs(id, all()) != "boom\n" {
		t.Errorf("%+v logs %q", st, c.logs(id, all()))
	}
	if _, err := c.rt.Exec(ctx, id, runtime.ExecOptions{Cmd: []string{"ls"}}); err == nil {
		t.Error("exec in an exited container worked")
	}
}

func TestStopBehaviours(t *testing.T) {
	tests := map[string]struct {
		image string
		cmd   []string
		share bool
		grace time.Duration
		at    time.Duration // when it exits after the stop
		code  int
		logs  string
	}{
		"server stops at once":           {image: "kubetm/app", grace: 30 * time.Second, at: 0, code: 0},
		"PID 1 sleep is killed at grace": {image: "kubetm/init", grace: 30 * time.Second, at: 30 * time.Second, code: 137},
		"grace 0 kills at once":          {image: "kubetm/init", grace: 0, at: 0, code: 137},
		"a trap exits cleanly":           {image: "busybox", cmd: []string{"sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"}, grace: 30 * time.Second, at: 0, code: 0, logs: "bye\n"},
		"shared pid: sleep is not PID 1": {image: "busybox", cmd: []string{"sleep", "3600"}, share: true, grace: 30 * time.Second, at: 0, code: 143},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCluster(t)
			sb := c.pod("p", func(s *runtime.SandboxConfig) { s.ShareProcessNamespace = tc.share })
			id := c.run(sb, runtime.ContainerConfig{Name: "c", Image: tc.image, Command: tc.cmd})
			c.l.Advance(5 * time.Second)
			stopAt := c.l.Now()
			if err := c.rt.StopContainer(ctx, id, tc.grace); err != nil {
				t.Fatal(err)
			}
			c.l.Advance(time.Minute)
			st := c.status(id)
			if st.State != runtime.StateExited || st.ExitCode != tc.code || !st.FinishedAt.Equal(stopAt.Add(tc.at)) || c.logs(id, all()) != tc.logs {
				t.Errorf("got %s %d at +%v logs %q", st.State, st.ExitCode, st.FinishedAt.Sub(stopAt), c.logs(id, all()))
			}
		})
	}
}

func TestOOMFromExec(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init", MemoryLimit: 64 << 20})
	done := make(chan string)
	go func() {
		var out bytes.Buffer
		code, _ := c.rt.Exec(ctx, id, runtime.ExecOptions{Cmd: []string{"memhog", "100Mi"}, Stdout: &out})
		done <- fmt.Sprintf("%d %s", code, out.String())
	}()
	// memhog takes 8Mi per 100ms: seven steps fit under 64Mi with the
	// shell's own memory, the eighth does not.
	for i := 0; i < 7; i++ {
		c.waitTimer(100 * time.Millisecond)
		c.l.Advance(100 * time.Millisecond)
	}
	if got := <-done; got != "137 memhog: allocating 100Mi\n" {
		t.Errorf("exec: %q", got)
	}
	c.l.Advance(0)
	if st := c.status(id); st.Reason != "OOMKilled" || st.ExitCode != 137 || !st.FinishedAt.Equal(t0.Add(700*time.Millisecond)) {
		t.Errorf("container %+v", st)
	}
}

func TestResourceUsage(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("pod-1")
	c.run(sb, runtime.ContainerConfig{Name: "hog", Image: "kubetour/memhog", Args: []string{"32Mi"}, MemoryLimit: 64 << 20})
	c.run(sb, runtime.ContainerConfig{Name: "burn", Image: "kubetour/cpuburn", Args: []string{"2"}, CPULimit: 500})
	c.l.Advance(10 * time.Second)
	iso, err := c.rt.Isolation(ctx, sb.ID)
	if err != nil {
		t.Fatal(err)
	}
	hog, burn := iso.Containers[0].Cgroup, iso.Containers[1].Cgroup
	if hog.MemoryUsage != 33<<20 || hog.MemoryLimit != 64<<20 {
		t.Errorf("memory %d of %d", hog.MemoryUsage, hog.MemoryLimit)
	}
	if burn.CPUUsageNanos != 5e9 || burn.CPUQuota != 50000 || burn.CPUPeriod != 100000 {
		t.Errorf("cpu %+v", burn)
	}
}

func TestIsolationVariants(t *testing.T) {
	tests := map[string]struct {
		mod      func(*runtime.SandboxConfig)
		sharePID bool
		hostNet  bool
		pid1     string
	}{
		"default":      {mod: func(*runtime.SandboxConfig) {}, pid1: "sleep infinity"},
		"shared pid":   {mod: func(s *runtime.SandboxConfig) { s.ShareProcessNamespace = true }, sharePID: true, pid1: "/pause"},
		"host network": {mod: func(s *runtime.SandboxConfig) { s.HostNetwork = true }, hostNet: true, pid1: "sleep infinity"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCluster(t)
			sb := c.pod("p", tc.mod)
			c.run(sb, runtime.ContainerConfig{Name: "a", Image: "kubetm/init"})
			c.run(sb, runtime.ContainerConfig{Name: "b", Image: "kubetm/init"})
			iso, _ := c.rt.Isolation(ctx, sb.ID)
			a, b, host := iso.Containers[0], iso.Containers[1], iso.Host
			if (a.Namespaces["pid"] == b.Namespaces["pid"]) != tc.sharePID ||
				(a.Namespaces["net"] == host.Namespaces["net"]) != tc.hostNet || a.Pid1 != tc.pid1 ||
				host.Namespaces["net"] != "net:[4026531840]" || iso.Kernel != "6.8.0-sim" || iso.Source != "simulated" {
				t.Errorf("a %+v\nb %+v\nhost %+v", a, b, host)
			}
		})
	}
}

func TestHealthFault(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("pod-1")
	id := c.run(sb, runtime.ContainerConfig{Name: "c", Image: "kubetm/app"})
	c.rt.Inject(id, sim.Fault{Kind: sim.FaultUnhealthy})
	if code, body := c.get(sb.IP+":8080", "/health"); code != 500 || body != "pod-1 is Unhealthy\n" {
		t.Errorf("unhealthy: %d %q", code, body)
	}
	c.rt.Inject(id, sim.Fault{Kind: sim.FaultHealthy})
	if code, _ := c.get(sb.IP+":8080", "/health"); code != 200 {
		t.Errorf("healthy again: %d", code)
	}
}

func TestSharedProcessNamespace(t *testing.T) {
	c := newCluster(t)
	sb := c.pod("p", func(s *runtime.SandboxConfig) { s.ShareProcessNamespace = true })
	a := c.run(sb, runtime.ContainerConfig{Name: "a", Image: "busybox", Command: []string{"sleep", "3600"}})
	c.run(sb, runtime.ContainerConfig{Name: "b", Image: "busybox", Command: []string{"sleep", "60"}})
	want := "PID   USER     TIME  COMMAND\n    1 65535     0:00 /pause\n    7 root      0:00 sleep 3600\n    8 root      0:00 sleep 60\n    9 root      0:00 ps\n"
	if out, _ := c.exec(a, "ps"); out != want {
		t.Errorf("ps:\n%s", out)
	}
}

// transcript runs a small course scenario and records everything a
// student could observe.
func transcript(t *testing.T) string {
	c := newCluster(t)
	var b strings.Builder
	app := c.pod("app")
	web := c.run(app, runtime.ContainerConfig{Name: "web", Image: "kubetm/app:v1"})
	job := c.run(c.pod("job"), runtime.ContainerConfig{Name: "c", Image: "kubetm/init",
		Command: []string{"sh", "-c", "for i in 1 2 3; do curl -sS " + app.IP + ":8080/hostname; date; sleep 7; done; exit 3"}})
	c.l.Advance(10 * time.Second)
	c.rt.StopContainer(ctx, web, 30*time.Second)
	c.l.Advance(time.Minute)
	for _, id := range []string{web, job} {
		st := c.status(id)
		fmt.Fprintf(&b, "%s %s %d %s %v %v\n", id[:12], st.State, st.ExitCode, st.Reason, st.StartedAt, st.FinishedAt)
		b.WriteString(c.logs(id, runtime.LogOptions{TailLines: -1, Timestamps: true}))
	}
	for _, ev := range c.events {
		fmt.Fprintf(&b, "%s %s %d %v\n", ev.Type, ev.ContainerID[:12], ev.ExitCode, ev.Time)
	}
	iso, _ := c.rt.Isolation(ctx, app.ID)
	fmt.Fprintf(&b, "%v\n", iso.Containers[0].Namespaces)
	return b.String()
}

func TestDeterministic(t *testing.T) {
	first := transcript(t)
	if second := transcript(t); first != second {
		t.Errorf("two runs differ:\n%s\n---\n%s", first, second)
	}
	if !strings.Contains(first, "Hostname : app\n2026-01-01T00:00:07.000000000Z Thu Jan  1 00:00:07 UTC 2026\n2026-01-01T00:00:14.000000000Z curl: (7) Failed connect to 10.244.1.5:8080; Connection refused\n") {
		t.Errorf("transcript:\n%s", first)
	}
}
