package tui

// scroller shows text that may be longer than its window: YAML, describe
// output, the lesson. Lines are wrapped to the width once per width (the
// cache is what keeps View cheap), and only the visible ones are drawn.
type scroller struct {
	lines   []string // as given: plain text, or already styled
	wrapped []string
	wrapW   int
	offset  int
	// wrapFn wraps one line; styled lines (the lesson) bring their own.
	wrapFn func(line string, w int) []string
}

func (s *scroller) SetLines(lines []string) {
	s.lines = lines
	s.wrapW = -1
}

func (s *scroller) ensure(w int) {
	if s.wrapW == w {
		return
	}
	s.wrapW = w
	s.wrapped = s.wrapped[:0]
	for _, l := range s.lines {
		if s.wrapFn != nil {
			s.wrapped = append(s.wrapped, s.wrapFn(l, w)...)
		} else {
			s.wrapped = append(s.wrapped, wrapLine(l, w)...)
		}
	}
}

// Scroll moves the window by n lines (negative: up), clamped.
func (s *scroller) Scroll(n, w, h int) {
	s.ensure(w)
	s.offset = clamp(s.offset+n, 0, max(len(s.wrapped)-h, 0))
}

// Top and Bottom jump to either end.
func (s *scroller) Top() { s.offset = 0 }

func (s *scroller) Bottom(w, h int) {
	s.ensure(w)
	s.offset = max(len(s.wrapped)-h, 0)
}

// View returns h lines of w cells.
func (s *scroller) View(w, h int) []string {
	s.ensure(w)
	s.offset = clamp(s.offset, 0, max(len(s.wrapped)-h, 0))
	end := min(s.offset+h, len(s.wrapped))
	return padLines(s.wrapped[s.offset:end], w, h)
}

// Len is the number of wrapped lines at width w.
func (s *scroller) Len(w int) int {
	s.ensure(w)
	return len(s.wrapped)
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		hi = lo
	}
	return min(max(v, lo), hi)
}
