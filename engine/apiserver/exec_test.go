package apiserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	utilexec "k8s.io/client-go/util/exec"
	cmdexec "k8s.io/kubectl/pkg/cmd/exec"
	"k8s.io/streaming/pkg/httpstream"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// fakeStreams plays the kubelet: the command's first word picks what the
// "process" does.
type fakeStreams struct {
	mu       sync.Mutex
	calls    []string // "exec <container> <cmd>" / "attach <container>"
	upgrades []string // the Upgrade header of each exec/attach request
}

func (f *fakeStreams) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakeStreams) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeStreams) seenUpgrades() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.upgrades...)
}

func (f *fakeStreams) PodLogs(ctx context.Context, ns, name string, opts *corev1.PodLogOptions, w io.Writer) error {
	return apierrors.NewBadRequest("no logs here")
}

func (f *fakeStreams) PodExec(ctx context.Context, ns, name, container string, cmd []string, s ExecStreams) (int, error) {
	f.record("exec " + container + " " + strings.Join(cmd, " "))
	switch cmd[0] {
	case "cat": // echo stdin
		_, err := io.Copy(s.Stdout, s.Stdin)
		return 0, err
	case "split": // one line to each output
		fmt.Fprint(s.Stdout, "to stdout\n")
		fmt.Fprint(s.Stderr, "to stderr\n")
		return 0, nil
	case "exit": // exit N, after some output
		fmt.Fprint(s.Stdout, "bye\n")
		n, _ := strconv.Atoi(cmd[1])
		return n, nil
	case "tty": // report the terminal, then echo stdin
		// Read stdin meanwhile, as a real process would: over WebSocket
		// one unread channel holds up the others (the resize behind it).
		in := make(chan []byte)
		go func() { b, _ := io.ReadAll(s.Stdin); in <- b }()
		var size string
		select {
		case sz, ok := <-s.Resize:
			if ok {
				size = fmt.Sprintf("%dx%d", sz.Width, sz.Height)
			}
		case <-time.After(5 * time.Second):
			size = "none"
		}
		fmt.Fprintf(s.Stdout, "tty=%v stderr=%v size=%s\n", s.TTY, s.Stderr != nil, size)
		s.Stdout.Write(<-in)
		return 0, nil
	case "sleep": // run until the client goes
		select {
		case <-ctx.Done():
			f.record("cancelled")
		case <-time.After(5 * time.Second):
		}
		return 0, nil
	case "fail": // the kubelet refuses after the upgrade
		return 0, apierrors.NewBadRequest("container app is not running")
	}
	return 127, nil
}

func (f *fakeStreams) PodAttach(ctx context.Context, ns, name, container string, s ExecStreams) error {
	f.record("attach " + container)
	if container == "broken" {
		return apierrors.NewBadRequest("attach is not supported by this runtime yet")
	}
	fmt.Fprintf(s.Stdout, "attached to %s/%s\n", name, container)
	if s.Stdin != nil {
		io.Copy(s.Stdout, s.Stdin)
	}
	return nil
}

// newExecServer serves an API holding a scheduled pod "web" (containers
// app and broken), an unscheduled pod "pending", with f as the kubelet.
func newExecServer(t *testing.T, f *fakeStreams) *rest.Config {
	t.Helper()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	st := store.New(store.Options{
		Now:        func() time.Time { return now },
		NewUID:     func() types.UID { n++; return types.UID(fmt.Sprintf("uid-%d", n)) },
		NameSuffix: func() string { n++; return fmt.Sprintf("s%04d", n) },
	})
	st.Create(kinds.Core("namespaces"), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}})
	st.Create(kinds.Core("pods"), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "app", Image: "app"}, {Name: "broken", Image: "app"}}}})
	st.Create(kinds.Core("pods"), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "pending", Namespace: "default"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app"}}}})
	api := NewAPI(st, func() time.Time { return now }, 1)
	h := NewServer(api, f, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/exec") || strings.HasSuffix(r.URL.Path, "/attach") {
			f.mu.Lock()
			f.upgrades = append(f.upgrades, strings.ToLower(r.Header.Get("Upgrade")))
			f.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &rest.Config{Host: srv.URL}
}

// protocols are the two ways kubectl reaches pods/exec: WebSocket first,
// SPDY as the fallback (or when KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false).
var protocols = []struct {
	name string
	new  func(cfg *rest.Config, u string) (remotecommand.Executor, error)
}{
	{"websocket", func(cfg *rest.Config, u string) (remotecommand.Executor, error) {
		return remotecommand.NewWebSocketExecutor(cfg, "GET", u)
	}},
	{"spdy", func(cfg *rest.Config, u string) (remotecommand.Executor, error) {
		return remotecommand.NewSPDYExecutor(cfg, "POST", mustURL(u))
	}},
}

// spdyOnly pins SPDY to one protocol version, as an older client would.
func spdyOnly(version string) func(cfg *rest.Config, u string) (remotecommand.Executor, error) {
	return func(cfg *rest.Config, u string) (remotecommand.Executor, error) {
		rt, up, err := spdy.RoundTripperFor(cfg)
		if err != nil {
			return nil, err
		}
		return remotecommand.NewSPDYExecutorForProtocols(rt, up, "POST", mustURL(u), version)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func subresourceURL(t *testing.T, cfg *rest.Config, pod, sub string, opts runtime.Object) string {
	t.Helper()
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs.CoreV1().RESTClient().Post().Namespace("default").Resource("pods").Name(pod).
		SubResource(sub).VersionedParams(opts, scheme.ParameterCodec).URL().String()
}

// session is one client side; like kubectl it asks for stderr unless it
// has a TTY, so the request's options must say the same.
type session struct {
	stdin          io.Reader
	tty            bool
	sizes          remotecommand.TerminalSizeQueue
	stdout, stderr bytes.Buffer
}

// run streams one session and returns the executor's error.
func (s *session) run(t *testing.T, newExec func(*rest.Config, string) (remotecommand.Executor, error), cfg *rest.Config, u string) error {
	t.Helper()
	ex, err := newExec(cfg, u)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := remotecommand.StreamOptions{Stdin: s.stdin, Stdout: &s.stdout, Tty: s.tty, TerminalSizeQueue: s.sizes}
	if !s.tty {
		opts.Stderr = &s.stderr
	}
	err = ex.StreamWithContext(ctx, opts)
	if ctx.Err() != nil {
		t.Fatalf("session hung: %v", err)
	}
	return err
}

func execURL(t *testing.T, cfg *rest.Config, pod string, stdin, tty bool, cmd ...string) string {
	return subresourceURL(t, cfg, pod, "exec", &corev1.PodExecOptions{
		Container: "app", Command: cmd, Stdin: stdin, Stdout: true, Stderr: !tty, TTY: tty})
}

func TestExecOutputs(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			f := &fakeStreams{}
			cfg := newExecServer(t, f)
			var s session
			if err := s.run(t, p.new, cfg, execURL(t, cfg, "web", false, false, "split")); err != nil {
				t.Fatal(err)
			}
			if s.stdout.String() != "to stdout\n" || s.stderr.String() != "to stderr\n" {
				t.Fatalf("stdout %q, stderr %q", s.stdout.String(), s.stderr.String())
			}
			if got := f.called(); len(got) != 1 || got[0] != "exec app split" {
				t.Fatalf("kubelet calls: %q", got)
			}
			if want := map[string]string{"websocket": "websocket", "spdy": "spdy/3.1"}[p.name]; len(f.seenUpgrades()) != 1 || f.seenUpgrades()[0] != want {
				t.Fatalf("upgrades %q, want %q", f.seenUpgrades(), want)
			}
		})
	}
}

func TestExecStdin(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			cfg := newExecServer(t, &fakeStreams{})
			s := session{stdin: strings.NewReader("hello\nworld\n")}
			if err := s.run(t, p.new, cfg, execURL(t, cfg, "web", true, false, "cat")); err != nil {
				t.Fatal(err)
			}
			if s.stdout.String() != "hello\nworld\n" {
				t.Fatalf("stdout %q", s.stdout.String())
			}
		})
	}
}

// fixedSize reports one terminal size, then that monitoring stopped.
type fixedSize struct{ sent bool }

func (q *fixedSize) Next() *remotecommand.TerminalSize {
	if q.sent {
		return nil
	}
	q.sent = true
	return &remotecommand.TerminalSize{Width: 80, Height: 24}
}

func TestExecTTY(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			cfg := newExecServer(t, &fakeStreams{})
			s := session{stdin: strings.NewReader("typed\n"), tty: true, sizes: &fixedSize{}}
			if err := s.run(t, p.new, cfg, execURL(t, cfg, "web", true, true, "tty")); err != nil {
				t.Fatal(err)
			}
			if want := "tty=true stderr=false size=80x24\ntyped\n"; s.stdout.String() != want {
				t.Fatalf("stdout %q, want %q", s.stdout.String(), want)
			}
		})
	}
}

func TestExecExitCode(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			cfg := newExecServer(t, &fakeStreams{})
			var ok session
			if err := ok.run(t, p.new, cfg, execURL(t, cfg, "web", false, false, "exit", "0")); err != nil {
				t.Fatalf("exit 0: %v", err)
			}
			var s session
			err := s.run(t, p.new, cfg, execURL(t, cfg, "web", false, false, "exit", "3"))
			var ce utilexec.CodeExitError
			if !errors.As(err, &ce) || ce.Code != 3 || err.Error() != "command terminated with exit code 3" {
				t.Fatalf("want CodeExitError 3, got %T %v", err, err)
			}
			if s.stdout.String() != "bye\n" {
				t.Fatalf("output before the exit lost: %q", s.stdout.String())
			}
		})
	}
}

// A kubelet error after the upgrade reaches the client as the Status's
// message.
func TestExecKubeletError(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			cfg := newExecServer(t, &fakeStreams{})
			var s session
			err := s.run(t, p.new, cfg, execURL(t, cfg, "web", false, false, "fail"))
			if err == nil || err.Error() != "container app is not running" {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// Older SPDY protocols carry no exit code: a failure is its message.
func TestExecOlderSPDYProtocols(t *testing.T) {
	for _, v := range []string{"v3.channel.k8s.io", "v2.channel.k8s.io"} {
		t.Run(v, func(t *testing.T) {
			cfg := newExecServer(t, &fakeStreams{})
			s := session{stdin: strings.NewReader("hi\n")}
			if err := s.run(t, spdyOnly(v), cfg, execURL(t, cfg, "web", true, false, "cat")); err != nil || s.stdout.String() != "hi\n" {
				t.Fatalf("cat: %v %q", err, s.stdout.String())
			}
			var e session
			err := e.run(t, spdyOnly(v), cfg, execURL(t, cfg, "web", false, false, "exit", "3"))
			if err == nil || !strings.Contains(err.Error(), "exit code 3") {
				t.Fatalf("exit 3: %v", err)
			}
		})
	}
}

// Errors the API server finds itself come back before the upgrade, as an
// HTTP error the client reports without a session (and, for WebSocket, as
// an upgrade failure, which is what makes kubectl fall back to SPDY).
func TestExecRefusedBeforeUpgrade(t *testing.T) {
	cases := []struct {
		name, pod, container, want string
	}{
		{"missing pod", "nosuch", "app", `pods "nosuch" not found`},
		{"unknown container", "web", "db", "container db is not valid for pod web"},
		{"unscheduled pod", "pending", "app", "pod pending does not have a host assigned"},
	}
	for _, p := range protocols {
		for _, c := range cases {
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				f := &fakeStreams{}
				cfg := newExecServer(t, f)
				u := subresourceURL(t, cfg, c.pod, "exec", &corev1.PodExecOptions{Container: c.container, Command: []string{"split"}, Stdout: true, Stderr: true})
				var s session
				err := s.run(t, p.new, cfg, u)
				if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "upgrade") {
					t.Fatalf("got %v, want an upgrade error with %q", err, c.want)
				}
				if p.name == "websocket" && !httpstream.IsUpgradeFailure(err) {
					t.Fatalf("want an upgrade failure, got %T", err)
				}
				if got := f.called(); len(got) != 0 {
					t.Fatalf("kubelet reached: %q", got)
				}
			})
		}
	}
}

func TestAttach(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			f := &fakeStreams{}
			cfg := newExecServer(t, f)
			s := session{stdin: strings.NewReader("input\n")}
			u := subresourceURL(t, cfg, "web", "attach", &corev1.PodAttachOptions{Container: "app", Stdin: true, Stdout: true, Stderr: true})
			if err := s.run(t, p.new, cfg, u); err != nil {
				t.Fatal(err)
			}
			if s.stdout.String() != "attached to web/app\ninput\n" {
				t.Fatalf("stdout %q", s.stdout.String())
			}
			var b session
			u = subresourceURL(t, cfg, "web", "attach", &corev1.PodAttachOptions{Container: "broken", Stdout: true, Stderr: true})
			if err := b.run(t, p.new, cfg, u); err == nil || err.Error() != "attach is not supported by this runtime yet" {
				t.Fatalf("unsupported attach: %v", err)
			}
			if got := f.called(); len(got) != 2 || got[0] != "attach app" || got[1] != "attach broken" {
				t.Fatalf("kubelet calls: %q", got)
			}
		})
	}
}

// kubectl's own exec: WebSocket by default, SPDY alone when
// KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false; either way the exit code is
// an ExitError, which kubectl's CheckErr turns into its own exit status.
func TestKubectlExec(t *testing.T) {
	for _, c := range []struct{ name, env, upgrade string }{
		{"default", "", "websocket"},
		{"websockets disabled", "false", "spdy/3.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", c.env)
			f := &fakeStreams{}
			cfg := newExecServer(t, f)
			// As kubectl's factory sets up its config for core/v1.
			cfg.APIPath = "/api"
			cfg.GroupVersion = &corev1.SchemeGroupVersion
			cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
			cs, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			run := func(cmd ...string) (string, string, error) {
				var out, errOut bytes.Buffer
				o := &cmdexec.ExecOptions{
					StreamOptions: cmdexec.StreamOptions{Namespace: "default", PodName: "web", ContainerName: "app",
						IOStreams: genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}},
					Command:   cmd,
					Executor:  &cmdexec.DefaultRemoteExecutor{},
					PodClient: cs.CoreV1(),
					Config:    cfg,
				}
				err := o.Run()
				return out.String(), errOut.String(), err
			}
			out, errOut, err := run("split")
			if err != nil || out != "to stdout\n" || errOut != "to stderr\n" {
				t.Fatalf("split: %v %q %q", err, out, errOut)
			}
			_, _, err = run("exit", "3")
			var ee utilexec.ExitError
			if !errors.As(err, &ee) || ee.ExitStatus() != 3 || err.Error() != "command terminated with exit code 3" {
				t.Fatalf("exit 3: %T %v", err, err)
			}
			for _, u := range f.seenUpgrades() {
				if u != c.upgrade {
					t.Fatalf("upgrades %q, want only %q", f.seenUpgrades(), c.upgrade)
				}
			}
		})
	}
}

// A client that goes away (kubectl interrupted) ends the session: the
// kubelet's context is cancelled, so the process is not left running.
func TestExecClientGone(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			f := &fakeStreams{}
			cfg := newExecServer(t, f)
			ex, err := p.new(cfg, execURL(t, cfg, "web", false, false, "sleep"))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			ex.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: io.Discard, Stderr: io.Discard})
			deadline := time.Now().Add(3 * time.Second)
			for time.Now().Before(deadline) {
				if got := f.called(); len(got) == 2 && got[1] == "cancelled" {
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Fatalf("kubelet calls: %q", f.called())
		})
	}
}
