package tui

// MinWidth and MinHeight are the smallest terminal kubetour draws in: the
// classic 80×24. Below it a "terminal too small" message replaces the UI.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Rect is a pane's place on the screen, in cells.
type Rect struct{ X, Y, W, H int }

// Empty reports whether the rectangle shows nothing.
func (r Rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// Contains reports whether the cell (x, y) is inside r.
func (r Rect) Contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Layout is where everything goes for one terminal size.
type Layout struct {
	W, H     int
	TooSmall bool
	Header   Rect // one line: title, runtime, clock
	Footer   Rect // one line: the focused pane's keys, or a message
	Lesson   Rect // empty when the lesson is one of the views' tabs
	Console  Rect
	Views    Rect // the tabbed views: objects, isolation, nodes (and more when narrow)
	// Tiled shows the controller actions beside the tabbed views when there
	// is room; empty otherwise (the actions are then a tab).
	Tiled Rect
}

// LessonTab reports whether the lesson is a tab of the views.
func (l Layout) LessonTab() bool { return l.Lesson.Empty() }

// ActionsTab reports whether the controller actions are a tab of the views.
func (l Layout) ActionsTab() bool { return l.Tiled.Empty() }

// layout places the panes for a w×h terminal. It is a pure function so
// that its arithmetic — the error-prone part of any TUI — is tested alone:
// every rectangle lies inside the screen, none overlap, and together they
// cover it.
//
//	narrow (< 120 columns)      wide (≥ 120)              wide and tall (≥ 160×40)
//	┌ header ──────────┐        ┌ header ────────────┐     ┌ header ──────────────────┐
//	│ views (tabs)     │        │ lesson │ views     │     │ lesson  │ views (tabs)   │
//	├──────────────────┤        ├────────┤ (tabs)    │     ├─────────┼────────────────┤
//	│ console          │        │console │           │     │ console │ controllers    │
//	└ footer ──────────┘        └ footer ────────────┘     └ footer ──────────────────┘
func layout(w, h int) Layout {
	l := Layout{W: w, H: h}
	if w < MinWidth || h < MinHeight {
		l.TooSmall = true
		return l
	}
	l.Header = Rect{0, 0, w, 1}
	l.Footer = Rect{0, h - 1, w, 1}
	bodyY, body := 1, h-2
	if w < 120 {
		consoleH := max(8, body*40/100)
		l.Views = Rect{0, bodyY, w, body - consoleH}
		l.Console = Rect{0, bodyY + body - consoleH, w, consoleH}
		return l
	}
	left := min(max(w*2/5, 48), 90)
	lessonH := max(6, body*40/100)
	l.Lesson = Rect{0, bodyY, left, lessonH}
	l.Console = Rect{0, bodyY + lessonH, left, body - lessonH}
	right := w - left
	if w >= 160 && h >= 40 {
		viewsH := body * 55 / 100
		l.Views = Rect{left, bodyY, right, viewsH}
		l.Tiled = Rect{left, bodyY + viewsH, right, body - viewsH}
		return l
	}
	l.Views = Rect{left, bodyY, right, body}
	return l
}
