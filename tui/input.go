package tui

import (
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// lineInput is a one-line text field with the editing keys of a shell
// prompt (readline's emacs set). It is ours rather than bubbles'
// textinput: that one pulls a clipboard module the project does not
// carry, and measures with go-runewidth while everything else here uses
// ansi.StringWidth — one width rule keeps the cursor on Korean text.
type lineInput struct {
	Prompt           string
	PromptStyle      lipgloss.Style
	Placeholder      string
	PlaceholderStyle lipgloss.Style
	CursorStyle      lipgloss.Style
	CharLimit        int
	Width            int // cells for the text (without the prompt)

	value   []rune
	pos     int
	offset  int // first rune shown when the text is wider than Width
	focused bool
}

func (in *lineInput) Value() string { return string(in.value) }

func (in *lineInput) SetValue(s string) {
	in.value = []rune(s)
	if in.CharLimit > 0 && len(in.value) > in.CharLimit {
		in.value = in.value[:in.CharLimit]
	}
	in.pos = min(in.pos, len(in.value))
}

// Position is the cursor's rune index.
func (in *lineInput) Position() int   { return in.pos }
func (in *lineInput) SetCursor(i int) { in.pos = clamp(i, 0, len(in.value)) }
func (in *lineInput) CursorEnd()      { in.pos = len(in.value) }
func (in *lineInput) Focus()          { in.focused = true }
func (in *lineInput) Blur()           { in.focused = false }
func (in *lineInput) Focused() bool   { return in.focused }

func (in *lineInput) insert(r []rune) {
	// Typed text never contains control characters (a pasted tab is a space).
	clean := make([]rune, 0, len(r))
	for _, c := range r {
		switch {
		case c == '\t':
			clean = append(clean, ' ')
		case unicode.IsControl(c):
		default:
			clean = append(clean, c)
		}
	}
	if in.CharLimit > 0 && len(in.value)+len(clean) > in.CharLimit {
		clean = clean[:max(in.CharLimit-len(in.value), 0)]
	}
	v := make([]rune, 0, len(in.value)+len(clean))
	v = append(v, in.value[:in.pos]...)
	v = append(v, clean...)
	v = append(v, in.value[in.pos:]...)
	in.value = v
	in.pos += len(clean)
}

func (in *lineInput) deleteRange(from, to int) {
	from, to = clamp(from, 0, len(in.value)), clamp(to, 0, len(in.value))
	if from >= to {
		return
	}
	in.value = append(in.value[:from:from], in.value[to:]...)
	in.pos = from
}

func (in *lineInput) wordLeft() int {
	i := in.pos
	for i > 0 && in.value[i-1] == ' ' {
		i--
	}
	for i > 0 && in.value[i-1] != ' ' {
		i--
	}
	return i
}

func (in *lineInput) wordRight() int {
	i := in.pos
	for i < len(in.value) && in.value[i] == ' ' {
		i++
	}
	for i < len(in.value) && in.value[i] != ' ' {
		i++
	}
	return i
}

// Update edits the text; it returns no Cmd (the cursor does not blink:
// a blinking cursor would redraw the whole screen twice a second).
func (in *lineInput) Update(msg tea.KeyMsg) {
	if !in.focused {
		return
	}
	switch msg.Type {
	case tea.KeyRunes:
		if msg.Alt && len(msg.Runes) == 1 {
			switch msg.Runes[0] {
			case 'b':
				in.pos = in.wordLeft()
			case 'f':
				in.pos = in.wordRight()
			case 'd':
				in.deleteRange(in.pos, in.wordRight())
			}
			return
		}
		in.insert(msg.Runes)
	case tea.KeySpace:
		in.insert([]rune{' '})
	case tea.KeyBackspace:
		if msg.Alt {
			in.deleteRange(in.wordLeft(), in.pos)
		} else if in.pos > 0 {
			in.deleteRange(in.pos-1, in.pos)
		}
	case tea.KeyDelete, tea.KeyCtrlD:
		in.deleteRange(in.pos, in.pos+1)
	case tea.KeyLeft, tea.KeyCtrlB:
		in.pos = max(in.pos-1, 0)
	case tea.KeyRight, tea.KeyCtrlF:
		in.pos = min(in.pos+1, len(in.value))
	case tea.KeyCtrlLeft:
		in.pos = in.wordLeft()
	case tea.KeyCtrlRight:
		in.pos = in.wordRight()
	case tea.KeyHome, tea.KeyCtrlA:
		in.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		in.pos = len(in.value)
	case tea.KeyCtrlU:
		in.deleteRange(0, in.pos)
	case tea.KeyCtrlK:
		in.deleteRange(in.pos, len(in.value))
	case tea.KeyCtrlW:
		in.deleteRange(in.wordLeft(), in.pos)
	}
}

// View draws the prompt and the part of the text around the cursor that
// fits in Width cells, measured by display width.
func (in *lineInput) View() string {
	prompt := in.PromptStyle.Render(in.Prompt)
	w := max(in.Width, 1)
	if len(in.value) == 0 {
		cur := " "
		rest := ""
		if in.Placeholder != "" {
			ph := []rune(in.Placeholder)
			cur, rest = string(ph[0]), trunc(string(ph[1:]), w-1)
		}
		if !in.focused {
			return prompt + in.PlaceholderStyle.Render(cur+rest)
		}
		return prompt + in.CursorStyle.Render(cur) + in.PlaceholderStyle.Render(rest)
	}
	// Scroll so the cursor stays inside the window.
	if in.pos < in.offset {
		in.offset = in.pos
	}
	for in.offset < in.pos && runesWidth(in.value[in.offset:in.pos])+1 > w {
		in.offset++
	}
	var b strings.Builder
	b.WriteString(prompt)
	used := 0
	for i := in.offset; i <= len(in.value); i++ {
		ch := " "
		if i < len(in.value) {
			ch = string(in.value[i])
		}
		cw := width(ch)
		if used+cw > w {
			break
		}
		if i == in.pos && in.focused {
			b.WriteString(in.CursorStyle.Render(ch))
		} else if i < len(in.value) {
			b.WriteString(ch)
		}
		used += cw
	}
	return b.String()
}

func runesWidth(r []rune) int { return width(string(r)) }
