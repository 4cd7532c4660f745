package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kubetour/lessons/progress"
)

// `kubetour lessons check` verifies the built-in course on the simulation:
// the sample chapter passes.
func TestLessonsCheckBuiltin(t *testing.T) {
	out, err := runCLI(t, "lessons", "check", "--runtime", "sim")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"pod/containers", "pod/resources", "quiz pod/where-does-it-go", "checkpoint pod/web-on-node2",
		"0 missing translation(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Every step, mistake, prediction and checkpoint of the course is verified.
	m := totals.FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || m[3] != m[4] || m[5] != m[6] || m[7] != m[8] || m[1] == "0" {
		t.Errorf("not everything verified: %v\n%s", m, out)
	}
}

var totals = regexp.MustCompile(`(\d+)/(\d+) steps, (\d+)/(\d+) mistake hints, (\d+)/(\d+) predict questions, (\d+)/(\d+) checkpoints verified`)

func writeLessons(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const cliChapter = "id: t\norder: 1\ntitle: {en: T, ko: 티}\n"

const cliStep = `id: s
title: {en: S, ko: 에스}
text: {en: Make web., ko: web을 만드세요.}
checks:
  - id: web
    title: {en: web runs, ko: web 실행 중}
    kubectl: get pod web -o jsonpath={.status.phase}
    equals: Running
hints: [{en: kubectl run, ko: kubectl run}]
solution: kubectl run web --image=kubetm/init
explain: {en: Done., ko: 끝.}
`

func TestLessonsCheckFolder(t *testing.T) {
	tests := map[string]struct {
		step    string
		args    []string
		wantErr string
		wantOut []string
	}{
		"passes": {step: cliStep, wantOut: []string{"t/s", "1/1 steps"}},
		"unknown field, with file and line": {
			step:    strings.Replace(cliStep, "explain:", "explian:", 1),
			wantErr: "1 error(s) loading the lessons",
			wantOut: []string{`01.yaml:11:1: unknown field "explian" in step (did you mean "explain"?)`},
		},
		"missing translation is reported": {
			step:    strings.Replace(cliStep, "explain: {en: Done., ko: 끝.}", "explain: {en: Done.}", 1),
			wantOut: []string{"01.yaml:11:10: warning: explain has no ko translation (en is shown instead)", "1 missing translation(s)"},
		},
		"missing translation fails with --strict": {
			step:    strings.Replace(cliStep, "explain: {en: Done., ko: 끝.}", "explain: {en: Done.}", 1),
			args:    []string{"--strict"},
			wantErr: "1 missing translation(s) (--strict)",
		},
		"a solution that does not solve": {
			step:    strings.Replace(cliStep, "kubectl run web", "kubectl run other", 1),
			wantErr: "lessons check: 1 failure(s)",
			wantOut: []string{"t/s", "FAIL", `check "web"`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeLessons(t, map[string]string{"01-t/chapter.yaml": cliChapter, "01-t/01.yaml": tc.step})
			out, err := runCLI(t, append([]string{"lessons", "check", "--lessons", dir}, tc.args...)...)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q\n%s", err, tc.wantErr, out)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestLessonsListAndProgress(t *testing.T) {
	state := t.TempDir()
	t.Setenv("KUBETOUR_STATE_DIR", state)
	out, err := runCLI(t, "lessons", "list")
	if err != nil || !strings.Contains(out, "·  05 pod        Pod: containers, labels, scheduling  6 steps, 0/6") {
		t.Fatalf("%v\n%q", err, out)
	}
	// Import progress made elsewhere, then list it in Korean.
	p := progress.New()
	p.Step("pod/containers").Done = true
	p.Step("pod/localhost").Done = true
	data, _ := progress.Marshal(p)
	file := filepath.Join(t.TempDir(), "mine.json")
	os.WriteFile(file, data, 0o600)
	out, err = runCLI(t, "progress", "import", file)
	if err != nil || !strings.Contains(out, "Imported progress: 2 step(s) done.") {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err = runCLI(t, "lessons", "list", "--lang", "ko")
	if err != nil || !strings.Contains(out, "◐  05 pod        파드: 컨테이너, 레이블, 노드 스케줄링  6 단계, 2/6") {
		t.Fatalf("%v\n%q", err, out)
	}
	// Export to a file and to standard output.
	exported := filepath.Join(t.TempDir(), "out.json")
	if out, err := runCLI(t, "progress", "export", exported); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got, err := os.ReadFile(exported)
	if err != nil || !strings.Contains(string(got), `"pod/localhost"`) {
		t.Fatalf("%v\n%s", err, got)
	}
	out, err = runCLI(t, "progress", "export", "-")
	if err != nil || out != string(got) {
		t.Fatalf("export to stdout differs: %v\n%s", err, out)
	}
	// Importing again keeps the previous file aside.
	out, err = runCLI(t, "progress", "import", exported)
	if err != nil || !strings.Contains(out, "Your previous progress is kept in "+filepath.Join(state, "progress.json.before-import-")) {
		t.Fatalf("%v\n%s", err, out)
	}
	// A file that is not progress is refused.
	os.WriteFile(file, []byte("hello"), 0o600)
	if _, err := runCLI(t, "progress", "import", file); err == nil || !strings.Contains(err.Error(), "not a progress file") {
		t.Fatalf("err = %v", err)
	}
	// A corrupted progress file is reported and kept, not overwritten.
	os.WriteFile(filepath.Join(state, "progress.json"), []byte("{torn"), 0o600)
	out, err = runCLI(t, "lessons", "list")
	if err != nil || !strings.Contains(out, "could not be read") || !strings.Contains(out, "progress.json.corrupt-") {
		t.Fatalf("%v\n%s", err, out)
	}
}
