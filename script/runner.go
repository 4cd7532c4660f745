package script

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kubetour/engine"
	"kubetour/internal/shellwords"
)

// Runner runs steps against a cluster.
type Runner struct {
	Cluster *engine.Cluster
	// Kubectl starts the embedded kubectl: the program and leading
	// arguments (e.g. the kubetour binary and "kubectl").
	Kubectl []string
	Out     io.Writer
	// FailFast stops at the first failing command.
	FailFast bool
	// Namespace for curl's short names.
	Namespace string
	// Env is added to kubectl's environment.
	Env []string
	// Dir is the working folder of kubectl (relative `-f` paths); empty
	// means the process's own.
	Dir string
	// MaxWait bounds how much cluster time a command without `timeout` may
	// wait on the cluster (default one hour).
	MaxWait time.Duration
	// Interactive: commands are typed at a prompt. Exec then waits for
	// the engine's own work before and after each, not for runtime calls
	// under way, so a real container's creation never holds the prompt.
	Interactive bool

	dir        string
	kubeconfig string
}

// Prepare serves the cluster's API and writes the kubeconfig kubectl uses.
func (r *Runner) Prepare() error {
	if _, err := r.Cluster.Serve("127.0.0.1:0"); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kubetour-script-")
	if err != nil {
		return err
	}
	r.dir = dir
	kc, err := r.Cluster.Kubeconfig()
	if err != nil {
		return err
	}
	r.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(r.kubeconfig, kc, 0o600); err != nil {
		return err
	}
	if r.Namespace == "" {
		r.Namespace = "default"
	}
	return nil
}

// Close removes the runner's temporary files.
func (r *Runner) Close() {
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
}

// Run executes steps in order and returns how many commands failed.
func (r *Runner) Run(steps []Step) (int, error) {
	failed := 0
	for _, st := range steps {
		r.Cluster.Settle()
		if st.Comment {
			fmt.Fprintln(r.Out, st.Text)
			continue
		}
		fmt.Fprintf(r.Out, "$ %s\n", st.Text)
		for _, l := range st.Heredoc {
			fmt.Fprintln(r.Out, l)
		}
		ok := r.step(st)
		r.Cluster.Settle()
		if !ok {
			failed++
			if r.FailFast {
				return failed, fmt.Errorf("line %d: command failed: %s", st.Line, st.Text)
			}
		}
	}
	return failed, nil
}

func (r *Runner) step(st Step) bool {
	args := st.Args
	// Leading NAME=value words set the command's environment, as in a shell
	// (EDITOR=… kubectl edit).
	var env []string
	for len(args) > 1 && isAssignment(args[0]) {
		env = append(env, args[0])
		args = args[1:]
	}
	var limit time.Duration
	if args[0] == "timeout" && len(args) > 2 {
		d, err := time.ParseDuration(normalizeDuration(args[1]))
		if err != nil {
			fmt.Fprintf(r.Out, "timeout: invalid time interval '%s'\n", args[1])
			return false
		}
		limit, args = d, args[2:]
	}
	switch args[0] {
	case "kubectl", "k":
		return r.kubectl(args[1:], st.Stdin, limit, env)
	case "curl":
		return r.curl(args[1:])
	case "sleep":
		if len(args) != 2 {
			fmt.Fprintln(r.Out, "sleep: missing operand")
			return false
		}
		d, err := time.ParseDuration(normalizeDuration(args[1]))
		if err != nil || d < 0 {
			fmt.Fprintf(r.Out, "sleep: invalid time interval '%s'\n", args[1])
			return false
		}
		r.sleep(d)
		return true
	case "echo":
		fmt.Fprintln(r.Out, strings.Join(args[1:], " "))
		return true
	case "cat":
		return r.cat(args[1:], st.Stdin)
	case "ls":
		return r.ls(args[1:])
	}
	fmt.Fprintf(r.Out, "%s: command not found\n", args[0])
	return false
}

// normalizeDuration accepts sleep's forms: 30, 30s, 2m, 1h, 1.5m.
func normalizeDuration(s string) string {
	if s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' {
		return s + "s"
	}
	if strings.HasSuffix(s, "d") {
		var n float64
		fmt.Sscanf(strings.TrimSuffix(s, "d"), "%g", &n)
		return fmt.Sprintf("%gh", n*24)
	}
	return s
}

// sleep lets cluster time pass: instantly on a manual clock, in real time
// (scaled by the clock's speed) otherwise.
func (r *Runner) sleep(d time.Duration) {
	if r.Cluster.Clock.Manual() {
		r.Cluster.Advance(d)
		return
	}
	end := r.Cluster.Clock.Now().Add(d)
	for r.Cluster.Clock.Now().Before(end) {
		time.Sleep(20 * time.Millisecond)
	}
}

// syncWriter serialises writes from kubectl's stdout and stderr, which
// share one destination as in a terminal.
type syncWriter struct {
	mu   sync.Mutex
	w    io.Writer
	last byte // the last byte written, to end a transcript line cleanly
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(p) > 0 {
		s.last = p[len(p)-1]
	}
	return s.w.Write(p)
}

// waitStreamsClosed lets the server notice that the previous command's
// watches are gone, so open streams always belong to the running command.
func (r *Runner) waitStreamsClosed() {
	deadline := time.Now().Add(2 * time.Second)
	for r.Cluster.HTTP.ActiveStreams() > 0 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
}

func isAssignment(w string) bool { return shellwords.IsAssignment(w) }

func (r *Runner) kubectl(args []string, stdin string, limit time.Duration, env []string) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Kubectl[0], append(append([]string{}, r.Kubectl[1:]...), args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+r.kubeconfig, "KUBECACHEDIR="+filepath.Join(r.dir, "cache"),
		"KUBERC=off", "KUBECTL_KUBERC=false", "NO_COLOR=1", "HOME="+r.dir)
	cmd.Env = append(cmd.Env, r.Env...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Dir = r.Dir
	// Output goes straight through, so a watch or a followed log shows
	// each line as it comes, as in a terminal.
	w := &syncWriter{w: r.Out}
	cmd.Stdout, cmd.Stderr = w, w
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	r.waitStreamsClosed()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(r.Out, "kubectl: %v\n", err)
		return false
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	err := r.drive(done, limit, cancel, cmd.Process.Pid)
	if w.last != 0 && w.last != '\n' {
		// A terminal would show the next prompt on the same line; the
		// transcript starts the next command on its own.
		r.Out.Write([]byte("\n"))
	}
	return err == nil
}

// drive waits for a command. On a manual clock, time moves only while the
// command is blocked on the cluster — an open watch, a followed log, an
// exec — and the cluster has nothing left to do now: then the clock jumps
// to the next timer, exactly as if the command had waited that long. With
// limit (`timeout 30s kubectl get pods -w`) the command is stopped once
// that much cluster time has passed.
//
// "Blocked" must be certain, or the same script would print different
// ages from run to run: the command has a stream open, nothing was sent
// to it for a while, and (on Linux) all its threads sleep and it used no
// CPU over two consecutive samples.
func (r *Runner) drive(done chan error, limit time.Duration, cancel func(), pid int) error {
	c := r.Cluster
	start := c.Clock.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var last procSample
	quiet := 0
	// A command given no timeout that is still waiting after MaxWait of
	// cluster time (a finalizer nobody removes) would wait forever.
	maxWait := r.MaxWait
	if maxWait == 0 {
		maxWait = time.Hour
	}
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
		}
		if limit > 0 && !c.Clock.Now().Before(start.Add(limit)) {
			cancel()
			<-done
			return nil
		}
		if !c.Clock.Manual() || c.HTTP.ActiveStreams() == 0 || !c.Loop.Idle() || time.Since(c.HTTP.LastStreamWrite()) < 40*time.Millisecond {
			quiet = 0
			continue
		}
		cur := sampleProcess(pid)
		if cur.ok && (!cur.sleeping || cur.cpu != last.cpu) {
			last, quiet = cur, 0
			continue
		}
		last = cur
		quiet++
		// 150 ms of stillness: longer than the 100 ms polls kubectl's
		// informers sleep between, so a poller is not taken for a waiter.
		if quiet < 15 {
			continue
		}
		quiet = 0
		next, ok := c.Loop.NextTimer()
		if limit > 0 && (!ok || next.After(start.Add(limit))) {
			c.Loop.AdvanceTo(start.Add(limit))
			continue
		}
		if !ok || (limit == 0 && next.Sub(start) > maxWait) {
			// Nothing will ever happen: the command would wait forever.
			cancel()
			<-done
			fmt.Fprintln(r.Out, "(kubetour: the command was still waiting, but nothing that would end the wait is going to happen in the cluster; stopped it)")
			return fmt.Errorf("stuck")
		}
		c.Loop.AdvanceTo(next)
	}
}

// Exec runs one step without echoing it (the console already shows what
// was typed).
func (r *Runner) Exec(st Step) bool {
	settle := r.Cluster.Settle
	if r.Interactive {
		settle = r.Cluster.SettleEngine
	}
	settle()
	ok := r.step(st)
	settle()
	return ok
}
