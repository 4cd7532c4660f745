package tui

import (
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
}

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
