package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// View draws the screen: exactly height lines of exactly width cells.
// Each pane caches its own lines, so a frame in which nothing changed
// costs the stitching of a few dozen strings.
func (m *Model) View() string {
	if m.onRender != nil {
		defer m.onRender()
	}
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.lay.TooSmall {
		return m.tooSmallView()
	}
	screen := make([]string, m.height)
	place := func(r Rect, lines []string) {
		for i := 0; i < r.H && i < len(lines); i++ {
			screen[r.Y+i] += lines[i] // rectangles are placed left to right
		}
	}
	l := m.lay
	place(l.Header, []string{m.headerView()})
	// Place by x so that rows concatenate left to right.
	type part struct {
		r     Rect
		lines []string
	}
	var parts []part
	if m.showHelp {
		parts = append(parts, part{m.helpRect(), m.helpView(m.helpRect())})
	} else {
		if !l.Lesson.Empty() {
			parts = append(parts, part{l.Lesson, m.paneBox(paneLesson, l.Lesson, m.lesson.Title())})
		}
		parts = append(parts, part{l.Console, m.paneBox(paneConsole, l.Console, m.console.Title())})
		parts = append(parts, part{l.Views, m.viewsBox()})
		if !l.Tiled.Empty() {
			parts = append(parts, part{l.Tiled, m.paneBox(paneActions, l.Tiled, m.actions.Title())})
		}
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].r.X < parts[j].r.X })
	for _, p := range parts {
		place(p.r, p.lines)
	}
	place(l.Footer, []string{m.footerView()})
	if m.confirm != nil {
		m.overlay(screen, m.confirmBox())
	}
	for i := range screen {
		if m.opts.ASCII {
			screen[i] = asciiSymbols.Replace(screen[i])
		}
		screen[i] = fit(screen[i], m.width)
	}
	return strings.Join(screen, "\n")
}

// asciiSymbols maps, cell for cell, the symbols that reach the screen from
// outside the glyph set (lesson text, kubectl's output, narration) to
// ASCII. Terminals that need --ascii draw these East Asian "ambiguous
// width" characters two cells wide, which would push every border after
// them out of line. Letters of any script are left alone.
var asciiSymbols = strings.NewReplacer(
	"·", "|", "…", "~", "—", "-", "–", "-", "‘", "'", "’", "'", "“", "\"", "”", "\"",
	"→", ">", "←", "<", "›", ">", "‹", "<", "↑", "^", "↓", "v", "×", "x", "±", "+", "°", "o", "≥", ">", "≤", "<", "÷", "/", "−", "-", "≠", "!", "µ", "u", "◐", "~", "├", "+", "┤", "+", "└", "+", "┘", "+", "┌", "+", "┐", "+",
	"✓", "+", "✗", "x", "•", "*", "●", "*", "◌", "~", "◍", "-", "▶", ">", "▸", "+", "▾", "-",
	"█", "#", "░", ".", "─", "-", "━", "=", "│", "|", "┃", "#",
	"╭", "+", "╮", "+", "╰", "+", "╯", "+", "┏", "#", "┓", "#", "┗", "#", "┛", "#",
)

// paneBox draws a pane with its border; the focused pane's border is
// heavier (and coloured), so focus shows without colour too.
func (m *Model) paneBox(id paneID, r Rect, title string) []string {
	p := m.paneOf(id)
	ts := m.st.Title
	if m.focus == id {
		ts = m.st.FocusTitle
	}
	return box(m.st, ts.Render(num(id)+title), p.View(), r.W, r.H, m.focus == id)
}

// num is the key that jumps to a pane.
func num(id paneID) string {
	if id >= paneLesson && id <= paneNodes {
		return fmt.Sprintf("%d ", int(id))
	}
	return ""
}

// viewsBox draws the tabbed views with the tab names in the top edge.
func (m *Model) viewsBox() []string {
	tabs := m.tabs()
	names := make([]string, len(tabs))
	active := 0
	for i, id := range tabs {
		names[i] = num(id) + m.tabName(id)
		if id == m.tab {
			active = i
		}
	}
	title := tabsTitle(m.st, names, active)
	p := m.paneOf(m.tab)
	r := m.lay.Views
	if width(title) > r.W-6 {
		// Too many tabs for the width: only the active one is named.
		title = m.st.TabActive.Render("[" + names[active] + "]")
		title += m.st.Dim.Render(fmt.Sprintf(" %d/%d  [ ]", active+1, len(tabs)))
	}
	if m.tab == paneObjects && m.objects.detail != nil {
		title += " " + m.st.Dim.Render("› "+m.objects.detail.title())
	}
	if m.tab == paneIsolation && m.iso.pod != "" {
		title += " " + m.st.Dim.Render("› po/"+m.iso.pod)
	}
	if m.tab == paneActions && !m.actions.f.empty() {
		title += " " + m.st.Dim.Render("› "+m.t.Filter+": "+m.actions.input.Value())
	}
	return box(m.st, title, p.View(), r.W, r.H, m.focus == m.tab)
}

func (m *Model) tabName(id paneID) string {
	switch id {
	case paneLesson:
		return m.t.Lesson
	case paneObjects:
		return m.t.Objects
	case paneActions:
		return m.t.Actions
	case paneIsolation:
		return m.t.Isolation
	case paneNodes:
		return m.t.Nodes
	}
	return m.t.Console
}

// headerView: the session, the runtime, the cluster clock.
func (m *Model) headerView() string {
	st, t := m.st, m.t
	rt := m.runtime
	switch rt {
	case "sim":
		rt = t.Sim
	case "docker":
		rt = t.Docker
	}
	title := m.opts.Title
	if ch, ok := m.opts.LessonSession.(interface{ Chapter() string }); ok && ch.Chapter() != "" {
		title = ch.Chapter() // follows next, prev and goto
	}
	left := " kubetour · " + title
	if rt != "" {
		left += " · " + rt
	}
	right := m.clockText() + " "
	gap := m.width - width(left) - width(right)
	if gap < 1 {
		right = trunc(right, max(m.width-width(left)-1, 0))
		gap = max(m.width-width(left)-width(right), 0)
	}
	return st.Header.Render(fit(left+strings.Repeat(" ", gap)+right, m.width))
}

func (m *Model) clockText() string {
	c := m.clock
	if c.Now.IsZero() {
		return m.t.Starting
	}
	s := c.Now.Format("15:04:05")
	switch {
	case c.Manual:
		return s + " · " + m.t.Manual
	case c.Paused:
		return s + " · " + m.t.Paused
	}
	return s + " · " + m.t.Speed + " " + formatSpeed(c.Speed) + "x"
}

func formatSpeed(f float64) string {
	if f == float64(int(f)) {
		return fmt.Sprint(int(f))
	}
	return fmt.Sprintf("%g", f)
}

// footerView: a message if there is one, else the keys of the focused pane.
func (m *Model) footerView() string {
	if m.quitting {
		return m.st.Modal.Render(fit(" "+m.t.Stopping, m.width))
	}
	if m.status != "" && m.opts.Now().Before(m.statusUntil) {
		s := m.st.Accent
		if m.statusErr {
			s = m.st.Error
		}
		return s.Render(fit(" "+m.status, m.width))
	}
	var b []key.Binding
	switch m.focus {
	case paneLesson:
		b = m.lesson.ShortHelp()
	case paneObjects:
		b = m.objects.ShortHelp()
	case paneActions:
		b = m.actions.ShortHelp()
	case paneIsolation:
		b = m.iso.ShortHelp()
	case paneNodes:
		b = m.nodes.ShortHelp()
	default:
		b = m.console.ShortHelp()
	}
	// Help comes first: at 80 columns the end of the line is cut, and a
	// new student must still see where every key is listed.
	if !m.paneOf(m.focus).CapturesInput() {
		b = append(append([]key.Binding{m.keys.Help}, b...), m.keys.NextFocus, m.keys.Quit)
	} else {
		b = append(append([]key.Binding{withHelp(m.keys.Help, "f1")}, b...), m.keys.PrevFocus)
	}
	m.help.Width = m.width - 1
	return fit(" "+m.help.ShortHelpView(b), m.width)
}

func withHelp(b key.Binding, keyText string) key.Binding {
	b.SetHelp(keyText, b.Help().Desc)
	return b
}

func (m *Model) tooSmallView() string {
	t := m.t
	msg := []string{
		m.st.Bold.Render(fmt.Sprintf(t.TooSmall, m.width, m.height)),
		fmt.Sprintf(t.TooSmallHint, MinWidth, MinHeight),
	}
	if m.confirm != nil {
		// ctrl+c works here: its question must be seen to be answered.
		msg = append(msg, "", m.confirm.text, m.st.Bold.Render(t.YesNo))
	}
	var lines []string
	for _, l := range msg {
		lines = append(lines, wrap(l, max(m.width-2, 1))...)
	}
	out := make([]string, m.height)
	top := max((m.height-len(lines))/2, 0)
	for i := range out {
		s := ""
		if j := i - top; j >= 0 && j < len(lines) {
			pad := max((m.width-width(lines[j]))/2, 0)
			s = strings.Repeat(" ", pad) + lines[j]
		}
		out[i] = fit(s, m.width)
	}
	return strings.Join(out, "\n")
}

// helpRect is where the help view goes: the whole body, between the
// header and the footer.
func (m *Model) helpRect() Rect {
	return Rect{0, 1, m.width, m.height - 2}
}

// helpView lists every key: the global ones, then the focused pane's.
func (m *Model) helpView(r Rect) []string {
	st := m.st
	var lines []string
	section := func(title string, bs []key.Binding) {
		lines = append(lines, st.Bold.Render(title))
		for _, b := range bs {
			h := b.Help()
			lines = append(lines, "  "+st.HelpKey.Render(fit(h.Key, 12))+" "+st.HelpDesc.Render(h.Desc))
		}
		lines = append(lines, "")
	}
	var pane []key.Binding
	switch m.focus {
	case paneLesson:
		pane = m.lesson.FullHelp()
	case paneObjects:
		pane = m.objects.FullHelp()
	case paneActions:
		pane = m.actions.FullHelp()
	case paneIsolation:
		pane = m.iso.FullHelp()
	case paneNodes:
		pane = m.nodes.FullHelp()
	default:
		pane = m.console.FullHelp()
	}
	section(m.tabName(m.focus), pane)
	global := m.keys.globalHelp()
	split := len(lines)
	section(m.t.HelpGlobal, global)
	lines = append(lines, st.Dim.Render(m.t.HelpClose))
	// Two columns when the lines do not fit one: the pane's keys and the
	// global ones side by side, each under its title, when each fits;
	// else halved.
	inner := r.W - 2
	if len(lines) > r.H-2 && inner >= 70 {
		half := (len(lines) + 1) / 2
		if max(split, len(lines)-split) <= r.H-2 {
			half = split
		}
		colW := inner / 2
		var two []string
		for i := 0; i < max(half, len(lines)-half); i++ {
			left := ""
			if i < half {
				left = lines[i]
			}
			left = fit(left, colW)
			right := ""
			if i+half < len(lines) {
				right = lines[i+half]
			}
			two = append(two, left+right)
		}
		lines = two
	}
	return box(st, st.FocusTitle.Render(m.t.HelpTitle), lines, r.W, r.H, true)
}

// confirmBox is the question asked before a destructive key.
func (m *Model) confirmBox() []string {
	w := min(max(m.width*2/3, 40), m.width-4)
	text := wrap(m.confirm.text, w-4)
	lines := make([]string, 0, len(text)+3)
	lines = append(lines, "")
	for _, l := range text {
		lines = append(lines, " "+l)
	}
	lines = append(lines, "", " "+m.st.Bold.Render(m.t.YesNo))
	return box(m.st, m.st.Modal.Render("?"), lines, w, len(lines)+2, true)
}

// overlay draws lines centred over the screen.
func (m *Model) overlay(screen []string, lines []string) {
	if len(lines) == 0 {
		return
	}
	w := width(lines[0])
	x := max((m.width-w)/2, 0)
	y := max((m.height-len(lines))/2, 0)
	for i, l := range lines {
		if y+i >= len(screen) {
			break
		}
		bg := fit(screen[y+i], m.width)
		left := ansi.Truncate(bg, x, "")
		right := ansi.TruncateLeft(bg, x+w, "")
		screen[y+i] = fit(left, x) + l + right
	}
}
