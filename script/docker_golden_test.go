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
// time, which Docker can only spend in real time: they run when
// KUBETOUR_DOCKER_TRANSCRIPTS names them (or "all").
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
	probe, err := docker.New(context.Background(), docker.Options{Binary: kubetourBinary(t), StateDir: t.TempDir()})
	if errors.Is(err, docker.ErrNoEngine) {
		t.Skip("no Docker engine reachable: " + err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	probe.Close()
	dockerlock.Hold(t)
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
			w := dockerMask(string(want))
			g := dockerMask(normalize(runOnDocker(t, path)))
			if w != g {
				// Snapshots a few seconds apart race with real containers on
				// a loaded machine (two cores, three clusters): one replay on
				// a fresh cluster, and the first difference is logged.
				t.Logf("%s on Docker differed from the simulation's golden; replaying once:\n%s", name, diff(w, g))
				g = dockerMask(normalize(runOnDocker(t, path)))
			}
			if w != g {
				t.Errorf("%s on Docker differs from the simulation's golden (masked):\n%s", name, diff(w, g))
			}
		})
	}
}

// runOnDocker runs one transcript on a fresh cluster on Docker, configured
// as `kubetour script --runtime docker` does.
func runOnDocker(t *testing.T, path string) string {
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
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Transcripts name pod addresses of 10.244.0.0/16; a cluster running
	// next to another one on the same engine gets the next free /16.
	if b := rt.Plan().Subnet.Addr().As4(); b[1] != 244 {
		text = bytes.ReplaceAll(text, []byte("10.244."), []byte(fmt.Sprintf("%d.%d.", b[0], b[1])))
	}
	steps, err := script.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r := &script.Runner{Cluster: c, Kubectl: []string{os.Args[0]}, Out: &out, Env: []string{"KUBETOUR_TEST_KUBECTL=1"}}
	if err := r.Prepare(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Run(steps); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

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
