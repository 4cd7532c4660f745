package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kubetour/internal/kubectl"
)

// TestMain lets the test binary serve as `kubetour kubectl` for the
// script command, which starts its own executable with "kubectl".
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "kubectl" {
		kubectl.Main(os.Args[2:])
	}
	quietLibraryLogs()
	os.Exit(m.Run())
}

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestScriptCommandExitStatus(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := map[string]struct {
		args    []string
		wantErr string
		wantOut []string
	}{
		"unreadable script": {args: []string{"script", filepath.Join(dir, "nosuch.txt")}, wantErr: "cannot read script"},
		"bad runtime":       {args: []string{"script", "--runtime", "vm", write("a.txt", "sleep 1s\n")}, wantErr: `invalid --runtime "vm"`},
		"a failing command is printed, not fatal": {
			args:    []string{"script", "--runtime", "sim", write("b.txt", "kubectl get pod nosuch\n# still here\n")},
			wantOut: []string{`$ kubectl get pod nosuch`, `Error from server (NotFound): pods "nosuch" not found`, "# still here"},
		},
		"fail-fast stops at the first failure": {
			args:    []string{"script", "--runtime", "sim", "--fail-fast", write("c.txt", "kubectl get pod nosuch\n# never\n")},
			wantErr: "line 1: command failed: kubectl get pod nosuch",
		},
		"unclosed heredoc is a script error": {
			args: []string{"script", "--runtime", "sim", write("d.txt", "kubectl apply -f - <<EOF\nkind: Pod\n")}, wantErr: "heredoc not closed",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := runCLI(t, tc.args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(out, "# never") {
					t.Fatal("fail-fast ran past the failure")
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v\n%s", err, out)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
