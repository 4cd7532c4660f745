package script_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/klog/v2"

	"kubetour/engine"
	"kubetour/engine/kubelet"
	"kubetour/internal/kubectl"
	"kubetour/script"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMain lets this test binary stand in for `kubetour kubectl`: the
// runner starts it again with KUBETOUR_TEST_KUBECTL=1, and it runs the
// real kubectl command tree.
func TestMain(m *testing.M) {
	if os.Getenv("KUBETOUR_TEST_KUBECTL") == "1" {
		kubectl.Main(os.Args[1:])
	}
	// Library logs (a closed exec stream's "Error on socket receive") are
	// not the transcripts' business, as in the kubetour binary.
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	fs.Set("logtostderr", "false")
	fs.Set("alsologtostderr", "false")
	fs.Set("stderrthreshold", "FATAL")
	klog.SetOutput(io.Discard)
	// The Docker transcripts wait on real time, not on the CPU: let them
	// run three at a time (two cores; more starve the containers
	// of CPU and the timings drift) unless -parallel says otherwise.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "3")
	}
	os.Exit(m.Run())
}

// newSimCluster is a fresh seeded cluster on the simulation and a manual clock.
func newSimCluster(t *testing.T) *engine.Cluster {
	t.Helper()
	c, err := engine.New(engine.Config{
		Manual: true, Seed: 7, Start: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Latency:    kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second},
		NewRuntime: engine.SimRuntime,
		// As the goldens were written, whatever kernel runs the tests.
		Kernel: "6.18.44-fc-v769", OSImage: "Debian GNU/Linux 12 (bookworm)",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

// runScript runs a transcript file and returns what it printed.
func runScript(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	steps, err := script.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &script.Runner{Cluster: newSimCluster(t), Kubectl: []string{os.Args[0]}, Out: &out,
		Env: []string{"KUBETOUR_TEST_KUBECTL=1"}}
	if err := r.Prepare(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Run(steps); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestGoldenTranscripts replays every testdata/*.txt and compares with its
// .golden file (go test ./script -update rewrites them).
func TestGoldenTranscripts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			got := normalize(runScript(t, f))
			golden := strings.TrimSuffix(f, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript differs from %s:\n%s", golden, diff(string(want), got))
			}
		})
	}
}

// clientAges are durations kubectl computes from its own clock rather than
// the cluster's (describe's event and pod ages): against a test cluster
// pinned to a fixed date they grow every day, so goldens keep a placeholder.
var clientAges = regexp.MustCompile(`\b[0-9]{3,}d[0-9]*h?\b|\b[0-9]{2,}d\b`)

// apiPort is the API server's port, different on every run.
var apiPort = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)

func normalize(s string) string {
	return apiPort.ReplaceAllString(clientAges.ReplaceAllString(s, "<age>"), "127.0.0.1:<port>")
}

// diff shows the first differing lines.
func diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("line " + itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g + "\n")
			shown++
			if shown == 10 {
				break
			}
		}
	}
	return b.String()
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for i >= 10 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	n--
	b[n] = byte('0' + i)
	return string(b[n:])
}

var statusOnly = storeStatus()
