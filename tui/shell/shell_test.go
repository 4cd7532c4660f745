package shell

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestContinues(t *testing.T) {
	tests := map[string]struct {
		lines []string
		want  bool
	}{
		"plain command":            {[]string{"kubectl get pods"}, false},
		"heredoc opened":           {[]string{"kubectl apply -f - <<EOF"}, true},
		"heredoc body":             {[]string{"kubectl apply -f - <<EOF", "kind: Pod"}, true},
		"heredoc closed":           {[]string{"kubectl apply -f - <<EOF", "kind: Pod", "EOF"}, false},
		"quoted delimiter":         {[]string{"k apply -f - <<'END'", "a: b", "END"}, false},
		"spaced delimiter":         {[]string{"k apply -f - << EOF", "a: b"}, true},
		"tab-stripped delimiter":   {[]string{"k apply -f - <<-EOF", "\ta: b", "\tEOF"}, false},
		"delimiter must be alone":  {[]string{"k apply -f - <<EOF", "EOF x"}, true},
		"backslash continuation":   {[]string{"kubectl get \\"}, true},
		"continued then finished":  {[]string{"kubectl get \\", "pods"}, false},
		"continued into a heredoc": {[]string{"kubectl apply \\", "-f - <<EOF", "x: y"}, true},
		"nothing typed":            {nil, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Continues(tc.lines); got != tc.want {
				t.Errorf("Continues(%q) = %v, want %v", tc.lines, got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"implied kubectl":       {"get pods", "kubectl get pods"},
		"explicit kubectl":      {"kubectl get pods", "kubectl get pods"},
		"alias":                 {"k get pods", "k get pods"},
		"curl stays":            {"curl web", "curl web"},
		"after an assignment":   {"EDITOR=true edit deploy/web", "EDITOR=true kubectl edit deploy/web"},
		"after timeout":         {"timeout 10s get pods -w", "timeout 10s kubectl get pods -w"},
		"unknown stays unknown": {"ls -l", "ls -l"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(Normalize(strings.Fields(tc.in)), " ")
			if got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestInteractiveAndStreams(t *testing.T) {
	tests := map[string]struct {
		args                 string
		interactive, streams bool
	}{
		"edit":               {"edit deploy/web", true, false},
		"exec -it":           {"exec -it web -- sh", true, false},
		"exec -ti with ns":   {"-n default exec -ti web -- sh", true, false},
		"exec --stdin --tty": {"exec --stdin --tty web -- sh", true, false},
		"exec without tty":   {"exec web -- ls", false, false},
		"exec after -c":      {"exec web -c app -- ls -it", false, false},
		"run -it":            {"run tmp -it --image=busybox -- sh", true, false},
		"get -w":             {"get pods -w", false, true},
		"logs -f":            {"logs -f web", false, true},
		"rollout status":     {"rollout status deploy/web", false, true},
		"rollout undo":       {"rollout undo deploy/web", false, false},
		"apply -f is a file": {"apply -f x.yaml", false, false},
		"plain get":          {"get pods", false, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := strings.Fields(tc.args)
			if got := Interactive(a); got != tc.interactive {
				t.Errorf("Interactive = %v", got)
			}
			if got := Streams(a); got != tc.streams {
				t.Errorf("Streams = %v", got)
			}
		})
	}
}

func TestCompletion(t *testing.T) {
	r, ok := CompletionRequest("ge")
	if !ok || r.Args != nil || len(r.Local) != 1 || r.Local[0].Value != "get" {
		t.Fatalf("command word: %+v", r)
	}
	r, ok = CompletionRequest("get po")
	if !ok || !reflect.DeepEqual(r.Args, []string{"get", "po"}) || r.Word != "po" {
		t.Fatalf("implied kubectl: %+v", r)
	}
	r, ok = CompletionRequest("k get pods ")
	if !ok || !reflect.DeepEqual(r.Args, []string{"get", "pods", ""}) || r.Word != "" {
		t.Fatalf("after a space: %+v", r)
	}
	if _, ok := CompletionRequest("curl we"); ok {
		t.Fatal("curl has no completion")
	}
	c, d := ParseCompletion("pods\npodtemplates\tdesc\n:4\nCompletion ended with directive: ShellCompDirectiveNoFileComp\n")
	if len(c) != 2 || c[1].Description != "desc" || d != 4 {
		t.Fatalf("parse: %+v %d", c, d)
	}
	if p := CommonPrefix(c); p != "pod" {
		t.Fatalf("prefix %q", p)
	}
	if got := Complete("get po", "po", "pods", true); got != "get pods " {
		t.Fatalf("complete %q", got)
	}
	if got := Complete("get po", "po", "pod", false); got != "get pod" {
		t.Fatalf("partial %q", got)
	}
}

func TestHistoryBrowsingAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	for _, c := range []string{"get pods", "apply -f - <<EOF\nkind: Pod\nEOF", "get pods"} {
		if err := AppendHistory(path, c); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := LoadHistory(path)
	if err != nil || len(entries) != 3 || !strings.Contains(entries[1], "\nkind: Pod\n") {
		t.Fatalf("load: %q %v", entries, err)
	}
	h := NewHistory(entries)
	if v, _ := h.Prev("draft"); v != "get pods" {
		t.Fatalf("prev %q", v)
	}
	if v, _ := h.Prev(""); !strings.HasPrefix(v, "apply") {
		t.Fatalf("prev2 %q", v)
	}
	h.Next()
	if v, _ := h.Next(); v != "draft" {
		t.Fatalf("back to the draft: %q", v)
	}
	if h.Add("get pods") {
		t.Fatal("a repeat of the last command is not added")
	}
	if missing, err := LoadHistory(filepath.Join(t.TempDir(), "none")); err != nil || missing != nil {
		t.Fatal("a missing history is empty")
	}
}

func TestInterruptFindsTheMarkedProcess(t *testing.T) {
	marker := "KUBETOUR_JOB=test-" + time.Now().Format("150405.000000")
	cmd := exec.Command("sleep", "30")
	cmd.Env = append(cmd.Environ(), marker)
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep binary:", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if n := Interrupt(marker, syscall.SIGINT); n != 1 {
		t.Fatalf("signalled %d processes", n)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the process did not stop")
	}
}
