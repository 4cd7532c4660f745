package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	corev1 "k8s.io/api/core/v1"

	"kubetour/engine"
)

// highlightFor is how long a changed row stays highlighted.
const highlightFor = 2 * time.Second

// flatRow is a visible row of the tree.
type flatRow struct {
	n        *objNode
	depth    int
	expanded bool
}

// objectsPane is the live tree of the cluster's objects, and the detail
// (YAML, describe, events) of the one selected.
type objectsPane struct {
	st   *Styles
	t    *Text
	keys *Keys
	lang Lang
	narr *narration

	w, h    int
	focused bool

	roots    []*objNode
	byKey    map[string]*objNode
	parents  map[string]string
	expanded map[string]bool // the student's choices; defaults otherwise
	rows     []flatRow
	cursor   int
	offset   int
	curKey   string
	ready    bool // a first snapshot has arrived

	changed map[string]time.Time // uid → when it last changed (wall clock)
	now     func() time.Time

	detail *objDetail

	cache      []string
	cacheValid bool
}

func newObjectsPane(st *Styles, t *Text, keys *Keys, lang Lang, narr *narration, now func() time.Time) *objectsPane {
	return &objectsPane{st: st, t: t, keys: keys, lang: lang, narr: narr, now: now,
		byKey: map[string]*objNode{}, parents: map[string]string{}, expanded: map[string]bool{}, changed: map[string]time.Time{}}
}

func (p *objectsPane) SetSize(w, h int) {
	if p.w != w || p.h != h {
		p.w, p.h = w, h
		p.cacheValid = false
	}
}

func (p *objectsPane) Focus()              { p.focused = true; p.cacheValid = false }
func (p *objectsPane) Blur()               { p.focused = false; p.cacheValid = false }
func (p *objectsPane) CapturesInput() bool { return false }

func (p *objectsPane) Title() string {
	if p.detail != nil {
		return p.t.Objects + " › " + p.detail.title()
	}
	return p.t.Objects
}

func (p *objectsPane) ShortHelp() []key.Binding {
	if p.detail != nil {
		return []key.Binding{p.keys.Collapse, p.keys.Expand, p.keys.Up, p.keys.Down, p.keys.Back}
	}
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Open, p.keys.Expand, p.keys.Collapse, p.keys.Delete, p.keys.FilterObject}
}

func (p *objectsPane) FullHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown, p.keys.Top, p.keys.Bottom,
		p.keys.Open, p.keys.Expand, p.keys.Collapse, p.keys.Back, p.keys.Delete, p.keys.FilterObject, p.keys.Refresh}
}

// setSnapshot rebuilds the tree, keeping the cursor on the same object.
func (p *objectsPane) setSnapshot(s engine.Snapshot) {
	p.ready = true
	p.roots = buildTree(s, p.t)
	clear(p.byKey)
	clear(p.parents)
	var index func(n *objNode, parent string)
	index = func(n *objNode, parent string) {
		p.byKey[n.key] = n
		p.parents[n.key] = parent
		for _, c := range n.children {
			index(c, n.key)
		}
	}
	for _, r := range p.roots {
		index(r, "")
	}
	// Rows appearing or leaving above the cursor move its object; the
	// view moves with it, so it stays on the same screen line.
	line := p.cursor - p.offset
	p.flatten()
	p.offset = p.cursor - line
	p.scrollToCursor()
	if p.detail != nil {
		p.detail.refresh(p.byKey[p.detail.key], p.narr, p.lang)
	}
	p.cacheValid = false
}

func (p *objectsPane) isExpanded(n *objNode) bool {
	if v, ok := p.expanded[n.key]; ok {
		return v
	}
	return !n.defaultOff
}

func (p *objectsPane) flatten() {
	p.rows = p.rows[:0]
	var walk func(n *objNode, depth int)
	walk = func(n *objNode, depth int) {
		exp := p.isExpanded(n)
		p.rows = append(p.rows, flatRow{n: n, depth: depth, expanded: exp})
		if exp {
			for _, c := range n.children {
				walk(c, depth+1)
			}
		}
	}
	for _, r := range p.roots {
		walk(r, 0)
	}
	// Keep the cursor on its object; if that object is gone, on its
	// nearest surviving ancestor.
	p.cursor = min(p.cursor, max(len(p.rows)-1, 0))
	for k := p.curKey; k != ""; k = p.parents[k] {
		if i := p.rowIndex(k); i >= 0 {
			p.cursor = i
			break
		}
		if _, ok := p.byKey[k]; !ok {
			break
		}
	}
	if p.cursor < len(p.rows) {
		p.curKey = p.rows[p.cursor].n.key
	}
}

func (p *objectsPane) rowIndex(key string) int {
	for i, r := range p.rows {
		if r.n.key == key {
			return i
		}
	}
	return -1
}

// nextFade is when the next highlight ends, zero if none is shown.
func (p *objectsPane) nextFade() time.Time {
	var next time.Time
	now := p.now()
	for u, at := range p.changed {
		end := at.Add(highlightFor)
		if !end.After(now) {
			delete(p.changed, u)
			continue
		}
		if next.IsZero() || end.Before(next) {
			next = end
		}
	}
	return next
}

// selected returns the object under the cursor.
func (p *objectsPane) selected() *objNode {
	if p.cursor >= 0 && p.cursor < len(p.rows) {
		return p.rows[p.cursor].n
	}
	return nil
}

// selectKey moves the cursor to an object, opening its ancestors.
func (p *objectsPane) selectKey(key string) bool {
	if _, ok := p.byKey[key]; !ok {
		return false
	}
	for k := p.parents[key]; k != ""; k = p.parents[k] {
		p.expanded[k] = true
	}
	p.curKey = key
	p.flatten()
	p.detail = nil
	p.cacheValid = false
	p.scrollToCursor()
	return true
}

// podSelectedMsg tells the isolation and nodes views which pod the
// student is looking at.
type podSelectedMsg struct{ ns, name string }

// consoleRunMsg asks the root to run a command in the console, as if typed.
type consoleRunMsg struct{ command string }

// deleteRequestMsg asks the root to confirm a deletion.
type deleteRequestMsg struct{ what, command string }

// filterActionsMsg asks the root to show the controller actions about one
// object.
type filterActionsMsg struct{ query string }

// describeMsg is `kubectl describe` output for the detail view.
type describeMsg struct {
	key, text string
}

func (p *objectsPane) moveTo(i int) tea.Cmd {
	if len(p.rows) == 0 {
		return nil
	}
	i = clamp(i, 0, len(p.rows)-1)
	if i == p.cursor && p.curKey == p.rows[i].n.key {
		return nil
	}
	p.cursor = i
	p.curKey = p.rows[i].n.key
	p.scrollToCursor()
	p.cacheValid = false
	return p.selectionCmd()
}

func (p *objectsPane) selectionCmd() tea.Cmd {
	n := p.selected()
	if n == nil || n.kind != "Pod" {
		return nil
	}
	msg := podSelectedMsg{ns: n.ns, name: n.name}
	return func() tea.Msg { return msg }
}

func (p *objectsPane) listHeight() int { return max(p.h-1, 1) } // one line of column titles

func (p *objectsPane) scrollToCursor() {
	h := p.listHeight()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = clamp(p.offset, 0, max(len(p.rows)-h, 0))
}

// Update handles keys; runner-backed work (describe) comes back as a Cmd.
func (p *objectsPane) Update(msg tea.Msg, run func(key string, args []string) tea.Cmd) tea.Cmd {
	switch msg := msg.(type) {
	case describeMsg:
		if p.detail != nil && p.detail.key == msg.key {
			p.detail.setDescribe(msg.text)
			p.cacheValid = false
		}
		return nil
	case tea.KeyMsg:
		if p.detail != nil {
			return p.detailKey(msg, run)
		}
		return p.listKey(msg)
	}
	return nil
}

func (p *objectsPane) listKey(msg tea.KeyMsg) tea.Cmd {
	k := p.keys
	h := p.listHeight()
	switch {
	case key.Matches(msg, k.Up):
		return p.moveTo(p.cursor - 1)
	case key.Matches(msg, k.Down):
		return p.moveTo(p.cursor + 1)
	case key.Matches(msg, k.PageUp):
		return p.moveTo(p.cursor - h)
	case key.Matches(msg, k.PageDown):
		return p.moveTo(p.cursor + h)
	case key.Matches(msg, k.Top):
		return p.moveTo(0)
	case key.Matches(msg, k.Bottom):
		return p.moveTo(len(p.rows) - 1)
	case key.Matches(msg, k.Expand):
		if n := p.selected(); n != nil && len(n.children) > 0 {
			if !p.isExpanded(n) {
				p.expanded[n.key] = true
				p.flatten()
				p.cacheValid = false
				return nil
			}
			return p.moveTo(p.cursor + 1)
		}
	case key.Matches(msg, k.Collapse):
		if n := p.selected(); n != nil {
			if len(n.children) > 0 && p.isExpanded(n) {
				p.expanded[n.key] = false
				p.flatten()
				p.cacheValid = false
				return nil
			}
			if i := p.rowIndex(p.parents[n.key]); i >= 0 {
				return p.moveTo(i)
			}
		}
	case key.Matches(msg, k.Open):
		n := p.selected()
		if n == nil || n.obj == nil {
			if n != nil && len(n.children) > 0 {
				p.expanded[n.key] = !p.isExpanded(n)
				p.flatten()
				p.cacheValid = false
			}
			return nil
		}
		p.detail = newObjDetail(n, p.narr, p.lang)
		p.cacheValid = false
		return p.selectionCmd()
	case key.Matches(msg, k.Delete):
		return p.deleteCmd()
	case key.Matches(msg, k.FilterObject):
		if n := p.selected(); n != nil && n.kind != "" {
			q := "obj:" + strings.ToLower(n.name)
			if n.uid != "" {
				q = "obj:" + n.uid
			}
			return func() tea.Msg { return filterActionsMsg{query: q} }
		}
	}
	return nil
}

// deleteCmd asks for confirmation of `kubectl delete` on the selection;
// the command then runs in the console, where the student sees it.
func (p *objectsPane) deleteCmd() tea.Cmd {
	n := p.selected()
	if n == nil || n.obj == nil {
		return nil
	}
	res := kubectlResource[n.kind]
	if res == "" {
		return nil
	}
	cmd := "kubectl delete " + res + " " + n.name
	if n.ns != "" {
		cmd += " -n " + n.ns
	}
	msg := deleteRequestMsg{what: n.short + "/" + n.name, command: cmd}
	return func() tea.Msg { return msg }
}

func (p *objectsPane) detailKey(msg tea.KeyMsg, run func(key string, args []string) tea.Cmd) tea.Cmd {
	k, d := p.keys, p.detail
	w, h := p.w, p.h-1
	p.cacheValid = false
	switch {
	case key.Matches(msg, k.Back):
		p.detail = nil
	case key.Matches(msg, k.Collapse):
		return d.setTab((d.tab+2)%3, run)
	case key.Matches(msg, k.Expand):
		return d.setTab((d.tab+1)%3, run)
	case key.Matches(msg, k.Up):
		d.view.Scroll(-1, w, h)
	case key.Matches(msg, k.Down):
		d.view.Scroll(1, w, h)
	case key.Matches(msg, k.PageUp):
		d.view.Scroll(-h, w, h)
	case key.Matches(msg, k.PageDown):
		d.view.Scroll(h, w, h)
	case key.Matches(msg, k.Top):
		d.view.Top()
	case key.Matches(msg, k.Bottom):
		d.view.Bottom(w, h)
	case key.Matches(msg, k.Refresh):
		if d.tab == tabDescribe {
			return d.loadDescribe(run)
		}
	case key.Matches(msg, k.Delete):
		return p.deleteCmd()
	}
	return nil
}

// View draws the pane's inside: h lines of w cells.
func (p *objectsPane) View() []string {
	if p.cacheValid {
		return p.cache
	}
	if p.detail != nil {
		p.cache = p.detail.view2(p.st, p.t, p.w, p.h)
	} else {
		p.cache = p.renderList()
	}
	p.cacheValid = true
	return p.cache
}

// columns: what each part of a row gets, by the pane's width.
type objColumns struct{ name, status, ready, info, age int }

func (p *objectsPane) columns() objColumns {
	w := p.w
	// READY holds "100/100 ◌": a hundred replicas, still converging.
	c := objColumns{status: 17, ready: 9, age: 5}
	rest := w - c.status - c.ready - c.age - 4
	if w < 90 {
		// Narrow: names (pods have long ones) matter more than node and IP.
		c.name = rest
		return c
	}
	c.name = clamp(rest*3/5, 38, 56)
	c.info = max(rest-c.name-1, 0)
	return c
}

func (p *objectsPane) renderList() []string {
	lines := make([]string, 0, p.h)
	if !p.ready {
		return padLines([]string{p.st.Dim.Render(p.t.Loading)}, p.w, p.h)
	}
	c := p.columns()
	head := fit("  NAME", c.name) + " " + fit("STATUS", c.status) + " " + fit("READY", c.ready) + " "
	if c.info > 0 {
		head += fit("", c.info) + " "
	}
	head += padLeft("AGE", c.age)
	lines = append(lines, p.st.Dim.Render(fit(head, p.w)))
	h := p.listHeight()
	p.offset = clamp(p.offset, 0, max(len(p.rows)-h, 0))
	now := p.now()
	for i := p.offset; i < len(p.rows) && len(lines) < p.h; i++ {
		lines = append(lines, p.renderRow(p.rows[i], i == p.cursor, c, now))
	}
	if len(p.rows) == 1 && len(p.rows[0].n.children) == 0 || len(p.rows) == 0 {
		lines = append(lines, "", p.st.Dim.Render(trunc(p.t.NoObjects, p.w)))
	}
	return padLines(lines, p.w, p.h)
}

func (p *objectsPane) renderRow(r flatRow, selected bool, c objColumns, now time.Time) string {
	n, st, g := r.n, p.st, p.st.G
	changed := n.uid != "" && now.Sub(p.changed[n.uid]) < highlightFor
	// A selected or highlighted row is drawn in one style: styles nested
	// inside it would end its background at their first reset.
	plain := (selected && p.focused) || changed
	sty := func(s lipgloss.Style, v string) string {
		if plain {
			return v
		}
		return s.Render(v)
	}
	marker := " "
	switch {
	case selected:
		marker = g.Cursor
	case changed:
		marker = g.Changed
	}
	exp := " "
	if len(n.children) > 0 {
		exp = g.Collapsed
		if r.expanded {
			exp = g.Expanded
		}
	}
	name := n.label
	if n.kind != "" && n.kind != "Namespace" {
		name = n.short + "/" + n.name
	}
	if n.kind == "" {
		name += " (" + itoa(len(n.children)) + ")"
	}
	sstyle, glyph := st.status(n.class)
	if n.class == classNone {
		glyph = " "
	}
	left := marker + strings.Repeat("  ", r.depth) + exp + " " + sty(sstyle, glyph) + " "
	if n.kind == "Namespace" || n.kind == "" {
		name = sty(st.Bold, name)
	}
	line := fit(left+name, c.name) + " " + sty(sstyle, fit(n.status, c.status)) + " "
	if n.differs && n.ready != "" {
		// Desired and observed differ: the controller is still converging.
		line += sty(st.Warn, fit(n.ready+" "+g.Pending, c.ready))
	} else {
		line += fit(n.ready, c.ready)
	}
	line += " "
	if c.info > 0 {
		line += sty(st.Dim, fit(n.info, c.info)) + " "
	}
	line = fit(line+sty(st.Dim, padLeft(n.age, c.age)), p.w)
	switch {
	case selected && p.focused:
		return st.Selected.Render(line)
	case changed:
		return st.Changed.Render(line)
	}
	return line
}

// podOf returns the pod under the cursor, if the cursor is on one.
func (p *objectsPane) podOf() (*corev1.Pod, bool) {
	n := p.selected()
	if n == nil {
		return nil, false
	}
	pod, ok := n.obj.(*corev1.Pod)
	return pod, ok
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	pos := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		pos--
		b[pos] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		pos--
		b[pos] = '-'
	}
	return string(b[pos:])
}
