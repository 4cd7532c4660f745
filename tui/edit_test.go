package tui

import (
	"strings"
	"testing"
)

// kubectl edit gives only the editor the terminal; kubectl's own words
// ("edited", "Edit cancelled", a validation error) reach the console.
func TestEditKeepsKubectlsWordsInTheConsole(t *testing.T) {
	if !isEdit([]string{"edit", "deployment", "web"}) || !isEdit([]string{"-n", "x", "edit", "cm", "a"}) ||
		isEdit([]string{"exec", "-it", "web", "--", "vi", "edit"}) {
		t.Fatal("isEdit: wrong verb detection")
	}
	env := []string{"PATH=/bin", "EDITOR=nano", "KUBE_EDITOR=", "EDITOR=code -w"}
	if got := userEditor(env); got != "code -w" {
		t.Fatalf("userEditor = %q: the last EDITOR wins when KUBE_EDITOR is empty", got)
	}
	if got := userEditor([]string{"KUBE_EDITOR=vim", "EDITOR=nano"}); got != "vim" {
		t.Fatalf("userEditor = %q: KUBE_EDITOR comes first", got)
	}
	if got := userEditor(nil); got != "vi" {
		t.Fatalf("userEditor = %q: vi by default, as kubectl", got)
	}
	// kubectl runs an editor value with quotes through the shell and
	// appends the file: the editor must end the line.
	if w := ttyEditor("code -w"); !strings.Contains(w, `"/dev/tty"`) || !strings.HasSuffix(w, "exec code -w") {
		t.Fatalf("ttyEditor = %q", w)
	}

	c := newCluster(t)
	m := newModel(t, c, English, 80, 24, func(o *Options) { o.Runner = &recordRunner{} })
	send(m, interactiveDoneMsg{output: "deployment.apps/web edited\n"})
	got := strings.Join(m.console.View(), "\n")
	if !strings.Contains(got, "deployment.apps/web edited") || !strings.Contains(got, "(done") {
		t.Fatalf("console after edit:\n%s", got)
	}
}
