package appmode

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"kubetour/engine/apps"
	"kubetour/engine/apps/memfs"
	"kubetour/engine/apps/shell"

	"earlysignal"
)

// RunOptions describe a run or exec process.
type RunOptions struct {
	Image string   // the image the pod asked for
	Argv  []string // what the image runs (command and args applied)
	TTY   bool
	Exec  bool // an exec session, not the container's main process
}

// Run plays the image's process with kubetour's shell over the real OS
// and returns its exit code.
func Run(o RunOptions) int {
	// Signals first: a SIGTERM that arrives while the userland is being
	// written must not kill PID 1 by the Go runtime's default action.
	// (As PID 1, earlysignal has held SIGTERM and SIGINT since the process
	// began, before the slow package initialisation.)
	sigs := earlysignal.Notify(syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP,
		syscall.SIGUSR1, syscall.SIGUSR2)

	b, ok := apps.Resolve(o.Image)
	if !ok {
		fmt.Fprintf(os.Stderr, "kubetour: image %q is not one kubetour can play\n", o.Image)
		return 128
	}
	if _, err := os.Stat(RootfsMarker); err != nil && inContainer() {
		if err := Materialize(b, "/"); err != nil {
			fmt.Fprintln(os.Stderr, "kubetour: writing the image's files:", err)
		}
	}
	env := environ()
	dir, err := os.Getwd()
	if err != nil {
		dir = "/"
	}
	var stdin io.Reader = os.Stdin
	if o.TTY {
		// The shell is the terminal's line discipline (echo, ^C, \r\n):
		// the real pty must pass bytes through untouched.
		if st, err := term.MakeRaw(int(os.Stdin.Fd())); err == nil {
			defer term.Restore(int(os.Stdin.Fd()), st)
		}
	}
	out := newStreams(os.Stdout, os.Stderr)
	sys := newOSSys(b, out.stdout, out.stderr)
	defer sys.shutdown()
	m, err := shell.New(shell.Config{
		Sys: sys, Image: b, Argv: o.Argv, Env: env, Dir: dir,
		Stdout: out.stdout, Stderr: out.stderr, TTY: o.TTY,
		PID1: !o.Exec && os.Getpid() == 1,
	})
	if err != nil {
		if o.Exec {
			fmt.Fprintf(os.Stderr, "%s%v\n", ExecErrorMarker, err)
			return ExecErrorCode
		}
		// The runtime checks the command before starting; this is the
		// same failure, worded as runc words it, should one slip through.
		fmt.Fprintf(os.Stderr, "OCI runtime create failed: runc create failed: unable to start container process: %v: unknown\n", err)
		return 128
	}
	return drive(m, stdin, o.TTY, sigs)
}

// inContainer guards the userland writing: run by hand on a host, the
// modes must not litter its root file system with tool stubs.
func inContainer() bool {
	_, err := os.Stat("/.dockerenv")
	return err == nil || os.Getenv("KUBETOUR_APP_ROOTFS") == "1"
}

// environ is the process environment in order, as the shell keeps it,
// with the terminal's TERM put back (see TermEnv).
func environ() []apps.EnvVar {
	term, restore := os.LookupEnv(TermEnv)
	var env []apps.EnvVar
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == TermEnv:
			continue
		case k == "TERM" && restore:
			v = term
			os.Setenv("TERM", term)
		}
		env = append(env, apps.EnvVar{Name: k, Value: v})
	}
	os.Unsetenv(TermEnv)
	return env
}

// toShellSignal maps an OS signal to the shell's numbering (Linux's).
func toShellSignal(s os.Signal) shell.Signal {
	if n, ok := s.(syscall.Signal); ok {
		return shell.Signal(n)
	}
	return shell.SIGTERM
}

// drive runs the machine to its end on the wall clock: sleeps are real,
// stdin is fed as it comes, signals reach the process as they arrive.
func drive(m *shell.Machine, stdin io.Reader, tty bool, sigs <-chan os.Signal) int {
	input := make(chan []byte)
	go func() {
		defer close(input)
		buf := make([]byte, 4096)
		for {
			n, err := stdin.Read(buf)
			if n > 0 {
				input <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				return
			}
		}
	}()
	var timer *time.Timer
	var timerC <-chan time.Time
	stopTimer := func() {
		if timer != nil {
			timer.Stop()
		}
		timer, timerC = nil, nil
	}
	in := (<-chan []byte)(input)
	y := m.Step()
	for {
		switch y.State {
		case shell.Exited:
			return y.Code
		case shell.WaitingInput:
			if in == nil {
				y = m.CloseInput()
				continue
			}
		case shell.Sleeping:
			if timerC == nil {
				timer = time.NewTimer(y.Sleep)
				timerC = timer.C
			}
		}
		select {
		case <-timerC:
			timer, timerC = nil, nil
			y = m.Step()
		case b, ok := <-in:
			waiting := y.State == shell.WaitingInput
			switch {
			case !ok:
				in = nil
				if ny := m.CloseInput(); waiting {
					y = ny
				}
			case tty && !waiting && bytes.IndexByte(b, 0x03) >= 0:
				i := bytes.IndexByte(b, 0x03)
				m.Feed(b[:i])
				if ny, reacted := m.Interrupt(); reacted {
					stopTimer()
					y = ny
				}
				if rest := b[i+1:]; len(rest) > 0 {
					if ny := m.Feed(rest); y.State == shell.WaitingInput {
						y = ny
					}
				}
			default:
				if ny := m.Feed(b); waiting {
					y = ny
				}
			}
		case s := <-sigs:
			if ny, reacted := m.Signal(toShellSignal(s)); reacted {
				stopTimer()
				y = ny
			}
		}
	}
}

// Materialize writes an image's userland (directories, /etc files, tool
// stubs, the image's own files) under root, keeping what is already there
// and what a volume covers: an emptyDir over nginx's web root must hide
// index.html, as on a real node.
func Materialize(b apps.Behaviour, root string) error {
	tree := memfs.NewTree(time.Now)
	shell.PopulateRootFS(tree, b)
	view, err := memfs.New(memfs.Mount{Target: "/", Tree: tree})
	if err != nil {
		return err
	}
	mounts := mountPoints()
	covered := func(p string) bool {
		for _, m := range mounts {
			if m != "/" && (p == m || strings.HasPrefix(p, m+"/")) {
				return true
			}
		}
		return false
	}
	var firstErr error
	var walk func(dir string)
	walk = func(dir string) {
		entries, err := view.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range entries {
			p := path.Join(dir, e.Name())
			if p == "/proc" || p == "/sys" || p == "/dev" || covered(p) {
				continue
			}
			dst := path.Join(root, p)
			info, err := e.Info()
			if err != nil {
				continue
			}
			if e.IsDir() {
				if err := os.MkdirAll(dst, 0o755); err != nil && firstErr == nil {
					firstErr = err
				}
				walk(p)
				continue
			}
			if _, err := os.Lstat(dst); err == nil {
				continue
			}
			data, err := view.ReadFile(p)
			if err != nil {
				continue
			}
			if err := writeAtomic(dst, data, info.Mode().Perm()); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	walk("/")
	if firstErr != nil {
		return firstErr
	}
	return writeAtomic(path.Join(root, RootfsMarker), []byte(b.Ref.String()+"\n"), 0o644)
}

// writeAtomic writes a file so a concurrent reader (an exec session
// starting while the main process writes the userland) sees all or none.
func writeAtomic(name string, data []byte, perm fs.FileMode) error {
	tmp := fmt.Sprintf("%s.kubetour-%d", name, os.Getpid())
	if err := os.WriteFile(tmp, data, perm); err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// mountPoints lists the targets of /proc/self/mounts.
func mountPoints() []string {
	var out []string
	for _, m := range readMounts() {
		out = append(out, m.Target)
	}
	return out
}

// readMounts parses /proc/self/mounts.
func readMounts() []memfs.Mount {
	data, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return nil
	}
	var out []memfs.Mount
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		out = append(out, memfs.Mount{Source: unescapeMount(f[0]), Target: unescapeMount(f[1]), Type: f[2], Options: f[3],
			ReadOnly: strings.HasPrefix(f[3], "ro,") || f[3] == "ro"})
	}
	return out
}

// unescapeMount undoes the octal escapes of /proc/self/mounts (\040 is a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			var n int
			if _, err := fmt.Sscanf(s[i+1:i+4], "%3o", &n); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
