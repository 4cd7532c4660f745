package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"kubetour/script"
	"kubetour/tui/shell"
)

// maxScrollback is how many output lines the console keeps.
const maxScrollback = 10000

const (
	promptMain = "kubetour$ "
	promptMore = "> "
)

type lineKind int

const (
	lineOut  lineKind = iota // what a command printed
	lineEcho                 // the command as typed
	lineMore                 // a heredoc line as typed
	lineInfo                 // the console's own words
	lineErr                  // the console's own errors
)

type consoleLine struct {
	text string
	kind lineKind
}

// consolePane is the prompt and its scrollback: the real kubectl, curl,
// sleep, as `kubetour script` runs them.
type consolePane struct {
	st   *Styles
	t    *Text
	keys *Keys
	lang Lang

	w, h    int
	focused bool

	input       lineInput
	placeholder string   // examples shown at an empty, fresh prompt
	pending     []string // lines of an unfinished command (heredoc, backslash)
	// runWhenDone: enter was pressed on a line typed while a command ran;
	// the line runs when that command ends, as type-ahead in a terminal.
	runWhenDone bool
	// recalled are the further lines of a heredoc command brought back from
	// history: enter runs them with the first.
	recalled []string

	lines    []consoleLine
	wrapped  []string // lines wrapped to wrapW (the cache View draws from)
	wrappedN int      // how many of lines are in wrapped
	wrapW    int
	partial  string // an unfinished last output line
	scroll   int    // lines scrolled up from the bottom

	hist     *shell.History
	histPath string

	job    *job
	jobSeq int

	comp    string // completion candidates, shown under the prompt
	compFor string // the input they were computed for

	env *consoleEnv

	// With a lesson: the job's command and output (for its checks), and
	// whether the lesson asked a question the next line answers.
	jobStep      script.Step
	jobOut       []string
	lessonAsking bool
	// held are lesson notes that came while a command ran: they wait for
	// its output (or a moment), so "Step done" does not land in the middle
	// of it.
	held       []string
	heldTicker bool

	cache      []string
	cacheValid bool
}

// consoleEnv is how the console runs things; shared with the root.
type consoleEnv struct {
	runner     CommandRunner
	cluster    Cluster
	kubectl    []string // program and leading args of the embedded kubectl
	kubectlEnv []string // KUBECONFIG and friends, for kubectl run directly
	lesson     Lesson   // nil in the sandbox
}

func newConsolePane(st *Styles, t *Text, keys *Keys, lang Lang, env *consoleEnv, histPath string) *consolePane {
	in := lineInput{CursorStyle: st.Selected.Reverse(st.Theme != Mono)}
	if st.Theme == Mono {
		in.CursorStyle = st.Selected
	}
	in.Prompt = promptMain
	in.PromptStyle = st.Prompt
	in.PlaceholderStyle = st.Dim
	in.CharLimit = 4096
	return &consolePane{st: st, t: t, keys: keys, lang: lang, input: in, env: env, histPath: histPath, hist: shell.NewHistory(nil),
		placeholder: "get pods · kubectl apply -f - <<EOF · curl web · help"}
}

func (p *consolePane) SetSize(w, h int) {
	if p.w != w || p.h != h {
		p.w, p.h = w, h
		p.input.Width = max(w-width(p.input.Prompt)-1, 1)
		p.cacheValid = false
	}
}

func (p *consolePane) Focus() {
	p.focused = true
	p.input.Focus()
	p.cacheValid = false
}

func (p *consolePane) Blur() {
	p.focused = false
	p.input.Blur()
	p.cacheValid = false
}

// CapturesInput: while the console has focus every printable key is text,
// never a shortcut.
func (p *consolePane) CapturesInput() bool { return p.focused }

func (p *consolePane) Title() string {
	s := p.t.Console
	if p.job != nil {
		s += " · " + p.t.Running
	}
	if p.scroll > 0 {
		s += " · ↑" + itoa(p.scroll)
	}
	return s
}

func (p *consolePane) ShortHelp() []key.Binding {
	// The way out first (enter needs no telling): the line is cut at 80
	// columns, and a student who cannot leave the console never finds
	// the other panes.
	return []key.Binding{p.keys.Leave, p.keys.Complete, p.keys.HistPrev, p.keys.Interrupt, p.keys.ScrollUp}
}

func (p *consolePane) FullHelp() []key.Binding {
	return []key.Binding{p.keys.Run, p.keys.Complete, p.keys.HistPrev, p.keys.HistNext, p.keys.ScrollUp, p.keys.ScrollDown,
		p.keys.ClearScreen, p.keys.Interrupt, p.keys.Leave, p.keys.EOF}
}

// print adds lines to the scrollback and follows the end if the student
// was at the end.
func (p *consolePane) print(kind lineKind, text ...string) {
	for _, t := range text {
		p.lines = append(p.lines, consoleLine{text: sanitize(t), kind: kind})
	}
	if len(p.lines) > maxScrollback {
		drop := len(p.lines) - maxScrollback*4/5
		p.lines = append([]consoleLine(nil), p.lines[drop:]...)
		p.wrappedN, p.wrapped = 0, p.wrapped[:0]
	}
	p.cacheValid = false
}

// clearScreen empties the scrollback (`clear`, ctrl+l).
func (p *consolePane) clearScreen() {
	p.lines, p.wrapped, p.wrappedN, p.partial, p.scroll = nil, nil, 0, "", 0
	p.cacheValid = false
}

func (p *consolePane) outputHeight() int {
	h := p.h - 1
	if p.comp != "" {
		h--
	}
	return max(h, 0)
}

// wrapNew wraps the lines added since the last frame; a new width rewraps
// everything once.
func (p *consolePane) wrapNew() {
	w := p.w
	if p.wrapW != w {
		p.wrapW, p.wrappedN, p.wrapped = w, 0, p.wrapped[:0]
	}
	for ; p.wrappedN < len(p.lines); p.wrappedN++ {
		l := p.lines[p.wrappedN]
		text := l.text
		switch l.kind {
		case lineEcho:
			text = promptMain + text
		case lineMore:
			text = promptMore + text
		}
		segs := wrapLine(text, w)
		if l.kind == lineInfo && len(segs) > 1 {
			// An indented lesson line (a command to try, a check) keeps
			// its indent when it wraps.
			if hang := hangIndent(text, w); hang > 0 && strings.HasPrefix(text, segs[0]) {
				rest := strings.TrimLeft(text[len(segs[0]):], " ")
				segs = segs[:1]
				for _, s := range wrapLine(rest, w-hang) {
					segs = append(segs, strings.Repeat(" ", hang)+s)
				}
			}
		}
		for i, seg := range segs {
			p.wrapped = append(p.wrapped, p.style(l.kind, seg, i == 0))
		}
	}
}

func (p *consolePane) style(kind lineKind, seg string, first bool) string {
	switch kind {
	case lineEcho, lineMore:
		prompt := promptMain
		if kind == lineMore {
			prompt = promptMore
		}
		if first && strings.HasPrefix(seg, prompt) {
			return p.st.Prompt.Render(prompt) + p.st.Bold.Render(strings.TrimPrefix(seg, prompt))
		}
		return p.st.Bold.Render(seg)
	case lineInfo:
		return p.st.Dim.Render(seg)
	case lineErr:
		return p.st.Error.Render(seg)
	}
	return seg
}

func (p *consolePane) scrollBy(n int) {
	p.wrapNew()
	total := len(p.wrapped)
	if p.partial != "" {
		total++
	}
	p.scroll = clamp(p.scroll+n, 0, max(total-p.outputHeight(), 0))
	p.cacheValid = false
}

// View draws the scrollback, the completion line and the prompt.
func (p *consolePane) View() []string {
	if p.cacheValid {
		return p.cache
	}
	p.wrapNew()
	oh := p.outputHeight()
	all := p.wrapped
	if p.partial != "" {
		all = append(all[:len(all):len(all)], sanitize(p.partial))
	}
	end := max(len(all)-p.scroll, 0)
	start := max(end-oh, 0)
	out := make([]string, 0, p.h)
	// Output sits at the bottom, just above the prompt, as in a terminal.
	for i := 0; i < oh-(end-start); i++ {
		out = append(out, "")
	}
	out = append(out, all[start:end]...)
	if p.comp != "" {
		out = append(out, p.st.Dim.Render(trunc(p.comp, p.w)))
	}
	out = append(out, p.promptLine())
	p.cache = padLines(out, p.w, p.h)
	p.cacheValid = true
	return p.cache
}

func (p *consolePane) promptLine() string {
	if p.job != nil && p.input.Value() == "" {
		return p.st.Dim.Render(trunc("… "+p.job.text+"   (ctrl+c)", p.w))
	}
	// The examples belong to a fresh prompt only: under `<<EOF` or a
	// lesson's [y/N] they would read as what to type there.
	p.input.Placeholder = ""
	if len(p.pending) > 0 {
		p.input.Prompt = promptMore
	} else {
		p.input.Prompt = promptMain
		if !p.lessonAsking {
			p.input.Placeholder = p.placeholder
		}
	}
	return fit(p.input.View(), p.w)
}

// Update handles the console's keys and its own messages.
func (p *consolePane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case historyLoadedMsg:
		// Commands typed before the file was read stay the newest.
		p.hist = shell.NewHistory(append(msg.entries, p.hist.Entries()...))
		return nil
	case jobOutputMsg:
		return p.output(msg)
	case flushNotesMsg:
		p.heldTicker = false
		p.flushNotes()
		return nil
	case killMsg:
		if p.job != nil && p.job.id == msg.id {
			return p.job.kill()
		}
		return nil
	case completionMsg:
		p.completed(msg)
		return nil
	case interactiveDoneMsg:
		// What the command printed went to the terminal while it had it
		// (exec -it), or was collected (edit); its outcome is kept here.
		if out := strings.TrimRight(msg.output, "\n"); out != "" {
			kind := lineOut
			if msg.err != nil {
				kind = lineErr
			}
			p.print(kind, strings.Split(out, "\n")...)
		}
		if msg.err != nil {
			p.print(lineErr, "("+msg.err.Error()+")")
		} else {
			p.print(lineInfo, "("+p.t.Done+")")
		}
		p.cacheValid = false
		return nil
	case tea.KeyMsg:
		return p.key(msg)
	}
	return nil
}

func (p *consolePane) output(msg jobOutputMsg) tea.Cmd {
	if p.job == nil || p.job.id != msg.id {
		return nil
	}
	atEnd := p.scroll == 0
	p.print(lineOut, msg.lines...)
	if p.env != nil && p.env.lesson != nil {
		p.jobOut = append(p.jobOut, msg.lines...)
	}
	p.partial = msg.partial
	if !atEnd {
		// Keep the student's place while output arrives above it.
		p.scroll += len(msg.lines)
	}
	p.cacheValid = false
	if msg.done {
		p.job = nil
		p.flushNotes()
		var cmds []tea.Cmd
		if p.env != nil && p.env.lesson != nil {
			out := append(p.jobOut, msg.partial)
			p.jobOut = nil
			cmds = append(cmds, p.lessonRan(p.jobStep, msg.ok, out))
		}
		if p.runWhenDone {
			p.runWhenDone = false
			cmds = append(cmds, p.submit())
		}
		return tea.Batch(cmds...)
	}
	return p.job.next()
}

func (p *consolePane) key(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.ScrollUp):
		p.scrollBy(max(p.outputHeight()-1, 1))
		return nil
	case key.Matches(msg, k.ScrollDown):
		p.scrollBy(-max(p.outputHeight()-1, 1))
		return nil
	case key.Matches(msg, k.ClearScreen):
		p.clearScreen()
		return nil
	}
	p.cacheValid = false
	if p.job != nil {
		// Typing ahead is allowed, as in a terminal; running waits for the
		// prompt to come back.
		switch msg.Type {
		case tea.KeyEnter:
			p.runWhenDone = strings.TrimSpace(p.input.Value()) != ""
			return nil
		case tea.KeyTab, tea.KeyUp, tea.KeyDown, tea.KeyCtrlP, tea.KeyCtrlN:
			return nil
		}
		if !msg.Paste {
			p.input.Update(msg)
		}
		return nil
	}
	if msg.Paste {
		return p.paste(string(msg.Runes))
	}
	switch msg.Type {
	case tea.KeyEnter:
		return p.submit()
	case tea.KeyTab:
		return p.complete()
	case tea.KeyUp, tea.KeyCtrlP:
		if v, ok := p.hist.Prev(p.input.Value()); ok {
			p.setInput(v)
		}
		return nil
	case tea.KeyDown, tea.KeyCtrlN:
		if v, ok := p.hist.Next(); ok {
			p.setInput(v)
		}
		return nil
	}
	p.comp = ""
	p.input.Update(msg)
	return nil
}

// setInput puts a recalled command in the prompt. A heredoc command from
// history is run as it was when recalled with ↑ and enter: its first line
// goes in the prompt and the rest is kept pending.
func (p *consolePane) setInput(v string) {
	lines := strings.Split(v, "\n")
	p.input.SetValue(lines[0])
	p.input.CursorEnd()
	p.recalled = lines[1:]
}

// paste types pasted text: each newline submits a line, as a terminal
// does, so a pasted manifest under `<<EOF` arrives line by line.
func (p *consolePane) paste(s string) tea.Cmd {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	parts := strings.Split(s, "\n")
	var cmds []tea.Cmd
	for i, part := range parts {
		p.input.SetValue(p.input.Value() + part)
		if i < len(parts)-1 {
			cmds = append(cmds, p.submit())
		}
	}
	p.input.CursorEnd()
	return tea.Batch(cmds...)
}

// hangIndent is where the wrapped rest of an indented lesson line starts:
// under its text, past a mark such as "$ " or "✓ ", or two cells further
// in for a plain indented line such as code (0 when the line is not
// indented or the console is too narrow for it).
func hangIndent(s string, w int) int {
	t := strings.TrimLeft(s, " ")
	n := len(s) - len(t)
	if n == 0 {
		// A list item continues under its text.
		if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") {
			return 2
		}
		if k := orderedItem(t); k > 0 && k <= w/3 {
			return k
		}
		return 0
	}
	mark := 2 // a plain indented line (code) continues further in
	for _, m := range []string{"$ ", "· ", "✓ ", "✗ ", "! ", "- "} {
		if strings.HasPrefix(t, m) {
			mark = width(m)
			break
		}
	}
	n += mark
	if n > w/3 {
		return 0
	}
	return n
}

// flushNotesMsg prints the held lesson notes even if the command still runs
// (a watch may run for minutes).
type flushNotesMsg struct{}

// noteHold is how long lesson notes wait for a running command to end.
const noteHold = 2 * time.Second

// note prints lesson notes, or holds them while a command runs.
func (p *consolePane) note(lines []string) tea.Cmd {
	if p.job == nil {
		p.print(lineInfo, lines...)
		return nil
	}
	p.held = append(p.held, lines...)
	if p.heldTicker {
		return nil
	}
	p.heldTicker = true
	return tea.Tick(noteHold, func(time.Time) tea.Msg { return flushNotesMsg{} })
}

func (p *consolePane) flushNotes() {
	if len(p.held) == 0 {
		return
	}
	p.print(lineInfo, p.held...)
	p.held = nil
}
