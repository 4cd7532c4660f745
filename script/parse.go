// Package script runs transcripts — kubectl lines, curl, sleep and
// comments — against a cluster and prints what a terminal would show. Tests,
// lessons and demos are built on it.
package script

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"kubetour/internal/shellwords"
)

// Step is one command of a transcript.
type Step struct {
	Line    int      // line number in the script, from 1
	Text    string   // the command as written (first line)
	Args    []string // split with shell quoting rules
	Stdin   string   // heredoc body, if any
	Heredoc []string // heredoc lines as written, for the echo
	Comment bool
}

// Parse reads a transcript. Lines are split with POSIX shell quoting;
// `<<EOF` (or <<'EOF', <<-EOF) starts a heredoc fed to the command's stdin;
// a trailing backslash continues a line; blank lines are skipped.
func Parse(r io.Reader) ([]Step, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var steps []Step
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			steps = append(steps, Step{Line: n, Text: trimmed, Comment: true})
			continue
		}
		start := n
		for strings.HasSuffix(trimmed, "\\") {
			if !sc.Scan() {
				return nil, fmt.Errorf("line %d: unfinished line continuation", start)
			}
			n++
			trimmed = strings.TrimSuffix(trimmed, "\\") + " " + strings.TrimSpace(sc.Text())
		}
		words, err := Split(trimmed)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", start, err)
		}
		st := Step{Line: start, Text: trimmed}
		for i := 0; i < len(words); i++ {
			w := words[i]
			if strings.HasPrefix(w, "<<") {
				delim := strings.TrimPrefix(w, "<<")
				strip := strings.HasPrefix(delim, "-")
				delim = strings.TrimPrefix(delim, "-")
				if delim == "" && i+1 < len(words) {
					i++
					delim = words[i]
				}
				if delim == "" {
					return nil, fmt.Errorf("line %d: heredoc without a delimiter", start)
				}
				var body []string
				closed := false
				for sc.Scan() {
					n++
					l := sc.Text()
					check := l
					if strip {
						check = strings.TrimLeft(l, "\t")
					}
					if strings.TrimRight(check, " ") == delim {
						closed = true
						break
					}
					if strip {
						l = strings.TrimLeft(l, "\t")
					}
					body = append(body, l)
				}
				if !closed {
					return nil, fmt.Errorf("line %d: heredoc not closed by %q", start, delim)
				}
				st.Heredoc = append(body, delim)
				st.Stdin = strings.Join(body, "\n") + "\n"
				continue
			}
			st.Args = append(st.Args, w)
		}
		if len(st.Args) == 0 {
			return nil, fmt.Errorf("line %d: no command", start)
		}
		steps = append(steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return steps, nil
}

// Split splits a command line into words as a POSIX shell does (quotes,
// backslash escapes), without expansions.
func Split(s string) ([]string, error) { return shellwords.Split(s) }
