package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/engine/events"
	"kubetour/script"
)

// Lesson is a lesson session as the UI drives it: cmd/kubetour adapts
// lessons.Session to it, so the UI knows nothing of the lessons package.
// Observe, Ran and Command may block (they read or prepare the cluster):
// the UI calls them from tea.Cmds, never from Update. Markdown is cheap.
type Lesson interface {
	// Markdown is the lesson pane's text: the current step, its checks.
	Markdown() string
	// Observe feeds a batch of narration and re-evaluates the step; it
	// returns what to say in the console (step done, a mistake's hint).
	Observe(batch []events.Event) []string
	// Ran records a console command the student ran, with its output.
	Ran(c LessonRun) []string
	// Command runs a lesson console command (hint, next, solution …).
	// handled is false for a line that is not one; asking is true when
	// the reply asks a yes/no question, answered by the next line.
	Command(line string) (reply string, asking, handled bool)
	// A Lesson may also have Chapter() string, the current chapter's id,
	// which the header then shows instead of Options.Title.
}

// LessonRun is a console command as the lesson sees it.
type LessonRun struct {
	Line   string
	Args   []string // as typed
	OK     bool
	Output string
}

// lessonMsg brings back what a lesson call said.
type lessonMsg struct {
	md    string
	notes []string
	// observed ends an Observe: the next batch may go.
	observed bool
	// command is the answer to a lesson console command.
	command bool
	handled bool
	asking  bool
	forced  bool        // typed with a : or / prefix: must be a lesson command
	step    script.Step // what to run when the lesson did not handle it
}

// consoleWords are the console words the UI keeps for itself or for the
// cluster: they never go to the lesson without a : or / prefix.
var consoleWords = map[string]bool{
	"kubectl": true, "k": true, "curl": true, "sleep": true,
	"clear": true, "exit": true, "quit": true, "logout": true, "help": true, "history": true,
}

// lessonRoute decides whether a console line is for the lesson. Lines
// prefixed with : or / always are; kubectl, curl and the console's own
// words never are (unless answering a question); anything else is offered
// to the lesson first and runs as a command when it declines.
func (p *consolePane) lessonRoute(st script.Step) (tea.Cmd, bool) {
	l := p.env.lesson
	asking := p.lessonAsking
	p.lessonAsking = false
	w := st.Args[0]
	forced := len(w) > 1 && (w[0] == ':' || w[0] == '/') && !strings.Contains(w[1:], "/")
	args := st.Args
	if forced {
		args = append([]string{w[1:]}, args[1:]...)
	} else if consoleWords[w] && !asking {
		return nil, false
	}
	line := strings.Join(args, " ")
	return func() tea.Msg {
		reply, ask, handled := l.Command(line)
		return lessonMsg{md: l.Markdown(), command: true, notes: splitNote(reply), handled: handled, asking: ask, forced: forced, step: st}
	}, true
}

// lessonReply shows a lesson command's answer, or runs the line as a
// command when the lesson did not take it.
func (p *consolePane) lessonReply(msg lessonMsg) tea.Cmd {
	p.cacheValid = false
	switch {
	case msg.handled:
		p.lessonAsking = msg.asking
		p.print(lineInfo, plainNotes(msg.notes)...)
	case msg.forced:
		p.print(lineErr, "kubetour: not a lesson command: "+msg.step.Args[0]+" (:help lists them)")
	default:
		return p.runPlain(msg.step)
	}
	return nil
}

// lessonRan tells the lesson about a finished console command.
func (p *consolePane) lessonRan(st script.Step, ok bool, out []string) tea.Cmd {
	l := p.env.lesson
	if l == nil {
		return nil
	}
	run := LessonRun{Line: st.Text, Args: st.Args, OK: ok, Output: strings.Join(out, "\n")}
	return func() tea.Msg {
		notes := l.Ran(run)
		return lessonMsg{md: l.Markdown(), notes: notes}
	}
}

// observeLesson hands narration to the lesson, one batch at a time: the
// batches that arrive meanwhile wait and go together.
func (m *Model) observeLesson(evs []events.Event) tea.Cmd {
	l := m.opts.LessonSession
	if l == nil {
		return nil
	}
	m.lessonPending = append(m.lessonPending, evs...)
	if m.lessonBusy || len(m.lessonPending) == 0 {
		return nil
	}
	batch := m.lessonPending
	m.lessonPending = nil
	m.lessonBusy = true
	return func() tea.Msg {
		notes := l.Observe(batch)
		return lessonMsg{md: l.Markdown(), notes: notes, observed: true}
	}
}

// lessonUpdate applies what a lesson call returned.
func (m *Model) lessonUpdate(msg lessonMsg) tea.Cmd {
	m.showLesson(msg.md)
	var cmds []tea.Cmd
	if msg.command {
		cmds = append(cmds, m.console.lessonReply(msg))
	} else if len(msg.notes) > 0 {
		cmds = append(cmds, m.console.note(plainNotes(msg.notes)))
		m.console.cacheValid = false
	}
	if msg.observed {
		m.lessonBusy = false
		cmds = append(cmds, m.observeLesson(nil))
	}
	return tea.Batch(cmds...)
}

// showLesson replaces the lesson text, keeping the scroll position when
// only the checks changed.
func (m *Model) showLesson(md string) {
	p := m.lesson
	if md == "" || md == p.content {
		return
	}
	if firstLine(md) != firstLine(p.content) || stepLine(md) != stepLine(p.content) {
		p.SetContent(md)
		return
	}
	p.content = md
	p.renderedW = -1
	p.cacheValid = false
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// stepLine is the step heading of lessons.Session.Markdown ("## 2/5 · …").
func stepLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "## ") {
			return l
		}
	}
	return ""
}

func splitNote(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// evaluateLesson evaluates the step once at start, so the checklist shows
// where the cluster stands before anything happens.
func (m *Model) evaluateLesson() tea.Cmd {
	l := m.opts.LessonSession
	if l == nil || m.lessonBusy {
		return nil
	}
	m.lessonBusy = true
	return func() tea.Msg {
		notes := l.Observe(nil)
		return lessonMsg{md: l.Markdown(), notes: notes, observed: true}
	}
}

// inlineMarks are the Markdown marks lesson notes use inside a line:
// `code`, **strong**, __strong__. The console is plain text, where the
// marks would only be noise ("`next` goes on.").
var inlineMarks = strings.NewReplacer("`", "", "**", "", "__", "")

// plainNotes is lesson notes as the console prints them. The lessons'
// prose is hard-wrapped at about 76 columns in its source; the console
// wraps again to its own width, so the lines of a paragraph are joined
// first (else a narrow console shows every source line ragged). Fenced
// code loses its fences and is indented, with its marks kept.
func plainNotes(notes []string) []string {
	out := make([]string, 0, len(notes))
	fence := false
	joinable := false // the last line out is prose a next line may join
	item := false     // the last line out is a list item an indented line continues
	hint := false     // the last line out is a check's indented "Hint: " the hint's next lines continue
	for _, n := range notes {
		t := strings.TrimSpace(n)
		switch {
		case strings.HasPrefix(t, "```"):
			fence = !fence
			joinable, item = false, false
			continue
		case fence:
			if t == "" {
				out = append(out, "")
			} else {
				out = append(out, "  "+n)
			}
			continue
		}
		n = inlineMarks.Replace(stripEmphasis(n))
		indented := strings.HasPrefix(n, " ")
		numbered := orderedItem(t) > 0 && (!joinable || strings.HasPrefix(t, "1. ") || strings.HasPrefix(t, "1) "))
		block := t == "" || blockStart(t) || numbered
		switch {
		case item && indented && !block:
			out[len(out)-1] += " " + strings.TrimSpace(n)
			continue
		case (joinable || hint) && !indented && !block:
			out[len(out)-1] += " " + strings.TrimSpace(n)
			continue
		}
		out = append(out, n)
		hint = indented && mistakeLine(t)
		prose := !indented && !block
		item = !indented && (numbered || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "))
		// A short line starting a paragraph and ending in a colon is a
		// heading ("What just happened:"): what follows stays on its own
		// line. (A long one is prose that wrapped after a colon.)
		joinable = prose && !(strings.HasSuffix(t, ":") && width(t) <= 32)
	}
	return out
}

// mistakeLine is a recognised mistake's hint as `check` lists it under
// the checks ("  Hint: The API server refused…"): indented, but the hint's
// further source lines are prose that continues it.
func mistakeLine(t string) bool {
	return strings.HasPrefix(t, "Hint: ") || strings.HasPrefix(t, "힌트: ")
}

// blockStart is a line that starts a block of its own: a list item, a
// checklist line, a heading, a quote or a table row.
func blockStart(t string) bool {
	for _, p := range []string{"- ", "* ", "+ ", "#", "> ", "|", "✓ ", "✗ ", "· ", "! ", "$ ", "──"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// stripEmphasis drops the stars of *single-star* emphasis that starts a
// word.
func stripEmphasis(s string) string {
	if !strings.Contains(s, "*") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '*' && (i == 0 || s[i-1] == ' ' || s[i-1] == '(') {
			if n := emphasis(s[i:]); n > 0 {
				b.WriteString(s[i+1 : i+n-1])
				i += n - 1
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
