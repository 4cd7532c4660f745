// Package memfs is the in-memory file system of simulated containers: a
// Tree holds data (a container's root file system, an emptyDir, a node's
// disk, a ConfigMap's files) and an FS is one process's view of several
// trees mounted at paths. Two containers that mount the same Tree see each
// other's writes at once, which is the point of the volume lessons.
package memfs

import (
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Tree is a directory tree. It is safe for concurrent use: web servers
// read it from their own goroutines while the engine's thread writes.
type Tree struct {
	mu   sync.Mutex
	root *node
	now  func() time.Time
	// fill, when set, makes the contents on first use (NewLazyTree).
	fill func(*Tree)
}

type node struct {
	dir   bool
	mode  fs.FileMode // permission bits only
	data  []byte
	kids  map[string]*node
	mtime time.Time
	// gen makes a file's content when it is read (/proc, cgroup files).
	gen func() []byte
	// null marks /dev/null: writes vanish, reads are empty.
	null bool
}

// NewTree returns an empty tree whose file times come from now.
func NewTree(now func() time.Time) *Tree {
	if now == nil {
		now = time.Now
	}
	t := &Tree{now: now}
	t.root = &node{dir: true, mode: 0o755, kids: map[string]*node{}, mtime: now()}
	return t
}

// NewLazyTree returns a tree whose contents fill makes on first use, with
// the times of the tree's creation. Most containers never read their /proc
// or cgroup files; a busy simulation starts thousands of them.
func NewLazyTree(now func() time.Time, fill func(*Tree)) *Tree {
	t := NewTree(now)
	t.fill = fill
	return t
}

// ready fills a lazy tree; callers hold t.mu.
func (t *Tree) ready() {
	if t.fill == nil {
		return
	}
	fill := t.fill
	t.fill = nil
	created := t.root.mtime
	tmp := NewTree(func() time.Time { return created })
	fill(tmp)
	t.root = tmp.root
}

// split turns a clean absolute or relative path into its elements.
func split(p string) []string {
	p = path.Clean("/" + p)
	if p == "/" {
		return nil
	}
	return strings.Split(p[1:], "/")
}

// lookup finds the node at p; callers hold t.mu.
func (t *Tree) lookup(p string) (*node, error) {
	n := t.root
	for _, el := range split(p) {
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		k, ok := n.kids[el]
		if !ok {
			return nil, syscall.ENOENT
		}
		n = k
	}
	return n, nil
}

// parent finds the directory that holds p and p's last element.
func (t *Tree) parent(p string) (*node, string, error) {
	els := split(p)
	if len(els) == 0 {
		return nil, "", syscall.EBUSY // the root has no parent to change
	}
	dir, err := t.lookup(strings.Join(els[:len(els)-1], "/"))
	if err != nil {
		return nil, "", err
	}
	if !dir.dir {
		return nil, "", syscall.ENOTDIR
	}
	return dir, els[len(els)-1], nil
}

// mkdirAll creates p and its parents; callers hold t.mu.
func (t *Tree) mkdirAll(p string, mode fs.FileMode) (*node, error) {
	n := t.root
	for _, el := range split(p) {
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		k, ok := n.kids[el]
		if !ok {
			k = &node{dir: true, mode: mode, kids: map[string]*node{}, mtime: t.now()}
			n.kids[el] = k
			n.mtime = t.now()
		}
		n = k
	}
	if !n.dir {
		return nil, syscall.ENOTDIR
	}
	return n, nil
}

// MkdirAll creates a directory and its parents.
func (t *Tree) MkdirAll(p string) error {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	_, err := t.mkdirAll(p, 0o755)
	return err
}

// WriteFile creates or replaces a file, creating its parent directories:
// the way images and the kubelet put files in place.
func (t *Tree) WriteFile(p string, data []byte, mode fs.FileMode) error {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	dir, err := t.mkdirAll(path.Dir(path.Clean("/"+p)), 0o755)
	if err != nil {
		return err
	}
	name := path.Base(path.Clean("/" + p))
	if k, ok := dir.kids[name]; ok && k.dir {
		return syscall.EISDIR
	}
	dir.kids[name] = &node{mode: mode.Perm(), data: append([]byte(nil), data...), mtime: t.now()}
	dir.mtime = t.now()
	return nil
}

// SetDynamic places a file whose content gen makes at each read.
func (t *Tree) SetDynamic(p string, mode fs.FileMode, gen func() []byte) error {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	dir, err := t.mkdirAll(path.Dir(path.Clean("/"+p)), 0o555)
	if err != nil {
		return err
	}
	dir.kids[path.Base(path.Clean("/"+p))] = &node{mode: mode.Perm(), gen: gen, mtime: t.now()}
	return nil
}

// SetNull places a /dev/null-like device at p.
func (t *Tree) SetNull(p string) error {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	dir, err := t.mkdirAll(path.Dir(path.Clean("/"+p)), 0o755)
	if err != nil {
		return err
	}
	dir.kids[path.Base(path.Clean("/"+p))] = &node{mode: 0o666, null: true, mtime: t.now()}
	return nil
}

// ReplaceFiles makes the tree hold exactly files (paths relative to its
// root): how ConfigMap and Secret volumes are refreshed in place. Files
// that did not change keep their times.
func (t *Tree) ReplaceFiles(files map[string][]byte, mode fs.FileMode) {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	old := t.root
	t.root = &node{dir: true, mode: 0o777, kids: map[string]*node{}, mtime: t.now()}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		dir, err := t.mkdirAll(path.Dir(path.Clean("/"+name)), 0o755)
		if err != nil {
			continue
		}
		base := path.Base(path.Clean("/" + name))
		data := files[name]
		n := &node{mode: mode.Perm(), data: append([]byte(nil), data...), mtime: t.now()}
		if prev, err := lookupIn(old, name); err == nil && !prev.dir && string(prev.data) == string(data) {
			n.mtime = prev.mtime
		}
		dir.kids[base] = n
	}
}

func lookupIn(root *node, p string) (*node, error) {
	n := root
	for _, el := range split(p) {
		k, ok := n.kids[el]
		if !n.dir || !ok {
			return nil, syscall.ENOENT
		}
		n = k
	}
	return n, nil
}

// Files lists every regular file under dir (relative to the tree root) with
// its content, sorted: a test's and the engine's way to look inside.
func (t *Tree) Files(dir string) map[string][]byte {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	out := map[string][]byte{}
	n, err := t.lookup(dir)
	if err != nil {
		return out
	}
	var walk func(prefix string, n *node)
	walk = func(prefix string, n *node) {
		if !n.dir {
			out[prefix] = append([]byte(nil), n.data...)
			return
		}
		for name, k := range n.kids {
			walk(path.Join(prefix, name), k)
		}
	}
	walk(path.Clean("/"+dir), n)
	return out
}

// Size is the number of bytes the tree's regular files hold (tmpfs usage).
func (t *Tree) Size() int64 {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	var total int64
	var walk func(n *node)
	walk = func(n *node) {
		total += int64(len(n.data))
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(t.root)
	return total
}

// Clone returns a copy of the tree whose files and folders all carry the
// clone's time, as a freshly unpacked image layer would. File contents are
// shared until written: a write replaces a node's slice, and an append
// cannot reach the original because the copy's capacity ends at its length.
func (t *Tree) Clone() *Tree {
	t.mu.Lock()
	t.ready()
	defer t.mu.Unlock()
	c := &Tree{now: t.now}
	c.root = cloneNode(t.root, t.now())
	return c
}

func cloneNode(n *node, at time.Time) *node {
	c := *n
	c.mtime = at
	if n.data != nil {
		c.data = n.data[:len(n.data):len(n.data)]
	}
	if n.kids != nil {
		c.kids = make(map[string]*node, len(n.kids))
		for name, k := range n.kids {
			c.kids[name] = cloneNode(k, at)
		}
	}
	return &c
}
