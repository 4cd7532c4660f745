package tui

import "github.com/charmbracelet/bubbles/key"

// Keys is every key binding, built once per language: the help view and
// the footer are generated from these bindings, so they are always what
// the keys really do.
type Keys struct {
	// Global, handled by the root. The single-letter ones are skipped while
	// a pane captures typing (the console, a filter being typed).
	Quit, Help, NextFocus, PrevFocus, FocusConsole key.Binding
	Pane1, Pane2, Pane3, Pane4, Pane5              key.Binding
	NextTab, PrevTab                               key.Binding
	Pause, Step, Faster, Slower                    key.Binding
	Interrupt                                      key.Binding

	// Lists (objects, controllers, nodes) and scrolled text.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Back, Expand, Collapse            key.Binding
	Delete, FilterObject                    key.Binding

	// Controller actions.
	Filter, Follow, ClearFilter key.Binding

	// Isolation.
	Refresh key.Binding

	// Console.
	Run, Complete, HistPrev, HistNext, ScrollUp, ScrollDown, ClearScreen, Leave, EOF key.Binding

	// Confirmation.
	Yes, No key.Binding
}

func newKeys(l Lang) Keys {
	b := func(keys []string, help, en, ko string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, l.pick(en, ko)))
	}
	k := func(s ...string) []string { return s }
	return Keys{
		Quit:         b(k("q"), "q", "quit", "종료"),
		Help:         b(k("?", "f1"), "?", "help", "도움말"),
		NextFocus:    b(k("tab"), "tab", "next pane", "다음 창"),
		PrevFocus:    b(k("shift+tab"), "shift+tab", "previous pane", "이전 창"),
		FocusConsole: b(k(":", "i"), ":/i", "type a command", "명령 입력"),
		Pane1:        b(k("1"), "1", "lesson", "학습"),
		Pane2:        b(k("2"), "2", "objects", "오브젝트"),
		Pane3:        b(k("3"), "3", "controllers", "컨트롤러"),
		Pane4:        b(k("4"), "4", "isolation", "격리"),
		Pane5:        b(k("5"), "5", "nodes", "노드"),
		NextTab:      b(k("]"), "]", "next tab", "다음 탭"),
		PrevTab:      b(k("["), "[", "previous tab", "이전 탭"),
		Pause:        b(k(" ", "f5"), "space/f5", "pause/resume the clock", "시계 멈춤/재개"),
		Step:         b(k(".", "f6"), "./f6", "step the clock +10s", "시계 +10초"),
		Faster:       b(k("+", "=", "f8"), "+/f8", "faster", "빠르게"),
		Slower:       b(k("-", "f7"), "-/f7", "slower", "느리게"),
		Interrupt:    b(k("ctrl+c"), "ctrl+c", "stop the command / quit", "명령 중지 / 종료"),

		Up:           b(k("up", "k"), "↑/k", "up", "위"),
		Down:         b(k("down", "j"), "↓/j", "down", "아래"),
		PageUp:       b(k("pgup", "ctrl+u"), "pgup", "page up", "한 쪽 위"),
		PageDown:     b(k("pgdown", "ctrl+d"), "pgdn", "page down", "한 쪽 아래"),
		Top:          b(k("home", "g"), "g", "top", "맨 위"),
		Bottom:       b(k("end", "G"), "G", "bottom", "맨 아래"),
		Open:         b(k("enter"), "enter", "open", "열기"),
		Back:         b(k("esc", "backspace"), "esc", "back", "뒤로"),
		Expand:       b(k("right", "l"), "→/l", "expand / next", "펼치기 / 다음"),
		Collapse:     b(k("left", "h"), "←/h", "collapse / previous", "접기 / 이전"),
		Delete:       b(k("d", "delete"), "d", "delete (asks first)", "삭제 (확인 후)"),
		FilterObject: b(k("f"), "f", "its controller actions", "이 오브젝트의 컨트롤러 동작"),

		Filter:      b(k("/"), "/", "filter (ns: src: kind: words)", "필터 (ns: src: kind: 단어)"),
		Follow:      b(k("F"), "F", "newest first / follow", "최신순 / 따라가기"),
		ClearFilter: b(k("esc"), "esc", "clear filter", "필터 지우기"),

		Refresh: b(k("r"), "r", "refresh", "새로 고침"),

		Run:         b(k("enter"), "enter", "run", "실행"),
		Complete:    b(k("tab"), "tab", "complete", "자동 완성"),
		HistPrev:    b(k("up", "ctrl+p"), "↑", "previous command", "이전 명령"),
		HistNext:    b(k("down", "ctrl+n"), "↓", "next command", "다음 명령"),
		ScrollUp:    b(k("pgup", "shift+up"), "pgup", "scroll up", "위로 스크롤"),
		ScrollDown:  b(k("pgdown", "shift+down"), "pgdn", "scroll down", "아래로 스크롤"),
		ClearScreen: b(k("ctrl+l"), "ctrl+l", "clear", "화면 지우기"),
		Leave:       b(k("esc"), "esc", "leave the console", "콘솔에서 나가기"),
		EOF:         b(k("ctrl+d"), "ctrl+d", "quit (empty line)", "종료 (빈 줄)"),

		Yes: b(k("y", "Y"), "y", "yes", "예"),
		No:  b(k("n", "N", "esc"), "n", "no", "아니요"),
	}
}

// globalHelp is the root's part of the help view.
func (k Keys) globalHelp() []key.Binding {
	return []key.Binding{k.NextFocus, k.PrevFocus, k.FocusConsole, k.Pane1, k.Pane2, k.Pane3, k.Pane4, k.Pane5,
		k.NextTab, k.PrevTab, k.Pause, k.Step, k.Faster, k.Slower, k.Interrupt, k.Help, k.Quit}
}
