package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file the student edited is kept when the step is entered again, and the
// console says so in the student's language, after the step is prepared.
func TestLearnConsoleSaysKeptFilesInTheStudentsLanguage(t *testing.T) {
	state := t.TempDir()
	t.Setenv("KUBETOUR_STATE_DIR", state)
	step := strings.Replace(cliStep, "text:", "files:\n  web.yaml: |\n    kind: Pod\ntext:", 1)
	dir := writeLessons(t, map[string]string{"01-t/chapter.yaml": cliChapter, "01-t/01.yaml": step})
	ws := filepath.Join(state, "workspace")
	os.MkdirAll(ws, 0o755)
	mine := "kind: Pod # mine\n"
	if err := os.WriteFile(filepath.Join(ws, "web.yaml"), []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "kubetour: kept your edited web.yaml (`reset` rewrites it)",
		"ko": "kubetour: 직접 고친 web.yaml 파일은 그대로 두었습니다",
	} {
		var out bytes.Buffer
		err := runLessonConsole(context.Background(), clusterFlags{runtime: "sim", seed: 1}, dir, lang, "", false,
			strings.NewReader("exit\n"), &out, &out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", lang, err, out.String())
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: the console lacks %q:\n%s", lang, want, out.String())
		}
		if b, _ := os.ReadFile(filepath.Join(ws, "web.yaml")); string(b) != mine {
			t.Errorf("%s: the student's file became %q", lang, b)
		}
	}
}

// A kubetour that ends removes its kubeconfig, but not one a kubetour
// started after it wrote over it.
func TestKubeconfigIsRemovedOnlyIfOurs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubeconfig")
	mine, theirs := []byte("server: one\n"), []byte("server: two\n")
	writeFileAtomic(path, mine, 0o600)
	writeFileAtomic(path, theirs, 0o600)
	removeIfOurs(path, mine)
	if b, err := os.ReadFile(path); err != nil || string(b) != string(theirs) {
		t.Fatalf("the other session's kubeconfig: %q %v", b, err)
	}
	removeIfOurs(path, theirs)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("our kubeconfig is still there: %v", err)
	}
}
