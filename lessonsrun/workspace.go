package lessonsrun

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"kubetour/lessons"
	"kubetour/lessons/progress"
)

// Workspace is the folder the lesson files are written into: the console
// runs there, so `kubectl apply -f pod.yaml` finds them, and the student
// can open them in their own editor.
type Workspace struct {
	Dir string

	mu sync.Mutex
	// written remembers the hash of what kubetour last wrote to each file,
	// to tell a student's edit from kubetour's own content.
	written map[string]string
}

const writtenFile = ".kubetour-files.json"

// OpenWorkspace creates (if needed) and opens a workspace folder.
func OpenWorkspace(dir string) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w := &Workspace{Dir: dir, written: map[string]string{}}
	if data, err := os.ReadFile(filepath.Join(dir, writtenFile)); err == nil {
		json.Unmarshal(data, &w.written)
	}
	return w, nil
}

func hash(s []byte) string {
	h := sha256.Sum256(s)
	return hex.EncodeToString(h[:])
}

// Write writes a step's files. A file the student edited since kubetour
// wrote it is kept unless force (a reset) is set; Write returns the names
// of the files it kept.
func (w *Workspace) Write(files lessons.Files, force bool) (kept []string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range files {
		p := filepath.Join(w.Dir, f.Name)
		cur, rerr := os.ReadFile(p)
		switch {
		case errors.Is(rerr, os.ErrNotExist), force, string(cur) == f.Content, rerr == nil && w.written[f.Name] == hash(cur):
		default:
			kept = append(kept, f.Name)
			continue
		}
		if err := progress.WriteAtomic(p, []byte(f.Content), 0o644); err != nil {
			return kept, err
		}
		w.written[f.Name] = hash([]byte(f.Content))
	}
	data, _ := json.MarshalIndent(w.written, "", "  ")
	return kept, progress.WriteAtomic(filepath.Join(w.Dir, writtenFile), data, 0o644)
}

// pristineDir holds the step's files as the lesson wrote them, for its setup.
const pristineDir = ".kubetour-step"

// Pristine writes the step's files, as the lesson has them, into a hidden
// folder of the workspace and returns a resolver that finds them there
// (and any other file in the workspace).
func (w *Workspace) Pristine(files lessons.Files) (func(string) string, error) {
	dir := filepath.Join(w.Dir, pristineDir)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	own := map[string]string{}
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := progress.WriteAtomic(p, []byte(f.Content), 0o644); err != nil {
			return nil, err
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		own[f.Name] = p
	}
	return func(name string) string {
		if p, ok := own[filepath.Clean(name)]; ok {
			return p
		}
		return w.Resolve(name)
	}, nil
}

// Resolve returns the absolute path of a workspace file, or name unchanged
// when no such file exists.
func (w *Workspace) Resolve(name string) string {
	p := filepath.Join(w.Dir, name)
	if _, err := os.Stat(p); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	return name
}
