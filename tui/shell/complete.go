package shell

import (
	"sort"
	"strconv"
	"strings"

	"kubetour/script"
)

// Completion directives, as cobra's `__complete` prints them after ":".
const (
	DirectiveError   = 1
	DirectiveNoSpace = 2
)

// Candidate is one completion with kubectl's description of it.
type Candidate struct {
	Value, Description string
}

// Request is what to complete in a prompt line.
type Request struct {
	// Args are kubectl's arguments for `kubectl __complete` (the word being
	// completed last, "" after a space). Nil when the completion is local.
	Args []string
	// Local holds candidates that need no kubectl: the command word itself.
	Local []Candidate
	// Word is the partial word being completed.
	Word string
}

// CompletionRequest decides how to complete line. ok is false when there
// is nothing to complete (curl's URL, an unterminated quote).
func CompletionRequest(line string) (Request, bool) {
	words, err := script.Split(line)
	if err != nil {
		return Request{}, false
	}
	if line == "" || strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	if len(words) == 1 {
		var c []Candidate
		for _, w := range append(append([]string{}, Builtins...), KubectlCommands...) {
			if strings.HasPrefix(w, words[0]) {
				c = append(c, Candidate{Value: w})
			}
		}
		sort.Slice(c, func(i, j int) bool { return c[i].Value < c[j].Value })
		return Request{Local: c, Word: words[0]}, true
	}
	words = Normalize(words)
	kargs, _, ok := KubectlArgs(words)
	if !ok {
		return Request{}, false
	}
	return Request{Args: kargs, Word: kargs[len(kargs)-1]}, true
}

// ParseCompletion reads what `kubectl __complete …` printed: one candidate
// per line ("value\tdescription"), then ":N", the directive.
func ParseCompletion(out string) ([]Candidate, int) {
	var cands []Candidate
	directive := 0
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if strings.HasPrefix(line, ":") {
			if n, err := strconv.Atoi(line[1:]); err == nil {
				directive = n
				continue
			}
		}
		if line == "" || strings.HasPrefix(line, "Completion ended with directive") {
			continue
		}
		v, d, _ := strings.Cut(line, "\t")
		cands = append(cands, Candidate{Value: v, Description: d})
	}
	return cands, directive
}

// CommonPrefix is the longest prefix all candidates share.
func CommonPrefix(c []Candidate) string {
	if len(c) == 0 {
		return ""
	}
	p := c[0].Value
	for _, x := range c[1:] {
		for !strings.HasPrefix(x.Value, p) {
			_, size := lastRune(p)
			p = p[:len(p)-size]
		}
	}
	return p
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return rune(s[i]), len(s) - i
		}
	}
	return 0, 0
}

// Complete replaces the partial word at the end of line with value, adding
// a space unless the completion is a prefix (several candidates) or
// kubectl asked for none.
func Complete(line, word, value string, final bool) string {
	base := strings.TrimSuffix(line, word)
	if value == "" {
		return line
	}
	if final {
		return base + value + " "
	}
	return base + value
}
