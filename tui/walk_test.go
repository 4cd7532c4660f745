package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/engine/kinds"
)

// Regressions found walking the UI in tmux as a new user.

// Keys that come faster than frames arrive as one KeyMsg ("jjj"): each
// must still act, and once a pane takes text the rest is typed.
func TestKeysArrivingTogetherActOneByOne(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	send(m, keyOf(tea.KeyEsc))
	if m.focus != paneObjects {
		t.Fatal("esc leaves the console for the objects view")
	}
	before := m.objects.cursor
	send(m, runes("jjj"))
	if got := m.objects.cursor - before; got != 3 {
		t.Fatalf(`"jjj" moved the cursor %d rows, want 3`, got)
	}
	// i focuses the console: what follows it in the same read is text.
	send(m, runes("3iget"))
	if m.focus != paneConsole || m.tab != paneActions {
		t.Fatalf("focus %v tab %v after \"3iget\", want the console over the controllers", m.focus, m.tab)
	}
	if got := m.console.input.Value(); got != "get" {
		t.Fatalf("console holds %q, want %q", got, "get")
	}
	// In the console a burst is text, never shortcuts.
	send(m, runes("q?2"))
	if got := m.console.input.Value(); got != "getq?2" || m.confirm != nil || m.showHelp {
		t.Fatalf("console holds %q (confirm %v, help %v)", got, m.confirm != nil, m.showHelp)
	}
}

// Too small, nothing but the message is drawn: keys must not act unseen.
// ctrl+c still quits, and its question is shown.
func TestTooSmallKeysDoNotActUnseen(t *testing.T) {
	c := newCluster(t)
	rr := &recordRunner{out: "ran\n"}
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = rr })
	feed(m, c)
	send(m, tea.WindowSizeMsg{Width: 60, Height: 15})
	typeText(m, "get pods")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if len(rr.steps) != 0 || m.console.input.Value() != "" {
		t.Fatalf("typed unseen: ran %v, prompt %q", rr.steps, m.console.input.Value())
	}
	send(m, keyOf(tea.KeyEsc))
	send(m, runes("q"))
	if m.focus != paneConsole || m.confirm != nil {
		t.Fatal("esc and q acted while too small")
	}
	send(m, keyOf(tea.KeyCtrlC))
	if m.confirm == nil {
		t.Fatal("ctrl+c asks before quitting, even too small")
	}
	v := m.View()
	checkFrame(t, v, 60, 15)
	if !strings.Contains(v, "Quit kubetour?") || !strings.Contains(v, "y: yes") {
		t.Fatalf("the question is not shown:\n%s", v)
	}
	send(m, runes("n"))
	if m.confirm != nil || m.quitting {
		t.Fatal("n keeps kubetour running")
	}
}

// A static pod's mirror (etcd, kube-apiserver …) is owned by its Node,
// which the tree does not draw: it is listed in its namespace, and the
// nodes view's enter finds it.
func TestMirrorPodsAreInTheObjectsTree(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	m.setFocus(paneNodes)
	key := objKey("Pod", "kube-system", "etcd-k8s-master")
	for m.nodes.selected() == nil || m.nodes.selected().pod == nil || m.nodes.selected().pod.Name != "etcd-k8s-master" {
		if m.nodes.cursor == len(m.nodes.rows)-1 {
			t.Fatal("etcd-k8s-master is not in the nodes view")
		}
		send(m, runes("j"))
	}
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if m.focus != paneObjects || m.objects.selected() == nil || m.objects.selected().key != key {
		t.Fatalf("enter on etcd-k8s-master in the nodes view: focus %v, status %q", m.focus, m.status)
	}
}

// Enter on a node row describes the node in the console, where its
// conditions, allocated resources and events can be read and scrolled.
func TestNodesEnterOnANodeDescribesIt(t *testing.T) {
	c := newCluster(t)
	rr := &recordRunner{out: "Name:               k8s-master\nRoles:              control-plane\n"}
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = rr })
	feed(m, c)
	m.setFocus(paneNodes)
	send(m, runes("g"))
	if r := m.nodes.selected(); r == nil || r.pod != nil || r.node != "k8s-master" {
		t.Fatalf("the first row is not the master node: %+v", r)
	}
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if len(rr.steps) != 1 || strings.Join(rr.steps[0].Args, " ") != "kubectl describe node k8s-master" {
		t.Fatalf("ran %+v", rr.steps)
	}
	if m.focus != paneConsole || !strings.Contains(strings.Join(m.console.View(), "\n"), "Roles:") {
		t.Fatalf("focus %v, console:\n%s", m.focus, strings.Join(m.console.View(), "\n"))
	}
}

// When the pod the nodes view explains is deleted, the cursor falls on
// another pod: "Why this node?" must explain that pod, not show the
// deleted pod's decision under the new pod's name.
func TestNodesDecisionFollowsTheCursorWhenThePodGoes(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	m.setFocus(paneNodes)
	runCmd(t, m, send(m, podSelectedMsg{ns: "default", name: "duo"}))
	if d := m.nodes.decision; d == nil || d.pod != "duo" || !strings.Contains(d.d.EN, "duo") {
		t.Fatal("no decision for duo")
	}
	if err := c.Delete(kinds.Core("pods"), "default", "duo"); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	c.Settle()
	runCmd(t, m, send(m, takeSnapshot(c, time.Time{})()))
	r := m.nodes.selected()
	if r == nil || r.pod == nil || r.pod.Name == "duo" {
		t.Fatalf("the cursor is not on another pod: %+v", r)
	}
	d := m.nodes.decision
	if d == nil || d.pod != r.pod.Name {
		shown := "none"
		if d != nil {
			shown = d.pod + "'s"
		}
		t.Fatalf("the cursor is on %s, the decision shown is %s", r.pod.Name, shown)
	}
	if v := strings.Join(m.nodes.View(), "\n"); strings.Contains(v, "Pod duo was") {
		t.Fatalf("the deleted pod's decision is still shown:\n%s", v)
	}
}

// A hundred replicas rolling: READY shows the count and the converging
// mark whole, not "75/100…".
func TestReadyColumnHoldsAHundredReplicasConverging(t *testing.T) {
	c := newCluster(t)
	for _, w := range []int{80, 160} {
		m := newModel(t, c, English, w, 48)
		o := m.objects
		n := &objNode{key: "Deployment/default/big", kind: "Deployment", short: "deploy", ns: "default", name: "big",
			class: classPending, status: "Progressing", ready: "75/100", differs: true}
		row := o.renderRow(flatRow{n: n, depth: 1}, false, o.columns(), fixedNow())
		if !strings.Contains(row, "75/100 "+m.st.G.Pending) {
			t.Errorf("%d columns: %q", w, row)
		}
	}
}

// The prompt's examples are for a fresh prompt: under <<EOF, or when a
// lesson's question waits for y/N, they would read as what to type.
func TestPromptExamplesOnlyAtAFreshPrompt(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = &recordRunner{} })
	prompt := func() string { v := m.console.View(); return v[len(v)-1] }
	if !strings.Contains(prompt(), "get pods") {
		t.Fatalf("a fresh prompt shows examples: %q", prompt())
	}
	typeText(m, "kubectl apply -f - <<EOF")
	send(m, keyOf(tea.KeyEnter))
	if p := prompt(); !strings.HasPrefix(p, promptMore) || strings.Contains(p, "get pods") {
		t.Fatalf("heredoc prompt %q", p)
	}
	typeText(m, "EOF")
	runCmd(t, m, send(m, keyOf(tea.KeyEnter)))
	if m.console.job != nil || !strings.Contains(prompt(), "get pods") {
		t.Fatalf("after the command, a fresh prompt: %q", prompt())
	}
	m.console.lessonAsking = true
	m.console.cacheValid = false
	if p := prompt(); strings.Contains(p, "get pods") {
		t.Fatalf("prompt under a question %q", p)
	}
}

// At 80 columns the footer is cut: where every key is listed, and the way
// out of the console, must be in what is left.
func TestFooterAt80ColumnsShowsHelpAndTheWayOut(t *testing.T) {
	c := newCluster(t)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	f := m.footerView()
	if !strings.Contains(f, "f1 help") || !strings.Contains(f, "esc leave the console") {
		t.Fatalf("console footer %q", f)
	}
	for _, id := range []paneID{paneLesson, paneObjects, paneActions, paneIsolation, paneNodes} {
		m.setFocus(id)
		if f := m.footerView(); !strings.Contains(f, "? help") {
			t.Errorf("%s footer %q", m.tabName(id), f)
		}
	}
}

// In two columns, the help puts the pane's keys on the left and the
// global ones on the right, each under its title: a title is never left
// at the bottom of one column with its keys in the other.
func TestHelpColumnsKeepSectionsWhole(t *testing.T) {
	c := newCluster(t)
	for _, lang := range []Lang{English, Korean} {
		m := newModel(t, c, lang, 80, 24)
		feed(m, c)
		m.setFocus(paneObjects)
		send(m, runes("?"))
		lines := strings.Split(m.View(), "\n")
		title := lines[2] // under the header and the box's top edge
		if !strings.Contains(title, m.t.Objects) || !strings.Contains(title, m.t.HelpGlobal) {
			t.Errorf("first help row %q: want both section titles", title)
		}
	}
}

// When the pod the isolation view shows is deleted, the view moves to
// another pod instead of saying "not found" among pods that run.
func TestIsolationMovesOnWhenItsPodGoes(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	m := newModel(t, c, English, 80, 24)
	feed(m, c)
	m.setFocus(paneIsolation)
	runCmd(t, m, send(m, podSelectedMsg{ns: "default", name: "duo"}))
	if m.iso.pod != "duo" {
		t.Fatalf("isolation shows %q, want duo", m.iso.pod)
	}
	if err := c.Delete(kinds.Core("pods"), "default", "duo"); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Minute)
	c.Settle()
	runCmd(t, m, send(m, takeSnapshot(c, time.Time{})()))
	if m.iso.pod == "duo" || m.iso.pod == "" || m.iso.err != nil {
		t.Fatalf("isolation shows %q (err %v), want another pod", m.iso.pod, m.iso.err)
	}
}
