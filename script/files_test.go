package script

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// cat and ls read the workspace as coreutils would, with their wording
// for what is missing.
func TestCatAndLs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte("kind: Pod\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("kind: A\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	tests := []struct {
		name string
		run  func(r *Runner) bool
		ok   bool
		out  string
	}{
		{"cat files", func(r *Runner) bool { return r.cat([]string{"a.yaml", "pod.yaml"}, "") }, true, "kind: A\nkind: Pod\n"},
		{"cat heredoc", func(r *Runner) bool { return r.cat(nil, "x: 1\n") }, true, "x: 1\n"},
		{"cat missing", func(r *Runner) bool { return r.cat([]string{"nope.yaml", "a.yaml"}, "") }, false, "cat: nope.yaml: No such file or directory\nkind: A\n"},
		{"cat folder", func(r *Runner) bool { return r.cat([]string{"sub"}, "") }, false, "cat: sub: Is a directory\n"},
		{"ls", func(r *Runner) bool { return r.ls(nil) }, true, "a.yaml\npod.yaml\nsub\n"},
		{"ls -a", func(r *Runner) bool { return r.ls([]string{"-a"}) }, true, ".hidden\na.yaml\npod.yaml\nsub\n"},
		{"ls a file", func(r *Runner) bool { return r.ls([]string{"pod.yaml"}) }, true, "pod.yaml\n"},
		{"ls missing", func(r *Runner) bool { return r.ls([]string{"nope"}) }, false, "ls: cannot access 'nope': No such file or directory\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r := &Runner{Out: &out, Dir: dir}
			if ok := tc.run(r); ok != tc.ok || out.String() != tc.out {
				t.Fatalf("ok %v, printed %q; want %v, %q", ok, out.String(), tc.ok, tc.out)
			}
		})
	}
}
