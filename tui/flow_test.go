package tui

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"kubetour/engine"
	"kubetour/engine/kubelet"
)

// End-to-end flows through a real tea.Program (teatest), the real
// embedded kubectl and a real cluster. They are few on purpose: the byte
// stream is timing-dependent, so they wait for text and assert on the
// final model.

func typeLine(tm *teatest.TestModel, s string) {
	tm.Type(s)
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
}

func waitFor(t *testing.T, tm *teatest.TestModel, what string, re *regexp.Regexp) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return re.Match(b) },
		teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(50*time.Millisecond))
	_ = what
}

// quitFlow answers the quit question and checks the cluster was stopped.
func quitFlow(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	waitFor(t, tm, "the quit question", regexp.MustCompile(`Quit kubetour\?`))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(*Model)
	if !fm.Stopped() {
		t.Fatal("the program ended without stopping the cluster")
	}
	return fm
}

// Start, apply a manifest typed as a heredoc, watch the pod go Running
// as the (manual) cluster clock is advanced, quit cleanly.
func TestFlowApplyWatchRunningQuit(t *testing.T) {
	c := newCluster(t)
	opts := Options{Cluster: c, Lang: English, Theme: Dark}
	withRunner(t, c, &opts)
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(120, 40))

	waitFor(t, tm, "the first frame", regexp.MustCompile(`kube-system`))
	for _, l := range []string{"kubectl apply -f - <<EOF", "apiVersion: v1", "kind: Pod", "metadata:", "  name: hello",
		"spec:", "  containers:", "  - name: app", "    image: nginx", "EOF"} {
		typeLine(tm, l)
	}
	waitFor(t, tm, "kubectl's answer", regexp.MustCompile(`pod/hello created`))
	waitFor(t, tm, "the pod, pending", regexp.MustCompile(`po/hello\s+(Pending|ContainerCreating)`))
	c.Advance(10 * time.Second)
	waitFor(t, tm, "the pod, running", regexp.MustCompile(`✓ po/hello\s+Running`))
	// The scheduler's decision is in the controllers' timeline.
	typeLine(tm, "kubectl get pod hello")
	// The prompt's examples come back only once kubectl has ended; a
	// ctrl+c sent before that would stop kubectl, not ask to quit.
	waitFor(t, tm, "get's table, then the prompt", regexp.MustCompile(`hello\s+1/1\s+Running[\s\S]*kubetour\$ get pods ·`))
	fm := quitFlow(t, tm)
	found := false
	for _, e := range fm.narr.all {
		if e.Reason == "Scheduled" && len(e.Objects) > 0 && e.Objects[0].Name == "hello" {
			found = true
		}
	}
	if !found {
		t.Error("the scheduler's decision about hello never reached the timeline")
	}
}

// On the real clock: a watch streams until ctrl+c, which stops kubectl
// and not kubetour; tab completes from kubectl's own completion.
func TestFlowWatchCtrlCAndCompletion(t *testing.T) {
	c, err := engine.New(engine.Config{Seed: 3, NewRuntime: engine.SimRuntime,
		Latency: kubelet.Latency{Sandbox: 100 * time.Millisecond, Pull: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	opts := Options{Cluster: c, Lang: English, Theme: Dark}
	withRunner(t, c, &opts)
	tm := teatest.NewTestModel(t, New(opts), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "the first frame", regexp.MustCompile(`kube-system`))

	// Each wait reads the output stream on from where the last one stopped.
	typeLine(tm, "get pods -A -w")
	waitFor(t, tm, "the running marker", regexp.MustCompile(`get pods -A -w\s+\(ctrl\+c\)`))
	waitFor(t, tm, "the watch's first lines", regexp.MustCompile(`kube-system\s+etcd-k8s-master`))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	waitFor(t, tm, "the prompt back", regexp.MustCompile(`\^C[\s\S]*kubetour\$ get pods`))

	tm.Type("get po")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	waitFor(t, tm, "completion candidates", regexp.MustCompile(`podtemplates`))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	fm := quitFlow(t, tm)
	if fm.console.job != nil {
		t.Fatal("the watch is still running")
	}
	out := fm.console.lines
	var b bytes.Buffer
	for _, l := range out {
		b.WriteString(l.text + "\n")
	}
	if !bytes.Contains(b.Bytes(), []byte("^C")) {
		t.Fatalf("no ^C in the console:\n%s", b.String())
	}
}
