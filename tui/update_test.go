package tui

import (
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/engine"
	"kubetour/engine/events"
	"kubetour/script"
	"kubetour/tui/shell"
)

// recordRunner records the steps the console runs and prints a canned
// answer, so console behaviour is tested without kubectl.
type recordRunner struct {
	steps []script.Step
	out   string
}

func (r *recordRunner) Run(st script.Step, out io.Writer, env []string) bool {
	r.steps = append(r.steps, st)
	io.WriteString(out, r.out)
	return true
}

// runCmd runs a Cmd as the program would, in order, feeding each message
// back to Update and running what that returns. A Cmd still blocked after
// a moment (a timer, the narration feed) is left behind.
func runCmd(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(300 * time.Millisecond):
		return
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			runCmd(t, m, c)
		}
	default:
		if seq := reflectSeq(msg); seq != nil {
			for _, c := range seq {
				runCmd(t, m, c)
			}
			return
		}
		runCmd(t, m, send(m, msg))
	}
}

func TestTypingNeverTriggersShortcuts(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	if m.focus != paneConsole {
		t.Fatal("the console has the focus at start")
	}
	typeText(m, "q?12 ]")
	if got := m.console.input.Value(); got != "q?12 ]" {
		t.Fatalf("typed %q, prompt holds %q", "q?12 ]", got)
	}
	if m.confirm != nil || m.showHelp || m.focus != paneConsole || m.tab != paneObjects || m.clock.Paused {
		t.Fatal("a typed key acted as a shortcut")
	}
	// Esc leaves the console; then the same keys are shortcuts.
	send(m, keyOf(tea.KeyEsc))
	if m.focus != paneObjects {
		t.Fatalf("esc focused %v", m.focus)
	}
	send(m, runes("4"))
	if m.tab != paneIsolation || m.focus != paneIsolation {
		t.Fatal("4 did not show the isolation view")
	}
	send(m, runes("q"))
	if m.confirm == nil {
		t.Fatal("q asks before quitting")
	}
	send(m, runes("n"))
	if m.confirm != nil || m.quitting {
		t.Fatal("n keeps kubetour running")
	}
}

func TestFocusCycle(t *testing.T) {
	tests := map[string]struct {
		w, h int
		want []paneID
	}{
		"narrow: views and console": {80, 24, []paneID{paneObjects, paneConsole}},
		"wide: lesson too":          {120, 30, []paneID{paneLesson, paneObjects, paneConsole}},
		"tiled: controllers too":    {160, 48, []paneID{paneLesson, paneObjects, paneActions, paneConsole}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newCluster(t)
			m := newModel(t, c, English, tc.w, tc.h)
			send(m, keyOf(tea.KeyEsc)) // out of the console, to the objects view
			// Tab walks the panes up to the console, where tab completes
			// instead; shift+tab walks back from anywhere.
			want := rotate(tc.want, paneObjects)
			want = want[:indexOf(want, paneConsole)+1]
			got := []paneID{m.focus}
			for m.focus != paneConsole && len(got) <= len(tc.want) {
				send(m, keyOf(tea.KeyTab))
				got = append(got, m.focus)
			}
			if len(got) != len(want) {
				t.Fatalf("tab cycle %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("tab cycle %v, want %v", got, want)
				}
			}
			send(m, keyOf(tea.KeyTab))
			if m.focus != paneConsole {
				t.Fatal("tab in the console must complete, not leave")
			}
			send(m, keyOf(tea.KeyShiftTab))
			if prev := tc.want[(indexOf(tc.want, paneConsole)+len(tc.want)-1)%len(tc.want)]; m.focus != prev {
				t.Errorf("shift+tab from the console went to %v, want %v", m.focus, prev)
			}
		})
	}
}

func indexOf(ids []paneID, id paneID) int {
	for i, v := range ids {
		if v == id {
			return i
		}
	}
	return -1
}

func rotate(ids []paneID, first paneID) []paneID {
	for i, id := range ids {
		if id == first {
			return append(append([]paneID{}, ids[i:]...), ids[:i]...)
		}
	}
	return ids
}

func TestResizeRedrawsAndTooSmall(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, Korean, 160, 48)
	feed(m, c)
	checkFrame(t, m.View(), 160, 48)
	send(m, tea.WindowSizeMsg{Width: 79, Height: 30})
	v := m.View()
	checkFrame(t, v, 79, 30)
	if !strings.Contains(v, "터미널이 너무 작습니다") {
		t.Fatalf("no too-small message:\n%s", v)
	}
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, m.View(), 80, 24)
	if m.tab == paneActions {
		t.Fatal("tab left on a pane that is not a tab")
	}
}

func TestEventBatchUpdatesNarrationAndRequestsOneSnapshot(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 160, 48)
	feed(m, c)
	applyWeb(t, c)
	evs := m.sub.Drain()
	if len(evs) == 0 {
		t.Fatal("the cluster published nothing")
	}
	before := len(m.narr.all)
	cmd := send(m, eventsMsg{events: evs, at: fixedNow()})
	if cmd == nil {
		t.Fatal("a batch with changes re-arms the feed and asks for a snapshot")
	}
	if len(m.narr.all) <= before {
		t.Fatal("the decisions were not added to the timeline")
	}
	if !m.snapInFlight {
		t.Fatal("no snapshot was requested")
	}
	// A second batch while the snapshot is on its way asks for no other.
	send(m, eventsMsg{events: evs, at: fixedNow()})
	if !m.snapDirty {
		t.Fatal("the second batch should mark the snapshot dirty")
	}
	// Events already seen (same Seq) are not added twice.
	n := len(m.narr.all)
	m.narr.add(evs)
	if len(m.narr.all) != n {
		t.Fatal("duplicate events were added")
	}
	send(m, takeSnapshot(c, time.Time{})())
	if !m.snapInFlight || m.snapDirty {
		t.Fatal("the dirty snapshot is taken again on arrival, once")
	}
	// The changed rows are highlighted.
	if i := m.objects.rowIndex(objKey("Deployment", "default", "web")); i < 0 {
		t.Fatal("the Deployment is not in the tree")
	} else if r := m.objects.rows[i]; m.objects.changed[r.n.uid].IsZero() {
		t.Fatal("the new Deployment is not highlighted")
	}
}

func TestNarrationHistoryMerges(t *testing.T) {
	n := &narration{}
	live := []events.Event{{Seq: 10, Kind: events.Decision}, {Seq: 11, Kind: events.Change}, {Seq: 12, Kind: events.Decision}}
	n.add(live)
	n.addHistory([]events.Event{{Seq: 3, Kind: events.Decision}, {Seq: 10, Kind: events.Decision}, {Seq: 12, Kind: events.Decision}})
	var seqs []uint64
	for _, e := range n.all {
		seqs = append(seqs, e.Seq)
	}
	if len(seqs) != 3 || seqs[0] != 3 || seqs[1] != 10 || seqs[2] != 12 {
		t.Fatalf("merged %v, want [3 10 12]", seqs)
	}
}

func TestObjectsTreeAndCursor(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	m := newModel(t, c, English, 120, 40)
	feed(m, c)
	o := m.objects
	var keys []string
	for _, r := range o.rows {
		keys = append(keys, r.n.key)
	}
	joined := strings.Join(keys, "\n")
	for _, want := range []string{"Namespace//default", "Deployment/default/web", "Service/default/web", "Pod/default/duo"} {
		if !strings.Contains(joined, want) {
			t.Errorf("tree lacks %s", want)
		}
	}
	d := o.rowIndex("Deployment/default/web")
	if o.rows[d+1].n.kind != "ReplicaSet" || o.rows[d+2].n.kind != "Pod" {
		t.Fatal("the Deployment's ReplicaSet and pods are not under it")
	}
	// kube-system starts collapsed.
	if o.rowIndex("Pod/kube-system/etcd-k8s-master") >= 0 {
		t.Fatal("kube-system should start collapsed")
	}
	// The cursor stays on its object across snapshots.
	m.setFocus(paneObjects)
	o.selectKey("Pod/default/duo")
	c.Apply([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: aaa}\nspec: {containers: [{name: a, image: nginx}]}\n"), "default")
	send(m, takeSnapshot(c, time.Time{})())
	if o.selected().key != "Pod/default/duo" {
		t.Fatalf("cursor moved to %s", o.selected().key)
	}
	// A hundred rows arriving above it keep it on screen.
	var many strings.Builder
	for i := range 100 {
		fmt.Fprintf(&many, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: a%03d}\nspec: {containers: [{name: a, image: nginx}]}\n", i)
	}
	if _, err := c.Apply([]byte(many.String()), "default"); err != nil {
		t.Fatal(err)
	}
	send(m, takeSnapshot(c, time.Time{})())
	if line := o.cursor - o.offset; o.selected().key != "Pod/default/duo" || line < 0 || line >= o.listHeight() {
		t.Fatalf("after 100 new rows the cursor is on %s, list line %d of %d", o.selected().key, line, o.listHeight())
	}
	if !strings.Contains(strings.Join(o.View(), "\n"), "duo") {
		t.Fatalf("the selected pod is off screen:\n%s", strings.Join(o.View(), "\n"))
	}
	// Selecting a pod points the isolation and nodes views at it.
	send(m, keyOf(tea.KeyUp))
	cmd := send(m, keyOf(tea.KeyDown))
	if cmd == nil {
		t.Fatal("moving onto a pod selects it")
	}
	if msg, ok := cmd().(podSelectedMsg); !ok || msg.name != "duo" {
		t.Fatalf("selection message %#v", msg)
	}
}

func TestDeleteAsksThenRunsInTheConsole(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	rr := &recordRunner{out: "pod \"duo\" deleted\n"}
	m := newModel(t, c, English, 120, 40, func(o *Options) { o.Runner = rr })
	feed(m, c)
	m.setFocus(paneObjects)
	m.objects.selectKey("Pod/default/duo")
	cmd := send(m, runes("d"))
	send(m, cmd())
	if m.confirm == nil || !strings.Contains(m.confirm.text, "kubectl delete pod duo -n default") {
		t.Fatalf("no confirmation naming the command: %+v", m.confirm)
	}
	send(m, runes("x")) // any other key does nothing
	if m.confirm == nil {
		t.Fatal("the question went away on an unrelated key")
	}
	runCmd(t, m, send(m, runes("y")))
	if len(rr.steps) != 1 || strings.Join(rr.steps[0].Args, " ") != "kubectl delete pod duo -n default" {
		t.Fatalf("ran %+v", rr.steps)
	}
	if !strings.Contains(strings.Join(m.console.View(), "\n"), `pod "duo" deleted`) {
		t.Fatal("the output is not in the console")
	}
}

func TestConsoleHeredocImpliedKubectlAndHistory(t *testing.T) {
	c := newCluster(t)
	rr := &recordRunner{out: "pod/x created\n"}
	hist := filepath.Join(t.TempDir(), "history")
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = rr; o.HistoryPath = hist })
	for _, line := range []string{"apply -f - <<EOF", "kind: Pod", "metadata: {name: x}", "EOF"} {
		typeText(m, line)
		cmd := send(m, keyOf(tea.KeyEnter))
		if line != "EOF" {
			if m.console.job != nil || len(m.console.pending) == 0 {
				t.Fatalf("after %q the command should wait for more lines", line)
			}
			continue
		}
		runCmd(t, m, cmd)
	}
	if len(rr.steps) != 1 {
		t.Fatalf("ran %d steps", len(rr.steps))
	}
	st := rr.steps[0]
	if strings.Join(st.Args, " ") != "kubectl apply -f -" || st.Stdin != "kind: Pod\nmetadata: {name: x}\n" {
		t.Fatalf("step %+v", st)
	}
	view := strings.Join(m.console.View(), "\n")
	for _, want := range []string{"kubetour$ apply -f - <<EOF", "> kind: Pod", "> EOF", "pod/x created"} {
		if !strings.Contains(view, want) {
			t.Errorf("console lacks %q:\n%s", want, view)
		}
	}
	// The whole heredoc command is one history entry, recalled with ↑.
	send(m, keyOf(tea.KeyUp))
	if m.console.input.Value() != "apply -f - <<EOF" || len(m.console.recalled) != 3 {
		t.Fatalf("recalled %q + %q", m.console.input.Value(), m.console.recalled)
	}
	saved, err := shell.LoadHistory(hist)
	if err != nil || len(saved) != 1 || !strings.HasSuffix(saved[0], "\nEOF") {
		t.Fatalf("history file holds %q (%v)", saved, err)
	}
}

func TestConsoleBuiltins(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, Korean, 80, 24, func(o *Options) { o.Runner = &recordRunner{} })
	typeText(m, "help")
	send(m, keyOf(tea.KeyEnter))
	if !strings.Contains(strings.Join(m.console.View(), ""), "kubectl") {
		t.Fatal("help printed nothing")
	}
	typeText(m, "clear")
	send(m, keyOf(tea.KeyEnter))
	if len(m.console.lines) != 0 {
		t.Fatal("clear kept the scrollback")
	}
	typeText(m, "exit")
	cmd := send(m, keyOf(tea.KeyEnter))
	send(m, cmd())
	if m.confirm == nil {
		t.Fatal("exit asks to quit")
	}
}

func TestCtrlCStopsTheCommandNotTheApp(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = &recordRunner{} })
	typeText(m, "get pods -w")
	send(m, keyOf(tea.KeyEnter))
	if m.console.job == nil {
		t.Fatal("no job")
	}
	id := m.console.job.id
	if cmd := send(m, keyOf(tea.KeyCtrlC)); cmd == nil {
		t.Fatal("ctrl+c returned no interrupt")
	}
	if m.confirm != nil || m.quitting {
		t.Fatal("ctrl+c during a command must not quit")
	}
	// The streamed output arrives, then the end.
	m.console.job.Write([]byte("NAME   READY\nweb    1/1\npartial"))
	send(m, m.console.job.next()())
	if m.console.partial != "partial" || !strings.Contains(strings.Join(m.console.View(), "\n"), "web    1/1") {
		t.Fatal("streamed lines are not shown as they come")
	}
	m.console.job.finish(false)
	send(m, m.console.job.next()())
	if m.console.job != nil {
		t.Fatal("the job did not end")
	}
	send(m, killMsg{id: id}) // the grace timer fires after the end: nothing happens
	// With nothing running, ctrl+c on a typed line drops the line…
	typeText(m, "get no")
	send(m, keyOf(tea.KeyCtrlC))
	if m.console.input.Value() != "" || m.confirm != nil {
		t.Fatal("ctrl+c should drop the line")
	}
	// …and on an empty prompt asks to quit.
	send(m, keyOf(tea.KeyCtrlC))
	if m.confirm == nil {
		t.Fatal("ctrl+c on an empty prompt asks to quit")
	}
}

// A line typed and entered while a command runs runs when it ends, as in a
// terminal; ctrl+c flushes it with the command.
func TestTypeAheadRunsWhenTheCommandEnds(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = &recordRunner{} })
	typeText(m, "get pods -w")
	send(m, keyOf(tea.KeyEnter))
	first := m.console.job
	if first == nil {
		t.Fatal("no job")
	}
	typeText(m, "get nodes")
	send(m, keyOf(tea.KeyEnter))
	if m.console.job != first || m.console.input.Value() != "get nodes" {
		t.Fatalf("enter during a command: job %v, prompt %q", m.console.job, m.console.input.Value())
	}
	first.finish(true)
	send(m, first.next()())
	if m.console.job == nil || m.console.job == first || m.console.job.text != "get nodes" || m.console.input.Value() != "" {
		t.Fatalf("the typed-ahead line did not run when the command ended: job %+v, prompt %q", m.console.job, m.console.input.Value())
	}
	second := m.console.job
	typeText(m, "get ns")
	send(m, keyOf(tea.KeyEnter))
	send(m, keyOf(tea.KeyCtrlC))
	if m.console.input.Value() != "" || m.console.runWhenDone {
		t.Fatalf("ctrl+c kept the typed-ahead line %q", m.console.input.Value())
	}
	second.finish(false)
	send(m, second.next()())
	if m.console.job != nil {
		t.Fatalf("a flushed line ran: %+v", m.console.job)
	}
}

func TestCompletionApplies(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24)
	typeText(m, "ge")
	send(m, keyOf(tea.KeyTab))
	if m.console.input.Value() != "get " {
		t.Fatalf("local completion gave %q", m.console.input.Value())
	}
	typeText(m, "po")
	send(m, completionMsg{line: "get po", word: "po", cands: []shell.Candidate{{Value: "pods"}, {Value: "podtemplates"}}, directive: 4})
	if m.console.input.Value() != "get pod" || !strings.Contains(m.console.comp, "podtemplates") {
		t.Fatalf("prefix completion: %q, list %q", m.console.input.Value(), m.console.comp)
	}
	send(m, completionMsg{line: "get pod", word: "pod", cands: []shell.Candidate{{Value: "pods"}}, directive: 4})
	if m.console.input.Value() != "get pods " {
		t.Fatalf("single completion: %q", m.console.input.Value())
	}
	// A stale answer (the line changed meanwhile) is dropped.
	send(m, completionMsg{line: "x", word: "x", cands: []shell.Candidate{{Value: "xyz"}}})
	if m.console.input.Value() != "get pods " {
		t.Fatal("a stale completion was applied")
	}
}

func TestActionsFilterCapturesTypingAndJumps(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	send(m, keyOf(tea.KeyEsc))
	send(m, runes("3"))
	if m.focus != paneActions {
		t.Fatal("3 focuses the controllers")
	}
	send(m, runes("/"))
	typeText(m, "src:scheduler duo q")
	if m.confirm != nil {
		t.Fatal("typing in the filter triggered quit")
	}
	send(m, keyOf(tea.KeyBackspace))
	send(m, keyOf(tea.KeyBackspace))
	send(m, keyOf(tea.KeyEnter))
	m.actions.index()
	if len(m.actions.idx) == 0 {
		t.Fatal("the scheduler's decision about duo is filtered out")
	}
	for _, i := range m.actions.idx {
		if e := m.narr.all[i]; !strings.Contains(e.Source, "scheduler") {
			t.Fatalf("filter let through %s", e.Source)
		}
	}
	cmd := send(m, keyOf(tea.KeyEnter))
	if cmd == nil {
		t.Fatal("enter on a decision jumps to its object")
	}
	send(m, cmd())
	if m.focus != paneObjects || m.objects.selected().key != "Pod/default/duo" {
		t.Fatalf("jumped to %v %s", m.focus, m.objects.selected().key)
	}
	// f in the objects view filters the timeline to the object.
	cmd = send(m, runes("f"))
	send(m, cmd())
	if m.focus != paneActions || !strings.HasPrefix(m.actions.input.Value(), "obj:") {
		t.Fatal("f did not filter the controllers to the object")
	}
	send(m, keyOf(tea.KeyEsc))
	if !m.actions.f.empty() {
		t.Fatal("esc clears the filter")
	}
}

// fakeClock records the time controls and reports their effect.
type fakeClock struct {
	Cluster
	calls  []string
	paused bool
	speed  float64
}

func (f *fakeClock) Pause()               { f.paused = true; f.calls = append(f.calls, "pause") }
func (f *fakeClock) Resume()              { f.paused = false; f.calls = append(f.calls, "resume") }
func (f *fakeClock) Step(d time.Duration) { f.calls = append(f.calls, "step "+d.String()) }
func (f *fakeClock) SetSpeed(x float64) {
	f.speed = x
	f.calls = append(f.calls, "speed "+formatSpeed(x))
}
func (f *fakeClock) ClockInfo() engine.ClockInfo {
	return engine.ClockInfo{Now: testStart, Speed: f.speed, Paused: f.paused}
}

func TestClockKeys(t *testing.T) {
	c := newCluster(t)
	fc := &fakeClock{Cluster: c, speed: 1}
	m := newModel(t, fc, English, 80, 24)
	send(m, readClock(c)())
	send(m, keyOf(tea.KeyEsc))
	for _, k := range []tea.KeyMsg{runes(" "), runes(" "), runes("."), runes("+"), runes("+"), runes("-"), keyOf(tea.KeyF5)} {
		if k.String() == " " {
			k = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
		}
		if cmd := send(m, k); cmd != nil {
			send(m, cmd())
		}
	}
	want := "pause resume step 10s speed 2 speed 5 speed 2 pause"
	if got := strings.Join(fc.calls, " "); got != want {
		t.Fatalf("controls %q, want %q", got, want)
	}
	if !strings.Contains(m.headerView(), "09:00:00") {
		t.Fatalf("header has no clock: %q", m.headerView())
	}
	// On Docker the same keys say why the clock stays as it is.
	fc.calls = nil
	m.runtime = "docker"
	for _, k := range []tea.KeyMsg{runes("."), runes("+"), keyOf(tea.KeyF5)} {
		if cmd := send(m, k); cmd != nil {
			send(m, cmd())
		}
		if !strings.Contains(m.status, "real time") {
			t.Fatalf("%s on Docker: status %q", k, m.status)
		}
	}
	if len(fc.calls) != 0 {
		t.Fatalf("the clock was changed on Docker: %v", fc.calls)
	}
}

func TestQuitStopsTheCluster(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24)
	send(m, keyOf(tea.KeyEsc))
	send(m, runes("q"))
	cmd := send(m, runes("y"))
	if !m.quitting || cmd == nil {
		t.Fatal("yes starts stopping")
	}
	if !strings.Contains(m.View(), "stopping the cluster") {
		t.Fatal("the footer does not say the cluster is stopping")
	}
	// Run the stop sequence to its end.
	msgs := runSequence(cmd)
	var quit bool
	for _, msg := range msgs {
		if _, ok := msg.(stoppedMsg); ok {
			if next := send(m, msg); next != nil {
				_, quit = next().(tea.QuitMsg)
			}
		}
	}
	if !quit || !m.Stopped() {
		t.Fatal("the program does not end after the cluster stopped")
	}
}

// runSequence runs the Cmds of a tea.Sequence (or a single Cmd) in order.
func runSequence(cmd tea.Cmd) []tea.Msg {
	msg := cmd()
	var out []tea.Msg
	if seq, ok := msg.(tea.BatchMsg); ok {
		for _, c := range seq {
			if c != nil {
				out = append(out, runSequence(c)...)
			}
		}
		return out
	}
	if reflectSeq(msg) != nil {
		for _, c := range reflectSeq(msg) {
			if c != nil {
				out = append(out, runSequence(c)...)
			}
		}
		return out
	}
	return append(out, msg)
}

// reflectSeq reads tea.Sequence's unexported message (a slice of Cmds).
func reflectSeq(msg tea.Msg) []tea.Cmd {
	v := reflect.ValueOf(msg)
	if !v.IsValid() || v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out
}

func TestNarrationKeepsTheNewest(t *testing.T) {
	n := &narration{}
	var hist []events.Event
	for i := 1; i <= 30000; i++ {
		hist = append(hist, events.Event{Seq: uint64(i), Kind: events.Decision})
	}
	n.add(hist[20000:20100])
	n.addHistory(hist[:20100])
	if len(n.all) > maxNarration || n.all[len(n.all)-1].Seq != 20100 {
		t.Fatalf("kept %d, last %d", len(n.all), n.all[len(n.all)-1].Seq)
	}
	for i := 0; i < 30; i++ {
		n.add(hist[20100+i*330 : 20100+(i+1)*330])
	}
	if len(n.all) > maxNarration || n.all[len(n.all)-1].Seq != 30000 {
		t.Fatalf("kept %d, last %d", len(n.all), n.all[len(n.all)-1].Seq)
	}
	for i := 1; i < len(n.all); i++ {
		if n.all[i].Seq <= n.all[i-1].Seq {
			t.Fatal("the timeline is out of order")
		}
	}
}

func TestMouseFocusesAndScrolls(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	m := newModel(t, c, English, 160, 48, func(o *Options) { o.Mouse = true })
	feed(m, c)
	l := m.lay
	// A click in the controllers' pane focuses it.
	send(m, tea.MouseMsg{X: l.Tiled.X + 3, Y: l.Tiled.Y + 3, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.focus != paneActions {
		t.Fatalf("click focused %v", m.focus)
	}
	// The wheel over the objects view moves its cursor without focusing it.
	before := m.objects.cursor
	send(m, tea.MouseMsg{X: l.Views.X + 3, Y: l.Views.Y + 3, Button: tea.MouseButtonWheelDown})
	if m.objects.cursor != before+3 || m.focus != paneActions {
		t.Fatalf("wheel: cursor %d→%d, focus %v", before, m.objects.cursor, m.focus)
	}
	// The wheel over the console scrolls its output.
	for i := 0; i < 40; i++ {
		m.console.print(lineOut, "line")
	}
	send(m, tea.MouseMsg{X: l.Console.X + 3, Y: l.Console.Y + 3, Button: tea.MouseButtonWheelUp})
	if m.console.scroll != 3 {
		t.Fatalf("console scroll %d", m.console.scroll)
	}
}
