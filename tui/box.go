package tui

import "strings"

// box draws content inside a border of exactly w×h cells, with a title
// (already styled) in the top edge. It measures everything by display
// width, so a Korean title or an emoji never shifts the right edge.
func box(st Styles, title string, content []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return padLines(nil, max(w, 0), max(h, 0))
	}
	g, bs := st.G.Border, st.Border
	if focused {
		g, bs = st.G.FocusBorder, st.FocusBorder
	}
	inner := w - 2
	out := make([]string, 0, h)
	// Top edge: ╭─ title ───╮ (the title is cut if the pane is narrow).
	var top string
	if title != "" && inner > 4 {
		t := trunc(title, inner-3)
		top = bs.Render(g.TL+g.H) + " " + t + " " + bs.Render(strings.Repeat(g.H, max(inner-width(t)-3, 0))+g.TR)
	} else {
		top = bs.Render(g.TL + strings.Repeat(g.H, inner) + g.TR)
	}
	out = append(out, top)
	v := bs.Render(g.V)
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(content) {
			line = content[i]
		}
		out = append(out, v+fit(line, inner)+v)
	}
	out = append(out, bs.Render(g.BL+strings.Repeat(g.H, inner)+g.BR))
	return out
}

// tabsTitle renders tab names for a box's top edge: the active one is
// bracketed as well as styled, so it stays visible without colour.
func tabsTitle(st Styles, names []string, active int) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(" ")
		}
		if i == active {
			b.WriteString(st.TabActive.Render("[" + n + "]"))
		} else {
			b.WriteString(st.TabInactive.Render(" " + n + " "))
		}
	}
	return b.String()
}
