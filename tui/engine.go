package tui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"time"

	"kubetour/engine"
	"kubetour/engine/events"
	"kubetour/script"
)

// Cluster is what the TUI asks of the engine: the facade's read side, its
// time controls and Stop. *engine.Cluster satisfies it; tests and
// benchmarks can stand in for it. Every call is made from a tea.Cmd,
// never from Update or View.
type Cluster interface {
	Snapshot() engine.Snapshot
	Subscribe() *events.Subscription
	History() []events.Event
	Isolation(ctx context.Context, ns, pod string) (*engine.Isolation, error)
	LastScheduling(ns, pod string) (engine.SchedulingDecision, bool)
	ClockInfo() engine.ClockInfo
	RuntimeName() string
	SetSpeed(factor float64)
	Pause()
	Resume()
	Step(d time.Duration)
	Stop()
}

var _ Cluster = (*engine.Cluster)(nil)

// CommandRunner runs one console command and writes what it prints to out,
// as `kubetour script` would print it. env is added to the command's
// environment.
type CommandRunner interface {
	Run(st script.Step, out io.Writer, env []string) bool
}

// ScriptRunner runs commands through a prepared script.Runner: the console
// prints exactly what `kubetour script` prints for the same command.
type ScriptRunner struct{ R *script.Runner }

// Run implements CommandRunner. Each command runs on a copy of the runner
// with its own output, so the console and the objects view's describe can
// run at the same time.
func (s ScriptRunner) Run(st script.Step, out io.Writer, env []string) bool {
	r := *s.R
	r.Out = out
	r.Env = append(append([]string(nil), s.R.Env...), env...)
	r.FailFast = false
	r.Interactive = true
	return r.Exec(st)
}

// runCapture runs a command and returns what it printed.
func runCapture(r CommandRunner, args []string) (string, bool) {
	var b bytes.Buffer
	ok := r.Run(script.Step{Args: args, Text: joinArgs(args)}, &b, nil)
	return b.String(), ok
}

// joinArgs writes args back as a command line, quoting what needs it.
func joinArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"\\$`") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
