package tui

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// confirmState is a question that must be answered before anything else:
// deleting an object, quitting.
type confirmState struct {
	text  string
	onYes func() tea.Cmd
}

// speeds are the clock speeds + and - step through.
var speeds = []float64{0.25, 0.5, 1, 2, 5, 10, 30, 60}

func (m *Model) sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

// key routes a key. Bubble Tea reports the runes of one read as one key:
// "jjj" when keys come faster than frames (a held key, a busy moment,
// tmux send-keys). Where single keys are commands, each rune is its own
// key; once a pane takes text, the rest is typed at once.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste {
		return m.key1(msg)
	}
	var cmds []tea.Cmd
	rs := msg.Runes
	for len(rs) > 0 {
		if m.takesText() {
			cmds = append(cmds, m.key1(tea.KeyMsg{Type: tea.KeyRunes, Runes: rs}))
			break
		}
		cmds = append(cmds, m.key1(tea.KeyMsg{Type: tea.KeyRunes, Runes: rs[:1]}))
		rs = rs[1:]
	}
	return tea.Batch(cmds...)
}

// takesText reports whether a typed rune is text now rather than a key.
func (m *Model) takesText() bool {
	return !m.quitting && m.confirm == nil && !m.showHelp && !m.lay.TooSmall && m.paneOf(m.focus).CapturesInput()
}

// key1 routes one key: a pending question first, then the help view, then
// the keys that work everywhere, then — unless the focused pane is taking
// typed text — the single-key shortcuts, and finally the focused pane.
func (m *Model) key1(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if m.quitting {
		return nil
	}
	// Too small, nothing is drawn but the message: a key acting unseen
	// (text typed and run, a pane's d) would surprise. Only ctrl+c works,
	// and the question it asks is shown in the message.
	if m.lay.TooSmall && m.confirm == nil && msg.Type != tea.KeyCtrlC {
		return nil
	}
	if m.confirm != nil {
		switch {
		case key.Matches(msg, k.Yes):
			c := m.confirm
			m.confirm = nil
			return c.onYes()
		case key.Matches(msg, k.No), msg.Type == tea.KeyCtrlC:
			m.confirm = nil
		}
		return nil
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back, k.Quit) || msg.Type == tea.KeyCtrlC {
			m.showHelp = false
		}
		return nil
	}
	focused := m.paneOf(m.focus)
	capturing := focused.CapturesInput()

	// Keys that are never text.
	switch {
	case msg.Type == tea.KeyCtrlC:
		if m.console.busy() {
			return m.console.interrupt()
		}
		return m.quit()
	case msg.Type == tea.KeyCtrlD && m.focus == paneConsole && !m.console.busy():
		return m.quit()
	case key.Matches(msg, k.PrevFocus):
		return m.cycleFocus(-1)
	case msg.Type == tea.KeyF1:
		m.showHelp = true
		return nil
	case msg.Type == tea.KeyF5:
		return m.togglePause()
	case msg.Type == tea.KeyF6:
		return m.step()
	case msg.Type == tea.KeyF7:
		return m.changeSpeed(-1)
	case msg.Type == tea.KeyF8:
		return m.changeSpeed(1)
	case msg.Type == tea.KeyEsc && m.focus == paneConsole:
		return m.setFocus(m.tab)
	}
	if !capturing {
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Help):
			m.showHelp = true
			return nil
		case key.Matches(msg, k.NextFocus):
			return m.cycleFocus(1)
		case key.Matches(msg, k.FocusConsole):
			return m.setFocus(paneConsole)
		case key.Matches(msg, k.Pane1):
			return m.setFocus(paneLesson)
		case key.Matches(msg, k.Pane2):
			return m.setFocus(paneObjects)
		case key.Matches(msg, k.Pane3):
			return m.setFocus(paneActions)
		case key.Matches(msg, k.Pane4):
			return m.setFocus(paneIsolation)
		case key.Matches(msg, k.Pane5):
			return m.setFocus(paneNodes)
		case key.Matches(msg, k.NextTab):
			return m.cycleTab(1)
		case key.Matches(msg, k.PrevTab):
			return m.cycleTab(-1)
		case key.Matches(msg, k.Pause):
			return m.togglePause()
		case key.Matches(msg, k.Step):
			return m.step()
		case key.Matches(msg, k.Faster):
			return m.changeSpeed(1)
		case key.Matches(msg, k.Slower):
			return m.changeSpeed(-1)
		}
	}
	return m.toPane(msg)
}

// toPane gives a message to the focused pane.
func (m *Model) toPane(msg tea.Msg) tea.Cmd {
	switch m.focus {
	case paneLesson:
		return m.lesson.Update(msg)
	case paneObjects:
		return m.objects.Update(msg, m.describe)
	case paneActions:
		return m.actions.Update(msg)
	case paneIsolation:
		return m.iso.Update(msg)
	case paneNodes:
		return m.nodes.Update(msg)
	}
	return m.console.Update(msg)
}

func (m *Model) cycleFocus(dir int) tea.Cmd {
	order := m.focusOrder()
	i := 0
	for j, id := range order {
		if id == m.focus {
			i = j
		}
	}
	return m.setFocus(order[(i+dir+len(order))%len(order)])
}

func (m *Model) cycleTab(dir int) tea.Cmd {
	tabs := m.tabs()
	i := 0
	for j, id := range tabs {
		if id == m.tab {
			i = j
		}
	}
	next := tabs[(i+dir+len(tabs))%len(tabs)]
	if m.focus == m.tab {
		return m.setFocus(next)
	}
	m.tab = next
	return m.onShow(next)
}

// realTime refuses clock control on a runtime whose containers run in
// real time: sped up, paused or stepped, the cluster's clock would part
// from theirs (a 140s sleep lasting minutes of cluster time, ages printed
// as "<invalid>").
func (m *Model) realTime() bool {
	if m.runtime != "docker" {
		return false
	}
	m.flash(m.t.RealTime, true)
	return true
}

func (m *Model) togglePause() tea.Cmd {
	if m.realTime() {
		return nil
	}
	if m.clock.Paused {
		m.clock.Paused = false
		return timeControl(m.c, func(c Cluster) { c.Resume() })
	}
	m.clock.Paused = true
	return timeControl(m.c, func(c Cluster) { c.Pause() })
}

// step moves the clock 10s forward (every timer on the way fires).
func (m *Model) step() tea.Cmd {
	if m.realTime() {
		return nil
	}
	return timeControl(m.c, func(c Cluster) { c.Step(10 * time.Second) })
}

func (m *Model) changeSpeed(dir int) tea.Cmd {
	if m.realTime() {
		return nil
	}
	cur := m.clock.Speed
	i := 0
	for j, s := range speeds {
		if s <= cur {
			i = j
		}
	}
	next := speeds[clamp(i+dir, 0, len(speeds)-1)]
	m.clock.Speed = next
	return timeControl(m.c, func(c Cluster) { c.SetSpeed(next) })
}

// mouse: the wheel scrolls the pane under the pointer, a click focuses it.
func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.lay.TooSmall || m.confirm != nil || m.showHelp || m.quitting {
		return nil
	}
	id, ok := m.paneAt(msg.X, msg.Y)
	if !ok {
		return nil
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown:
		if id == paneConsole {
			n := 3
			if msg.Button == tea.MouseButtonWheelDown {
				n = -3
			}
			m.console.scrollBy(n)
			return nil
		}
		t := tea.KeyUp
		if msg.Button == tea.MouseButtonWheelDown {
			t = tea.KeyDown
		}
		prev := m.focus
		m.focus = id
		var cmds []tea.Cmd
		for i := 0; i < 3; i++ {
			cmds = append(cmds, m.toPane(tea.KeyMsg{Type: t}))
		}
		m.focus = prev
		return tea.Batch(cmds...)
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		return m.setFocus(id)
	}
	return nil
}

func (m *Model) paneAt(x, y int) (paneID, bool) {
	l := m.lay
	switch {
	case l.Console.Contains(x, y):
		return paneConsole, true
	case !l.Lesson.Empty() && l.Lesson.Contains(x, y):
		return paneLesson, true
	case !l.Tiled.Empty() && l.Tiled.Contains(x, y):
		return paneActions, true
	case l.Views.Contains(x, y):
		return m.tab, true
	}
	return 0, false
}
