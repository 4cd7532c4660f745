package lessons

import (
	"fmt"
	"strings"

	"kubetour/internal/shellwords"
)

// ScriptLine is one command of a Script, as `kubetour script` reads it.
type ScriptLine struct {
	// Offset is the command's line within the script, from 0.
	Offset  int
	Text    string
	Args    []string
	Stdin   string
	Comment bool
}

// scriptCommands are what a script may run (script.Runner's commands).
var scriptCommands = map[string]bool{"kubectl": true, "k": true, "curl": true, "sleep": true, "timeout": true, "echo": true}

// ParseScript reads a script with the rules of `kubetour script`: POSIX
// quoting, `<<EOF` heredocs, trailing-backslash continuations, # comments.
// The runner parses the text again with its own parser; this one is for
// validation and display.
func ParseScript(text string) ([]ScriptLine, error) {
	lines := strings.Split(text, "\n")
	var out []ScriptLine
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		if trimmed == "" {
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			out = append(out, ScriptLine{Offset: i, Text: trimmed, Comment: true})
			continue
		}
		start := i
		for strings.HasSuffix(trimmed, "\\") {
			if i+1 >= len(lines) {
				return out, fmt.Errorf("line %d: unfinished line continuation", start+1)
			}
			i++
			trimmed = strings.TrimSuffix(trimmed, "\\") + " " + strings.TrimSpace(lines[i])
		}
		words, err := splitWords(trimmed)
		if err != nil {
			return out, fmt.Errorf("line %d: %w", start+1, err)
		}
		sl := ScriptLine{Offset: start, Text: trimmed}
		for w := 0; w < len(words); w++ {
			word := words[w]
			if !strings.HasPrefix(word, "<<") {
				sl.Args = append(sl.Args, word)
				continue
			}
			delim := strings.TrimPrefix(word, "<<")
			strip := strings.HasPrefix(delim, "-")
			delim = strings.TrimPrefix(delim, "-")
			if delim == "" && w+1 < len(words) {
				w++
				delim = words[w]
			}
			if delim == "" {
				return out, fmt.Errorf("line %d: heredoc without a delimiter", start+1)
			}
			var body []string
			closed := false
			for i+1 < len(lines) {
				i++
				l := lines[i]
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
				return out, fmt.Errorf("line %d: heredoc not closed by %q", start+1, delim)
			}
			sl.Stdin = strings.Join(body, "\n") + "\n"
		}
		if len(sl.Args) == 0 {
			return out, fmt.Errorf("line %d: no command", start+1)
		}
		cmd := sl.Args[0]
		for j := 0; j < len(sl.Args)-1 && isAssignment(cmd); j++ {
			cmd = sl.Args[j+1]
		}
		if cmd == "timeout" && len(sl.Args) > 2 {
			cmd = sl.Args[2]
		}
		if !scriptCommands[cmd] {
			return out, fmt.Errorf("line %d: %q is not a command kubetour runs (kubectl, k, curl, sleep, timeout, echo)", start+1, cmd)
		}
		out = append(out, sl)
	}
	return out, nil
}

func isAssignment(w string) bool { return shellwords.IsAssignment(w) }

// splitWords splits a command line as the transcript runner does.
func splitWords(s string) ([]string, error) { return shellwords.Split(s) }

// FileArgs returns the workspace files a script line names with -f,
// --filename, --from-file or --from-env-file (relative paths only).
func FileArgs(args []string) []string {
	var out []string
	RewriteFileArgs(args, func(p string) string { out = append(out, p); return p })
	return out
}

// kubectlVerb is the first word after kubectl that is not a flag.
func kubectlVerb(args []string) string {
	seen := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case !seen:
			seen = a == "kubectl" || a == "k"
		case !strings.HasPrefix(a, "-"):
			return a
		case valueFlags[a] != "":
			i++ // -n NAMESPACE
		}
	}
	return ""
}

// RewriteFileArgs returns args with every relative file path given to -f,
// --filename, --from-file (also key=path) or --from-env-file replaced by
// fn(path). Runners use it to resolve paths in the student's workspace.
func RewriteFileArgs(args []string, fn func(string) string) []string {
	out := append([]string(nil), args...)
	if kubectlVerb(args) == "logs" {
		return out // `kubectl logs -f` follows; it names no file
	}
	// rewrite resolves the path part of a flag value.
	rewrite := func(val string, keyed bool) string {
		prefix := ""
		if keyed {
			if k, v, ok := strings.Cut(val, "="); ok {
				prefix, val = k+"=", v
			}
		}
		if val == "" || val == "-" || strings.HasPrefix(val, "/") || strings.Contains(val, "://") {
			return prefix + val
		}
		return prefix + fn(val)
	}
	for i := 0; i < len(out); i++ {
		a := out[i]
		name, val, hasVal := strings.Cut(a, "=")
		keyed := name == "--from-file"
		switch {
		case !hasVal && (a == "-f" || a == "--filename" || a == "--from-file" || a == "--from-env-file"):
			if i+1 < len(out) {
				out[i+1] = rewrite(out[i+1], keyed)
				i++
			}
		case hasVal && (name == "--filename" || name == "--from-file" || name == "--from-env-file"):
			out[i] = name + "=" + rewrite(val, keyed)
		case strings.HasPrefix(a, "-f") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			v := strings.TrimPrefix(a[2:], "=")
			out[i] = a[:len(a)-len(v)] + rewrite(v, false)
		}
	}
	return out
}
