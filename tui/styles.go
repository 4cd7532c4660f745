package tui

import "github.com/charmbracelet/lipgloss"

// Theme chooses colours. It is decided once, before the program starts:
// asking the terminal for its background later stalls start-up
// (lipgloss#73), so Run's caller passes what it detected.
type Theme int

const (
	// Dark is for dark terminal backgrounds.
	Dark Theme = iota
	// Light is for light terminal backgrounds.
	Light
	// Mono uses no colour at all (NO_COLOR, --mono): every state is also
	// told by a symbol or a marker, so nothing is lost.
	Mono
)

// Glyphs are the symbols drawn by the panes. The ASCII set is for
// terminals and fonts that draw box-drawing or geometric characters at the
// wrong width (some CJK set-ups treat them as two cells).
type Glyphs struct {
	OK, Pending, Bad, Done, Terminating, Unknown string
	Cursor, Collapsed, Expanded, Changed         string
	BarFull, BarEmpty                            string
	Border, FocusBorder                          BorderGlyphs
	Arrow, Sep                                   string
}

// BorderGlyphs are the six pieces of a box.
type BorderGlyphs struct{ TL, TR, BL, BR, H, V string }

// UnicodeGlyphs is the default set.
var UnicodeGlyphs = Glyphs{
	OK: "✓", Pending: "◌", Bad: "✗", Done: "●", Terminating: "◍", Unknown: "?",
	Cursor: "▶", Collapsed: "▸", Expanded: "▾", Changed: "•",
	BarFull: "█", BarEmpty: "░",
	Border:      BorderGlyphs{"╭", "╮", "╰", "╯", "─", "│"},
	FocusBorder: BorderGlyphs{"┏", "┓", "┗", "┛", "━", "┃"},
	Arrow:       "→", Sep: "│",
}

// ASCIIGlyphs draws everything with ASCII.
var ASCIIGlyphs = Glyphs{
	OK: "+", Pending: "~", Bad: "x", Done: "*", Terminating: "-", Unknown: "?",
	Cursor: ">", Collapsed: "+", Expanded: "-", Changed: "*",
	BarFull: "#", BarEmpty: ".",
	Border:      BorderGlyphs{"+", "+", "+", "+", "-", "|"},
	FocusBorder: BorderGlyphs{"#", "#", "#", "#", "=", "#"},
	Arrow:       "->", Sep: "|",
}

// Styles is every style the TUI draws with, built once by NewStyles and
// passed down: no pane keeps styles of its own.
type Styles struct {
	Theme Theme
	G     Glyphs

	Header, HeaderDim, Footer lipgloss.Style
	Border, FocusBorder       lipgloss.Style
	Title, FocusTitle         lipgloss.Style
	TabActive, TabInactive    lipgloss.Style
	Selected, Changed         lipgloss.Style
	Dim, Bold, Accent, Italic lipgloss.Style
	OK, Pending, Bad, Done    lipgloss.Style
	Warn                      lipgloss.Style
	Prompt, Echo, Error       lipgloss.Style
	Heading, Code             lipgloss.Style
	BarFull, BarEmpty         lipgloss.Style
	HelpKey, HelpDesc         lipgloss.Style
	Modal                     lipgloss.Style
	Shared                    []lipgloss.Style // colours for groups of shared namespaces
}

type palette struct {
	fg, dim, accent, border, focus, ok, pending, bad, done, warn, selBg, selFg, changedBg, headerBg, headerFg, code string
	shared                                                                                                          []string
}

var darkPalette = palette{
	fg: "252", dim: "244", accent: "39", border: "240", focus: "45", ok: "42", pending: "220", bad: "203", done: "111",
	warn: "214", selBg: "24", selFg: "231", changedBg: "58", headerBg: "236", headerFg: "252", code: "180",
	shared: []string{"81", "177", "215", "120", "211"},
}

var lightPalette = palette{
	fg: "235", dim: "242", accent: "26", border: "248", focus: "31", ok: "28", pending: "130", bad: "160", done: "61",
	warn: "166", selBg: "153", selFg: "16", changedBg: "229", headerBg: "254", headerFg: "235", code: "94",
	shared: []string{"25", "90", "130", "28", "161"},
}

// NewStyles builds the styles of a theme; ascii picks the ASCII glyphs.
func NewStyles(t Theme, ascii bool) Styles {
	s := Styles{Theme: t, G: UnicodeGlyphs}
	if ascii {
		s.G = ASCIIGlyphs
	}
	n := lipgloss.NewStyle
	if t == Mono {
		// Attributes only. Where even these are stripped (NO_COLOR makes
		// lipgloss drop all styling), markers carry the meaning: the cursor
		// glyph, [active tab], heavy borders on the focused pane.
		s.Header, s.HeaderDim, s.Footer = n().Bold(true), n(), n()
		s.Border, s.FocusBorder = n(), n().Bold(true)
		s.Title, s.FocusTitle = n(), n().Bold(true)
		s.TabActive, s.TabInactive = n().Bold(true).Underline(true), n()
		s.Selected, s.Changed = n().Reverse(true), n().Bold(true)
		s.Dim, s.Bold, s.Accent, s.Italic = n().Faint(true), n().Bold(true), n().Bold(true), n().Italic(true)
		s.OK, s.Pending, s.Bad, s.Done, s.Warn = n(), n(), n().Bold(true), n(), n().Bold(true)
		s.Prompt, s.Echo, s.Error = n().Bold(true), n().Bold(true), n().Bold(true)
		s.Heading, s.Code = n().Bold(true).Underline(true), n()
		s.BarFull, s.BarEmpty = n(), n().Faint(true)
		s.HelpKey, s.HelpDesc = n().Bold(true), n()
		s.Modal = n().Bold(true)
		s.Shared = []lipgloss.Style{n().Bold(true)}
		return s
	}
	p := darkPalette
	if t == Light {
		p = lightPalette
	}
	c := func(v string) lipgloss.Color { return lipgloss.Color(v) }
	s.Header = n().Background(c(p.headerBg)).Foreground(c(p.headerFg)).Bold(true)
	s.HeaderDim = n().Background(c(p.headerBg)).Foreground(c(p.dim))
	s.Footer = n().Foreground(c(p.dim))
	s.Border, s.FocusBorder = n().Foreground(c(p.border)), n().Foreground(c(p.focus))
	s.Title, s.FocusTitle = n().Foreground(c(p.dim)), n().Foreground(c(p.focus)).Bold(true)
	s.TabActive, s.TabInactive = n().Foreground(c(p.focus)).Bold(true).Underline(true), n().Foreground(c(p.dim))
	s.Selected = n().Background(c(p.selBg)).Foreground(c(p.selFg))
	s.Changed = n().Background(c(p.changedBg))
	s.Dim, s.Bold, s.Accent, s.Italic = n().Foreground(c(p.dim)), n().Bold(true), n().Foreground(c(p.accent)), n().Italic(true)
	s.OK, s.Pending, s.Bad, s.Done, s.Warn = n().Foreground(c(p.ok)), n().Foreground(c(p.pending)), n().Foreground(c(p.bad)).Bold(true),
		n().Foreground(c(p.done)), n().Foreground(c(p.warn))
	s.Prompt, s.Echo, s.Error = n().Foreground(c(p.accent)).Bold(true), n().Foreground(c(p.accent)), n().Foreground(c(p.bad))
	s.Heading, s.Code = n().Foreground(c(p.accent)).Bold(true), n().Foreground(c(p.code))
	s.BarFull, s.BarEmpty = n().Foreground(c(p.ok)), n().Foreground(c(p.border))
	s.HelpKey, s.HelpDesc = n().Foreground(c(p.accent)).Bold(true), n().Foreground(c(p.dim))
	s.Modal = n().Foreground(c(p.warn)).Bold(true)
	for _, v := range p.shared {
		s.Shared = append(s.Shared, n().Foreground(c(v)).Bold(true))
	}
	return s
}

// status returns the style and glyph of a status class.
func (s Styles) status(c statusClass) (lipgloss.Style, string) {
	switch c {
	case classOK:
		return s.OK, s.G.OK
	case classPending:
		return s.Pending, s.G.Pending
	case classBad:
		return s.Bad, s.G.Bad
	case classDone:
		return s.Done, s.G.Done
	case classTerminating:
		return s.Dim, s.G.Terminating
	}
	return s.Dim, s.G.Unknown
}
