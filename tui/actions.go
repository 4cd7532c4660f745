package tui

import (
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"kubetour/engine/events"
)

// jumpMsg asks the objects view to select an object.
type jumpMsg struct{ ref events.Ref }

// actionsPane is the controllers' narration as a timeline: what each
// component decided and why, newest first or following the end.
type actionsPane struct {
	st   *Styles
	t    *Text
	keys *Keys
	lang Lang
	narr *narration

	w, h    int
	focused bool

	input   lineInput
	editing bool
	f       filter

	follow bool   // chronological with the newest at the bottom
	selSeq uint64 // the selected event; 0 sticks to the newest
	offset int

	idx        []int // narr.all indices passing the filter, oldest first
	idxVersion int
	idxValid   bool

	cache      []string
	cacheValid bool
	cacheVer   int
}

func newActionsPane(st *Styles, t *Text, keys *Keys, lang Lang, narr *narration) *actionsPane {
	in := lineInput{CursorStyle: st.Selected, PlaceholderStyle: st.Dim}
	in.Prompt = "/"
	in.Placeholder = "ns:default src:scheduler kind:pod web"
	in.CharLimit = 200
	return &actionsPane{st: st, t: t, keys: keys, lang: lang, narr: narr, input: in}
}

func (p *actionsPane) SetSize(w, h int) {
	if p.w != w || p.h != h {
		p.w, p.h = w, h
		p.cacheValid = false
	}
}
func (p *actionsPane) Focus() { p.focused = true; p.cacheValid = false }
func (p *actionsPane) Blur() {
	p.focused = false
	p.editing = false
	p.input.Blur()
	p.cacheValid = false
}
func (p *actionsPane) CapturesInput() bool { return p.editing }

func (p *actionsPane) Title() string {
	mode := p.t.NewestFirst
	if p.follow {
		mode = p.t.Following
	}
	s := p.t.Actions + " · " + mode
	if !p.f.empty() {
		s += " · " + p.t.Filter + ": " + p.input.Value()
	}
	return s
}

func (p *actionsPane) ShortHelp() []key.Binding {
	if p.editing {
		return []key.Binding{p.keys.Run, p.keys.ClearFilter}
	}
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Open, p.keys.Filter, p.keys.Follow}
}

func (p *actionsPane) FullHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom,
		p.keys.Open, p.keys.Filter, p.keys.ClearFilter, p.keys.Follow}
}

// setFilter applies a query (from `f` in the objects view).
func (p *actionsPane) setFilter(q string) {
	p.input.SetValue(q)
	p.f = parseFilter(q)
	p.idxValid = false
	p.selSeq = 0
	p.cacheValid = false
}

// index recomputes the filtered list when the narration or the filter
// changed: once per batch, not once per frame.
func (p *actionsPane) index() {
	if p.idxValid && p.idxVersion == p.narr.version {
		return
	}
	p.idx = p.idx[:0]
	for i := range p.narr.all {
		if p.f.empty() || p.f.match(&p.narr.all[i], p.lang) {
			p.idx = append(p.idx, i)
		}
	}
	p.idxValid, p.idxVersion = true, p.narr.version
}

// display returns the narration index shown at row r (0 = top).
func (p *actionsPane) display(r int) int {
	if p.follow {
		return p.idx[r]
	}
	return p.idx[len(p.idx)-1-r]
}

// cursor is the selected row.
func (p *actionsPane) cursor() int {
	n := len(p.idx)
	if n == 0 {
		return 0
	}
	if p.selSeq == 0 {
		if p.follow {
			return n - 1
		}
		return 0
	}
	// idx is in Seq order: binary search for the selected event.
	i := sort.Search(n, func(i int) bool { return p.narr.all[p.idx[i]].Seq >= p.selSeq })
	if i >= n {
		i = n - 1
	}
	if p.follow {
		return i
	}
	return n - 1 - i
}

func (p *actionsPane) detailHeight() int { return 3 }

func (p *actionsPane) listHeight() int {
	h := p.h - p.detailHeight() - 1
	if p.editing || !p.f.empty() {
		h--
	}
	return max(h, 1)
}

func (p *actionsPane) moveTo(r int) {
	p.index()
	n := len(p.idx)
	if n == 0 {
		return
	}
	r = clamp(r, 0, n-1)
	p.selSeq = p.narr.all[p.display(r)].Seq
	// Back at the newest: stick to it again.
	if (!p.follow && r == 0) || (p.follow && r == n-1) {
		p.selSeq = 0
	}
	p.cacheValid = false
}

func (p *actionsPane) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := p.keys
	p.cacheValid = false
	if p.editing {
		switch km.Type {
		case tea.KeyEnter:
			p.editing = false
			p.input.Blur()
			return nil
		case tea.KeyEsc:
			p.editing = false
			p.input.Blur()
			p.setFilter("")
			return nil
		}
		p.input.Update(km)
		p.f = parseFilter(p.input.Value())
		p.idxValid = false
		p.selSeq = 0
		return nil
	}
	h := p.listHeight()
	cur := p.cursor()
	switch {
	case key.Matches(km, k.Up):
		p.moveTo(cur - 1)
	case key.Matches(km, k.Down):
		p.moveTo(cur + 1)
	case key.Matches(km, k.PageUp):
		p.moveTo(cur - h)
	case key.Matches(km, k.PageDown):
		p.moveTo(cur + h)
	case key.Matches(km, k.Top):
		p.moveTo(0)
	case key.Matches(km, k.Bottom):
		p.moveTo(len(p.idx) - 1)
	case key.Matches(km, k.Follow):
		p.follow = !p.follow
	case key.Matches(km, k.Filter):
		p.editing = true
		p.input.Focus()
		return nil
	case key.Matches(km, k.ClearFilter):
		p.setFilter("")
	case key.Matches(km, k.Open):
		if e := p.selectedEvent(); e != nil && len(e.Objects) > 0 {
			ref := e.Objects[0]
			return func() tea.Msg { return jumpMsg{ref: ref} }
		}
	}
	return nil
}

func (p *actionsPane) selectedEvent() *events.Event {
	p.index()
	if len(p.idx) == 0 {
		return nil
	}
	return &p.narr.all[p.display(p.cursor())]
}

func (p *actionsPane) View() []string {
	if p.cacheValid && p.cacheVer == p.narr.version {
		return p.cache
	}
	p.index()
	st := p.st
	var lines []string
	if p.editing || !p.f.empty() {
		p.input.Width = max(p.w-3, 1)
		lines = append(lines, fit(p.input.View(), p.w))
	}
	lh := p.listHeight()
	n := len(p.idx)
	cur := p.cursor()
	// Keep the cursor in view; when sticking to the newest, show the end.
	if cur < p.offset {
		p.offset = cur
	}
	if cur >= p.offset+lh {
		p.offset = cur - lh + 1
	}
	p.offset = clamp(p.offset, 0, max(n-lh, 0))
	if n == 0 {
		lines = append(lines, st.Dim.Render(trunc(p.t.NoEvents, p.w)))
	}
	for r := p.offset; r < n && r < p.offset+lh; r++ {
		lines = append(lines, p.renderLine(&p.narr.all[p.display(r)], r == cur))
	}
	for len(lines) < p.h-p.detailHeight()-1 {
		lines = append(lines, "")
	}
	lines = append(lines, st.Dim.Render(strings.Repeat(st.G.Border.H, p.w)))
	if e := p.selectedEvent(); e != nil {
		lines = append(lines, p.renderDetail(e)...)
	}
	p.cache = padLines(lines, p.w, p.h)
	p.cacheValid, p.cacheVer = true, p.narr.version
	return p.cache
}

// renderLine is one decision: time, verdict, source, object, sentence.
func (p *actionsPane) renderLine(e *events.Event, selected bool) string {
	st := p.st
	plain := selected && p.focused
	sty := func(s lipgloss.Style, v string) string {
		if plain {
			return v
		}
		return s.Render(v)
	}
	glyph, gs := st.G.OK, st.OK
	if e.Type == "Warning" {
		glyph, gs = st.G.Bad, st.Bad
	}
	marker := " "
	if selected {
		marker = st.G.Cursor
	}
	obj := ""
	if len(e.Objects) > 0 {
		r := e.Objects[0]
		short := shortNames[r.Kind]
		if short == "" {
			short = strings.ToLower(r.Kind)
		}
		obj = short + "/" + r.Name
	}
	srcW, objW, reasonW := 12, 22, 0
	switch {
	case p.w >= 130:
		srcW, objW, reasonW = 22, 30, 18
	case p.w >= 90:
		srcW, objW = 21, 26
	}
	line := marker + sty(st.Dim, e.Time.Format("15:04:05")) + " " + sty(gs, glyph) + " " + sty(st.Accent, fit(e.Source, srcW)) + " "
	if reasonW > 0 {
		line += fit(e.Reason, reasonW) + " "
	}
	line += sty(st.Bold, fit(obj, objW)) + " " + p.lang.pick(e.EN, e.KO)
	line = fit(line, p.w)
	if plain {
		return st.Selected.Render(line)
	}
	return line
}

// renderDetail is the selected decision in full: the sentence wrapped,
// the objects it names.
func (p *actionsPane) renderDetail(e *events.Event) []string {
	text := e.Reason + ": " + p.lang.pick(e.EN, e.KO)
	lines := wrap(text, p.w)
	var refs []string
	for _, r := range e.Objects {
		s := r.Kind + " " + r.Name
		if r.Namespace != "" {
			s = r.Kind + " " + r.Namespace + "/" + r.Name
		}
		refs = append(refs, s)
	}
	if len(refs) > 0 {
		lines = append(lines[:min(len(lines), p.detailHeight()-1)], p.st.Dim.Render(trunc(p.st.G.Arrow+" "+strings.Join(refs, ", ")+"  (enter)", p.w)))
	}
	if len(lines) > p.detailHeight() {
		lines = lines[:p.detailHeight()]
	}
	return lines
}
