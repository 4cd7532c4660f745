package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"kubetour/engine/apps"
)

// start builds and starts a machine, returning it with its output buffer.
func start(t *testing.T, sys *fakeSys, img apps.Behaviour, argv []string, pid1 bool) (*Machine, *bytes.Buffer, Yield) {
	t.Helper()
	var out bytes.Buffer
	m, err := New(Config{Sys: sys, Image: img, Argv: argv, Stdout: &out, Stderr: &out, PID1: pid1,
		Env: []apps.EnvVar{{Name: "PATH", Value: img.Userland.Path}}})
	if err != nil {
		t.Fatal(err)
	}
	return m, &out, m.Step()
}

func TestSignals(t *testing.T) {
	tests := map[string]struct {
		image   string
		argv    []string
		pid1    bool
		reacted bool
		state   State
		code    int
		out     string
	}{
		"PID 1 sleep ignores SIGTERM": {
			image: "kubetm/init", argv: []string{"sleep", "3600"}, pid1: true,
			reacted: false, state: Sleeping,
		},
		"PID 1 sh -c ignores SIGTERM": {
			image: "busybox", argv: []string{"sh", "-c", "echo start; sleep 3600"}, pid1: true,
			reacted: false, state: Sleeping, out: "start\n",
		},
		"a sleep that is not PID 1 dies of SIGTERM": {
			image: "busybox", argv: []string{"sleep", "3600"}, pid1: false,
			reacted: true, state: Exited, code: 143,
		},
		"a trap runs and exits": {
			image: "busybox", argv: []string{"sh", "-c", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done"}, pid1: true,
			reacted: true, state: Exited, code: 0, out: "bye\n",
		},
		"nginx stops gracefully": {
			image: "nginx", argv: nil, pid1: true,
			reacted: true, state: Exited, code: 0,
		},
		"kubetm/app stops gracefully": {
			image: "kubetm/app", argv: nil, pid1: true,
			reacted: true, state: Exited, code: 0,
		},
		"memhog stops gracefully": {
			image: "kubetour/memhog", argv: []string{"memhog", "8Mi"}, pid1: true,
			reacted: true, state: Exited, code: 0, out: "memhog: allocating 8Mi\nmemhog: holding 8Mi\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img := image(t, tc.image)
			argv := tc.argv
			if argv == nil {
				argv = img.Argv(nil, nil)
			}
			sys := newFakeSys(t, img)
			m, out, _ := start(t, sys, img, argv, tc.pid1)
			y, reacted := m.Signal(SIGTERM)
			if reacted != tc.reacted || y.State != tc.state || y.Code != tc.code || out.String() != tc.out {
				t.Errorf("got reacted=%v %v code=%d out=%q; want reacted=%v %v code=%d out=%q",
					reacted, y.State, y.Code, out.String(), tc.reacted, tc.state, tc.code, tc.out)
			}
			if y.State != Exited {
				m.Kill(137)
				if l := m.Last(); l.State != Exited || l.Code != 137 {
					t.Errorf("after Kill: %+v", l)
				}
			}
			if sys.serving != nil {
				t.Errorf("ports still bound after exit: %v", sys.serving)
			}
		})
	}
}

func TestServerBindsPorts(t *testing.T) {
	tests := map[string]struct {
		image    string
		serveErr error
		state    State
		code     int
		ports    []int
		out      string
	}{
		"p8000 listens on 8000":        {image: "kubetm/p8000", state: Blocked, ports: []int{8000}},
		"nginx through its entrypoint": {image: "nginx:1.25", state: Blocked, ports: []int{80}},
		"port already taken": {
			image: "kubetm/p8000", serveErr: errors.New("listen tcp :8000: bind: address already in use"),
			state: Exited, code: 1, out: "listen tcp :8000: bind: address already in use\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img := image(t, tc.image)
			sys := newFakeSys(t, img)
			sys.serveErr = tc.serveErr
			_, out, y := start(t, sys, img, img.Argv(nil, nil), true)
			if y.State != tc.state || y.Code != tc.code || out.String() != tc.out || len(sys.serving) != len(tc.ports) {
				t.Errorf("got %v code=%d out=%q serving=%v", y.State, y.Code, out.String(), sys.serving)
			}
		})
	}
}

func TestMemhogOOM(t *testing.T) {
	img := image(t, "kubetour/memhog")
	sys := newFakeSys(t, img)
	sys.limit = 50 << 20
	r := run(t, sys, img, img.Argv(nil, []string{"100Mi"}), true)
	if r.code != 137 || r.out != "memhog: allocating 100Mi\n" || r.elapsed != 600*time.Millisecond {
		t.Errorf("got code=%d out=%q elapsed=%v", r.code, r.out, r.elapsed)
	}
}

func TestExecErrors(t *testing.T) {
	tests := map[string]struct {
		image string
		argv  []string
		want  string
	}{
		"missing binary":         {"busybox", []string{"foo"}, `exec: "foo": executable file not found in $PATH`},
		"bash is not in busybox": {"busybox", []string{"/bin/bash"}, `exec: "/bin/bash": stat /bin/bash: no such file or directory`},
		"curl is not in alpine":  {"alpine", []string{"curl"}, `exec: "curl": executable file not found in $PATH`},
		"a directory":            {"busybox", []string{"/etc"}, `exec: "/etc": permission denied`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img := image(t, tc.image)
			_, err := New(Config{Sys: newFakeSys(t, img), Image: img, Argv: tc.argv})
			var ee *ExecError
			if !errors.As(err, &ee) || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestInteractiveSession(t *testing.T) {
	tests := map[string]struct {
		image string
		argv  []string
		input []string
		out   string
		code  int
	}{
		"kubetm/init bash": {
			image: "kubetm/init", argv: []string{"/bin/bash"},
			input: []string{"echo hi\r", "cd /mount\r", "cat file-c.txt\r", "exit\r"},
			out: "[root@pod-1 /]# echo hi\r\nhi\r\n[root@pod-1 /]# cd /mount\r\n[root@pod-1 mount]# cat file-c.txt\r\nContent\r\n" +
				"[root@pod-1 mount]# exit\r\nexit\r\n",
		},
		"busybox sh with backspace and a loop": {
			image: "busybox", argv: []string{"sh"},
			input: []string{"for i in 1 2\r", "do echo $j\x7fi\r", "done\r", "\x04"},
			out:   "/ # for i in 1 2\r\n> do echo $j\b \bi\r\n> done\r\n1\r\n2\r\n/ # ",
		},
		"centos sh prompt": {
			image: "kubetm/init", argv: []string{"sh"},
			input: []string{"exit 5\r"},
			out:   "sh-4.2# exit 5\r\nexit\r\n", code: 5,
		},
		"^C abandons the line": {
			image: "busybox", argv: []string{"sh"},
			input: []string{"echo no\x03", "exit\r"},
			out:   "/ # echo no^C\r\n/ # exit\r\n", code: 130,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img := image(t, tc.image)
			sys := newFakeSys(t, img)
			var out bytes.Buffer
			m, err := New(Config{Sys: sys, Image: img, Argv: tc.argv, Stdout: &out, Stderr: &out, TTY: true,
				Env: []apps.EnvVar{{Name: "PATH", Value: img.Userland.Path}, {Name: "HOME", Value: "/root"}}})
			if err != nil {
				t.Fatal(err)
			}
			y := m.Step()
			for _, in := range tc.input {
				if y.State != WaitingInput {
					t.Fatalf("machine %v before input %q", y.State, in)
				}
				y = m.Feed([]byte(in))
			}
			if y.State != Exited || y.Code != tc.code || out.String() != tc.out {
				t.Errorf("got %v code=%d out=%q\nwant code=%d out=%q", y.State, y.Code, out.String(), tc.code, tc.out)
			}
		})
	}
}

func TestRunSync(t *testing.T) {
	img := image(t, "kubetm/init")
	t.Run("sleeps on the given clock", func(t *testing.T) {
		sys := newFakeSys(t, img)
		var out bytes.Buffer
		m, _ := New(Config{Sys: sys, Image: img, Argv: []string{"sh", "-c", "echo a; sleep 5; date +%T"}, Stdout: &out})
		code, err := m.RunSync(context.Background(), func(ctx context.Context, d time.Duration) error {
			sys.now = sys.now.Add(d)
			return nil
		})
		if code != 0 || err != nil || out.String() != "a\n00:00:05\n" {
			t.Errorf("code=%d err=%v out=%q", code, err, out.String())
		}
	})
	t.Run("stdin without a terminal", func(t *testing.T) {
		sys := newFakeSys(t, img)
		var out bytes.Buffer
		m, _ := New(Config{Sys: sys, Image: img, Argv: []string{"sh"}, Stdout: &out,
			Stdin: bytes.NewBufferString("echo one\nexit 4\necho never\n")})
		code, err := m.RunSync(context.Background(), nil)
		if code != 4 || err != nil || out.String() != "one\n" {
			t.Errorf("code=%d err=%v out=%q", code, err, out.String())
		}
	})
	t.Run("^C interrupts a sleeping command", func(t *testing.T) {
		sys := newFakeSys(t, img)
		var out bytes.Buffer
		pr, pw := io.Pipe()
		m, _ := New(Config{Sys: sys, Image: img, Argv: []string{"/bin/bash"}, Stdout: &out, TTY: true, Stdin: pr})
		done := make(chan int)
		go func() {
			code, _ := m.RunSync(context.Background(), func(ctx context.Context, d time.Duration) error {
				<-ctx.Done() // never wakes on its own: only ^C ends it
				return ctx.Err()
			})
			done <- code
		}()
		pw.Write([]byte("sleep 100\r"))
		pw.Write([]byte("\x03"))
		pw.Write([]byte("exit\r"))
		code := <-done
		want := "[root@pod-1 /]# sleep 100\r\n^C\r\n[root@pod-1 /]# exit\r\nexit\r\n"
		if code != 130 || out.String() != want {
			t.Errorf("code=%d out=%q\nwant %q", code, out.String(), want)
		}
	})
	t.Run("cancelled context kills", func(t *testing.T) {
		sys := newFakeSys(t, img)
		ctx, cancel := context.WithCancel(context.Background())
		m, _ := New(Config{Sys: sys, Image: img, Argv: []string{"sleep", "infinity"}})
		go cancel()
		code, err := m.RunSync(ctx, nil)
		if code != 137 || !errors.Is(err, context.Canceled) {
			t.Errorf("code=%d err=%v", code, err)
		}
	})
}
