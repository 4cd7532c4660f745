package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/script"
	"kubetour/tui/shell"
)

// historyLoadedMsg carries the history file read at start.
type historyLoadedMsg struct{ entries []string }

func loadHistory(path string) tea.Cmd {
	if path == "" {
		return nil
	}
	return func() tea.Msg {
		entries, _ := shell.LoadHistory(path) // an unreadable history is an empty one
		return historyLoadedMsg{entries: entries}
	}
}

func saveHistory(path, cmd string) tea.Cmd {
	if path == "" {
		return nil
	}
	return func() tea.Msg {
		shell.AppendHistory(path, cmd) // best effort: losing history is not worth an error
		return nil
	}
}

// quitRequestMsg is `exit` typed in the console, or ctrl+d on an empty line.
type quitRequestMsg struct{ confirm bool }

// interactiveDoneMsg ends a command that had the terminal (edit, exec -it).
type interactiveDoneMsg struct {
	err error
	// output is what kubectl itself printed, kept when only the editor
	// needed the terminal ("deployment.apps/web edited").
	output string
}

// submit handles enter: either the command is complete and runs, or it
// continues on the next line (an open heredoc, a trailing backslash).
func (p *consolePane) submit() tea.Cmd {
	line := p.input.Value()
	p.input.SetValue("")
	p.comp = ""
	// Running a command brings the console back to its end, as a
	// terminal does, so its output is seen.
	p.scroll = 0
	if len(p.pending) == 0 {
		if strings.TrimSpace(line) == "" && len(p.recalled) == 0 {
			p.print(lineEcho, "")
			return nil
		}
		p.print(lineEcho, line)
	} else {
		p.print(lineMore, line)
	}
	p.pending = append(p.pending, line)
	if len(p.recalled) > 0 {
		for _, l := range p.recalled {
			p.print(lineMore, l)
		}
		p.pending = append(p.pending, p.recalled...)
		p.recalled = nil
	}
	if shell.Continues(p.pending) {
		return nil
	}
	text := strings.Join(p.pending, "\n")
	p.pending = nil
	p.hist.Add(text)
	return tea.Batch(saveHistory(p.histPath, text), p.runText(text))
}

// runText runs a finished command as `kubetour script` parses it.
func (p *consolePane) runText(text string) tea.Cmd {
	steps, err := script.Parse(strings.NewReader(text + "\n"))
	if err != nil {
		p.print(lineErr, err.Error())
		return nil
	}
	for _, st := range steps {
		if st.Comment || len(st.Args) == 0 {
			continue
		}
		// One command per prompt: a pasted transcript of several runs its
		// first command; the rest would need a queue no terminal has.
		return p.runStep(st)
	}
	return nil
}

func (p *consolePane) runStep(st script.Step) tea.Cmd {
	st.Args = shell.Normalize(st.Args)
	if p.env != nil && p.env.lesson != nil {
		if cmd, ok := p.lessonRoute(st); ok {
			return cmd
		}
	}
	return p.runPlain(st)
}

// runPlain runs a command that is not the lesson's.
func (p *consolePane) runPlain(st script.Step) tea.Cmd {
	switch st.Args[0] {
	case "clear":
		p.clearScreen()
		return nil
	case "exit", "quit", "logout":
		return func() tea.Msg { return quitRequestMsg{} }
	case "help":
		p.print(lineInfo, wrap(p.t.ConsoleHelp, max(p.w, 20))...)
		if p.env != nil && p.env.lesson != nil {
			p.print(lineInfo, wrap(p.t.LessonHelp, max(p.w, 20))...)
		}
		if sr, ok := p.envRunner().(ScriptRunner); ok && sr.R != nil && sr.R.Dir != "" {
			// The console has no editor: say where the files to edit are.
			p.print(lineInfo, wrap(fmt.Sprintf(p.t.Workspace, sr.R.Dir), max(p.w, 20))...)
		}
		return nil
	case "history":
		entries := p.hist.Entries()
		start := max(len(entries)-50, 0)
		for i := start; i < len(entries); i++ {
			p.print(lineOut, fmt.Sprintf("%5d  %s", i+1, strings.ReplaceAll(entries[i], "\n", " ⏎ ")))
		}
		return nil
	case "sleep":
		if len(st.Args) == 2 {
			if d, err := time.ParseDuration(normalizeSleep(st.Args[1])); err == nil && d >= 0 {
				return p.startSleep(st.Text, d)
			}
		}
		// A malformed sleep: the runner prints the error `script` prints.
	}
	if kargs, env, ok := shell.KubectlArgs(st.Args); ok && shell.Interactive(kargs) && st.Stdin == "" {
		return p.runInteractive(kargs, env)
	}
	return p.startJob(st)
}

// normalizeSleep accepts sleep's forms: 30, 30s, 2m.
func normalizeSleep(s string) string {
	if s != "" && s[len(s)-1] >= '0' && s[len(s)-1] <= '9' {
		return s + "s"
	}
	return s
}

func (p *consolePane) startJob(st script.Step) tea.Cmd {
	if p.env == nil || p.env.runner == nil {
		p.print(lineErr, "kubetour: no cluster to run commands on")
		return nil
	}
	p.jobSeq++
	j := newJob(p.jobSeq, st.Text)
	p.job = j
	p.scroll = 0
	p.jobStep, p.jobOut = st, nil
	return tea.Batch(j.run(p.env.runner, st), j.next())
}

func (p *consolePane) startSleep(text string, d time.Duration) tea.Cmd {
	p.jobSeq++
	j := newJob(p.jobSeq, text)
	ctx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	p.job = j
	return tea.Batch(j.sleep(p.env.cluster, d, ctx), j.next())
}

// runInteractive hands the terminal to kubectl (edit opens $EDITOR, exec
// -it a shell) through tea.ExecProcess, and takes it back when it ends.
func (p *consolePane) runInteractive(kargs, assign []string) tea.Cmd {
	if p.env == nil || len(p.env.kubectl) == 0 {
		p.print(lineErr, "kubetour: no kubectl to run")
		return nil
	}
	args := append(append([]string{}, p.env.kubectl[1:]...), kargs...)
	c := exec.Command(p.env.kubectl[0], args...)
	c.Env = append(append(os.Environ(), p.env.kubectlEnv...), assign...)
	var out *lockedBuffer
	if isEdit(kargs) {
		// Only the editor needs the terminal: kubectl's own words go to
		// the console, as with any other command.
		out = &lockedBuffer{}
		c.Stdout, c.Stderr = out, out
		c.Env = append(c.Env, "KUBE_EDITOR="+ttyEditor(userEditor(c.Env)))
	}
	return tea.ExecProcess(c, func(err error) tea.Msg {
		msg := interactiveDoneMsg{err: err}
		if ee, ok := err.(*exec.ExitError); ok {
			msg.err = fmt.Errorf("exit status %d", ee.ExitCode())
		}
		if out != nil {
			msg.output = out.String()
		}
		return msg
	})
}

// isEdit reports a `kubectl edit`.
func isEdit(kargs []string) bool {
	for _, a := range kargs {
		if a == "--" {
			return false
		}
		if a == "edit" {
			return true
		}
	}
	return false
}

// userEditor is the editor kubectl would run: KUBE_EDITOR, then EDITOR
// (the last assignment wins, as in env), then vi.
func userEditor(env []string) string {
	pick := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && (k == "KUBE_EDITOR" || k == "EDITOR") {
			pick[k] = v
		}
	}
	for _, k := range []string{"KUBE_EDITOR", "EDITOR"} {
		if v := strings.TrimSpace(pick[k]); v != "" {
			return v
		}
	}
	return "vi"
}

// ttyEditor wraps an editor so that it talks to the terminal whatever
// kubectl's own output is. The quotes make kubectl run it through the
// shell, which appends the file to edit as the last word.
func ttyEditor(editor string) string {
	return `exec 0<"/dev/tty" 1>"/dev/tty" 2>"/dev/tty"; exec ` + editor
}

// lockedBuffer collects a process's stdout and stderr in the order they
// were written.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// interrupt is ctrl+c: it stops the running command, or drops the line
// being typed, as a shell does.
func (p *consolePane) interrupt() tea.Cmd {
	p.cacheValid = false
	if p.job != nil {
		// As a terminal flushes its input on an interrupt, a line typed
		// ahead goes too.
		p.runWhenDone = false
		p.input.SetValue("")
		p.print(lineInfo, "^C")
		return p.job.interrupt()
	}
	if p.input.Value() != "" || len(p.pending) > 0 {
		if len(p.pending) > 0 {
			p.print(lineMore, p.input.Value()+"^C")
		} else {
			p.print(lineEcho, p.input.Value()+"^C")
		}
		p.input.SetValue("")
		p.pending, p.recalled, p.comp = nil, nil, ""
	}
	return nil
}

// busy reports whether a command runs or a line is being typed: ctrl+c
// then belongs to the console, not to quitting.
func (p *consolePane) busy() bool {
	return p.job != nil || p.input.Value() != "" || len(p.pending) > 0
}

// runCommand runs a command on behalf of another pane (delete from the
// objects view), showing it as if typed.
func (p *consolePane) runCommand(text string) tea.Cmd {
	if p.job != nil {
		p.print(lineErr, "kubetour: a command is still running (ctrl+c stops it)")
		return nil
	}
	p.print(lineEcho, text)
	p.hist.Add(text)
	return tea.Batch(saveHistory(p.histPath, text), p.runText(text))
}

// envRunner is the runner commands go to, nil without an environment.
func (p *consolePane) envRunner() CommandRunner {
	if p.env == nil {
		return nil
	}
	return p.env.runner
}
