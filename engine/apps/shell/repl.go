package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// lineReader reads lines from a command's stdin.
type lineReader struct {
	r   io.Reader
	buf []byte
	eof bool
}

func (l *lineReader) readLine() (string, error) {
	for {
		if i := bytes.IndexByte(l.buf, '\n'); i >= 0 {
			line := string(l.buf[:i+1])
			l.buf = l.buf[i+1:]
			return line, nil
		}
		if l.eof {
			line := string(l.buf)
			l.buf = nil
			return line, io.EOF
		}
		tmp := make([]byte, 512)
		n, err := l.r.Read(tmp)
		l.buf = append(l.buf, tmp[:n]...)
		if err != nil {
			l.eof = true
		}
	}
}

// repl reads commands from stdin: the interactive shell of `kubectl exec
// -it pod -- sh`, or a script piped into `kubectl exec -i pod -- sh`.
func (sh *shell) repl(io stdio) int {
	lr := &lineReader{r: io.in}
	var pending strings.Builder
	for {
		if done, code := sh.replStep(lr, &pending, io); done {
			return code
		}
	}
}

func (sh *shell) replStep(lr *lineReader, pending *strings.Builder, io stdio) (done bool, code int) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case interruptPanic:
				fmt.Fprint(io.err, "\n")
				pending.Reset()
				sh.status, sh.condDepth, sh.loopDepth = 130, 0, 0
				done = false
			case exitPanic:
				done, code = true, sh.atExit(e.code, io)
			default:
				panic(r)
			}
		}
	}()
	if sh.interactive {
		if pending.Len() == 0 {
			fmt.Fprint(io.err, sh.prompt())
		} else {
			fmt.Fprint(io.err, "> ")
		}
	}
	line, err := lr.readLine()
	if err != nil && line == "" {
		if pending.Len() > 0 {
			sh.syntaxError(io.err, &SyntaxError{Incomplete: true}, pending.String())
			return true, 2
		}
		if sh.interactive && sh.dialect == "bash" {
			fmt.Fprint(io.err, "exit\n")
		}
		return true, sh.atExit(sh.status, io)
	}
	pending.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		pending.WriteString("\n")
	}
	prog, perr := Parse(pending.String())
	if perr != nil {
		var se *SyntaxError
		if errors.As(perr, &se) && se.Incomplete && err == nil {
			return false, 0
		}
		sh.syntaxError(io.err, perr, pending.String())
		pending.Reset()
		sh.status = 2
		return !sh.interactive, 2
	}
	pending.Reset()
	sh.runList(prog, io)
	return false, 0
}

// prompt expands the image's PS1 (bash escapes).
func (sh *shell) prompt() string {
	u := sh.m.img.Userland
	ps1 := u.PS1Sh
	if sh.bin == "bash" && u.PS1Bash != "" {
		ps1 = u.PS1Bash
	}
	if v, ok := sh.getVar("PS1"); ok {
		ps1 = v
	}
	home, _ := sh.getVar("HOME")
	var b strings.Builder
	for i := 0; i < len(ps1); i++ {
		if ps1[i] != '\\' || i+1 >= len(ps1) {
			b.WriteByte(ps1[i])
			continue
		}
		i++
		switch ps1[i] {
		case 'u':
			b.WriteString("root")
		case 'h':
			h, _, _ := strings.Cut(sh.m.sys.Hostname(), ".")
			b.WriteString(h)
		case 'H':
			b.WriteString(sh.m.sys.Hostname())
		case 'w':
			if home != "" && (sh.cwd == home || strings.HasPrefix(sh.cwd, home+"/")) {
				b.WriteString("~" + strings.TrimPrefix(sh.cwd, home))
			} else {
				b.WriteString(sh.cwd)
			}
		case 'W':
			switch {
			case home != "" && sh.cwd == home:
				b.WriteString("~")
			case sh.cwd == "/":
				b.WriteString("/")
			default:
				b.WriteString(path.Base(sh.cwd))
			}
		case '$':
			b.WriteString("#")
		case 's':
			b.WriteString(path.Base(sh.name))
		case 'v':
			b.WriteString(u.BashVersion)
		case '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(ps1[i])
		}
	}
	return b.String()
}
