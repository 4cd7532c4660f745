package lessons

import (
	"errors"
	"strings"
	"testing"
	"time"

	"kubetour/lessons/progress"
)

// fakeEnv records what the session asked of the cluster.
type fakeEnv struct {
	*fakeCluster
	calls []string
	seq   uint64
	err   error
}

func (f *fakeEnv) step(op string, st *Step) (uint64, error) {
	f.calls = append(f.calls, op+" "+st.Key())
	f.seq += 10
	return f.seq, f.err
}
func (f *fakeEnv) Enter(st *Step) (uint64, error)    { return f.step("enter", st) }
func (f *fakeEnv) Reset(st *Step) (uint64, error)    { return f.step("reset", st) }
func (f *fakeEnv) ResetAll(st *Step) (uint64, error) { return f.step("reset-all", st) }

type memSaver struct {
	saves int
	last  *progress.Progress
}

func (m *memSaver) Save(p *progress.Progress) error {
	m.saves++
	m.last = p.Clone()
	return nil
}

func testCourse(t *testing.T) *Course {
	t.Helper()
	two := strings.NewReplacer("id: one", "id: two", "{en: One, ko: 하나}", "{en: Two, ko: 둘}",
		"get pod web -o jsonpath={.status.phase}\n    equals: Running", "get pod web-2 -o jsonpath={.status.phase}\n    equals: Running").Replace(goodStep)
	two += `mistakes:
  - id: pending
    when:
      id: w
      event: {reason: FailedScheduling}
    hint: {en: Too big., ko: 너무 큽니다.}
`
	c, ps := load(t, map[string]string{
		"01-demo/chapter.yaml": goodChapter, "01-demo/01-one.yaml": goodStep, "01-demo/02-two.yaml": two,
		"02-more/chapter.yaml": strings.NewReplacer("id: demo", "id: more", "order: 1", "order: 2").Replace(goodChapter),
		"02-more/01-one.yaml":  goodStep,
	})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return c
}

func newTestSession(t *testing.T) (*Session, *fakeEnv, *memSaver) {
	env := &fakeEnv{fakeCluster: cluster()}
	saver := &memSaver{}
	s := NewSession(testCourse(t), env, nil, saver)
	s.SetClock(func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) })
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s, env, saver
}

func cur(s *Session) string {
	_, st := s.Current()
	return st.Key()
}

func TestNavigation(t *testing.T) {
	s, env, saver := newTestSession(t)
	if cur(s) != "demo/one" {
		t.Fatal(cur(s))
	}
	steps := []struct {
		do   func() error
		want string
	}{
		{s.Next, "demo/two"},
		{s.Next, "more/one"},
		{s.Prev, "demo/two"},
		{func() error { return s.Jump("more") }, "more/one"},
		{func() error { return s.Jump("demo/one") }, "demo/one"},
		{func() error { return s.Jump("two") }, "demo/two"},
		{func() error { return s.Jump("2.1") }, "more/one"},
		{func() error { return s.Jump("1.2") }, "demo/two"},
		{func() error { return s.Jump("mores") }, "more/one"}, // a chapter named in the plural
		{func() error { return s.Jump("demo.2") }, "demo/two"},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("move %d: %v", i, err)
		}
		if cur(s) != st.want {
			t.Fatalf("move %d: at %s, want %s", i, cur(s), st.want)
		}
	}
	if err := s.Jump("nosuch"); err == nil {
		t.Error("jump to nowhere")
	}
	s.Jump("more/one")
	if err := s.Next(); !errors.Is(err, ErrNoMore) {
		t.Errorf("next at the end: %v", err)
	}
	s.Jump("demo/one")
	if err := s.Prev(); !errors.Is(err, ErrNoMore) {
		t.Errorf("prev at the start: %v", err)
	}
	// The next step keeps what was built; another chapter starts cleared;
	// any other step of the chapter starts from its own start.
	want := []string{"enter demo/one", "enter demo/two", "reset-all more/one", "reset-all demo/two", "reset-all more/one",
		"reset-all demo/one", "enter demo/two", "reset-all more/one", "reset-all demo/two", "reset-all more/one",
		"reset-all demo/two", "reset-all more/one", "reset-all demo/one"}
	if strings.Join(env.calls, ", ") != strings.Join(want, ", ") {
		t.Errorf("calls\n%v\nwant\n%v", env.calls, want)
	}
	if err := s.Next(); err != nil || env.calls[len(env.calls)-1] != "enter demo/two" {
		t.Fatalf("next: %v %v", err, env.calls)
	}
	if err := s.Prev(); err != nil || env.calls[len(env.calls)-1] != "reset demo/one" || s.Cleared() {
		t.Fatalf("prev in the chapter: %v %v", err, env.calls)
	}
	if err := s.Jump("more"); err != nil || !s.Cleared() {
		t.Fatalf("a new chapter is not said to be cleared: %v", err)
	}
	s.Jump("demo/one")
	if p := saver.last; p.Current.Chapter != "demo" || p.Current.Step != "one" {
		t.Errorf("saved position %+v", p.Current)
	}
	// A new session resumes where the progress says.
	s2 := NewSession(testCourse(t), env, saver.last, saver)
	if cur(s2) != "demo/one" {
		t.Errorf("resumed at %s", cur(s2))
	}
}

func TestCompletionHintsSolutionReset(t *testing.T) {
	s, env, saver := newTestSession(t)
	if err := s.Next(); err != nil { // demo/two checks web-2 (Running in the fake cluster)
		t.Fatal(err)
	}
	// Not yet: the step's observation starts after Enter.
	u := s.Observe([]Event{ev(5, "default-scheduler", "FailedScheduling", "Pod/x", nil)})
	if !u.Passed || u.Advance {
		t.Fatalf("step not completed: %+v", u)
	}
	if len(u.NewMistakes) != 0 {
		t.Fatalf("an event from before the step counted: %+v", u.NewMistakes)
	}
	u = s.Observe([]Event{ev(25, "default-scheduler", "FailedScheduling", "Pod/x", nil)})
	if u.Passed || len(u.NewMistakes) != 1 || u.NewMistakes[0].ID != "pending" {
		t.Fatalf("%+v", u)
	}
	if u = s.Observe([]Event{ev(26, "default-scheduler", "FailedScheduling", "Pod/x", nil)}); len(u.NewMistakes) != 0 {
		t.Fatal("a mistake was reported twice")
	}
	p := saver.last.Steps["demo/two"]
	if !p.Done || p.DoneAt.IsZero() {
		t.Fatalf("progress %+v", p)
	}
	for i := 1; i <= 2; i++ {
		h, err := s.Hint()
		if err != nil || h.Tier != 1 || h.Of != 1 || h.Text["en"] != "Apply it." {
			t.Fatalf("hint %d: %+v %v", i, h, err)
		}
	}
	if saver.last.Steps["demo/two"].Hints != 1 {
		t.Error("hint tiers not saved")
	}
	if _, err := s.Solution(false); !errors.Is(err, ErrNeedsConfirmation) {
		t.Fatal("solution without confirmation")
	}
	if saver.last.Steps["demo/two"].SolutionShown {
		t.Fatal("marked before confirmation")
	}
	sol, err := s.Solution(true)
	if err != nil || !strings.Contains(sol.Text, "kubectl apply -f pod.yaml") || !saver.last.Steps["demo/two"].SolutionShown {
		t.Fatalf("solution %+v %v", sol, err)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if last := env.calls[len(env.calls)-1]; last != "reset demo/two" || saver.last.Steps["demo/two"].Resets != 1 {
		t.Fatalf("reset: %v", env.calls)
	}
	if err := s.ResetAll(); err != nil || env.calls[len(env.calls)-1] != "reset-all demo/two" {
		t.Fatalf("reset all: %v %v", err, env.calls)
	}
	// After the reset, the mistake is reported again when made again.
	if u := s.Observe([]Event{ev(100, "default-scheduler", "FailedScheduling", "Pod/x", nil)}); len(u.NewMistakes) != 1 {
		t.Fatalf("%+v", u)
	}
	// A step done stays done; completing it again is not news.
	if u := s.Evaluate(); u.Passed || !u.Result.Passed {
		t.Fatalf("%+v", u)
	}
}

func TestAutoAdvanceAndSandbox(t *testing.T) {
	s, _, _ := newTestSession(t)
	s.SetAutoAdvance(true)
	s.Next()
	if u := s.Evaluate(); !u.Passed || !u.Advance {
		t.Fatalf("%+v", u)
	}
	s.Jump("demo/one") // web does not exist: fails
	s.SetSandbox(true)
	if u := s.Ran(Command{Line: "kubectl get pods"}); len(u.Result.Checks) != 0 {
		t.Fatal("checks evaluated in the sandbox")
	}
	s.SetSandbox(false)
	if u := s.Evaluate(); u.Result.Passed || len(u.Result.Checks) != 1 {
		t.Fatalf("%+v", u)
	}
}

func TestEnterErrorIsReported(t *testing.T) {
	s, env, _ := newTestSession(t)
	env.err = errors.New("setup: boom")
	if err := s.Next(); err == nil || !strings.Contains(err.Error(), "preparing step demo/two: setup: boom") {
		t.Fatalf("err = %v", err)
	}
	if cur(s) != "demo/two" {
		t.Fatal("did not move")
	}
}

func TestConsoleCommands(t *testing.T) {
	s, env, saver := newTestSession(t)
	say := func(line string) Reply {
		t.Helper()
		r, ok := s.Command(line)
		if !ok {
			t.Fatalf("%q not handled", line)
		}
		return r
	}
	if _, ok := s.Command("kubectl get pods"); ok {
		t.Fatal("a kubectl line was taken as a lesson command")
	}
	if r := say("chapters"); !strings.Contains(r.Text, "▸ ·  01 demo") || !strings.Contains(r.Text, "▸  1. One (one)") {
		t.Fatalf("chapters:\n%s", r.Text)
	}
	if r := say("next"); !strings.Contains(r.Text, "2/2 Two") {
		t.Fatalf("next:\n%s", r.Text)
	}
	if r := say("hint"); !strings.Contains(r.Text, "Hint 1/1: Apply it.") || !strings.Contains(r.Text, "no more hints") {
		t.Fatalf("hint: %q", r.Text)
	}
	r := say("solution")
	if !r.Asking || saver.last.Steps["demo/two"].SolutionShown {
		t.Fatalf("solution did not ask: %+v", r)
	}
	if r := say("n"); r.Text != "Cancelled." {
		t.Fatalf("cancel: %q", r.Text)
	}
	say("solution")
	if r := say("y"); !strings.Contains(r.Text, "Reference solution:\n  kubectl apply -f pod.yaml") {
		t.Fatalf("solution: %q", r.Text)
	}
	say("reset")
	n := len(env.calls)
	say("yes")
	if len(env.calls) != n+1 || env.calls[n] != "reset demo/two" {
		t.Fatalf("reset: %v", env.calls)
	}
	say("reset all")
	// Anything else cancels a pending question and runs as usual.
	if _, ok := s.Command("kubectl get pods"); ok {
		t.Fatal("kubectl line swallowed")
	}
	if len(env.calls) != n+1 {
		t.Fatal("reset all ran without a yes")
	}
	if r := say("lang ko"); r.Text != "언어: 한국어." {
		t.Fatalf("lang: %q", r.Text)
	}
	if r := say("check"); !strings.Contains(r.Text, "✓ 실행 중") || !strings.Contains(r.Text, "✓ 단계 완료.") {
		t.Fatalf("check:\n%s", r.Text)
	}
	if r := say("goto more"); !strings.Contains(r.Text, "── 데모 · 1/1 하나 ──") {
		t.Fatalf("goto:\n%s", r.Text)
	}
	if r := say("next"); r.Text != "마지막 단계였습니다." {
		t.Fatalf("next at end: %q", r.Text)
	}
	if r := say("sandbox"); !s.Sandbox() || !strings.Contains(r.Text, "resume") {
		t.Fatal("sandbox")
	}
	say("resume")
	if s.Sandbox() {
		t.Fatal("resume")
	}
	if saver.last.Lang != "ko" {
		t.Error("language not saved")
	}
}

func TestChapterMarks(t *testing.T) {
	c := testCourse(t)
	p := progress.New()
	p.Step("demo/one").Done = true
	p.Step("demo/two").Done = true
	p.Step("demo/two").SolutionShown = true
	p.Step("more/one").Hints = 1
	list := ChapterList(c, p, "ko", -1, -1)
	if list[0].Mark() != "✓" || list[1].Mark() != "·" || list[0].Steps[1].Mark() != "✓*" || list[0].Title != "데모" {
		t.Fatalf("%+v", list)
	}
	p.Step("more/one").Done = true
	c.Chapters[1].Steps = append(c.Chapters[1].Steps, &Step{ID: "x", Chapter: c.Chapters[1]})
	if m := ChapterList(c, p, "en", -1, -1)[1].Mark(); m != "◐" {
		t.Fatalf("mark %q", m)
	}
}

// The TUI feeds events from its update loop while a command moves or
// resets the session from a goroutine.
func TestSessionConcurrentUse(t *testing.T) {
	s, _, _ := newTestSession(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			s.Observe([]Event{ev(uint64(1000+i), "default-scheduler", "FailedScheduling", "Pod/x", nil)})
			s.Ran(Command{Line: "kubectl get pods"})
			s.Chapters()
		}
	}()
	for i := 0; i < 50; i++ {
		s.Next()
		s.Reset()
		s.Prev()
		s.Hint()
	}
	<-done
}

func TestMarkdown(t *testing.T) {
	s, _, _ := newTestSession(t)
	s.Evaluate()
	md := s.Markdown()
	for _, want := range []string{"# Demo\n\nA demo.\n\n## 1/2 · One\n\nDo it.\n", "**Checks**\n\n- ✗ Running\n  `kubectl get pod web"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	s.Next()
	s.Evaluate()
	s.SetLang("ko")
	if md := s.Markdown(); !strings.Contains(md, "- ✓ 실행 중") || !strings.Contains(md, "**무슨 일이 있었나**\n\n끝.") {
		t.Errorf("markdown:\n%s", md)
	}
}

// A chapter opens with its summary and closes, after its last step, with
// each step's mark and where next goes.
func TestChapterOpensAndCloses(t *testing.T) {
	s, _, _ := newTestSession(t)
	if txt := s.RenderCurrent(); !strings.Contains(txt, "──\n\nA demo.\n\nDo it.") {
		t.Errorf("the first step does not open with the chapter's summary:\n%s", txt)
	}
	s.Evaluate()
	if txt := s.RenderPassedCurrent(); strings.Contains(txt, "Chapter done") || !strings.HasSuffix(txt, "`next` goes on.") {
		t.Errorf("a middle step closed the chapter:\n%s", txt)
	}
	s.Next()
	if md := s.Markdown(); strings.Contains(md, "A demo.") {
		t.Errorf("the summary is repeated on step 2:\n%s", md)
	}
	if _, err := s.Solution(true); err != nil {
		t.Fatal(err)
	}
	s.Evaluate()
	want := "── Chapter done: Demo ──\n  · 1. One\n  ✓ 2. Two (with the solution)\n\n`next` goes on to chapter 2: Demo."
	if txt := s.RenderPassedCurrent(); !strings.HasSuffix(txt, want) {
		t.Errorf("closing:\n%s\nwant the end\n%s", txt, want)
	}
	if md := s.Markdown(); !strings.Contains(md, "**Chapter done: Demo**\n\n- · 1. One\n- ✓ 2. Two (with the solution)\n\n`next` goes on to chapter 2: Demo.\n") {
		t.Errorf("markdown closing:\n%s", md)
	}
	s.SetLang("ko")
	if txt := s.RenderPassedCurrent(); !strings.Contains(txt, "── 챕터 완료: 데모 ──") || !strings.HasSuffix(txt, "`next`로 다음 챕터(2. 데모)로 넘어가세요.") {
		t.Errorf("ko closing:\n%s", txt)
	}
	s.SetLang("en")
	s.Next()
	s.Evaluate()
	if txt := s.RenderPassedCurrent(); !strings.HasSuffix(txt, "That was the last chapter of the course.") {
		t.Errorf("the last chapter's closing:\n%s", txt)
	}
}
