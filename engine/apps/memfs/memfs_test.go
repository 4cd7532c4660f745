package memfs

import (
	"errors"
	"io"
	"syscall"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func clock() time.Time { return t0 }

// pod builds two containers sharing an emptyDir, each at its own path, and
// a ConfigMap key mounted as a single file in the first.
func pod(t *testing.T) (c1, c2 *FS, vol, cm *Tree) {
	t.Helper()
	vol = NewTree(clock)
	cm = NewTree(clock)
	cm.ReplaceFiles(map[string][]byte{"app.conf": []byte("v1\n")}, 0o644)
	var err error
	c1, err = New(
		Mount{Target: "/", Tree: NewTree(clock)},
		Mount{Target: "/mount1", Tree: vol},
		Mount{Target: "/etc/app.conf", Tree: cm, SubPath: "app.conf", ReadOnly: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	c2, err = New(Mount{Target: "/", Tree: NewTree(clock)}, Mount{Target: "/mount2", Tree: vol, SubPath: "sub"})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func TestSharedVolume(t *testing.T) {
	c1, c2, vol, cm := pod(t)
	w, err := c1.OpenWriter("/mount1/sub/file.txt", true)
	if err == nil {
		_, err = io.WriteString(w, "file context\n")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := c2.ReadFile("/mount2/file.txt")
	if err != nil || string(got) != "file context\n" {
		t.Fatalf("other container reads %q, %v", got, err)
	}
	// A ConfigMap update replaces the file in place.
	cm.ReplaceFiles(map[string][]byte{"app.conf": []byte("v2\n")}, 0o644)
	if got, _ := c1.ReadFile("/etc/app.conf"); string(got) != "v2\n" {
		t.Errorf("config after update: %q", got)
	}
	if files := vol.Files("/"); string(files["/sub/file.txt"]) != "file context\n" {
		t.Errorf("volume holds %v", files)
	}
}

func TestErrors(t *testing.T) {
	c1, _, _, _ := pod(t)
	c1.Mkdir("/data", false)
	c1.Touch("/data/x")
	tests := map[string]struct {
		op   func() error
		want syscall.Errno
	}{
		"write to read-only mount": {func() error { _, err := c1.OpenWriter("/etc/app.conf", false); return err }, syscall.EROFS},
		"missing parent":           {func() error { _, err := c1.OpenWriter("/no/such/file", false); return err }, syscall.ENOENT},
		"mkdir existing":           {func() error { return c1.Mkdir("/data", false) }, syscall.EEXIST},
		"rmdir non-empty":          {func() error { return c1.Remove("/data", false) }, syscall.ENOTEMPTY},
		"remove mount point":       {func() error { return c1.Remove("/mount1", true) }, syscall.EBUSY},
		"remove above mount point": {func() error { return c1.Remove("/etc", true) }, syscall.EBUSY},
		"read a directory":         {func() error { _, err := c1.ReadFile("/data"); return err }, syscall.EISDIR},
		"file as directory":        {func() error { _, err := c1.ReadDir("/data/x"); return err }, syscall.ENOTDIR},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if err := tc.op(); !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMountPointsAppear(t *testing.T) {
	c1, _, _, _ := pod(t)
	entries, err := c1.ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 || names[0] != "etc" || names[1] != "mount1" {
		t.Errorf("root lists %v", names)
	}
	info, err := c1.Stat("/etc/app.conf")
	if err != nil || info.IsDir() || info.Size() != 3 {
		t.Errorf("file mount: %v %v", info, err)
	}
}

func TestDynamicAndNull(t *testing.T) {
	tr := NewTree(clock)
	n := 0
	tr.SetDynamic("/sys/fs/cgroup/memory.current", 0o444, func() []byte { n++; return []byte{byte('0' + n)} })
	tr.SetNull("/dev/null")
	f, _ := New(Mount{Target: "/", Tree: tr})
	a, _ := f.ReadFile("/sys/fs/cgroup/memory.current")
	b, _ := f.ReadFile("/sys/fs/cgroup/memory.current")
	if string(a) != "1" || string(b) != "2" {
		t.Errorf("dynamic reads %q %q", a, b)
	}
	w, err := f.OpenWriter("/dev/null", false)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("gone"))
	if d, _ := f.ReadFile("/dev/null"); len(d) != 0 {
		t.Errorf("/dev/null holds %q", d)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	now := base
	orig := NewTree(func() time.Time { return now })
	orig.WriteFile("/etc/motd", []byte("hello"), 0o644)
	now = base.Add(time.Hour)
	c := orig.Clone()
	fsys, err := New(Mount{Target: "/", Tree: c})
	if err != nil {
		t.Fatal(err)
	}
	w, err := fsys.OpenWriter("/etc/motd", true)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(" world"))
	c.WriteFile("/etc/new", []byte("x"), 0o644)
	if got := orig.Files("/etc"); string(got["/etc/motd"]) != "hello" || got["/etc/new"] != nil {
		t.Fatalf("the original changed with its clone: %q", got)
	}
	if got, _ := fsys.ReadFile("/etc/motd"); string(got) != "hello world" {
		t.Fatalf("clone reads %q", got)
	}
	if st, _ := fsys.Stat("/etc/motd"); !st.ModTime().Equal(now) {
		t.Fatalf("clone's file time %v, want the clone's time %v", st.ModTime(), now)
	}
}

func TestLazyTreeFillsOnFirstUseWithItsCreationTime(t *testing.T) {
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	now := base
	fills := 0
	lazy := NewLazyTree(func() time.Time { return now }, func(t *Tree) {
		fills++
		t.WriteFile("/memory.max", []byte("max\n"), 0o644)
	})
	root := NewTree(func() time.Time { return now })
	fsys, err := New(Mount{Target: "/", Tree: root}, Mount{Target: "/sys/fs/cgroup", Tree: lazy})
	if err != nil {
		t.Fatal(err)
	}
	if fills != 0 {
		t.Fatalf("mounting filled the tree")
	}
	now = base.Add(time.Hour)
	got, err := fsys.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil || string(got) != "max\n" {
		t.Fatalf("read %q, %v", got, err)
	}
	if st, _ := fsys.Stat("/sys/fs/cgroup/memory.max"); !st.ModTime().Equal(base) {
		t.Fatalf("file time %v, want the tree's creation %v", st.ModTime(), base)
	}
	fsys.ReadFile("/sys/fs/cgroup/memory.max")
	if fills != 1 {
		t.Fatalf("filled %d times", fills)
	}
}
