package appmode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kubetour/engine/apps"
	"kubetour/engine/apps/shell"
)

func TestDisplayArgv(t *testing.T) {
	tests := map[string]struct{ in, want []string }{
		"run":     {RunArgv("busybox", false, []string{"sh", "-c", "sleep 1"}), []string{"sh", "-c", "sleep 1"}},
		"run tty": {append([]string{"/kubetour"}, RunArgv("busybox", true, []string{"sh"})...), []string{"sh"}},
		"exec":    {ExecArgv("nginx", false, []string{"cat", "--", "x"}), []string{"cat", "--", "x"}},
		"pause":   {append([]string{"/kubetour"}, PauseArgv()...), []string{"/pause"}},
		"other":   {[]string{"/bin/sleep", "1"}, []string{"/bin/sleep", "1"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			if in[0] != Binary {
				in = append([]string{Binary}, in...)
			}
			if name == "other" {
				in = tc.in
			}
			if got := DisplayArgv(in); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseRunArgs(t *testing.T) {
	o, err := parseRunArgs([]string{"--image", "nginx:1.25", "--tty", "--", "nginx", "-g", "daemon off;"})
	if err != nil || o.Image != "nginx:1.25" || !o.TTY || strings.Join(o.Argv, "|") != "nginx|-g|daemon off;" {
		t.Errorf("%+v %v", o, err)
	}
	for _, bad := range [][]string{{"--", "sh"}, {"--image", "x"}, {"--image"}, {"--image", "x", "sh"}} {
		if _, err := parseRunArgs(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestMaterialize(t *testing.T) {
	b, _ := apps.Resolve("busybox")
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "bin"), 0o755)
	os.WriteFile(filepath.Join(root, "bin", "ls"), []byte("mine"), 0o755)
	if err := Materialize(b, root); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(root, "bin", "sh"))
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Fatalf("/bin/sh: %v %v", info, err)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "bin", "sh")); !bytes.Equal(data, shell.Stub("sh")) {
		t.Errorf("/bin/sh is %q", data)
	}
	if data, _ := os.ReadFile(filepath.Join(root, "bin", "ls")); string(data) != "mine" {
		t.Errorf("an existing file was replaced: %q", data)
	}
	if _, err := os.Stat(filepath.Join(root, RootfsMarker)); err != nil {
		t.Errorf("marker: %v", err)
	}
}

func TestDrive(t *testing.T) {
	root := t.TempDir()
	b, _ := apps.Resolve("busybox")
	if err := Materialize(b, root); err != nil {
		t.Fatal(err)
	}
	// The machine looks commands up through the real file system: chroot
	// is not available to a test, so use the userland's own paths.
	env := []apps.EnvVar{{Name: "PATH", Value: filepath.Join(root, "bin")}}
	newMachine := func(argv []string, pid1 bool) (*shell.Machine, *bytes.Buffer) {
		var out bytes.Buffer
		st := newStreams(&out, &out)
		m, err := shell.New(shell.Config{Sys: newOSSys(b, st.stdout, st.stderr), Image: b, Argv: argv, Env: env, Dir: "/",
			Stdout: st.stdout, Stderr: st.stderr, PID1: pid1})
		if err != nil {
			t.Fatal(err)
		}
		return m, &out
	}
	t.Run("runs to its exit code", func(t *testing.T) {
		m, out := newMachine([]string{"sh", "-c", "echo one; echo two >&2; sleep 0.2; exit 3"}, false)
		start := time.Now()
		code := drive(m, strings.NewReader(""), false, make(chan os.Signal))
		if code != 3 || out.String() != "one\ntwo\n" || time.Since(start) < 200*time.Millisecond {
			t.Errorf("code %d out %q after %v", code, out.String(), time.Since(start))
		}
	})
	t.Run("SIGTERM ends a process that is not PID 1", func(t *testing.T) {
		m, _ := newMachine([]string{"sleep", "30"}, false)
		sigs := make(chan os.Signal, 1)
		sigs <- syscall.SIGTERM
		if code := drive(m, strings.NewReader(""), false, sigs); code != 143 {
			t.Errorf("code %d, want 143", code)
		}
	})
	t.Run("PID 1 ignores SIGTERM unless it traps it", func(t *testing.T) {
		m, _ := newMachine([]string{"sleep", "0.3"}, true)
		sigs := make(chan os.Signal, 1)
		sigs <- syscall.SIGTERM
		if code := drive(m, strings.NewReader(""), false, sigs); code != 0 {
			t.Errorf("code %d, want 0 (the sleep ran out)", code)
		}
		m, out := newMachine([]string{"sh", "-c", "trap 'echo bye; exit 0' TERM; sleep 30"}, true)
		sigs <- syscall.SIGTERM
		if code := drive(m, strings.NewReader(""), false, sigs); code != 0 || out.String() != "bye\n" {
			t.Errorf("trap: code %d out %q", code, out.String())
		}
	})
	t.Run("stdin", func(t *testing.T) {
		m, out := newMachine([]string{"sh"}, false)
		if code := drive(m, strings.NewReader("echo from-stdin\nexit 4\n"), false, make(chan os.Signal)); code != 4 || out.String() != "from-stdin\n" {
			t.Errorf("code %d out %q", code, out.String())
		}
	})
}

func TestStreamsKeepOrder(t *testing.T) {
	var out, errOut bytes.Buffer
	var order []string
	s := newStreams(writerFunc(func(p []byte) { out.Write(p); order = append(order, "out") }),
		writerFunc(func(p []byte) { errOut.Write(p); order = append(order, "err") }))
	start := time.Now()
	fmt.Fprint(s.stdout, "a")
	fmt.Fprint(s.stderr, "b")
	fmt.Fprint(s.stderr, "c")
	if d := time.Since(start); d < streamGap {
		t.Errorf("switching streams took %v, want at least %v", d, streamGap)
	}
	if strings.Join(order, ",") != "out,err,err" {
		t.Errorf("order %v", order)
	}
}

type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

func TestProxy(t *testing.T) {
	backend := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "backend\n") })}
	bl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go backend.Serve(bl)
	defer backend.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	p := &proxy{listeners: map[int]*proxyListener{}, log: io.Discard}
	defer p.apply(ProxyConfig{})
	p.apply(ProxyConfig{Ports: []ProxyPort{{Port: port, Endpoints: []string{"127.0.0.1:1", bl.Addr().String()}}}})
	for i := 0; i < 2; i++ { // the dead endpoint is skipped, whichever comes first
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "backend\n" {
			t.Errorf("through the proxy: %q", body)
		}
	}
	p.apply(ProxyConfig{Ports: []ProxyPort{{Port: port}}})
	if _, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("no endpoints: %v, want connection refused", err)
	}
}

func TestLookupHostSearchList(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "resolv.conf")
	os.WriteFile(conf, []byte("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.0.0.11\noptions ndots:5\n"), 0o644)
	search, ndots := resolvConf(conf)
	if len(search) != 3 || ndots != 5 {
		t.Errorf("search %q ndots %d", search, ndots)
	}
	hosts := filepath.Join(dir, "hosts")
	os.WriteFile(hosts, []byte("127.0.0.1\tlocalhost\n10.244.1.5\tweb-0 # the pod\n"), 0o644)
	if h := hostsFile(hosts); h["web-0"][0] != "10.244.1.5" || h["localhost"][0] != "127.0.0.1" {
		t.Errorf("hosts %v", h)
	}
}
