package tui

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"k8s.io/klog/v2"

	"kubetour/engine"
	"kubetour/engine/kubelet"
	"kubetour/internal/kubectl"
	"kubetour/script"
)

// updating reports -update: the flag is defined by charmbracelet's
// golden package (linked through teatest) and shared with it.
func updating() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	v, _ := f.Value.(flag.Getter).Get().(bool)
	return v
}

// TestMain lets the test binary stand in for `kubetour kubectl` (the
// runner starts it again as `<test binary> kubectl …`), and fixes the
// colour profile so goldens are plain text on every machine.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "kubectl" {
		kubectl.Main(os.Args[2:])
		os.Exit(0)
	}
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// testStart is the cluster time tests start at.
var testStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// newCluster is a seeded cluster on the simulation and a manual clock:
// the same names, addresses and times in every run.
func newCluster(tb testing.TB) *engine.Cluster {
	tb.Helper()
	c, err := engine.New(engine.Config{
		Manual: true, Seed: 7, Start: testStart, NewRuntime: engine.SimRuntime,
		Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Stop)
	return c
}

// withRunner prepares a runner (served API, kubeconfig) for the console.
func withRunner(tb testing.TB, c *engine.Cluster, opts *Options) {
	tb.Helper()
	r := &script.Runner{Cluster: c, Kubectl: []string{os.Args[0], "kubectl"}, Out: io.Discard}
	if err := r.Prepare(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(r.Close)
	kc, err := c.Kubeconfig()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, kc, 0o600); err != nil {
		tb.Fatal(err)
	}
	opts.Runner = ScriptRunner{R: r}
	opts.Kubectl = []string{os.Args[0], "kubectl"}
	opts.KubectlEnv = []string{"KUBECONFIG=" + path, "KUBERC=off", "KUBECTL_KUBERC=false", "HOME=" + dir}
}

// fixedNow is the wall clock of tests: highlights and messages never fade
// in the middle of an assertion.
func fixedNow() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// newModel builds a model of size w×h without a program.
func newModel(tb testing.TB, c Cluster, lang Lang, w, h int, mod ...func(*Options)) *Model {
	tb.Helper()
	opts := Options{Cluster: c, Lang: lang, Theme: Dark, Now: fixedNow}
	for _, f := range mod {
		f(&opts)
	}
	m := New(opts)
	tb.Cleanup(func() { m.cancel(); m.sub.Close() })
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// feed applies what Init's commands would bring: a snapshot, the clock,
// the narration so far.
func feed(m *Model, c Cluster) {
	m.Update(takeSnapshot(c, time.Time{})())
	m.Update(readClock(c)())
	m.Update(loadNarration(c)())
	m.sub.Drain()
}

// send runs one message through Update and returns the Cmd.
func send(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// typeText sends the keys of s, as typed.
func typeText(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			send(m, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			continue
		}
		send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func keyOf(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// checkFrame asserts the View is exactly the terminal: h lines of w cells.
func checkFrame(tb testing.TB, view string, w, h int) {
	tb.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		tb.Fatalf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			tb.Fatalf("line %d is %d cells wide, want %d: %q", i, lw, w, l)
		}
	}
}

const webManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 500m, memory: 128Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: duo
  labels: {app: duo}
spec:
  containers:
  - name: app
    image: nginx
    resources:
      limits: {cpu: 250m, memory: 64Mi}
  - name: sidecar
    image: busybox
    command: ["sh", "-c", "sleep 3600"]
`

// applyWeb creates a Deployment, its Service and a two-container pod,
// and lets them come up.
func applyWeb(tb testing.TB, c *engine.Cluster) {
	tb.Helper()
	if _, err := c.Apply([]byte(webManifest), "default"); err != nil {
		tb.Fatal(err)
	}
	c.Advance(30 * time.Second)
	c.Settle()
}
