package tui

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Every width in the TUI is a display width (ansi.StringWidth): a Hangul
// syllable takes two cells, an ANSI escape none. len() would misalign every
// border as soon as a Korean sentence or an emoji appears.

// width is the display width of s, escapes ignored.
func width(s string) int { return ansi.StringWidth(s) }

// fit truncates s to w cells (with an ellipsis) and pads it with spaces to
// exactly w cells, so that every line a pane emits has the pane's width.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = width(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// trunc shortens s to at most w cells without padding.
func trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	sw := width(s)
	if sw >= w {
		return trunc(s, w)
	}
	return strings.Repeat(" ", w-sw) + s
}

// wrap breaks plain text into lines of at most w cells: at spaces where it
// can, inside a word (between characters, never inside one) where a word is
// longer than a line. Hangul is wrapped like Latin text, at spaces.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, w)...)
	}
	return out
}

func wrapLine(s string, w int) []string {
	if width(s) <= w {
		return []string{s}
	}
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		curW = 0
	}
	for _, word := range splitKeepSpaces(s) {
		ww := width(word)
		if curW+ww <= w {
			cur.WriteString(word)
			curW += ww
			continue
		}
		if strings.TrimSpace(word) == "" {
			flush()
			continue
		}
		if curW > 0 {
			flush()
		}
		// A word longer than the line is cut between characters.
		for ww > w {
			head := ansi.Truncate(word, w, "")
			if head == "" { // a wide rune in a one-cell line: give up on it
				break
			}
			lines = append(lines, head)
			word = word[len(head):]
			ww = width(word)
		}
		cur.WriteString(word)
		curW = ww
	}
	if cur.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// splitKeepSpaces splits s into words each followed by its spaces.
func splitKeepSpaces(s string) []string {
	var out []string
	start := 0
	inSpace := false
	for i, r := range s {
		sp := r == ' '
		if !sp && inSpace {
			out = append(out, s[start:i])
			start = i
		}
		inSpace = sp
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// sanitize makes one line of command output safe to draw: tabs become
// spaces (to the next multiple of eight, as a terminal shows them), other
// control characters and escape sequences are dropped, and a carriage
// return keeps only what was written after it.
func sanitize(s string) string {
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		if i == len(s)-1 {
			s = s[:i]
		} else {
			s = s[i+1:]
		}
	}
	s = ansi.Strip(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch {
		case r == '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case r < 0x20 || r == 0x7f || !unicode.IsPrint(r) && r != ' ':
		default:
			b.WriteRune(r)
			col += width(string(r))
		}
	}
	return b.String()
}

// padLines returns exactly h lines of exactly w cells.
func padLines(lines []string, w, h int) []string {
	out := make([]string, h)
	blank := strings.Repeat(" ", max(w, 0))
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = blank
		}
	}
	return out
}

// ansiStrip removes escape sequences (to restyle a line as a whole).
func ansiStrip(s string) string { return ansi.Strip(s) }
