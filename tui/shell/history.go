package shell

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxHistory is how many commands are kept.
const MaxHistory = 1000

// History is the console's command history with a browsing cursor, as a
// shell's ↑/↓ works: the line being typed is kept as a draft while the
// user looks back.
type History struct {
	entries []string
	pos     int // len(entries) when not browsing
	draft   string
}

// NewHistory starts a history from loaded entries, oldest first.
func NewHistory(entries []string) *History {
	if len(entries) > MaxHistory {
		entries = entries[len(entries)-MaxHistory:]
	}
	return &History{entries: entries, pos: len(entries)}
}

// Entries returns the commands, oldest first.
func (h *History) Entries() []string { return h.entries }

// Add records a command (not a repeat of the last one) and ends browsing.
func (h *History) Add(cmd string) bool {
	added := false
	if strings.TrimSpace(cmd) != "" && (len(h.entries) == 0 || h.entries[len(h.entries)-1] != cmd) {
		h.entries = append(h.entries, cmd)
		if len(h.entries) > MaxHistory {
			h.entries = h.entries[len(h.entries)-MaxHistory:]
		}
		added = true
	}
	h.pos = len(h.entries)
	h.draft = ""
	return added
}

// Prev moves back one command; current is what the prompt holds now.
func (h *History) Prev(current string) (string, bool) {
	if h.pos == 0 {
		return current, false
	}
	if h.pos == len(h.entries) {
		h.draft = current
	}
	h.pos--
	return h.entries[h.pos], true
}

// Next moves forward; past the newest command it returns the draft.
func (h *History) Next() (string, bool) {
	if h.pos >= len(h.entries) {
		return "", false
	}
	h.pos++
	if h.pos == len(h.entries) {
		return h.draft, true
	}
	return h.entries[h.pos], true
}

// LoadHistory reads a history file: one JSON string per line (a heredoc
// command spans lines, so plain lines would not do). A missing file is an
// empty history.
func LoadHistory(path string) ([]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history %q: %w", path, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var s string
		if json.Unmarshal(sc.Bytes(), &s) == nil && s != "" {
			out = append(out, s)
		}
	}
	if len(out) > MaxHistory {
		out = out[len(out)-MaxHistory:]
	}
	return out, sc.Err()
}

// AppendHistory adds one command to the file. Appending a line is atomic
// enough for a history: a crash loses at most the command being written.
// The file is rewritten with the newest MaxHistory entries when it has
// grown to twice that.
func AppendHistory(path, cmd string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	line, _ := json.Marshal(cmd)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Size() > 2*MaxHistory*80 {
		return compactHistory(path)
	}
	return nil
}

func compactHistory(path string) error {
	entries, err := LoadHistory(path)
	if err != nil || len(entries) < 2*MaxHistory {
		return err
	}
	entries = entries[len(entries)-MaxHistory:]
	var b strings.Builder
	for _, e := range entries {
		line, _ := json.Marshal(e)
		b.Write(line)
		b.WriteByte('\n')
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
