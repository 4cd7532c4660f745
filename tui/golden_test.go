package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"kubetour/engine"
)

// goldenCheck compares a rendered screen with testdata/<test name>.golden
// (go test ./tui -run Golden -update rewrites them).
func goldenCheck(t *testing.T, got string) {
	t.Helper()
	got = ansi.Strip(got) + "\n"
	path := filepath.Join("testdata", filepath.FromSlash(t.Name())+".golden")
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("screen differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// goldenModel is a model on a cluster with a Deployment, a Service and a
// two-container pod, with the pod "duo" selected.
func goldenModel(t *testing.T, c *engine.Cluster, lang Lang, w, h int) *Model {
	m := newModel(t, c, lang, w, h)
	feed(m, c)
	iso := loadIsolation(c, "default", "duo")().(isolationMsg)
	if iso.iso != nil {
		iso.iso.Kernel = "6.1.0-test" // the simulation reports the host's kernel
	}
	send(m, podSelectedMsg{ns: "default", name: "duo"})
	send(m, iso)
	m.nodes.selectPod("default", "duo")
	send(m, loadScheduling(c, "default", "duo")())
	m.console.print(lineEcho, "kubectl get deploy web")
	m.console.print(lineOut, "NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "web    3/3     3            3           30s")
	return m
}

func TestGolden(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	sizes := []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"160x48", 160, 48}}
	langs := []struct {
		name string
		lang Lang
	}{{"en", English}, {"ko", Korean}}
	screens := []struct {
		name  string
		setup func(m *Model)
	}{
		{"console", func(m *Model) {}},
		{"lesson", func(m *Model) { m.setFocus(paneLesson) }},
		{"objects", func(m *Model) {
			m.setFocus(paneObjects)
			m.objects.selectKey(objKey("Pod", "default", "duo"))
		}},
		{"objects-yaml", func(m *Model) {
			m.setFocus(paneObjects)
			m.objects.selectKey(objKey("Service", "default", "web"))
			send(m, keyOf(tea.KeyEnter))
		}},
		{"actions", func(m *Model) { m.setFocus(paneActions) }},
		{"isolation", func(m *Model) { m.setFocus(paneIsolation) }},
		{"nodes", func(m *Model) { m.setFocus(paneNodes) }},
		{"help", func(m *Model) { m.setFocus(paneObjects); send(m, runes("?")) }},
		{"confirm-quit", func(m *Model) { m.setFocus(paneObjects); send(m, runes("q")) }},
	}
	for _, l := range langs {
		for _, sz := range sizes {
			for _, sc := range screens {
				t.Run(l.name+"/"+sz.name+"/"+sc.name, func(t *testing.T) {
					m := goldenModel(t, c, l.lang, sz.w, sz.h)
					sc.setup(m)
					v := m.View()
					checkFrame(t, v, sz.w, sz.h)
					goldenCheck(t, v)
				})
			}
		}
		t.Run(l.name+"/too-small", func(t *testing.T) {
			m := goldenModel(t, c, l.lang, 70, 20)
			v := m.View()
			checkFrame(t, v, 70, 20)
			if !strings.Contains(v, "70") {
				t.Fatal("the too-small view does not say the size")
			}
			goldenCheck(t, v)
		})
	}
}

// Every frame fits the terminal at every size between 80×24 and very
// wide, in both languages and in the ASCII glyph set.
func TestViewNeverOverflows(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	for _, lang := range []Lang{English, Korean} {
		for _, sz := range [][2]int{{80, 24}, {81, 25}, {99, 30}, {119, 40}, {120, 24}, {159, 39}, {160, 40}, {200, 60}, {320, 90}} {
			for _, ascii := range []bool{false, true} {
				m := newModel(t, c, lang, sz[0], sz[1], func(o *Options) { o.ASCII = ascii })
				feed(m, c)
				for _, id := range []paneID{paneLesson, paneObjects, paneActions, paneIsolation, paneNodes, paneConsole} {
					m.setFocus(id)
					checkFrame(t, m.View(), sz[0], sz[1])
				}
			}
		}
	}
}

// With --ascii nothing of East Asian ambiguous width reaches the screen:
// every frame is ASCII but for Hangul (always two
// cells), whatever the lesson text, narration and panes hold.
func TestASCIIFramesHaveNoAmbiguousSymbols(t *testing.T) {
	c := newCluster(t)
	applyWeb(t, c)
	md := "# Pods — 파드 ÷ − µ ◐\n\n## 1/3 · Run a pod…\n\nRun **nginx** → “web”, ≥ 2 × ‘1’ pods.\n\n**Checks**\n\n- ✓ a pod runs\n- ✗ 파드가 실행 중\n  *not yet: none of the 2 command(s) you ran so far did this*\n"
	for _, lang := range []Lang{English, Korean} {
		for _, sz := range [][2]int{{80, 24}, {160, 40}} {
			m := newModel(t, c, lang, sz[0], sz[1], func(o *Options) { o.ASCII = true; o.LessonSession = &fakeLesson{md: md} })
			feed(m, c)
			for _, id := range []paneID{paneLesson, paneObjects, paneActions, paneIsolation, paneNodes, paneConsole} {
				m.setFocus(id)
				v := m.View()
				checkFrame(t, v, sz[0], sz[1])
				for _, r := range ansi.Strip(v) {
					if r < 0x80 || unicode.Is(unicode.Hangul, r) {
						continue
					}
					t.Fatalf("%v %dx%d, pane %v: %q (U+%04X) on an --ascii screen:\n%s", lang, sz[0], sz[1], id, r, r, ansi.Strip(v))
				}
			}
		}
	}
}
