package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"syscall"

	"kubetour/engine/apps"
)

// stdio are a command's standard streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

type variable struct {
	value    string
	exported bool
}

// shell is one running shell (or, for a process that is not a shell, the
// context its program runs in). Nested `sh -c` get their own.
type shell struct {
	m           *Machine
	bin         string // "sh" or "bash": which binary this is
	name        string // $0, used in messages
	dialect     string // "bash", "dash", "ash"
	args        []string
	vars        map[string]*variable
	order       []string // variable names, first-set order (env prints it)
	status      int
	cwd         string
	traps       map[Signal]string
	interactive bool
	errexit     bool
	xtrace      bool
	condDepth   int // >0 while running an if/while condition: no errexit
	loopDepth   int
	// root marks the context of a process that is not a shell (sleep 3600,
	// nginx): its first command is the process itself.
	root bool
	// substRan is set when a command substitution ran during expansion.
	substRan bool
}

// exitTrap is the pseudo-signal of `trap … EXIT`.
const exitTrap Signal = 0

func newShell(m *Machine, bin, name string, args []string, env []apps.EnvVar, cwd string) *shell {
	sh := &shell{
		m: m, bin: bin, name: name, args: args, cwd: cwd,
		vars: map[string]*variable{}, traps: map[Signal]string{},
	}
	sh.dialect = m.img.Userland.Sh
	if sh.dialect == "" {
		sh.dialect = "ash"
	}
	if bin == "bash" {
		sh.dialect = "bash"
	}
	for _, e := range env {
		sh.setVar(e.Name, e.Value)
		sh.vars[e.Name].exported = true
	}
	return sh
}

// fork copies the shell for a subshell: ( … ), $( … ), pipeline parts.
func (sh *shell) fork() *shell {
	c := *sh
	c.vars = make(map[string]*variable, len(sh.vars))
	for k, v := range sh.vars {
		vv := *v
		c.vars[k] = &vv
	}
	c.order = append([]string(nil), sh.order...)
	c.args = append([]string(nil), sh.args...)
	c.traps = map[Signal]string{}
	for sig, a := range sh.traps {
		if a == "" { // ignored signals stay ignored in subshells
			c.traps[sig] = ""
		}
	}
	c.interactive = false
	return &c
}

func (sh *shell) getVar(name string) (string, bool) {
	v, ok := sh.vars[name]
	if !ok {
		return "", false
	}
	return v.value, true
}

func (sh *shell) setVar(name, value string) {
	if v, ok := sh.vars[name]; ok {
		v.value = value
		return
	}
	sh.vars[name] = &variable{value: value}
	sh.order = append(sh.order, name)
}

func (sh *shell) unsetVar(name string) {
	if _, ok := sh.vars[name]; !ok {
		return
	}
	delete(sh.vars, name)
	for i, n := range sh.order {
		if n == name {
			sh.order = append(sh.order[:i:i], sh.order[i+1:]...)
			break
		}
	}
}

// environ is the exported environment, in order, with extra assignments
// (FOO=1 cmd) applied on top.
func (sh *shell) environ(extra []apps.EnvVar) []apps.EnvVar {
	var env []apps.EnvVar
	seen := map[string]int{}
	for _, n := range sh.order {
		if v := sh.vars[n]; v.exported {
			seen[n] = len(env)
			env = append(env, apps.EnvVar{Name: n, Value: v.value})
		}
	}
	for _, e := range extra {
		if i, ok := seen[e.Name]; ok {
			env[i].Value = e.Value
			continue
		}
		seen[e.Name] = len(env)
		env = append(env, e)
	}
	return env
}

// abs makes p absolute against the working directory.
func (sh *shell) abs(p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join(sh.cwd, p)
}

func (sh *shell) fs() FileSystem { return sh.m.sys.FS() }

// prefix starts a shell error message the way the dialect does:
// "sh: ", "sh: 1: " (dash), "bash: line 1: " (bash 5 scripts).
func (sh *shell) prefix() string {
	switch sh.dialect {
	case "dash":
		return sh.name + ": 1: "
	case "bash":
		if !sh.interactive && sh.bin == "bash" && bashAtLeast(sh.m.img.Userland.BashVersion, 5, 1) && sh.name != "" {
			return sh.name + ": line 1: "
		}
	}
	return sh.name + ": "
}

func bashAtLeast(v string, major, minor int) bool {
	parts := strings.SplitN(v, ".", 2)
	if len(parts) < 2 {
		return false
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	return a > major || (a == major && b >= minor)
}

// errorf prints a shell diagnostic on stderr.
func (sh *shell) errorf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, sh.prefix()+format+"\n", args...)
}

// errnoText is strerror(3): shells and coreutils print these words.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.ENOENT:
			return "No such file or directory"
		case syscall.EEXIST:
			return "File exists"
		case syscall.ENOTDIR:
			return "Not a directory"
		case syscall.EISDIR:
			return "Is a directory"
		case syscall.EROFS:
			return "Read-only file system"
		case syscall.ENOTEMPTY:
			return "Directory not empty"
		case syscall.EBUSY:
			return "Device or resource busy"
		case syscall.EACCES:
			return "Permission denied"
		case syscall.EINVAL:
			return "Invalid argument"
		}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// runList runs a list and returns the last status.
func (sh *shell) runList(l *List, io stdio) int {
	if l == nil {
		return sh.status
	}
	for _, ao := range l.Items {
		sh.status = sh.runAndOr(ao, io)
	}
	return sh.status
}

func (sh *shell) runAndOr(ao *AndOr, io stdio) int {
	last := len(ao.Pipes) - 1
	st := 0
	for i, pl := range ao.Pipes {
		if i > 0 {
			op := ao.Ops[i-1]
			if (op == "&&" && st != 0) || (op == "||" && st == 0) {
				continue
			}
		}
		// Only the last pipeline of an && / || chain can trip set -e.
		if i < last {
			sh.condDepth++
		}
		st = sh.runPipeline(pl, io)
		if i < last {
			sh.condDepth--
		}
		sh.status = st
		if i == last && st != 0 && sh.errexit && sh.condDepth == 0 && !pl.Negate {
			panic(exitPanic{code: st})
		}
	}
	return st
}

func (sh *shell) runPipeline(pl *Pipeline, io stdio) int {
	var st int
	if len(pl.Cmds) == 1 {
		st = sh.runCommand(pl.Cmds[0], io)
	} else {
		// Pipelines run one command after the other, each reading what the
		// previous one wrote: enough for `cat f | grep x | wc -l`, not for
		// endless producers (documented).
		in := io.in
		for i, c := range pl.Cmds {
			cio := io
			cio.in = in
			var buf *bytes.Buffer
			if i < len(pl.Cmds)-1 {
				buf = &bytes.Buffer{}
				cio.out = buf
			}
			st = sh.fork().runCommand(c, cio)
			if buf != nil {
				in = bytes.NewReader(buf.Bytes())
			}
		}
	}
	if pl.Negate {
		if st == 0 {
			st = 1
		} else {
			st = 0
		}
	}
	return st
}

func (sh *shell) runCommand(c Command, io stdio) int {
	if s, ok := c.(*SimpleCmd); ok {
		return sh.runSimple(s, io)
	}
	rio, closeAll, ok := sh.redirect(c.redirs(), io)
	if !ok {
		return 1
	}
	defer closeAll()
	switch c := c.(type) {
	case *Block:
		if c.Subshell {
			return sh.fork().runSubshell(c.Body, rio)
		}
		return sh.runList(c.Body, rio)
	case *Loop:
		return sh.runLoop(c, rio)
	case *For:
		return sh.runFor(c, rio)
	case *If:
		for i, cond := range c.Conds {
			sh.condDepth++
			st := sh.runList(cond, rio)
			sh.condDepth--
			if st == 0 {
				return sh.runList(c.Bodies[i], rio)
			}
		}
		if c.Else != nil {
			return sh.runList(c.Else, rio)
		}
		return 0
	}
	return 0
}

// runSubshell runs a list where exit ends only the subshell.
func (sh *shell) runSubshell(l *List, io stdio) (st int) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(exitPanic); ok {
				st = e.code
				return
			}
			panic(r)
		}
	}()
	return sh.runList(l, io)
}

// loopBody runs a loop body, turning break/continue into results.
func (sh *shell) loopBody(l *List, io stdio) (brk bool, levels int) {
	depth := sh.condDepth
	defer func() {
		if r := recover(); r != nil {
			lp, ok := r.(loopPanic)
			if !ok {
				panic(r)
			}
			brk, levels = lp.brk, lp.n
			sh.condDepth = depth
		}
	}()
	sh.runList(l, io)
	return false, 0
}

// loopControl handles a break/continue aimed at this loop or an outer one.
func loopControl(brk bool, levels int) (stop bool) {
	if levels > 1 {
		panic(loopPanic{brk: brk, n: levels - 1})
	}
	return brk
}

func (sh *shell) runLoop(c *Loop, io stdio) int {
	sh.loopDepth++
	defer func() { sh.loopDepth-- }()
	st := 0
	for {
		sh.condDepth++
		cond := sh.runList(c.Cond, io)
		sh.condDepth--
		if (cond == 0) == c.Until {
			break
		}
		brk, levels := sh.loopBody(c.Body, io)
		st = sh.status
		if levels > 0 && loopControl(brk, levels) {
			break
		}
	}
	return st
}

func (sh *shell) runFor(c *For, io stdio) int {
	items := sh.args
	if c.HasIn {
		items = sh.expandWords(c.Items, io)
	}
	sh.loopDepth++
	defer func() { sh.loopDepth-- }()
	st := 0
	for _, it := range items {
		sh.setVar(c.Var, it)
		brk, levels := sh.loopBody(c.Body, io)
		st = sh.status
		if levels > 0 && loopControl(brk, levels) {
			break
		}
	}
	return st
}

// runSimple expands and runs one simple command.
func (sh *shell) runSimple(c *SimpleCmd, io stdio) int {
	sh.substRan = false
	args := sh.expandWords(c.Args, io)
	if len(args) == 0 {
		for _, a := range c.Assigns {
			sh.setVar(a.Name, sh.expandWord1(a.Value, io))
		}
		st := 0
		if sh.substRan {
			st = sh.status // x=$(false) sets $? to 1
		}
		_, closeAll, ok := sh.redirect(c.Redirs, io)
		if !ok {
			return 1
		}
		closeAll()
		return st
	}
	var extra []apps.EnvVar
	for _, a := range c.Assigns {
		extra = append(extra, apps.EnvVar{Name: a.Name, Value: sh.expandWord1(a.Value, io)})
	}
	rio, closeAll, ok := sh.redirect(c.Redirs, io)
	if !ok {
		return 1
	}
	defer closeAll()
	if sh.xtrace {
		fmt.Fprintf(rio.err, "+ %s\n", strings.Join(args, " "))
	}
	return sh.execArgv(args, extra, rio, false)
}

// redirect applies redirections. On failure it prints the shell's message.
func (sh *shell) redirect(rs []*Redir, sio stdio) (stdio, func(), bool) {
	var closers []func() error
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	for _, r := range rs {
		fields := sh.expandWords([]*Word{r.Target}, sio)
		if len(fields) != 1 {
			sh.errorf(sio.err, "%s: ambiguous redirect", wordText(r.Target))
			closeAll()
			return sio, func() {}, false
		}
		target := fields[0]
		if r.Op == ">&" || r.Op == "<&" {
			var w io.Writer
			switch target {
			case "1":
				w = sio.out
			case "2":
				w = sio.err
			case "-":
				w = discard{}
			}
			if w != nil {
				switch r.Fd {
				case 1:
					sio.out = w
				case 2:
					sio.err = w
				case 0:
				}
				continue
			}
			if r.Op == "<&" {
				continue
			}
			r = &Redir{Fd: -1, Op: ">", Target: r.Target} // >& file is &> file
		}
		switch r.Op {
		case ">", ">>":
			var w io.Writer
			switch target {
			case "/dev/stdout":
				w = sio.out
			case "/dev/stderr":
				w = sio.err
			default:
				f, err := sh.fs().OpenWriter(sh.abs(target), r.Op == ">>")
				if err != nil {
					sh.createError(sio.err, target, err)
					closeAll()
					return sio, func() {}, false
				}
				closers = append(closers, f.Close)
				w = f
			}
			switch r.Fd {
			case 1:
				sio.out = w
			case 2:
				sio.err = w
			case -1:
				sio.out, sio.err = w, w
			}
		case "<":
			data, err := sh.fs().ReadFile(sh.abs(target))
			if err != nil {
				switch sh.dialect {
				case "dash":
					sh.errorf(sio.err, "cannot open %s: No such file", target)
				case "ash":
					sh.errorf(sio.err, "can't open '%s': %s", target, errnoText(err))
				default:
					sh.errorf(sio.err, "%s: %s", target, errnoText(err))
				}
				closeAll()
				return sio, func() {}, false
			}
			if r.Fd == 0 {
				sio.in = bytes.NewReader(data)
			}
		}
	}
	return sio, closeAll, true
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// createError reports a failed output redirection.
func (sh *shell) createError(w io.Writer, target string, err error) {
	text := errnoText(err)
	switch sh.dialect {
	case "dash":
		if errors.Is(err, syscall.ENOENT) {
			text = "Directory nonexistent"
		}
		sh.errorf(w, "cannot create %s: %s", target, text)
	case "ash":
		if errors.Is(err, syscall.ENOENT) {
			text = "nonexistent directory"
		}
		sh.errorf(w, "can't create %s: %s", target, text)
	default:
		sh.errorf(w, "%s: %s", target, text)
	}
}

// wordText is a word's source text, for messages.
func wordText(w *Word) string {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case Lit:
			b.WriteString(p.Text)
		case SglQuoted:
			b.WriteString("'" + p.Text + "'")
		case *Param:
			b.WriteString("$" + p.Name)
		default:
			b.WriteString("…")
		}
	}
	return b.String()
}

// runTrap runs a trap's command text in this shell.
func (sh *shell) runTrap(action string) {
	prog, err := Parse(action)
	if err != nil {
		return
	}
	saved := sh.status
	sh.runList(prog, sh.m.stdio())
	sh.status = saved
}
