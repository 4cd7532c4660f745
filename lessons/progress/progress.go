// Package progress keeps a student's progress through the lessons in one
// JSON file under the user's state folder. Every save is atomic (a
// temporary file, fsync, rename, fsync of the folder), so a crash or a
// kill at any moment leaves either the previous progress or the new one.
// A file that cannot be read — corrupted, or written by a newer kubetour —
// is set aside under a new name and reported, never overwritten.
package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Version is the format version this kubetour writes and reads.
const Version = 1

// Progress is everything kubetour remembers about a student's course.
type Progress struct {
	Version int `json:"version"`
	// Lang is the language the student chose ("en", "ko").
	Lang string `json:"lang,omitempty"`
	// Current is where the student is.
	Current Position `json:"current"`
	// Steps by "chapter/step".
	Steps map[string]*Step `json:"steps,omitempty"`
	// Quiz answers by "chapter/question" (quiz mode).
	Quiz    map[string]*Answer `json:"quiz,omitempty"`
	Updated time.Time          `json:"updated"`
}

// Position is a step of the course.
type Position struct {
	Chapter string `json:"chapter,omitempty"`
	Step    string `json:"step,omitempty"`
}

// Step is what happened on one step.
type Step struct {
	FirstSeen time.Time `json:"firstSeen,omitzero"`
	Done      bool      `json:"done,omitempty"`
	DoneAt    time.Time `json:"doneAt,omitzero"`
	// Hints is how many hint tiers were shown.
	Hints         int  `json:"hints,omitempty"`
	SolutionShown bool `json:"solutionShown,omitempty"`
	Resets        int  `json:"resets,omitempty"`
}

// Answer is a quiz answer and its score.
type Answer struct {
	Answer  string    `json:"answer"`
	Correct bool      `json:"correct"`
	At      time.Time `json:"at"`
}

// New returns empty progress.
func New() *Progress {
	return &Progress{Version: Version, Steps: map[string]*Step{}, Quiz: map[string]*Answer{}}
}

// Step returns the record of a step, creating it.
func (p *Progress) Step(key string) *Step {
	if p.Steps == nil {
		p.Steps = map[string]*Step{}
	}
	s := p.Steps[key]
	if s == nil {
		s = &Step{}
		p.Steps[key] = s
	}
	return s
}

// Clone returns a deep copy.
func (p *Progress) Clone() *Progress {
	data, _ := json.Marshal(p)
	out := New()
	json.Unmarshal(data, out)
	return out
}

// Parse reads progress from its JSON form, refusing a file of a newer
// version and anything that is not progress.
func Parse(data []byte) (*Progress, error) {
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a progress file: %w", err)
	}
	if probe.Version == nil || *probe.Version < 1 {
		return nil, fmt.Errorf("not a progress file: no version")
	}
	if *probe.Version > Version {
		return nil, &NewerError{Version: *probe.Version}
	}
	p := New()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("not a progress file: %w", err)
	}
	if p.Steps == nil {
		p.Steps = map[string]*Step{}
	}
	if p.Quiz == nil {
		p.Quiz = map[string]*Answer{}
	}
	return p, nil
}

// NewerError is a progress file written by a newer kubetour.
type NewerError struct{ Version int }

func (e *NewerError) Error() string {
	return fmt.Sprintf("written by a newer kubetour (format version %d; this one reads up to %d)", e.Version, Version)
}

// Marshal is the JSON form of p, indented, with a final newline.
func Marshal(p *Progress) ([]byte, error) {
	p.Version = Version
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// SetAsideError reports a progress file that could not be read and was
// renamed so that it is kept; the student starts with empty progress.
type SetAsideError struct {
	Path, Kept string
	Err        error
}

func (e *SetAsideError) Error() string {
	return fmt.Sprintf("progress file %s could not be read (%v); it was kept as %s and progress starts afresh", e.Path, e.Err, e.Kept)
}

func (e *SetAsideError) Unwrap() error { return e.Err }

// Store is the progress file.
type Store struct {
	Path string
	// Now is the clock (tests); time.Now by default.
	Now func() time.Time
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Load reads the progress. A missing file is empty progress. A file that
// cannot be read is set aside and reported with a *SetAsideError, along
// with empty progress to go on with.
func (s *Store) Load() (*Progress, error) {
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, err
	}
	p, perr := Parse(data)
	if perr == nil {
		return p, nil
	}
	kept, err := s.setAside(".corrupt-")
	if err != nil {
		return nil, fmt.Errorf("progress file %s could not be read (%v), nor set aside: %w", s.Path, perr, err)
	}
	return New(), &SetAsideError{Path: s.Path, Kept: kept, Err: perr}
}

// setAside renames the progress file to <path><infix><time>, never
// replacing a file already there.
func (s *Store) setAside(infix string) (string, error) {
	base := s.Path + infix + s.now().UTC().Format("20060102T150405Z")
	kept := base
	for i := 1; ; i++ {
		if _, err := os.Lstat(kept); errors.Is(err, os.ErrNotExist) {
			break
		}
		kept = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(s.Path, kept); err != nil {
		return "", err
	}
	return kept, syncDir(filepath.Dir(s.Path))
}

// Save writes p atomically.
func (s *Store) Save(p *Progress) error {
	p.Updated = s.now().UTC()
	data, err := Marshal(p)
	if err != nil {
		return err
	}
	return WriteAtomic(s.Path, data, 0o600)
}

// Import replaces the progress with data (a progress file), keeping the
// current file as <path>.before-import-<time>. It returns that name ("" if
// there was no file).
func (s *Store) Import(data []byte) (string, error) {
	p, err := Parse(data)
	if err != nil {
		return "", err
	}
	kept := ""
	if _, err := os.Stat(s.Path); err == nil {
		// Copy rather than rename: the progress file is never missing.
		cur, err := os.ReadFile(s.Path)
		if err != nil {
			return "", err
		}
		kept = s.Path + ".before-import-" + s.now().UTC().Format("20060102T150405Z")
		if err := WriteAtomic(kept, cur, 0o600); err != nil {
			return "", err
		}
	}
	out, err := Marshal(p)
	if err != nil {
		return "", err
	}
	return kept, WriteAtomic(s.Path, out, 0o600)
}

// Export writes the progress to w.
func (s *Store) Export(w io.Writer) error {
	p, err := s.Load()
	if err != nil {
		return err
	}
	data, err := Marshal(p)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// tmpPrefix starts the names of temporary files next to path.
func tmpPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// WriteAtomic replaces path with data so that, whatever happens, path holds
// either its old content or the new one in full: write a temporary file in
// the same folder, fsync it, rename it over path, fsync the folder.
func WriteAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	removeStaleTemps(path)
	tmp, err := os.CreateTemp(dir, tmpPrefix(path))
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	return syncDir(dir)
}

// removeStaleTemps removes temporary files a killed writer left behind
// (older than a minute, so a concurrent writer's file is left alone).
func removeStaleTemps(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := tmpPrefix(path)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
			os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Keys returns the step keys in order.
func (p *Progress) Keys() []string {
	keys := make([]string, 0, len(p.Steps))
	for k := range p.Steps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
