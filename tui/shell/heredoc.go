package shell

import (
	"strings"

	"kubetour/script"
)

// Continues reports whether the lines typed so far are an unfinished
// command, so the console should ask for another line (with "> ", as a
// shell does): the last line ends with a backslash, or a heredoc (<<EOF,
// <<'EOF', <<-EOF) has not been closed by its delimiter yet. The finished
// text is then parsed by script.Parse, exactly as `kubetour script` would.
func Continues(lines []string) bool {
	if len(lines) == 0 {
		return false
	}
	// Join backslash continuations into the command line.
	cmd := ""
	i := 0
	for ; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasSuffix(t, "\\") {
			cmd += strings.TrimSuffix(t, "\\") + " "
			if i == len(lines)-1 {
				return true
			}
			continue
		}
		cmd += t
		i++
		break
	}
	delim, strip, ok := heredocDelimiter(cmd)
	if !ok {
		return false
	}
	for _, l := range lines[i:] {
		if strip {
			l = strings.TrimLeft(l, "\t")
		}
		if strings.TrimRight(l, " ") == delim {
			return false
		}
	}
	return true
}

// heredocDelimiter finds a heredoc operator among the command's words.
func heredocDelimiter(cmd string) (delim string, strip, ok bool) {
	words, err := script.Split(cmd)
	if err != nil {
		return "", false, false
	}
	for i, w := range words {
		if !strings.HasPrefix(w, "<<") {
			continue
		}
		d := strings.TrimPrefix(w, "<<")
		strip = strings.HasPrefix(d, "-")
		d = strings.TrimPrefix(d, "-")
		if d == "" && i+1 < len(words) {
			d = words[i+1]
		}
		if d == "" {
			return "", false, false
		}
		return d, strip, true
	}
	return "", false, false
}
