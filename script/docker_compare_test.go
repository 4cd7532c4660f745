package script_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kubetour/script"
)

// Every golden splits into its steps' blocks, which together are the
// golden: the Docker replay compares step by step against them.
func TestGoldenBlocksCoverEveryGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		golden, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".golden")
		if err != nil {
			t.Fatal(err)
		}
		steps, err := script.Parse(strings.NewReader(string(text)))
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := goldenBlocks(string(golden), steps)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got := strings.Join(blocks, ""); got != string(golden) {
			t.Errorf("%s: the blocks do not make up the golden", f)
		}
		for i, st := range steps {
			if !st.Comment && !strings.HasPrefix(blocks[i], "$ "+st.Text) {
				t.Errorf("%s: block %d starts %q, want the echo of %q", f, i, blocks[i], st.Text)
			}
		}
	}
}

func TestObservesOnlyReadingSteps(t *testing.T) {
	cases := map[string]bool{
		"kubectl get pods -o wide":                     true,
		"kubectl -n kube-system get pods":              true,
		"kubectl describe job job-2":                   true,
		"timeout 5s kubectl logs -f pod-1":             true,
		"kubectl rollout status deployment/web":        true,
		"curl svc-1:8080/version":                      true,
		"kubectl rollout undo deployment/web":          false,
		"kubectl delete pod pod-1":                     false,
		"kubectl exec pod-1 -- curl -s localhost:80":   false,
		"kubectl apply -f web.yaml":                    false,
		"sleep 5s":                                     false,
		"EDITOR=true kubectl edit deployment/web":      false,
		"kubectl scale deployment/web --replicas=3":    false,
		"kubectl auth can-i create pods":               true,
		"kubectl get pods -w --request-timeout=5s":     true,
		"kubectl label pod pod-1 type=web --overwrite": false,
	}
	for line, want := range cases {
		steps, err := script.Parse(strings.NewReader(line + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := observes(steps[0]); got != want {
			t.Errorf("observes(%q) = %v, want %v", line, got, want)
		}
	}
}

// A pod the simulation lists the moment it was created may already run on
// Docker; any other difference still counts.
func TestSameStepAllowsOnlyAJustCreatedPodToBeAhead(t *testing.T) {
	golden := "$ kubectl get pods\nNAME    READY   STATUS              RESTARTS   AGE\npod-2   0/1     ContainerCreating   0          0s\n"
	cases := map[string]bool{
		"$ kubectl get pods\nNAME    READY   STATUS              RESTARTS   AGE\npod-2   0/1     ContainerCreating   0          1s\n": true,
		"$ kubectl get pods\nNAME    READY   STATUS    RESTARTS   AGE\npod-2   1/1     Running   0          3s\n":                     true,
		"$ kubectl get pods\nNAME    READY   STATUS             RESTARTS   AGE\npod-2   0/1     CrashLoopBackOff   1          3s\n":   false,
		"$ kubectl get pods\nNAME    READY   STATUS    RESTARTS   AGE\npod-3   1/1     Running   0          3s\n":                     false,
		"$ kubectl get pods\nNAME    READY   STATUS    RESTARTS   AGE\npod-2   1/1     Running   2          3s\n":                     false,
		"$ kubectl get pods\nNAME    READY   STATUS    RESTARTS   AGE\n":                                                              false,
	}
	for got, want := range cases {
		if sameStep(golden, got) != want {
			t.Errorf("sameStep(golden, %q) = %v, want %v", got, !want, want)
		}
	}
	// A pod the golden shows running must run on Docker too.
	running := "$ kubectl get pods\nNAME    READY   STATUS    RESTARTS   AGE\npod-1   2/2     Running   0          5s\n"
	if sameStep(running, "$ kubectl get pods\nNAME    READY   STATUS              RESTARTS   AGE\npod-1   1/2     ContainerCreating   0          5s\n") {
		t.Error("a pod still being created matched a golden that shows it running")
	}
}
