package memfs

import (
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Mount places a tree (or a part of it) at a path of a view.
type Mount struct {
	Target   string // where it appears, absolute
	Tree     *Tree
	SubPath  string // the part of Tree mounted; "" is its root
	ReadOnly bool
	// Source, Type and Options are what `mount` prints for it.
	Source, Type, Options string
}

// FS is one process's view: a root tree and trees mounted over it. It is
// immutable once built, so it needs no lock of its own.
type FS struct {
	mounts []Mount // in mount order, "/" first
}

// New builds a view. The first mount must be the root ("/"). Mount points
// are created as a container runtime does: a directory, or an empty file
// when a single file is mounted (subPath of a ConfigMap key); a missing
// subPath is created in its volume, as the kubelet does.
func New(mounts ...Mount) (*FS, error) {
	f := &FS{}
	for i, m := range mounts {
		m.Target = path.Clean("/" + m.Target)
		m.SubPath = path.Clean("/" + m.SubPath)
		if i == 0 && m.Target != "/" {
			return nil, &fs.PathError{Op: "mount", Path: m.Target, Err: syscall.EINVAL}
		}
		if i > 0 && m.SubPath == "/" {
			// A whole tree mounted: a folder, whatever it holds (a lazy
			// tree stays unfilled).
			f.makeMountPoint(m.Target, true)
		} else if i > 0 {
			m.Tree.mu.Lock()
			m.Tree.ready()
			src, err := m.Tree.lookup(m.SubPath)
			if err != nil {
				src, err = m.Tree.mkdirAll(m.SubPath, 0o755)
			}
			isDir := err == nil && src.dir
			m.Tree.mu.Unlock()
			if err != nil {
				return nil, &fs.PathError{Op: "mount", Path: m.Target, Err: err}
			}
			f.makeMountPoint(m.Target, isDir)
		}
		f.mounts = append(f.mounts, m)
	}
	return f, nil
}

// makeMountPoint creates target in the current view, ignoring read-only
// flags (the runtime, not the process, makes mount points).
func (f *FS) makeMountPoint(target string, dir bool) {
	m, inner := f.resolve(target)
	t := m.Tree
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	if dir {
		t.mkdirAll(inner, 0o755)
		return
	}
	parent, err := t.mkdirAll(path.Dir(inner), 0o755)
	if err != nil {
		return
	}
	if _, ok := parent.kids[path.Base(inner)]; !ok {
		parent.kids[path.Base(inner)] = &node{mode: 0o644, mtime: t.now()}
	}
}

// resolve finds the mount that holds p and p's path inside its tree.
func (f *FS) resolve(p string) (*Mount, string) {
	p = path.Clean("/" + p)
	best := -1
	for i := range f.mounts {
		t := f.mounts[i].Target
		if p == t || t == "/" || strings.HasPrefix(p, t+"/") {
			if best < 0 || len(t) >= len(f.mounts[best].Target) {
				best = i
			}
		}
	}
	m := &f.mounts[best]
	rel := strings.TrimPrefix(p, m.Target)
	return m, path.Join(m.SubPath, rel)
}

// isMountPoint reports whether p is the target of a mount other than "/".
func (f *FS) isMountPoint(p string) bool {
	p = path.Clean("/" + p)
	for _, m := range f.mounts[1:] {
		if m.Target == p {
			return true
		}
	}
	return p == "/"
}

// Mounts lists the view's mounts in the order they were made.
func (f *FS) Mounts() []Mount { return append([]Mount(nil), f.mounts...) }

// info is both the fs.FileInfo and the fs.DirEntry of a node.
type info struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (i info) Name() string               { return i.name }
func (i info) Size() int64                { return i.size }
func (i info) Mode() fs.FileMode          { return i.mode }
func (i info) ModTime() time.Time         { return i.mtime }
func (i info) IsDir() bool                { return i.mode.IsDir() }
func (i info) Sys() any                   { return nil }
func (i info) Type() fs.FileMode          { return i.mode.Type() }
func (i info) Info() (fs.FileInfo, error) { return i, nil }

func infoOf(name string, n *node) info {
	i := info{name: name, size: int64(len(n.data)), mode: n.mode, mtime: n.mtime}
	switch {
	case n.dir:
		i.mode |= fs.ModeDir
		i.size = 4096
	case n.null:
		i.mode |= fs.ModeDevice | fs.ModeCharDevice
		i.size = 0
	case n.gen != nil:
		i.size = 0 // /proc files report size 0, as the kernel's do
	}
	return i
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Stat describes the file at name.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	m, inner := f.resolve(name)
	m.Tree.mu.Lock()
	m.Tree.ready()
	defer m.Tree.mu.Unlock()
	n, err := m.Tree.lookup(inner)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	base := path.Base(path.Clean("/" + name))
	return infoOf(base, n), nil
}

// ReadFile returns a file's content.
func (f *FS) ReadFile(name string) ([]byte, error) {
	m, inner := f.resolve(name)
	m.Tree.mu.Lock()
	m.Tree.ready()
	n, err := m.Tree.lookup(inner)
	if err != nil {
		m.Tree.mu.Unlock()
		return nil, pathErr("open", name, err)
	}
	if n.dir {
		m.Tree.mu.Unlock()
		return nil, pathErr("read", name, syscall.EISDIR)
	}
	gen := n.gen
	data := append([]byte(nil), n.data...)
	m.Tree.mu.Unlock()
	if gen != nil {
		// Generated outside the lock: the generator may ask the runtime
		// for numbers, and the runtime may be writing this tree.
		return gen(), nil
	}
	return data, nil
}

// ReadDir lists a directory, sorted by name. Mount points show what is
// mounted on them, not the placeholder beneath.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	m, inner := f.resolve(name)
	m.Tree.mu.Lock()
	m.Tree.ready()
	n, err := m.Tree.lookup(inner)
	if err != nil {
		m.Tree.mu.Unlock()
		return nil, pathErr("open", name, err)
	}
	if !n.dir {
		m.Tree.mu.Unlock()
		return nil, pathErr("readdirent", name, syscall.ENOTDIR)
	}
	out := make([]fs.DirEntry, 0, len(n.kids))
	for k, kn := range n.kids {
		out = append(out, infoOf(k, kn))
	}
	m.Tree.mu.Unlock()
	dir := path.Clean("/" + name)
	for i, e := range out {
		full := path.Join(dir, e.Name())
		if full != "/" && f.isMountPoint(full) {
			if st, err := f.Stat(full); err == nil {
				out[i] = st.(info)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// writable resolves name for a change and refuses read-only mounts.
func (f *FS) writable(op, name string) (*Mount, string, error) {
	m, inner := f.resolve(name)
	if m.ReadOnly {
		return nil, "", pathErr(op, name, syscall.EROFS)
	}
	return m, inner, nil
}

// OpenWriter opens a file for writing, creating it, and truncating it unless
// appending. Each Write lands in the tree at once, so a loop that appends
// to a shared volume is seen live by the other container.
func (f *FS) OpenWriter(name string, appendTo bool) (io.WriteCloser, error) {
	m, inner, err := f.writable("open", name)
	if err != nil {
		// /dev/null stays writable under a read-only root.
		if n, lerr := f.lookupNode(name); lerr == nil && n.null {
			return nopCloser{io.Discard}, nil
		}
		return nil, err
	}
	t := m.Tree
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	parent, base, err := t.parent(inner)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	n, ok := parent.kids[base]
	switch {
	case ok && n.dir:
		return nil, pathErr("open", name, syscall.EISDIR)
	case ok && n.null:
		return nopCloser{io.Discard}, nil
	case ok && n.gen != nil:
		return nil, pathErr("open", name, syscall.EACCES)
	case !ok:
		n = &node{mode: 0o644, mtime: t.now()}
		parent.kids[base] = n
		parent.mtime = t.now()
	case !appendTo:
		n.data = nil
		n.mtime = t.now()
	}
	return &writer{t: t, n: n}, nil
}

func (f *FS) lookupNode(name string) (*node, error) {
	m, inner := f.resolve(name)
	m.Tree.mu.Lock()
	m.Tree.ready()
	defer m.Tree.mu.Unlock()
	return m.Tree.lookup(inner)
}

type writer struct {
	t *Tree
	n *node
}

func (w *writer) Write(p []byte) (int, error) {
	w.t.mu.Lock()
	w.t.ready()
	defer w.t.mu.Unlock()
	w.n.data = append(w.n.data, p...)
	w.n.mtime = w.t.now()
	return len(p), nil
}

func (w *writer) Close() error { return nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// Mkdir creates a directory; with parents it is `mkdir -p`.
func (f *FS) Mkdir(name string, parents bool) error {
	m, inner, err := f.writable("mkdir", name)
	if err != nil {
		if parents {
			if n, lerr := f.lookupNode(name); lerr == nil && n.dir {
				return nil
			}
		}
		return err
	}
	t := m.Tree
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	if parents {
		if _, err := t.mkdirAll(inner, 0o755); err != nil {
			return pathErr("mkdir", name, err)
		}
		return nil
	}
	parent, base, err := t.parent(inner)
	if err != nil {
		if err == syscall.EBUSY {
			err = syscall.EEXIST
		}
		return pathErr("mkdir", name, err)
	}
	if _, ok := parent.kids[base]; ok {
		return pathErr("mkdir", name, syscall.EEXIST)
	}
	parent.kids[base] = &node{dir: true, mode: 0o755, kids: map[string]*node{}, mtime: t.now()}
	parent.mtime = t.now()
	return nil
}

// Remove deletes a file, or a directory (only an empty one unless
// recursive). Mount points are busy, as they are for rm in a container.
func (f *FS) Remove(name string, recursive bool) error {
	if f.isMountPoint(name) {
		return pathErr("remove", name, syscall.EBUSY)
	}
	m, inner, err := f.writable("remove", name)
	if err != nil {
		return err
	}
	t := m.Tree
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	parent, base, err := t.parent(inner)
	if err != nil {
		return pathErr("remove", name, err)
	}
	n, ok := parent.kids[base]
	if !ok {
		return pathErr("remove", name, syscall.ENOENT)
	}
	if n.dir && len(n.kids) > 0 && !recursive {
		return pathErr("remove", name, syscall.ENOTEMPTY)
	}
	if recursive && n.dir {
		// Mount points below cannot go either.
		prefix := path.Clean("/"+name) + "/"
		for _, mm := range f.mounts[1:] {
			if strings.HasPrefix(mm.Target, prefix) {
				return pathErr("remove", mm.Target, syscall.EBUSY)
			}
		}
	}
	delete(parent.kids, base)
	parent.mtime = t.now()
	return nil
}

// Touch creates an empty file, or updates an existing file's time.
func (f *FS) Touch(name string) error {
	m, inner, err := f.writable("touch", name)
	if err != nil {
		return err
	}
	t := m.Tree
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	parent, base, err := t.parent(inner)
	if err != nil {
		return pathErr("touch", name, err)
	}
	if n, ok := parent.kids[base]; ok {
		n.mtime = t.now()
		return nil
	}
	parent.kids[base] = &node{mode: 0o644, mtime: t.now()}
	parent.mtime = t.now()
	return nil
}
