package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// lessonPane shows the lesson text (the lessons package will fill it; the
// sandbox shows a welcome). It understands the bit of Markdown lessons
// need — headings, paragraphs, bullets, code blocks, **bold** and
// `code` — and renders it once per width: the result is cached, because
// View runs after every message.
type lessonPane struct {
	st   *Styles
	t    *Text
	keys *Keys

	w, h    int
	focused bool

	content    string
	view       scroller
	renderedW  int
	cache      []string
	cacheValid bool
}

func newLessonPane(st *Styles, t *Text, keys *Keys) *lessonPane {
	return &lessonPane{st: st, t: t, keys: keys, renderedW: -1}
}

// SetContent replaces the lesson text (Markdown-ish) and scrolls to the top.
func (p *lessonPane) SetContent(md string) {
	p.content = md
	p.renderedW = -1
	p.view.offset = 0
	p.cacheValid = false
}

func (p *lessonPane) SetSize(w, h int) {
	if p.w != w || p.h != h {
		p.w, p.h = w, h
		p.cacheValid = false
	}
}
func (p *lessonPane) Focus()              { p.focused = true; p.cacheValid = false }
func (p *lessonPane) Blur()               { p.focused = false; p.cacheValid = false }
func (p *lessonPane) CapturesInput() bool { return false }
func (p *lessonPane) Title() string       { return p.t.Lesson }

func (p *lessonPane) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageDown}
}

func (p *lessonPane) FullHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom}
}

func (p *lessonPane) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	p.ensure()
	k, w, h := p.keys, p.w, p.h
	p.cacheValid = false
	switch {
	case key.Matches(km, k.Up):
		p.view.Scroll(-1, w, h)
	case key.Matches(km, k.Down):
		p.view.Scroll(1, w, h)
	case key.Matches(km, k.PageUp):
		p.view.Scroll(-h+1, w, h)
	case key.Matches(km, k.PageDown):
		p.view.Scroll(h-1, w, h)
	case key.Matches(km, k.Top):
		p.view.Top()
	case key.Matches(km, k.Bottom):
		p.view.Bottom(w, h)
	}
	return nil
}

func (p *lessonPane) ensure() {
	if p.renderedW != p.w {
		p.view.SetLines(renderMarkdown(p.st, p.content, p.w))
		p.renderedW = p.w
	}
}

func (p *lessonPane) View() []string {
	if p.cacheValid {
		return p.cache
	}
	p.ensure()
	p.cache = p.view.View(p.w, p.h)
	p.cacheValid = true
	return p.cache
}

// span is a run of text in one style.
type span struct {
	text  string
	style int // 0 plain, 1 bold, 2 code
}

// renderMarkdown turns lesson text into lines of at most w cells.
func renderMarkdown(st *Styles, md string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var para []string
	// An item of a numbered list is a paragraph with its number before
	// the first line and an indent before the others.
	first, rest := "", ""
	// inList is the width of the current numbered item's mark while its
	// indented paragraphs follow (after a code block, say): they keep the
	// item's indent, and the next number starts the next item.
	inList := 0
	flush := func() {
		if len(para) > 0 {
			out = append(out, wrapSpans(st, parseInline(strings.Join(para, " ")), w, first, rest)...)
			para = nil
		}
		first, rest = "", ""
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "```"):
			flush()
			for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
				// A command longer than the pane wraps, its rest indented
				// under it: cut off, it could not be read or typed.
				code := "  " + sanitize(lines[i])
				segs := wrapLine(code, w)
				if len(segs) > 1 && w > 12 && strings.HasPrefix(code, segs[0]) {
					ind := len(code) - len(strings.TrimLeft(code, " ")) + 2
					rest := strings.TrimLeft(code[len(segs[0]):], " ")
					segs = segs[:1]
					for _, r := range wrapLine(rest, w-ind) {
						segs = append(segs, strings.Repeat(" ", ind)+r)
					}
				}
				for _, seg := range segs {
					out = append(out, st.Code.Render(trunc(seg, w)))
				}
			}
		case strings.HasPrefix(t, "#"):
			flush()
			inList = 0
			level := len(t) - len(strings.TrimLeft(t, "#"))
			text := strings.TrimSpace(t[level:])
			for _, wl := range wrap(text, w) {
				out = append(out, st.Heading.Render(wl))
			}
			out = append(out, "")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flush()
			out = append(out, wrapSpans(st, parseInline(t[2:]), w, "• ", "  ")...)
		case orderedItem(t) > 0 && (len(para) == 0 || first != "" || inList > 0 || strings.HasPrefix(t, "1. ") || strings.HasPrefix(t, "1) ")):
			// (Inside a paragraph only a list's first item starts a list,
			// not a wrapped line that happens to begin with "8000. ".)
			flush()
			n := orderedItem(t)
			first, rest = t[:n], strings.Repeat(" ", n)
			inList = n
			para = append(para, t[n:])
		case t == "":
			flush()
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
		default:
			if len(para) == 0 {
				if inList > 0 && strings.HasPrefix(l, " ") {
					first, rest = strings.Repeat(" ", inList), strings.Repeat(" ", inList)
				} else {
					inList = 0
				}
			}
			para = append(para, t)
		}
	}
	flush()
	return out
}

// orderedItem is the length of a numbered list item's mark ("2. ") at the
// start of t, 0 when t is not one.
func orderedItem(t string) int {
	i := 0
	for i < len(t) && i < 3 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 || i+1 >= len(t) || (t[i] != '.' && t[i] != ')') || t[i+1] != ' ' {
		return 0
	}
	return i + 2
}

// emphasis is the length of a *single-star* emphasis at the start of s
// ("*why*"), 0 when s does not start with one: the star is followed by a
// letter, and a lone star closes it before a space or the end.
func emphasis(s string) int {
	if len(s) < 3 || s[0] != '*' || s[1] == '*' || s[1] == ' ' {
		return 0
	}
	end := strings.IndexByte(s[1:], '*')
	if end < 1 || s[end] == ' ' || strings.HasPrefix(s[end+1:], "**") {
		return 0
	}
	return end + 2
}

// parseInline splits **bold** and `code` out of a line.
func parseInline(s string) []span {
	var out []span
	for s != "" {
		i := strings.IndexAny(s, "*`")
		if i < 0 {
			out = append(out, span{text: s})
			break
		}
		marker, style := "`", 2
		if strings.HasPrefix(s[i:], "**") {
			marker, style = "**", 1
		} else if s[i] == '*' {
			if n := emphasis(s[i:]); n > 0 {
				// *word*: emphasis.
				if i > 0 {
					out = append(out, span{text: s[:i]})
				}
				out = append(out, span{text: s[i+1 : i+n-1], style: 3})
				s = s[i+n:]
				continue
			}
			out = append(out, span{text: s[:i+1]})
			s = s[i+1:]
			continue
		}
		end := strings.Index(s[i+len(marker):], marker)
		if end < 0 {
			out = append(out, span{text: s})
			break
		}
		if i > 0 {
			out = append(out, span{text: s[:i]})
		}
		out = append(out, span{text: s[i+len(marker) : i+len(marker)+end], style: style})
		s = s[i+len(marker)+end+len(marker):]
	}
	return out
}

// wrapSpans wraps styled spans by words; first and rest prefix the first
// and following lines (a bullet and its hanging indent).
func wrapSpans(st *Styles, spans []span, w int, first, rest string) []string {
	type word struct {
		text  string
		style int
	}
	var words []word
	for _, sp := range spans {
		for _, part := range splitKeepSpaces(sp.text) {
			words = append(words, word{part, sp.style})
		}
	}
	render := func(wd word) string {
		switch wd.style {
		case 1:
			return st.Bold.Render(wd.text)
		case 2:
			return st.Code.Render(wd.text)
		case 3:
			return st.Italic.Render(wd.text)
		}
		return wd.text
	}
	var out []string
	var b strings.Builder
	prefix := first
	b.WriteString(prefix)
	cur := width(prefix)
	flush := func() {
		out = append(out, strings.TrimRight(b.String(), " "))
		b.Reset()
		prefix = rest
		b.WriteString(prefix)
		cur = width(prefix)
	}
	// A word is glued to the one before when no space parts them: code
	// followed by a Korean particle ("selector는"), "(" before code. The
	// line breaks before the whole run, never inside it.
	glued := make([]bool, len(words))
	for i := 1; i < len(words); i++ {
		glued[i] = !strings.HasSuffix(words[i-1].text, " ") && !strings.HasPrefix(words[i].text, " ")
	}
	for i, wd := range words {
		ww := width(wd.text)
		run := wd.text
		for j := i + 1; j < len(words) && glued[j]; j++ {
			run += words[j].text
		}
		if !glued[i] && cur+width(strings.TrimRight(run, " ")) > w && cur > width(prefix) {
			flush()
			wd.text = strings.TrimLeft(wd.text, " ")
			ww = width(wd.text)
		}
		for width(strings.TrimRight(wd.text, " ")) > w-cur && w-cur > 0 {
			// A word longer than the line is cut between characters.
			head := ansi.Truncate(wd.text, w-cur, "")
			if head == "" {
				break
			}
			b.WriteString(render(word{head, wd.style}))
			wd.text = strings.TrimLeft(wd.text[len(head):], " ")
			ww = width(wd.text)
			flush()
		}
		b.WriteString(render(wd))
		cur += ww
	}
	if cur > width(prefix) || len(out) == 0 {
		flush()
	}
	return out
}
