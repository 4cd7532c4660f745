package tui

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/engine/events"
)

// fakeLesson stands in for lessons.Session (adapted in cmd/kubetour).
type fakeLesson struct {
	mu       sync.Mutex
	md       string
	hints    int
	asking   bool
	commands []string
	ran      []LessonRun
	observed int
	chapter  string
}

func (f *fakeLesson) Chapter() string { f.mu.Lock(); defer f.mu.Unlock(); return f.chapter }

func (f *fakeLesson) Markdown() string { f.mu.Lock(); defer f.mu.Unlock(); return f.md }

func (f *fakeLesson) Observe(batch []events.Event) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.observed++
	if len(batch) > 0 {
		f.md = strings.Replace(f.md, "- · a pod runs", "- ✓ a pod runs", 1) + "\n**What just happened**\n\nThe scheduler placed it.\n"
		return []string{"✓ Step done. `next` goes on, **when you are ready**."}
	}
	return nil
}

func (f *fakeLesson) Ran(r LessonRun) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, r)
	return nil
}

func (f *fakeLesson) Command(line string) (string, bool, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.commands = append(f.commands, line)
	if f.asking {
		f.asking = false
		if line == "y" {
			return "Reference solution:\n  kubectl run web --image=nginx", false, true
		}
		return "Cancelled.", false, line == "n"
	}
	switch line {
	case "hint":
		f.hints++
		return "Hint 1/2: kubectl run makes a pod", false, true
	case "solution":
		f.asking = true
		return "Show the reference solution? [y/N]", true, true
	}
	return "", false, false
}

const fakeStep = "# Pods\n\n## 1/3 · Run a pod\n\nRun **nginx** as a pod.\n\n**Checks**\n\n- · a pod runs\n"

func TestLessonPaneAndConsoleCommands(t *testing.T) {
	c := newCluster(t)
	fl := &fakeLesson{md: fakeStep}
	rr := &recordRunner{out: "pod/web created\n"}
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = rr; o.LessonSession = fl })
	feed(m, c)

	// The step is in the lesson pane, shown first on a narrow screen.
	if m.tab != paneLesson {
		t.Fatalf("tab = %v, want the lesson", m.tab)
	}
	if got := strings.Join(m.lesson.View(), "\n"); !strings.Contains(got, "Run a pod") || !strings.Contains(got, "nginx") {
		t.Fatalf("lesson pane:\n%s", got)
	}
	if !strings.Contains(m.View(), "Run a pod") {
		t.Fatalf("screen lacks the step:\n%s", m.View())
	}

	// hint goes to the lesson, its reply to the console.
	typeText(m, "hint")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if console := strings.Join(m.console.View(), "\n"); !strings.Contains(console, "Hint 1/2: kubectl run makes a pod") {
		t.Fatalf("console lacks the hint:\n%s", console)
	}
	if len(rr.steps) != 0 {
		t.Fatalf("hint ran as a command: %v", rr.steps)
	}

	// solution asks; the next line answers.
	typeText(m, "solution")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	typeText(m, "y")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if console := strings.Join(m.console.View(), "\n"); !strings.Contains(console, "kubectl run web --image=nginx") {
		t.Fatalf("console lacks the solution:\n%s", console)
	}

	// kubectl goes to kubectl, and the lesson hears of it.
	typeText(m, "kubectl run web --image=nginx")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if len(rr.steps) != 1 || rr.steps[0].Args[0] != "kubectl" {
		t.Fatalf("runner got %v", rr.steps)
	}
	fl.mu.Lock()
	ran, cmds := fl.ran, fl.commands
	fl.mu.Unlock()
	if len(ran) != 1 || !strings.Contains(ran[0].Output, "pod/web created") || !ran[0].OK {
		t.Fatalf("lesson heard %+v", ran)
	}
	for _, l := range cmds {
		if strings.Contains(l, "kubectl") {
			t.Fatalf("kubectl line offered to the lesson: %q", l)
		}
	}

	// A : prefix forces a lesson command; an unknown one is said so.
	typeText(m, ":bogus")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if console := strings.Join(m.console.View(), "\n"); !strings.Contains(console, "not a lesson command") {
		t.Fatalf("console:\n%s", console)
	}
	if len(rr.steps) != 1 {
		t.Fatalf(":bogus ran as a command: %v", rr.steps)
	}

	// Narration re-evaluates the step: the pane shows the pass and what
	// just happened, the console the note.
	runCmd(t, m, send(m, eventsMsg{events: []events.Event{{Seq: 1, Kind: events.Change}}}))
	got := strings.Join(m.lesson.View(), "\n")
	if !strings.Contains(got, "✓ a pod runs") || !strings.Contains(got, "What just happened") {
		t.Fatalf("lesson pane after the event:\n%s", got)
	}
	// The console is plain text: no Markdown marks around words.
	if console := strings.Join(m.console.View(), "\n"); !strings.Contains(console, "✓ Step done. next goes on, when you are ready.") {
		t.Fatalf("console lacks the note:\n%s", console)
	}
}

// The header names the chapter the student is in, as it changes.
func TestHeaderFollowsTheChapter(t *testing.T) {
	c := newCluster(t)
	fl := &fakeLesson{md: fakeStep, chapter: "pod"}
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.LessonSession = fl; o.Title = "vm-vs-container" })
	feed(m, c)
	if h := m.headerView(); !strings.Contains(h, "kubetour · pod") {
		t.Fatalf("header %q", h)
	}
	fl.mu.Lock()
	fl.chapter = "service"
	fl.mu.Unlock()
	if h := m.headerView(); !strings.Contains(h, "kubetour · service") {
		t.Fatalf("after goto: header %q", h)
	}
}

func TestSandboxHasNoLesson(t *testing.T) {
	c := newCluster(t)
	rr := &recordRunner{}
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = rr })
	if m.tab != paneObjects {
		t.Fatalf("sandbox tab = %v", m.tab)
	}
	typeText(m, "hint")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if len(rr.steps) != 1 {
		t.Fatalf("without a lesson, hint runs as a command: %v", rr.steps)
	}
}

// The lesson pane's Markdown, as the student reads it.
func TestRenderMarkdown(t *testing.T) {
	st := NewStyles(Mono, false)
	for _, tc := range []struct {
		name, md string
		w        int
		want     string
	}{
		// One item per number, continued under it; a wrapped line that
		// begins "8000. " is not an item.
		{"ordered list", "Pods run on port\n8000. Then:\n\n1. Predict how many\n   pods it finds.\n2. Fix the selector.", 30,
			"Pods run on port 8000. Then:\n\n1. Predict how many pods it\n   finds.\n2. Fix the selector."},
		// An item's paragraph after its code block keeps the item's
		// indent, and the next number starts the next item.
		{"item with code", "1. Suspend it:\n\n   ```\n   kubectl patch cj\n   ```\n\n   Let two minutes pass and list\n   the Jobs.\n2. Run it by hand.\n\nAfter the list.", 40,
			"1. Suspend it:\n\n     kubectl patch cj\n\n   Let two minutes pass and list the\n   Jobs.\n2. Run it by hand.\n\nAfter the list."},
		// A command longer than the pane wraps instead of being cut off.
		{"long code", "```\nkubectl exec pod-volume-1 -c container1 -- touch /mount1/file.txt\n```", 30,
			"  kubectl exec pod-volume-1\n    -c container1 -- touch\n    /mount1/file.txt"},
		// Code and the Korean particle after it stay on one line.
		{"glued particle", "서비스입니다. `selector`는 레이블을", 20, "서비스입니다.\nselector는 레이블을"},
	} {
		if got := strings.Join(renderMarkdown(&st, tc.md, tc.w), "\n"); got != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
}

func TestParseInlineEmphasis(t *testing.T) {
	var b strings.Builder
	for _, sp := range parseInline("find out *why* it failed, 2 * 3 and **bold**; *재생성(recreate)*이라고") {
		fmt.Fprintf(&b, "[%d:%s]", sp.style, sp.text)
	}
	want := "[0:find out ][3:why][0: it failed, 2 *][0: 3 and ][1:bold][0:; ][3:재생성(recreate)][0:이라고]"
	if b.String() != want {
		t.Errorf("parseInline: %s\nwant %s", b.String(), want)
	}
}

// plainNotes: the console joins a note's hard-wrapped paragraph lines, so
// its own wrapping is not ragged, and keeps headings, lists, code and a
// check's indented hint apart.
func TestPlainNotes(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"reflow",
			"✓ Step done.\n\nWhat just happened:\nThe pod got **one** IP,\nand `both` answer on it:\ncontainer1 on 8000.\n\n```\nkubectl get pod `x`\n```\n\nTry:\n  $ kubectl get pods\n  · a check",
			"✓ Step done.\n\nWhat just happened:\nThe pod got one IP, and both answer on it: container1 on 8000.\n\n  kubectl get pod `x`\n\nTry:\n  $ kubectl get pods\n  · a check"},
		{"list",
			"A *selector* picks pods, like the claim, not the pod, holds the volume:\nby label, on port\n8000. It works.\n\n1. **Predict** how many,\n   then apply it.\n2. Fix svc-2.\nEnd.",
			"A selector picks pods, like the claim, not the pod, holds the volume: by label, on port 8000. It works.\n\n1. Predict how many, then apply it.\n2. Fix svc-2.\nEnd."},
		{"checkhint",
			"  ✓ pod-1 runs\n  Hint: The API server refused the ConfigMap: every\nvalue must be a string. Quote it\n— `SSH: 'false'` — and apply again.\n✓ Step done.",
			"  ✓ pod-1 runs\n  Hint: The API server refused the ConfigMap: every value must be a string. Quote it — SSH: 'false' — and apply again.\n✓ Step done."},
	} {
		got := strings.Join(plainNotes(strings.Split(tc.in, "\n")), "\n")
		if got != tc.want {
			t.Errorf("%s: plainNotes:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
}
