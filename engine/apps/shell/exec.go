package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"syscall"

	"kubetour/engine/apps"
)

// Executables in a kubetour image are stub files whose content names the
// tool that implements them: `ls /bin` shows a real-looking list, `rm
// /usr/bin/curl` really removes curl, and PATH lookups go through the
// container's file system as they do in Linux.
const stubMagic = "\x7fELF\x02\x01\x01\x00kubetour:"

// Stub is the content of an executable file run by tool.
func Stub(tool string) []byte { return []byte(stubMagic + tool + "\n") }

func parseStub(data []byte) (string, bool) {
	if !bytes.HasPrefix(data, []byte(stubMagic)) {
		return "", false
	}
	return strings.TrimSpace(string(data[len(stubMagic):])), true
}

type targetKind int

const (
	tUtility targetKind = iota + 1
	tShell
	tProgram
	tScript
)

type target struct {
	kind targetKind
	tool string // utility, shell or program name
	path string // the file found
	data []byte // script content
}

var shellBins = map[string]string{"sh": "sh", "bash": "bash", "ash": "sh", "dash": "sh"}

// resolveExec finds what running name means in this image: a PATH search
// through the file system (or the path given), as execvp does.
func (sh *shell) resolveExec(name string) (target, error) {
	if name == "" {
		return target{}, &ExecError{Name: name, Reason: "executable file not found in $PATH"}
	}
	if strings.Contains(name, "/") {
		p := sh.abs(name)
		t, err := sh.fileTarget(p)
		if err != nil {
			if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ENOTDIR) {
				return target{}, &ExecError{Name: name, Reason: "stat " + p + ": no such file or directory"}
			}
			return target{}, &ExecError{Name: name, Reason: "permission denied"}
		}
		return t, nil
	}
	pathVar, ok := sh.getVar("PATH")
	if !ok {
		pathVar = sh.m.img.Userland.Path
	}
	for _, dir := range strings.Split(pathVar, ":") {
		if dir == "" {
			dir = "."
		}
		t, err := sh.fileTarget(path.Join(sh.abs(dir), name))
		if err == nil {
			return t, nil
		}
	}
	return target{}, &ExecError{Name: name, Reason: "executable file not found in $PATH"}
}

func (sh *shell) fileTarget(p string) (target, error) {
	info, err := sh.fs().Stat(p)
	if err != nil {
		return target{}, err
	}
	if info.IsDir() || info.Mode()&0o111 == 0 {
		return target{}, syscall.EACCES
	}
	data, err := sh.fs().ReadFile(p)
	if err != nil {
		return target{}, err
	}
	tool, ok := parseStub(data)
	if !ok {
		return target{kind: tScript, path: p, data: data}, nil
	}
	switch {
	case shellBins[tool] != "":
		return target{kind: tShell, tool: shellBins[tool], path: p}, nil
	case utilities[tool] != nil:
		return target{kind: tUtility, tool: tool, path: p}, nil
	case programs[tool] != nil || sh.m.img.IsProgram(tool):
		return target{kind: tProgram, tool: tool, path: p}, nil
	}
	return target{}, syscall.EACCES
}

// execArgv runs a command: the shell's own builtins first (not for a
// process's first command, which has no shell around it), then what the
// image has on its PATH.
func (sh *shell) execArgv(args []string, extra []apps.EnvVar, io stdio, top bool) int {
	name := args[0]
	if !top {
		if fn, ok := specialBuiltins[name]; ok {
			return fn(sh, args, io)
		}
		if fn, ok := utilities[name]; ok && shellBuiltins[name] {
			return fn(&cmd{sh: sh, name: name, args: args[1:], io: io, env: sh.environ(extra)})
		}
	}
	t, err := sh.resolveExec(name)
	if err != nil {
		return sh.notFound(name, err, io)
	}
	return sh.runTarget(t, args, extra, io)
}

// notFound prints the shell's message for a command it cannot run.
func (sh *shell) notFound(name string, err error, io stdio) int {
	var ee *ExecError
	denied := errors.As(err, &ee) && ee.Reason == "permission denied"
	switch {
	case denied:
		sh.errorf(io.err, "%s: Permission denied", name)
		return 126
	case sh.dialect == "bash" && strings.Contains(name, "/"):
		sh.errorf(io.err, "%s: No such file or directory", name)
	case sh.dialect == "bash":
		sh.errorf(io.err, "%s: command not found", name)
	default:
		sh.errorf(io.err, "%s: not found", name)
	}
	return 127
}

func (sh *shell) runTarget(t target, args []string, extra []apps.EnvVar, io stdio) int {
	switch t.kind {
	case tShell:
		child := newShell(sh.m, t.tool, args[0], nil, sh.environ(extra), sh.cwd)
		return child.main(args[1:], io)
	case tUtility:
		return utilities[t.tool](&cmd{sh: sh, name: args[0], args: args[1:], io: io, env: sh.environ(extra)})
	case tProgram:
		fn := programs[t.tool]
		if fn == nil {
			fn = progServe
		}
		return fn(&cmd{sh: sh, name: args[0], args: args[1:], io: io, env: sh.environ(extra), tool: t.tool})
	case tScript:
		bin := "sh"
		if bytes.HasPrefix(t.data, []byte("#!")) {
			line, _, _ := strings.Cut(string(t.data[2:]), "\n")
			interp := strings.Fields(line)
			if len(interp) == 0 {
				interp = []string{"/bin/sh"}
			}
			it, err := sh.resolveExec(interp[0])
			if err != nil || it.kind != tShell {
				sh.errorf(io.err, "%s: %s: bad interpreter: No such file or directory", args[0], interp[0])
				return 126
			}
			bin = it.tool
		}
		child := newShell(sh.m, bin, t.path, args[1:], sh.environ(extra), sh.cwd)
		return child.runScript(string(t.data), io)
	}
	return 127
}

// main is a shell binary's entry: sh -c '…', sh script, sh (reading stdin).
func (sh *shell) main(argv []string, io stdio) (code int) {
	sh.m.shells = append(sh.m.shells, sh)
	defer func() { sh.m.shells = sh.m.shells[:len(sh.m.shells)-1] }()

	var script *string
	forceInteractive := false
	i := 0
	for ; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			i++
			break
		}
		if a == "--login" || a == "--norc" || a == "--noprofile" {
			continue
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		on := a[0] == '-'
		for _, f := range a[1:] {
			switch f {
			case 'c':
				if script == nil {
					s := ""
					script = &s
				}
			case 'e':
				sh.errexit = on
			case 'x':
				sh.xtrace = on
			case 'i':
				forceInteractive = on
			case 'l', 's', 'u', 'o':
			default:
				fmt.Fprintf(io.err, "%s: -%c: invalid option\n", sh.name, f)
				return 2
			}
		}
	}
	rest := argv[i:]
	switch {
	case script != nil:
		if len(rest) == 0 {
			fmt.Fprintf(io.err, "%s: -c: option requires an argument\n", sh.name)
			return 2
		}
		*script = rest[0]
		if len(rest) > 1 {
			sh.name = rest[1]
			sh.args = rest[2:]
		}
		return sh.runScript(*script, io)
	case len(rest) > 0:
		file := rest[0]
		data, err := sh.fs().ReadFile(sh.abs(file))
		if err != nil {
			switch sh.dialect {
			case "dash":
				fmt.Fprintf(io.err, "%s: 0: cannot open %s: No such file\n", sh.name, file)
				return 2
			case "ash":
				fmt.Fprintf(io.err, "%s: can't open '%s': %s\n", sh.name, file, errnoText(err))
				return 2
			}
			fmt.Fprintf(io.err, "%s: %s: %s\n", sh.name, file, errnoText(err))
			return 127
		}
		sh.name, sh.args = file, rest[1:]
		return sh.runScript(string(data), io)
	}
	sh.interactive = forceInteractive || sh.m.cfg.TTY
	return sh.repl(io)
}

// runScript parses and runs a whole program; exit ends it.
func (sh *shell) runScript(src string, io stdio) (code int) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitPanic)
			if !ok {
				panic(r)
			}
			code = sh.atExit(e.code, io)
		}
	}()
	prog, err := Parse(src)
	if err != nil {
		sh.syntaxError(io.err, err, src)
		return 2
	}
	return sh.atExit(sh.runList(prog, io), io)
}

// atExit runs the EXIT trap.
func (sh *shell) atExit(code int, io stdio) int {
	if action, ok := sh.traps[exitTrap]; ok && action != "" {
		delete(sh.traps, exitTrap)
		sh.status = code
		sh.runTrap(action)
	}
	return code
}

// syntaxError reports a parse failure in the dialect's words.
func (sh *shell) syntaxError(w io.Writer, err error, src string) {
	var se *SyntaxError
	if !errors.As(err, &se) {
		fmt.Fprintf(w, "%s: %v\n", sh.name, err)
		return
	}
	if se.Msg != "" {
		fmt.Fprintf(w, "%s: %s\n", sh.name, se.Msg)
		return
	}
	tok := se.Token
	end := se.Incomplete || tok == ""
	switch sh.dialect {
	case "dash":
		if end {
			fmt.Fprintf(w, "%s: 1: Syntax error: end of file unexpected\n", sh.name)
		} else {
			fmt.Fprintf(w, "%s: 1: Syntax error: %q unexpected\n", sh.name, tok)
		}
	case "ash":
		if end {
			fmt.Fprintf(w, "%s: syntax error: unexpected end of file\n", sh.name)
		} else {
			fmt.Fprintf(w, "%s: syntax error: unexpected %q\n", sh.name, tok)
		}
	default:
		where := sh.name + ": "
		if !sh.interactive {
			line := "0"
			if bashAtLeast(sh.m.img.Userland.BashVersion, 5, 0) {
				line = "1"
			}
			where = fmt.Sprintf("%s: -c: line %s: ", sh.name, line)
		}
		if end {
			fmt.Fprintf(w, "%ssyntax error: unexpected end of file\n", where)
			return
		}
		fmt.Fprintf(w, "%ssyntax error near unexpected token `%s'\n", where, tok)
		if !sh.interactive {
			fmt.Fprintf(w, "%s`%s'\n", where, strings.TrimRight(src, "\n"))
		}
	}
}

// isDir reports whether p is a directory.
func (sh *shell) isDir(p string) bool {
	info, err := sh.fs().Stat(p)
	return err == nil && info.IsDir()
}
