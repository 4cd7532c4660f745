package shell

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"kubetour/engine/apps"
)

// specialBuiltins change the shell itself, so they cannot be programs.
var specialBuiltins map[string]func(sh *shell, args []string, io stdio) int

func init() {
	specialBuiltins = map[string]func(sh *shell, args []string, io stdio) int{
		":":        func(*shell, []string, stdio) int { return 0 },
		"cd":       biCd,
		"exit":     biExit,
		"export":   biExport,
		"unset":    biUnset,
		"set":      biSet,
		"trap":     biTrap,
		"shift":    biShift,
		"eval":     biEval,
		".":        biSource,
		"source":   biSource,
		"wait":     func(*shell, []string, stdio) int { return 0 },
		"read":     biRead,
		"exec":     biExec,
		"break":    biBreak,
		"continue": biBreak,
		"command":  biCommand,
		"type":     biType,
		"ulimit":   func(sh *shell, _ []string, io stdio) int { fmt.Fprintln(io.out, "unlimited"); return 0 },
		"umask":    func(sh *shell, _ []string, io stdio) int { fmt.Fprintln(io.out, "0022"); return 0 },
	}
}

// shellBuiltins are utilities the shell runs itself even without the file
// on PATH (echo, test …), as bash and ash do.
var shellBuiltins = map[string]bool{
	"echo": true, "printf": true, "test": true, "[": true, "true": true,
	"false": true, "pwd": true, "kill": true,
}

func biCd(sh *shell, args []string, io stdio) int {
	dir := ""
	if len(args) > 1 {
		dir = args[1]
	}
	switch dir {
	case "", "~":
		dir, _ = sh.getVar("HOME")
		if dir == "" {
			dir = "/root"
		}
	case "-":
		dir, _ = sh.getVar("OLDPWD")
		if dir == "" {
			sh.errorf(io.err, "cd: OLDPWD not set")
			return 1
		}
		fmt.Fprintln(io.out, dir)
	}
	target := sh.abs(dir)
	info, err := sh.fs().Stat(target)
	if err == nil && !info.IsDir() {
		err = syscall.ENOTDIR
	}
	if err != nil {
		switch sh.dialect {
		case "dash":
			sh.errorf(io.err, "cd: can't cd to %s", dir)
		case "ash":
			sh.errorf(io.err, "cd: can't cd to %s: %s", dir, errnoText(err))
		default:
			sh.errorf(io.err, "cd: %s: %s", dir, errnoText(err))
		}
		return 1
	}
	sh.setVar("OLDPWD", sh.cwd)
	sh.cwd = target
	sh.setVar("PWD", target)
	return 0
}

func biExit(sh *shell, args []string, io stdio) int {
	code := sh.status
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			sh.errorf(io.err, "exit: %s: numeric argument required", args[1])
			n = 2
		}
		code = n & 0xff
	}
	if sh.interactive && sh.dialect == "bash" {
		fmt.Fprint(io.err, "exit\n")
	}
	panic(exitPanic{code: code})
}

func biExport(sh *shell, args []string, io stdio) int {
	if len(args) == 1 || args[1] == "-p" {
		names := append([]string(nil), sh.order...)
		sort.Strings(names)
		for _, n := range names {
			if v := sh.vars[n]; v.exported {
				if sh.dialect == "bash" {
					fmt.Fprintf(io.out, "declare -x %s=%q\n", n, v.value)
				} else {
					fmt.Fprintf(io.out, "export %s='%s'\n", n, v.value)
				}
			}
		}
		return 0
	}
	for _, a := range args[1:] {
		name, val, hasVal := strings.Cut(a, "=")
		if !isName(name) {
			sh.errorf(io.err, "export: `%s': not a valid identifier", a)
			return 1
		}
		if hasVal {
			sh.setVar(name, val)
		} else if _, ok := sh.vars[name]; !ok {
			sh.setVar(name, "")
			sh.vars[name].exported = true
			// bash exports a name with no value only once it is set;
			// env still lists it empty in sh, which is close enough.
			continue
		}
		sh.vars[name].exported = true
	}
	return 0
}

func biUnset(sh *shell, args []string, io stdio) int {
	for _, a := range args[1:] {
		if a == "-v" || a == "-f" {
			continue
		}
		sh.unsetVar(a)
	}
	return 0
}

func biSet(sh *shell, args []string, io stdio) int {
	if len(args) == 1 {
		names := append([]string(nil), sh.order...)
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(io.out, "%s='%s'\n", n, sh.vars[n].value)
		}
		return 0
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			sh.args = append([]string(nil), args[i+1:]...)
			return 0
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			sh.args = append([]string(nil), args[i:]...)
			return 0
		}
		on := a[0] == '-'
		for _, f := range a[1:] {
			switch f {
			case 'e':
				sh.errexit = on
			case 'x':
				sh.xtrace = on
			case 'o':
				i++ // pipefail, nounset …: accepted, not modelled
			}
		}
	}
	return 0
}

// signalNames maps trap and kill names to signals.
var signalNames = map[string]Signal{
	"EXIT": exitTrap, "0": exitTrap,
	"INT": SIGINT, "SIGINT": SIGINT, "2": SIGINT,
	"TERM": SIGTERM, "SIGTERM": SIGTERM, "15": SIGTERM,
	"KILL": SIGKILL, "SIGKILL": SIGKILL, "9": SIGKILL,
	"HUP": 1, "SIGHUP": 1, "1": 1, "QUIT": 3, "SIGQUIT": 3, "3": 3,
	"USR1": 10, "SIGUSR1": 10, "USR2": 12, "SIGUSR2": 12,
}

var signalTitle = map[Signal]string{exitTrap: "EXIT", 1: "SIGHUP", SIGINT: "SIGINT", 3: "SIGQUIT", SIGKILL: "SIGKILL", 10: "SIGUSR1", 12: "SIGUSR2", SIGTERM: "SIGTERM"}

func biTrap(sh *shell, args []string, io stdio) int {
	if len(args) == 1 {
		sigs := make([]int, 0, len(sh.traps))
		for s := range sh.traps {
			sigs = append(sigs, int(s))
		}
		sort.Ints(sigs)
		for _, s := range sigs {
			fmt.Fprintf(io.out, "trap -- '%s' %s\n", sh.traps[Signal(s)], signalTitle[Signal(s)])
		}
		return 0
	}
	action := args[1]
	sigs := args[2:]
	if len(sigs) == 0 { // trap SIG: reset
		sigs, action = args[1:], "-"
	}
	for _, name := range sigs {
		sig, ok := signalNames[strings.ToUpper(name)]
		if !ok {
			sh.errorf(io.err, "trap: %s: invalid signal specification", name)
			return 1
		}
		if sig == SIGKILL {
			continue // cannot be caught
		}
		if action == "-" {
			delete(sh.traps, sig)
		} else {
			sh.traps[sig] = action
		}
	}
	return 0
}

func biShift(sh *shell, args []string, io stdio) int {
	n := 1
	if len(args) > 1 {
		n, _ = strconv.Atoi(args[1])
	}
	if n > len(sh.args) {
		return 1
	}
	sh.args = sh.args[n:]
	return 0
}

func biEval(sh *shell, args []string, io stdio) int {
	prog, err := Parse(strings.Join(args[1:], " "))
	if err != nil {
		sh.syntaxError(io.err, err, strings.Join(args[1:], " "))
		return 2
	}
	return sh.runList(prog, io)
}

func biSource(sh *shell, args []string, io stdio) int {
	if len(args) < 2 {
		sh.errorf(io.err, "%s: filename argument required", args[0])
		return 2
	}
	data, err := sh.fs().ReadFile(sh.abs(args[1]))
	if err != nil {
		sh.errorf(io.err, "%s: %s", args[1], errnoText(err))
		return 1
	}
	prog, err := Parse(string(data))
	if err != nil {
		sh.syntaxError(io.err, err, string(data))
		return 2
	}
	return sh.runList(prog, io)
}

func biRead(sh *shell, args []string, io stdio) int {
	var names []string
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case "-r":
		case "-p":
			if i+1 < len(args) {
				fmt.Fprint(io.err, args[i+1])
				i++
			}
		default:
			names = append(names, args[i])
		}
	}
	if len(names) == 0 {
		names = []string{"REPLY"}
	}
	lr := &lineReader{r: &byteReader{io.in}}
	line, err := lr.readLine()
	if err != nil && line == "" {
		return 1
	}
	line = strings.TrimRight(line, "\n")
	fields := strings.Fields(line)
	for i, n := range names {
		switch {
		case i == len(names)-1 && i < len(fields):
			// The last name takes the rest of the line.
			rest := line
			for j := 0; j < i; j++ {
				rest = strings.TrimLeft(rest, " \t")
				rest = rest[len(fields[j]):]
			}
			sh.setVar(n, strings.TrimSpace(rest))
		case i < len(fields):
			sh.setVar(n, fields[i])
		default:
			sh.setVar(n, "")
		}
	}
	return 0
}

// byteReader reads one byte at a time, so that read leaves the rest of the
// input to the next command.
type byteReader struct {
	r interface{ Read([]byte) (int, error) }
}

func (b *byteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return b.r.Read(p)
}

func biExec(sh *shell, args []string, io stdio) int {
	if len(args) == 1 {
		return 0
	}
	panic(exitPanic{code: sh.execArgv(args[1:], nil, io, false)})
}

func biBreak(sh *shell, args []string, io stdio) int {
	n := 1
	if len(args) > 1 {
		n, _ = strconv.Atoi(args[1])
		if n < 1 {
			n = 1
		}
	}
	if sh.loopDepth == 0 {
		if sh.dialect == "bash" {
			sh.errorf(io.err, "%s: only meaningful in a `for', `while', or `until' loop", args[0])
		}
		return 0
	}
	if n > sh.loopDepth {
		n = sh.loopDepth
	}
	panic(loopPanic{brk: args[0] == "break", n: n})
}

// describe says what a name would run, for command -v and type.
func (sh *shell) describe(name string) (string, bool) {
	if _, ok := specialBuiltins[name]; ok {
		return "builtin", true
	}
	if shellBuiltins[name] {
		return "builtin", true
	}
	t, err := sh.resolveExec(name)
	if err != nil {
		return "", false
	}
	return t.path, true
}

func biCommand(sh *shell, args []string, io stdio) int {
	if len(args) >= 3 && (args[1] == "-v" || args[1] == "-V") {
		st := 0
		for _, n := range args[2:] {
			d, ok := sh.describe(n)
			if !ok {
				st = 1
				continue
			}
			if d == "builtin" {
				d = n
			}
			fmt.Fprintln(io.out, d)
		}
		return st
	}
	if len(args) == 1 {
		return 0
	}
	return sh.execArgv(args[1:], nil, io, false)
}

func biType(sh *shell, args []string, io stdio) int {
	st := 0
	for _, n := range args[1:] {
		d, ok := sh.describe(n)
		switch {
		case !ok:
			sh.errorf(io.err, "type: %s: not found", n)
			st = 1
		case d == "builtin":
			fmt.Fprintf(io.out, "%s is a shell builtin\n", n)
		default:
			fmt.Fprintf(io.out, "%s is %s\n", n, d)
		}
	}
	return st
}

// cmd is a utility's invocation.
type cmd struct {
	sh   *shell
	name string
	args []string
	io   stdio
	env  []apps.EnvVar
	tool string // for programs: which one
}

// errf prints "name: message" on stderr, as utilities do.
func (c *cmd) errf(format string, args ...any) {
	fmt.Fprintf(c.io.err, c.base()+": "+format+"\n", args...)
}

func (c *cmd) base() string {
	n := c.name
	if i := strings.LastIndex(n, "/"); i >= 0 {
		n = n[i+1:]
	}
	return n
}

func (c *cmd) m() *Machine { return c.sh.m }

func (c *cmd) busybox() bool { return c.sh.m.img.Userland.Coreutils == "busybox" }
