// Package contract is the behaviour every runtime.Runtime must have, as a
// test suite: the simulation runs it on a manual clock, the Docker
// runtime on real time. A runtime that passes it can carry the lessons.
package contract

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kubetour/engine/runtime"
)

// Env is one fresh runtime under test.
type Env struct {
	Runtime runtime.Runtime
	// Advance lets d of cluster time pass: loop.Advance on the simulation,
	// real waiting (scaled down as the harness likes) on Docker.
	Advance func(d time.Duration)
}

// Images are the images the suite runs; zero fields take the defaults.
type Images struct {
	// Server listens on ServerPort and answers GET ServerPath with ServerBody.
	Server     string // default kubetm/p8000
	ServerPort int    // default 8000
	ServerPath string // default "/"
	ServerBody string // default "containerPort : 8000\n"
	// Shell has sh, echo, cat, sleep and curl (default kubetm/init).
	Shell string
	// Memhog allocates the size given as its only argument, then holds it
	// (default kubetour/memhog).
	Memhog string
}

func (im *Images) defaults() {
	if im.Server == "" {
		im.Server, im.ServerPort, im.ServerPath, im.ServerBody = "kubetm/p8000", 8000, "/", "containerPort : 8000\n"
	}
	if im.Shell == "" {
		im.Shell = "kubetm/init"
	}
	if im.Memhog == "" {
		im.Memhog = "kubetour/memhog"
	}
}

// Harness describes the runtime under test.
type Harness struct {
	// New returns a fresh runtime for one test; tidy up with t.Cleanup.
	New    func(t *testing.T) Env
	Images Images
	// HonoursIP says the runtime gives a sandbox the IP in its config (the
	// simulation does; Docker's IPAM may not).
	HonoursIP bool
	// Patience multiplies how long the suite waits for a container to
	// exit before it fails (default 1). A runtime in real time on a
	// loaded machine needs more; a passing test never waits longer.
	Patience int
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	h.Images.defaults()
	if h.Patience < 1 {
		h.Patience = 1
	}
	tests := map[string]func(t *testing.T, s *suite){
		"sandbox gets an IP":                       testSandboxIP,
		"start runs the process":                   testStart,
		"exit codes and reasons":                   testExitCodes,
		"logs":                                     testLogs,
		"logs follow until the container exits":    testLogsFollow,
		"exec output and exit code":                testExec,
		"exec of a missing binary":                 testExecMissing,
		"dial a server container":                  testDial,
		"containers of a pod share the network":    testSharedNetwork,
		"two containers cannot bind one port":      testPortConflict,
		"volumes are shared and updated in place":  testVolumes,
		"memory over the limit is an OOM kill":     testOOM,
		"stop is graceful for servers":             testStopServer,
		"stop kills a PID 1 shell after the grace": testStopShell,
		"isolation facts":                          testIsolation,
		"unknown ids are not found":                testNotFound,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			env := h.New(t)
			s := &suite{t: t, env: env, rt: env.Runtime, im: h.Images, honoursIP: h.HonoursIP, patience: h.Patience}
			env.Runtime.Watch(s.record)
			fn(t, s)
		})
	}
}

// suite carries one test's runtime and what it observed.
type suite struct {
	t         *testing.T
	env       Env
	rt        runtime.Runtime
	im        Images
	honoursIP bool
	patience  int
	pods      int

	mu     sync.Mutex
	events []runtime.Event
}

func (s *suite) record(ev runtime.Event) {
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
}

func (s *suite) eventsFor(id string) []runtime.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []runtime.Event
	for _, ev := range s.events {
		if ev.ContainerID == id {
			out = append(out, ev)
		}
	}
	return out
}

var ctx = context.Background()

// pod runs a sandbox.
func (s *suite) pod(name string) *runtime.Sandbox {
	s.t.Helper()
	s.pods++
	ip := fmt.Sprintf("10.244.1.%d", 10+s.pods)
	sb, err := s.rt.RunSandbox(ctx, &runtime.SandboxConfig{
		PodUID: fmt.Sprintf("uid-%d", s.pods), Name: name, Namespace: "default", Node: "node-1",
		Hostname: name, IP: ip, DNSSearch: []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local"},
	})
	if err != nil {
		s.t.Fatalf("RunSandbox: %v", err)
	}
	return sb
}

// run creates and starts a container.
func (s *suite) run(sb *runtime.Sandbox, cfg runtime.ContainerConfig) string {
	s.t.Helper()
	if _, err := s.rt.PullImage(ctx, cfg.Image); err != nil {
		s.t.Fatalf("PullImage(%s): %v", cfg.Image, err)
	}
	id, err := s.rt.CreateContainer(ctx, sb.ID, &cfg)
	if err != nil {
		s.t.Fatalf("CreateContainer: %v", err)
	}
	if err := s.rt.StartContainer(ctx, id); err != nil {
		s.t.Fatalf("StartContainer: %v", err)
	}
	return id
}

// serve runs the server image and waits until its port accepts a
// connection, as a readiness probe would: a started process is not yet
// listening, and on a loaded machine binding can take over a second.
func (s *suite) serve(sb *runtime.Sandbox, name string) string {
	s.t.Helper()
	id := s.run(sb, runtime.ContainerConfig{Name: name, Image: s.im.Server})
	addr := net.JoinHostPort(sb.IP, fmt.Sprint(s.im.ServerPort))
	var err error
	for range 300 {
		var c net.Conn
		if c, err = s.rt.Dial(ctx, addr); err == nil {
			c.Close()
			return id
		}
		s.env.Advance(100 * time.Millisecond)
	}
	s.t.Fatalf("the server in %s never listened on %s: %v", name, addr, err)
	return id
}

func (s *suite) shell(sb *runtime.Sandbox, name, script string) string {
	s.t.Helper()
	return s.run(sb, runtime.ContainerConfig{Name: name, Image: s.im.Shell, Command: []string{"sh", "-c", script}})
}

func (s *suite) status(id string) *runtime.ContainerStatus {
	s.t.Helper()
	st, err := s.rt.ContainerStatus(ctx, id)
	if err != nil {
		s.t.Fatalf("ContainerStatus: %v", err)
	}
	return st
}

// waitExited lets time pass until the container exits, within max.
func (s *suite) waitExited(id string, max time.Duration) *runtime.ContainerStatus {
	s.t.Helper()
	step := max / 20
	max *= time.Duration(s.patience)
	for waited := time.Duration(0); ; waited += step {
		if st := s.status(id); st.State == runtime.StateExited {
			s.env.Advance(0) // let the exit event arrive
			return st
		}
		if waited >= max {
			s.t.Fatalf("container still %s after %v", s.status(id).State, max)
		}
		s.env.Advance(step)
	}
}

func (s *suite) exec(id string, cmd ...string) (string, int, error) {
	var out bytes.Buffer
	code, err := s.rt.Exec(ctx, id, runtime.ExecOptions{Cmd: cmd, Stdout: &out, Stderr: &out})
	return out.String(), code, err
}

func (s *suite) logs(id string, opts runtime.LogOptions) string {
	s.t.Helper()
	var out bytes.Buffer
	if err := s.rt.Logs(ctx, id, opts, &out); err != nil {
		s.t.Fatalf("Logs: %v", err)
	}
	return out.String()
}

// get does an HTTP GET over a runtime connection.
func get(rt runtime.Runtime, addr, path string) (int, string, error) {
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

func testSandboxIP(t *testing.T, s *suite) {
	sb := s.pod("pod-ip")
	if net.ParseIP(sb.IP) == nil {
		t.Fatalf("sandbox IP %q", sb.IP)
	}
	if s.honoursIP && sb.IP != "10.244.1.11" {
		t.Errorf("sandbox IP %s, want the configured 10.244.1.11", sb.IP)
	}
}

func testStart(t *testing.T, s *suite) {
	sb := s.pod("pod-start")
	id := s.shell(sb, "main", "echo started; sleep 3600")
	s.env.Advance(time.Second)
	st := s.status(id)
	if st.State != runtime.StateRunning || st.StartedAt.IsZero() || st.Name != "main" || st.ImageID == "" {
		t.Errorf("status %+v", st)
	}
}

func testExitCodes(t *testing.T, s *suite) {
	tests := map[string]struct {
		script string
		code   int
		reason string
	}{
		"success":       {"echo done", 0, "Completed"},
		"exit 3":        {"exit 3", 3, "Error"},
		"failing cmd":   {"echo x; false", 1, "Error"},
		"after a sleep": {"sleep 1; exit 2", 2, "Error"},
	}
	sb := s.pod("pod-exit")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			id := s.shell(sb, "c", tc.script)
			st := s.waitExited(id, 10*time.Second)
			if st.ExitCode != tc.code || st.Reason != tc.reason || st.FinishedAt.Before(st.StartedAt) {
				t.Errorf("exit %d %q, want %d %q", st.ExitCode, st.Reason, tc.code, tc.reason)
			}
			evs := s.eventsFor(id)
			if len(evs) == 0 || evs[len(evs)-1].Type != runtime.EventExited || evs[len(evs)-1].ExitCode != tc.code {
				t.Errorf("events %+v", evs)
			}
		})
	}
}

var stampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z `)

func testLogs(t *testing.T, s *suite) {
	sb := s.pod("pod-logs")
	// stdout and stderr reach the log through separate pipes: lines written
	// the same instant may be stamped in either order, as on a real node.
	id := s.shell(sb, "c", "echo one; sleep 0.2; echo two >&2; sleep 1; echo three")
	s.waitExited(id, 10*time.Second)
	tests := map[string]struct {
		opts runtime.LogOptions
		want string
	}{
		"all":         {runtime.LogOptions{TailLines: -1}, "one\ntwo\nthree\n"},
		"tail 1":      {runtime.LogOptions{TailLines: 1}, "three\n"},
		"limit bytes": {runtime.LogOptions{TailLines: -1, LimitBytes: 6}, "one\ntw"},
	}
	// "since" starts just after the stamp of "two": a loaded machine may
	// start the shell late, so a fixed offset from StartedAt would not
	// fall between the lines.
	for _, l := range strings.Split(s.logs(id, runtime.LogOptions{TailLines: -1, Timestamps: true}), "\n") {
		stamp, text, _ := strings.Cut(l, " ")
		if at, err := time.Parse(time.RFC3339Nano, stamp); err == nil && text == "two" {
			tests["since"] = struct {
				opts runtime.LogOptions
				want string
			}{runtime.LogOptions{TailLines: -1, SinceTime: at.Add(time.Microsecond)}, "three\n"}
		}
	}
	if _, ok := tests["since"]; !ok {
		t.Error("no timestamped line \"two\" to start a since query after")
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := s.logs(id, tc.opts); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("timestamps", func(t *testing.T) {
		lines := strings.Split(strings.TrimSuffix(s.logs(id, runtime.LogOptions{TailLines: -1, Timestamps: true}), "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("lines %q", lines)
		}
		for _, l := range lines {
			if !stampRE.MatchString(l) {
				t.Errorf("line %q lacks an RFC 3339 timestamp with nanoseconds", l)
			}
		}
	})
}

func testLogsFollow(t *testing.T, s *suite) {
	sb := s.pod("pod-follow")
	id := s.shell(sb, "c", "echo a; sleep 1; echo b; sleep 1; echo c")
	done := make(chan string)
	go func() {
		var out bytes.Buffer
		s.rt.Logs(ctx, id, runtime.LogOptions{TailLines: -1, Follow: true}, &out)
		done <- out.String()
	}()
	s.waitExited(id, 10*time.Second)
	select {
	case got := <-done:
		if got != "a\nb\nc\n" {
			t.Errorf("followed %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Logs with Follow did not return after the container exited")
	}
}

func testExec(t *testing.T, s *suite) {
	sb := s.pod("pod-exec")
	id := s.shell(sb, "c", "sleep 3600")
	out, code, err := s.exec(id, "sh", "-c", "echo $HOSTNAME; cat /etc/hostname; exit 4")
	if err != nil || code != 4 || out != "pod-exec\npod-exec\n" {
		t.Errorf("exec: %q code %d err %v", out, code, err)
	}
	out, code, err = s.exec(id, "cat", "/nope")
	if err != nil || code != 1 || out != "cat: /nope: No such file or directory\n" {
		t.Errorf("exec cat: %q code %d err %v", out, code, err)
	}
}

func testExecMissing(t *testing.T, s *suite) {
	sb := s.pod("pod-exec-missing")
	id := s.shell(sb, "c", "sleep 3600")
	_, _, err := s.exec(id, "no-such-binary")
	if err == nil || !strings.Contains(err.Error(), `exec: "no-such-binary": executable file not found in $PATH`) {
		t.Errorf("err %v", err)
	}
}

func testDial(t *testing.T, s *suite) {
	sb := s.pod("pod-dial")
	s.serve(sb, "web")
	code, body, err := get(s.rt, net.JoinHostPort(sb.IP, fmt.Sprint(s.im.ServerPort)), s.im.ServerPath)
	if err != nil || code != 200 || body != s.im.ServerBody {
		t.Errorf("GET: %d %q %v", code, body, err)
	}
	if _, err := s.rt.Dial(ctx, net.JoinHostPort(sb.IP, "9")); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial of a closed port: %v, want connection refused", err)
	}
}

func testSharedNetwork(t *testing.T, s *suite) {
	sb := s.pod("pod-shared-net")
	s.serve(sb, "web")
	client := s.shell(sb, "client", "sleep 3600")
	s.env.Advance(time.Second)
	out, code, err := s.exec(client, "curl", "-s", fmt.Sprintf("localhost:%d%s", s.im.ServerPort, s.im.ServerPath))
	if err != nil || code != 0 || out != s.im.ServerBody {
		t.Errorf("curl localhost: %q code %d err %v", out, code, err)
	}
}

func testPortConflict(t *testing.T, s *suite) {
	sb := s.pod("pod-conflict")
	first := s.serve(sb, "first")
	second := s.run(sb, runtime.ContainerConfig{Name: "second", Image: s.im.Server})
	st := s.waitExited(second, 10*time.Second)
	want := fmt.Sprintf("listen tcp :%d: bind: address already in use\n", s.im.ServerPort)
	if st.ExitCode != 1 || st.Reason != "Error" || s.logs(second, runtime.LogOptions{TailLines: -1}) != want {
		t.Errorf("second: %+v logs %q", st, s.logs(second, runtime.LogOptions{TailLines: -1}))
	}
	if s.status(first).State != runtime.StateRunning {
		t.Errorf("the first container stopped")
	}
}

func testVolumes(t *testing.T, s *suite) {
	for _, v := range []runtime.Volume{{ID: "vol-empty", Kind: runtime.VolumePod}, {ID: "vol-cm", Kind: runtime.VolumeFiles}} {
		if err := s.rt.EnsureVolume(ctx, &v); err != nil {
			t.Fatalf("EnsureVolume: %v", err)
		}
	}
	if err := s.rt.WriteVolumeFiles(ctx, "vol-cm", map[string][]byte{"file-c.txt": []byte("Content\n")}); err != nil {
		t.Fatalf("WriteVolumeFiles: %v", err)
	}
	sb := s.pod("pod-volume")
	c1 := s.run(sb, runtime.ContainerConfig{Name: "c1", Image: s.im.Shell, Command: []string{"sleep", "3600"},
		Mounts: []runtime.Mount{{VolumeID: "vol-empty", ContainerPath: "/mount1"}, {VolumeID: "vol-cm", ContainerPath: "/cm", ReadOnly: true}}})
	c2 := s.run(sb, runtime.ContainerConfig{Name: "c2", Image: s.im.Shell, Command: []string{"sleep", "3600"},
		Mounts: []runtime.Mount{{VolumeID: "vol-empty", ContainerPath: "/mount2"}}})
	if out, code, err := s.exec(c1, "sh", "-c", `echo "file context" >> /mount1/file.txt`); code != 0 || err != nil {
		t.Fatalf("write: %q %d %v", out, code, err)
	}
	if out, _, _ := s.exec(c2, "cat", "/mount2/file.txt"); out != "file context\n" {
		t.Errorf("the other container reads %q", out)
	}
	if out, _, _ := s.exec(c1, "cat", "/cm/file-c.txt"); out != "Content\n" {
		t.Errorf("configmap file %q", out)
	}
	s.rt.WriteVolumeFiles(ctx, "vol-cm", map[string][]byte{"file-c.txt": []byte("Content123\n")})
	if out, _, _ := s.exec(c1, "cat", "/cm/file-c.txt"); out != "Content123\n" {
		t.Errorf("after the update the running container reads %q", out)
	}
}

func testOOM(t *testing.T, s *suite) {
	sb := s.pod("pod-oom")
	id := s.run(sb, runtime.ContainerConfig{Name: "hog", Image: s.im.Memhog, Args: []string{"128Mi"}, MemoryLimit: 64 << 20})
	st := s.waitExited(id, 20*time.Second)
	if st.ExitCode != 137 || st.Reason != "OOMKilled" {
		t.Errorf("exit %d %q, want 137 OOMKilled", st.ExitCode, st.Reason)
	}
	oom := false
	for _, ev := range s.eventsFor(id) {
		oom = oom || ev.Type == runtime.EventOOM
	}
	if !oom {
		t.Errorf("no OOM event: %+v", s.eventsFor(id))
	}
}

func testStopServer(t *testing.T, s *suite) {
	sb := s.pod("pod-stop-server")
	id := s.serve(sb, "web")
	if err := s.rt.StopContainer(ctx, id, 10*time.Second); err != nil {
		t.Fatalf("StopContainer: %v", err)
	}
	st := s.waitExited(id, 5*time.Second)
	if st.ExitCode != 0 || st.Reason != "Completed" {
		t.Errorf("exit %d %q, want a graceful 0", st.ExitCode, st.Reason)
	}
}

func testStopShell(t *testing.T, s *suite) {
	sb := s.pod("pod-stop-shell")
	id := s.run(sb, runtime.ContainerConfig{Name: "c", Image: s.im.Shell, Command: []string{"sleep", "3600"}})
	s.env.Advance(time.Second)
	if err := s.rt.StopContainer(ctx, id, 2*time.Second); err != nil {
		t.Fatalf("StopContainer: %v", err)
	}
	s.env.Advance(time.Second)
	if st := s.status(id); st.State != runtime.StateRunning {
		t.Fatalf("PID 1 sleep ended on SIGTERM: %+v", st)
	}
	st := s.waitExited(id, 5*time.Second)
	if st.ExitCode != 137 {
		t.Errorf("exit %d, want 137 (killed after the grace period)", st.ExitCode)
	}
}

func testIsolation(t *testing.T, s *suite) {
	sb := s.pod("pod-iso")
	s.shell(sb, "c1", "sleep 3600")
	s.shell(sb, "c2", "sleep 3600")
	s.env.Advance(time.Second)
	iso, err := s.rt.Isolation(ctx, sb.ID)
	if err != nil {
		t.Fatalf("Isolation: %v", err)
	}
	if len(iso.Containers) != 2 || iso.Source == "" || iso.Kernel == "" {
		t.Fatalf("isolation %+v", iso)
	}
	a, b, host := iso.Containers[0].Namespaces, iso.Containers[1].Namespaces, iso.Host.Namespaces
	for _, kind := range []string{"net", "ipc", "uts"} {
		if a[kind] == "" || a[kind] != b[kind] {
			t.Errorf("%s not shared: %q %q", kind, a[kind], b[kind])
		}
	}
	for _, kind := range []string{"pid", "mnt"} {
		if a[kind] == "" || a[kind] == b[kind] {
			t.Errorf("%s shared: %q %q", kind, a[kind], b[kind])
		}
	}
	if a["user"] != host["user"] || a["net"] == host["net"] {
		t.Errorf("user %q/%q net %q/%q", a["user"], host["user"], a["net"], host["net"])
	}
	if iso.Containers[0].Pid1 != "sh -c sleep 3600" || iso.Containers[0].Hostname != "pod-iso" {
		t.Errorf("container facts %+v", iso.Containers[0])
	}
}

func testNotFound(t *testing.T, s *suite) {
	if _, err := s.rt.ContainerStatus(ctx, "nope"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("ContainerStatus: %v", err)
	}
	if _, err := s.rt.Isolation(ctx, "nope"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Isolation: %v", err)
	}
	var ie *runtime.ImageError
	if _, err := s.rt.PullImage(ctx, "kubetm/no-such-image"); !errors.As(err, &ie) {
		t.Errorf("PullImage: %v", err)
	}
}
