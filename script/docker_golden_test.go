package script_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kubetour/engine"
	"kubetour/engine/kubelet"
	"kubetour/engine/runtime/docker"
	"kubetour/internal/dockerlock"
	"kubetour/script"
)

// dockerTranscripts are the transcripts replayed on real containers. The
// CronJob and HPA ones wait over an hour and several minutes of cluster
// time, which Docker can only spend in real time; job-deadline races a
// 40-second deadline against real containers, which a loaded machine
// starts late enough to lose. They run when KUBETOUR_DOCKER_TRANSCRIPTS
// names them (or "all").
var dockerTranscripts = []string{"pod", "service", "volume", "configmap", "namespace", "kubectl-verbs",
	"replicaset", "deployment-recreate", "deployment-rolling", "deployment-bluegreen", "deployment-canary",
	"daemonset", "job"}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// kubetourBinary is the image's content: cmd/kubetour, built once.
func kubetourBinary(t *testing.T) string {
	binOnce.Do(func() {
		if b := os.Getenv("KUBETOUR_TEST_BINARY"); b != "" {
			binPath = b
			return
		}
		dir, err := os.MkdirTemp("", "kubetour-script-test-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "kubetour")
		cmd := exec.Command("go", "build", "-o", binPath, "../cmd/kubetour")
		if msg, err := cmd.CombinedOutput(); err != nil {
			binErr = errors.New(string(msg))
		}
	})
	if binErr != nil {
		t.Fatalf("building cmd/kubetour: %v", binErr)
	}
	return binPath
}

// TestGoldenTranscriptsOnDocker replays the transcripts with every pod a
// real container and compares with the simulation's goldens, with what
// must differ masked: addresses, generated name suffixes, container ids,
// ages and column widths (dockerMask). Whatever is left must be equal.
func TestGoldenTranscriptsOnDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("replays transcripts on Docker in real time")
	}
	dockerlock.HoldWithEngine(t, kubetourBinary(t))
	names := dockerTranscripts
	switch v := os.Getenv("KUBETOUR_DOCKER_TRANSCRIPTS"); v {
	case "":
	case "all":
		names = nil
		files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
		for _, f := range files {
			names = append(names, strings.TrimSuffix(filepath.Base(f), ".txt"))
		}
	default:
		names = strings.Split(v, ",")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			// They wait on real time, not on the CPU: side by side they
			// take as long as the longest.
			t.Parallel()
			path := filepath.Join("testdata", name+".txt")
			want, err := os.ReadFile(strings.TrimSuffix(path, ".txt") + ".golden")
			if err != nil {
				t.Fatal(err)
			}
			diffs := replayOnDocker(t, path, string(want))
			if len(diffs) > 0 {
				// Steps that change the cluster race with real containers
				// on a loaded machine (two cores, two clusters and the rest
				// of the suite): one replay on a fresh cluster, and the
				// first run's differences are logged.
				t.Logf("%s on Docker differed from the simulation's golden; replaying once:\n%s", name, strings.Join(diffs, "\n"))
				diffs = replayOnDocker(t, path, string(want))
			}
			if len(diffs) > 0 {
				t.Errorf("%s on Docker differs from the simulation's golden (masked):\n%s", name, strings.Join(diffs, "\n"))
			}
		})
	}
}

// settleFor bounds how long a step that only observes the cluster is
// repeated until it shows what the simulation showed at that point.
const settleFor = 60 * time.Second

// replayOnDocker runs one transcript on a fresh cluster on Docker and
// compares each step's output with the golden's, masked (dockerMask), and
// returns the steps that differ.
//
// Real containers take real time to start, and on a loaded machine more
// than the simulation's latencies: a `kubectl get` that follows a `sleep
// 5s` may find a pod still being created. A step that only observes the
// cluster (get, describe, logs, curl …) is therefore run again, every half
// second for up to settleFor, until it shows the golden's state: the
// cluster must reach that state, if later. Steps that change the cluster
// run once.
func replayOnDocker(t *testing.T, path, golden string) []string {
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := script.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := goldenBlocks(golden, steps)
	if err != nil {
		t.Fatalf("%s: %v (update the golden)", path, err)
	}
	run := runOnDocker(t, text)
	defer run.Close()
	var diffs []string
	for i, st := range steps {
		got := run.step(t, i)
		// Once a step has not reached the golden's state, the replay has
		// failed: the rest runs once each, to show every difference.
		if observes(st) && len(diffs) == 0 && !sameStep(blocks[i], got) {
			start := time.Now()
			deadline := start.Add(settleFor)
			for !sameStep(blocks[i], got) && time.Now().Before(deadline) {
				time.Sleep(500 * time.Millisecond)
				got = run.step(t, i)
			}
			t.Logf("line %d (%s): shown again for %.1fs until it matched: %v", st.Line, st.Text, time.Since(start).Seconds(), sameStep(blocks[i], got))
		}
		if !sameStep(blocks[i], got) {
			diffs = append(diffs, fmt.Sprintf("  the step at line %d (%s):\n%s", st.Line, st.Text, diff(dockerMask(blocks[i]), dockerMask(got))))
		}
	}
	return diffs
}

// goldenBlocks splits a golden transcript into each step's echo and
// output, in order.
func goldenBlocks(golden string, steps []script.Step) ([]string, error) {
	header := func(st script.Step) string {
		if st.Comment {
			return st.Text + "\n"
		}
		h := "$ " + st.Text + "\n"
		for _, l := range st.Heredoc {
			h += l + "\n"
		}
		return h
	}
	blocks := make([]string, len(steps))
	pos := 0
	for i, st := range steps {
		if !strings.HasPrefix(golden[pos:], header(st)) {
			return nil, fmt.Errorf("the golden does not echo line %d (%s) where expected", st.Line, st.Text)
		}
		end := len(golden)
		if i+1 < len(steps) {
			body := pos + len(header(st))
			next := header(steps[i+1])
			switch j := strings.Index(golden[body:], "\n"+next); {
			case strings.HasPrefix(golden[body:], next):
				end = body
			case j >= 0:
				end = body + j + 1
			default:
				return nil, fmt.Errorf("the golden does not echo line %d (%s) after line %d", steps[i+1].Line, steps[i+1].Text, st.Line)
			}
		}
		blocks[i] = golden[pos:end]
		pos = end
	}
	return blocks, nil
}

// observes tells whether a step only reads the cluster, so running it
// again changes nothing.
func observes(st script.Step) bool {
	if st.Comment {
		return false
	}
	args := st.Args
	for len(args) > 1 && strings.Contains(args[0], "=") {
		args = args[1:]
	}
	if len(args) > 2 && args[0] == "timeout" {
		args = args[2:]
	}
	switch args[0] {
	case "curl", "cat", "ls", "echo":
		return true
	case "kubectl", "k":
	default:
		return false
	}
	var words []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" || a == "--namespace" || a == "--context":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		return false
	}
	switch words[0] {
	case "get", "describe", "logs", "top", "explain", "api-resources", "api-versions", "version", "cluster-info", "events", "wait":
		return true
	case "rollout":
		return len(words) > 1 && (words[1] == "status" || words[1] == "history")
	case "auth":
		return len(words) > 1 && words[1] == "can-i"
	}
	return false
}

// justCreated marks, in the golden, a pod line of age 0s still being
// created: the simulation lists a pod right after its creation, before its
// image is pulled. On Docker, starting kubectl on a loaded machine can take
// longer than the emulated pull, and the same pod may already be running.
var justCreated = regexp.MustCompile(`\b0/([0-9]+)(\s+)ContainerCreating(\s+)0(\s+)0s\b`)

var newMark = regexp.MustCompile(`<new/([0-9]+)> <new>`)

// sameStep compares a step's output with the golden's, masked. A pod the
// golden shows just created may, on Docker, be created or running.
func sameStep(want, got string) bool {
	w, g := dockerMask(want), dockerMask(got)
	if w == g {
		return true
	}
	wl := strings.Split(dockerMask(justCreated.ReplaceAllString(want, "<new/$1>$2<new>$3 0$4 0s")), "\n")
	gl := strings.Split(g, "\n")
	if len(wl) != len(gl) {
		return false
	}
	for i := range wl {
		if wl[i] == gl[i] {
			continue
		}
		m := newMark.FindStringSubmatch(wl[i])
		if m == nil {
			return false
		}
		pat := strings.Replace(regexp.QuoteMeta(wl[i]), m[0], `[0-9]+/`+m[1]+` (ContainerCreating|Running)`, 1)
		if !regexp.MustCompile(`^` + pat + `$`).MatchString(gl[i]) {
			return false
		}
	}
	return true
}

// dockerRun is a transcript being replayed on a fresh cluster on Docker,
// configured as `kubetour script --runtime docker` does.
type dockerRun struct {
	runner *script.Runner
	steps  []script.Step
}

func runOnDocker(t *testing.T, text []byte) *dockerRun {
	rt, err := docker.New(context.Background(), docker.Options{Binary: kubetourBinary(t), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	nodes := engine.DefaultNodes()
	for i := range nodes {
		nodes[i].PodCIDR = rt.Plan().PodCIDR(i).String()
	}
	c, err := engine.New(engine.Config{Runtime: rt, Seed: 7, Nodes: nodes, ContainerIDPrefix: "docker://",
		ServiceCIDR: rt.Plan().ServiceCIDR, Kernel: "6.18.44-fc-v769", OSImage: "Debian GNU/Linux 12 (bookworm)",
		Latency: kubelet.Latency{Sandbox: 500 * time.Millisecond, Pull: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Stop()
		if err := rt.Close(); err != nil {
			t.Errorf("closing the Docker runtime: %v", err)
		}
	})
	// Transcripts name pod addresses of 10.244.0.0/16; a cluster running
	// next to another one on the same engine gets the next free /16.
	if b := rt.Plan().Subnet.Addr().As4(); b[1] != 244 {
		text = bytes.ReplaceAll(text, []byte("10.244."), []byte(fmt.Sprintf("%d.%d.", b[0], b[1])))
	}
	steps, err := script.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	r := &script.Runner{Cluster: c, Kubectl: []string{os.Args[0]}, Env: []string{"KUBETOUR_TEST_KUBECTL=1"}}
	if err := r.Prepare(); err != nil {
		t.Fatal(err)
	}
	return &dockerRun{runner: r, steps: steps}
}

// step runs step i and returns what it printed, echo included.
func (d *dockerRun) step(t *testing.T, i int) string {
	var out bytes.Buffer
	d.runner.Out = &out
	if _, err := d.runner.Run(d.steps[i : i+1]); err != nil {
		t.Fatal(err)
	}
	return normalize(out.String())
}

func (d *dockerRun) Close() { d.runner.Close() }

var dockerMasks = []struct {
	re   *regexp.Regexp
	with string
}{
	// How many progress lines rollout status prints depends on how the
	// watch events fall in real time; the final line is compared.
	{regexp.MustCompile(`(?m)^Waiting for (deployment|daemon set|partitioned roll out).*\n`), ""},
	// Pod and Service addresses come from the runtime's subnet.
	{regexp.MustCompile(`\b[0-9]{1,3}(\.[0-9]{1,3}){3}(/[0-9]+)?\b`), "<ip>"},
	// Generated names take random suffixes (apimachinery's alphabet).
	{regexp.MustCompile(`-[bcdfghjklmnpqrstvwxz2456789]{5}\b`), "-<rand>"},
	{regexp.MustCompile(`(docker|containerd)://[0-9a-f]{12,}`), "<container-id>"},
	{regexp.MustCompile(`(docker|containerd)://[0-9][^ "]*`), "<runtime-version>"},
	// Writes (lease renewals, status updates) interleave differently in
	// real time.
	{regexp.MustCompile(`"?resourceVersion"?: "[0-9]+"`), `resourceVersion: "<rv>"`},
	// Ages and durations measured in real time drift by a second or two,
	// and a run on Docker happens today, not on the goldens' pinned date.
	{regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?(ms|s|m|h|d)([0-9]+(s|m|h))?\b|<age>`), "<t>"},
	{regexp.MustCompile(`[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [+-][0-9]{4}`), "<date>"},
	{regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z`), "<date>"},
	{regexp.MustCompile(`[ \t]+`), " "},
	// `get endpoints` prints <none> for an Endpoints without subsets and
	// nothing for one whose addresses are all not ready: both say "no
	// ready endpoint", and which one a given moment shows depends on
	// whether the new pods have their addresses yet.
	{regexp.MustCompile(`(?m)^(\S+) <none> (<t>)$`), "$1 $2"},
}

func dockerMask(s string) string {
	for _, m := range dockerMasks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return sortEventRuns(s)
}

// sortEventRuns sorts each run of event lines (describe's Events table):
// two events a second apart on Docker can be the same second on the
// simulation, and describe orders them by time.
func sortEventRuns(s string) string {
	lines := strings.Split(s, "\n")
	isEvent := func(l string) bool { return strings.HasPrefix(l, " Normal ") || strings.HasPrefix(l, " Warning ") }
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && isEvent(lines[j]) {
			j++
		}
		if j > i {
			slices.Sort(lines[i:j])
			i = j
		} else {
			i++
		}
	}
	return strings.Join(lines, "\n")
}
