package shell

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"kubetour/engine/apps"
)

// Signal is a POSIX signal number.
type Signal int

// The signals containers meet.
const (
	SIGINT  Signal = 2
	SIGKILL Signal = 9
	SIGTERM Signal = 15
)

// State is what a suspended machine waits for.
type State int

const (
	// Sleeping: resume with Step once Yield.Sleep has passed.
	Sleeping State = iota + 1
	// Blocked: nothing but a signal (or Kill) will move it (sleep
	// infinity, tail -f /dev/null, a server serving).
	Blocked
	// WaitingInput: resume with Feed or CloseInput.
	WaitingInput
	// Exited: the process is gone with Yield.Code.
	Exited
)

func (s State) String() string {
	return [...]string{"?", "sleeping", "blocked", "waiting-input", "exited"}[s]
}

// Yield is where a machine stopped.
type Yield struct {
	State State
	Sleep time.Duration // when Sleeping
	Code  int           // when Exited
}

// Config describes the process a machine runs.
type Config struct {
	Sys   Sys
	Image apps.Behaviour
	// Argv is the process: ["sh","-c","…"], ["sleep","3600"], ["nginx", …].
	Argv []string
	// Env is the environment, in order (env prints it in this order).
	Env []apps.EnvVar
	Dir string // working directory, "/" if empty
	// Stdin is read by RunSync only; Step drivers use Feed and CloseInput.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// TTY puts a terminal in front: prompts, echo, \r\n, ^C.
	TTY bool
	// PID1 is set for a container's main process: the kernel gives PID 1
	// no default signal actions, so SIGTERM does nothing to a shell that
	// does not trap it, and the runtime must SIGKILL after the grace period.
	PID1 bool
	// Context bounds network calls when driven by Step (RunSync uses its own).
	Context context.Context
}

// ExecError means the process could not start, worded as runc words it.
type ExecError struct {
	Name   string
	Reason string // "executable file not found in $PATH", "permission denied" …
}

func (e *ExecError) Error() string { return fmt.Sprintf("exec: %q: %s", e.Name, e.Reason) }

// Machine is one process running kubetour's shell or one of its programs,
// RESUMABLE: Step runs it until it sleeps, blocks, waits for input or
// exits, and returns there. The simulated runtime drives machines from the
// engine's single thread and schedules wake-ups on the cluster clock, so a
// cluster full of `while true; do …; sleep 5; done` loops stays
// deterministic.
//
// The interpreter is ordinary recursive Go code running as a coroutine
// (iter.Pull): it runs only between a call to Step/Feed/Signal and its next
// suspension, on the caller's goroutine, so there is no scheduling
// nondeterminism and no locking inside. A Machine must not be used from two
// goroutines at once.
type Machine struct {
	cfg    Config
	sys    Sys
	img    apps.Behaviour
	out    io.Writer
	errOut io.Writer
	ctx    context.Context

	next  func() (Yield, bool)
	stop  func()
	yield func(Yield) bool

	started, done, killed bool
	last                  Yield
	code                  int
	msg                   resume

	// stdin
	in      []byte // raw bytes not yet taken
	inEOF   bool
	cooked  []byte // TTY: finished lines waiting to be read
	line    []byte // TTY: the line being typed
	ttyEOF  bool   // TTY: ^D on an empty line
	fg      fgKind
	shells  []*shell // running shells, innermost last
	nextPid int      // for `ps` lines of child commands
}

type resume struct{ sig Signal }

type fgKind int

const (
	fgNone fgKind = iota
	fgSleep
	fgInput
	fgServer // an app that stops cleanly on its stop signal
)

// Control flow of the interpreter travels as panics, caught where the
// shell semantics say: exit at the shell boundary, kills at the top.
type (
	exitPanic      struct{ code int }
	killPanic      struct{ code int } // a signal's default action
	stopPanic      struct{}           // Kill: the coroutine is being torn down
	interruptPanic struct{}           // ^C in an interactive shell
	loopPanic      struct {
		brk bool
		n   int
	}
)

// New prepares a machine. It fails with *ExecError when argv[0] cannot be
// executed in the image, before anything runs (runc fails the same way).
func New(cfg Config) (*Machine, error) {
	if len(cfg.Argv) == 0 {
		return nil, &ExecError{Name: "", Reason: "no command specified"}
	}
	m := &Machine{cfg: cfg, sys: cfg.Sys, img: cfg.Image, ctx: cfg.Context}
	if m.ctx == nil {
		m.ctx = context.Background()
	}
	if m.cfg.Dir == "" {
		m.cfg.Dir = "/"
	}
	m.out, m.errOut = cfg.Stdout, cfg.Stderr
	if m.out == nil {
		m.out = io.Discard
	}
	if m.errOut == nil {
		m.errOut = io.Discard
	}
	if cfg.TTY {
		// A terminal turns \n into \r\n, and stderr and stdout share it.
		m.out = &crlfWriter{w: m.out}
		m.errOut = m.out
	}
	root := newShell(m, "sh", "", nil, m.envVars(), m.cfg.Dir)
	if _, err := root.resolveExec(cfg.Argv[0]); err != nil {
		return nil, err
	}
	m.next, m.stop = iter.Pull(m.body)
	return m, nil
}

func (m *Machine) envVars() []apps.EnvVar { return m.cfg.Env }

// body is the coroutine.
func (m *Machine) body(yield func(Yield) bool) {
	m.yield = yield
	defer func() {
		if r := recover(); r != nil {
			switch v := r.(type) {
			case exitPanic:
				m.code = v.code
			case killPanic:
				m.code = v.code
			case stopPanic:
				m.code = 137
			case interruptPanic:
				m.code = 130
			case loopPanic:
				m.code = 0
			default:
				// A bug in a builtin must not take the engine down: the
				// process dies as if it crashed.
				fmt.Fprintf(m.errOut, "sh: internal error: %v\n", r)
				m.code = 2
			}
		}
	}()
	root := newShell(m, "sh", "", nil, m.envVars(), m.cfg.Dir)
	root.root = true
	m.code = root.execArgv(m.cfg.Argv, nil, m.stdio(), true)
}

// stdio is the process's own standard streams.
func (m *Machine) stdio() stdio {
	return stdio{in: stdinReader{m}, out: m.out, err: m.errOut}
}

// wait suspends the coroutine with y until the driver resumes it.
func (m *Machine) wait(y Yield) resume {
	if m.killed {
		panic(stopPanic{})
	}
	if !m.yield(y) {
		m.killed = true
		panic(stopPanic{})
	}
	msg := m.msg
	m.msg = resume{}
	return msg
}

// resume runs the coroutine until its next suspension.
func (m *Machine) resume(msg resume) Yield {
	if m.done {
		return m.last
	}
	m.started = true
	m.msg = msg
	y, ok := m.next()
	if !ok {
		m.done = true
		y = Yield{State: Exited, Code: m.code}
	}
	m.last = y
	return y
}

// Step starts the machine, or resumes it after a sleep.
func (m *Machine) Step() Yield { return m.resume(resume{}) }

// Last is where the machine stopped last.
func (m *Machine) Last() Yield { return m.last }

// Done reports whether the process has exited.
func (m *Machine) Done() bool { return m.done }

// Feed gives the process input. It resumes the machine only if it was
// waiting for input; otherwise the bytes wait in the buffer.
func (m *Machine) Feed(data []byte) Yield {
	m.in = append(m.in, data...)
	if m.started && !m.done && m.last.State == WaitingInput {
		return m.resume(resume{})
	}
	return m.last
}

// CloseInput ends the input (EOF).
func (m *Machine) CloseInput() Yield {
	m.inEOF = true
	if m.started && !m.done && m.last.State == WaitingInput {
		return m.resume(resume{})
	}
	return m.last
}

// Signal delivers sig. It reports whether the process reacted; if not (a
// PID 1 shell ignoring SIGTERM) the machine was not resumed and keeps
// waiting where it was.
func (m *Machine) Signal(sig Signal) (Yield, bool) {
	if m.done || !m.started {
		return m.last, false
	}
	if sig == SIGKILL {
		m.Kill(137)
		return m.last, true
	}
	if !m.reacts(sig) {
		return m.last, false
	}
	return m.resume(resume{sig: sig}), true
}

// Kill ends the process at once with code (137 for SIGKILL, as the OOM
// killer and the grace-period kill do).
func (m *Machine) Kill(code int) {
	if m.done {
		return
	}
	m.killed = true
	m.stop() // unwinds the coroutine, running its deferred clean-ups
	m.done = true
	m.code = code
	m.last = Yield{State: Exited, Code: code}
}

// innermost is the shell that owns the foreground, or nil.
func (m *Machine) innermost() *shell {
	if len(m.shells) == 0 {
		return nil
	}
	return m.shells[len(m.shells)-1]
}

// reacts decides, without running the process, whether sig does anything.
func (m *Machine) reacts(sig Signal) bool {
	if sh := m.innermost(); sh != nil {
		if action, ok := sh.traps[sig]; ok {
			return action != ""
		}
		if sh.interactive {
			// Interactive shells ignore SIGTERM; ^C abandons the line.
			return sig == SIGINT
		}
	}
	if m.fg == fgServer {
		return true
	}
	return !m.cfg.PID1
}

// deliver acts on a signal inside the coroutine: run the trap, interrupt
// the interactive line, let a server stop, or die by the default action.
func (m *Machine) deliver(sig Signal) {
	if sh := m.innermost(); sh != nil {
		if action, ok := sh.traps[sig]; ok {
			if action != "" {
				sh.runTrap(action)
			}
			return
		}
		if sh.interactive && sig == SIGINT {
			panic(interruptPanic{})
		}
	}
	if m.fg == fgServer {
		return
	}
	panic(killPanic{code: 128 + int(sig)})
}

// sleep suspends for d on the driver's clock. It returns the signal that
// cut it short, or 0.
func (m *Machine) sleep(d time.Duration) Signal {
	prev := m.fg
	m.fg = fgSleep
	defer func() { m.fg = prev }()
	msg := m.wait(Yield{State: Sleeping, Sleep: d})
	if msg.sig != 0 {
		m.deliver(msg.sig)
		return msg.sig
	}
	return 0
}

// block suspends until a signal arrives and returns it.
func (m *Machine) block(kind fgKind) Signal {
	prev := m.fg
	m.fg = kind
	defer func() { m.fg = prev }()
	for {
		msg := m.wait(Yield{State: Blocked})
		if msg.sig != 0 {
			m.deliver(msg.sig)
			return msg.sig
		}
	}
}

// waitInput suspends until the driver feeds input or closes it.
func (m *Machine) waitInput() {
	prev := m.fg
	m.fg = fgInput
	msg := m.wait(Yield{State: WaitingInput})
	m.fg = prev
	if msg.sig != 0 {
		m.deliver(msg.sig)
	}
}

// stdinReader is the process's stdin as an io.Reader. With a TTY it is in
// canonical mode: bytes are echoed and handed over a line at a time.
type stdinReader struct{ m *Machine }

func (r stdinReader) Read(p []byte) (int, error) {
	m := r.m
	for {
		if m.cfg.TTY {
			if len(m.cooked) > 0 {
				n := copy(p, m.cooked)
				m.cooked = m.cooked[n:]
				return n, nil
			}
			if m.ttyEOF {
				m.ttyEOF = false
				return 0, io.EOF
			}
			if m.discipline() {
				continue
			}
		} else if len(m.in) > 0 {
			n := copy(p, m.in)
			m.in = m.in[n:]
			return n, nil
		}
		if m.inEOF {
			return 0, io.EOF
		}
		m.waitInput()
	}
}

// discipline is a terminal's line editing: echo, backspace, ^U, ^C, ^D.
// It returns true when it consumed input.
func (m *Machine) discipline() bool {
	if len(m.in) == 0 {
		return false
	}
	for len(m.in) > 0 {
		c := m.in[0]
		m.in = m.in[1:]
		switch {
		case c == '\r' || c == '\n':
			io.WriteString(m.out, "\r\n")
			m.cooked = append(append(m.cooked, m.line...), '\n')
			m.line = nil
			return true
		case c == 0x7f || c == 0x08:
			if n := len(m.line); n > 0 {
				// Drop a whole UTF-8 character.
				i := n - 1
				for i > 0 && m.line[i]&0xC0 == 0x80 {
					i--
				}
				m.line = m.line[:i]
				io.WriteString(m.out, "\b \b")
			}
		case c == 0x15: // ^U
			io.WriteString(m.out, strings.Repeat("\b \b", len([]rune(string(m.line)))))
			m.line = nil
		case c == 0x03: // ^C
			m.line = nil
			io.WriteString(m.out, "^C")
			m.deliver(SIGINT)
		case c == 0x04: // ^D
			if len(m.line) == 0 {
				m.ttyEOF = true
			} else {
				m.cooked = append(m.cooked, m.line...)
				m.line = nil
			}
			return true
		case c == 0x1b: // escape sequences (arrow keys) are swallowed
			if len(m.in) > 0 && m.in[0] == '[' {
				m.in = m.in[1:]
				for len(m.in) > 0 {
					d := m.in[0]
					m.in = m.in[1:]
					if d >= 0x40 && d <= 0x7e {
						break
					}
				}
			}
		case c == '\t' || c >= 0x20:
			m.line = append(m.line, c)
			m.out.Write([]byte{c})
		}
	}
	return true
}

// crlfWriter is a terminal's output processing: \n becomes \r\n.
type crlfWriter struct {
	w    io.Writer
	last byte
}

func (c *crlfWriter) Write(p []byte) (int, error) {
	var b []byte
	for _, ch := range p {
		if ch == '\n' && c.last != '\r' {
			b = append(b, '\r')
		}
		b = append(b, ch)
		c.last = ch
	}
	if _, err := c.w.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}
