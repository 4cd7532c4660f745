package tui

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/tui/shell"
)

// completionMsg is kubectl's answer to `kubectl __complete …`.
type completionMsg struct {
	line      string // the prompt's text when asked; a stale answer is dropped
	word      string
	cands     []shell.Candidate
	directive int
	err       error
}

// complete answers tab: command words locally, everything after them from
// kubectl's own completion (resource types, names from the cluster,
// flags), run as a subprocess like any kubectl command.
func (p *consolePane) complete() tea.Cmd {
	line := p.input.Value()
	if pos := p.input.Position(); pos < len([]rune(line)) {
		line = string([]rune(line)[:pos])
	}
	req, ok := shell.CompletionRequest(line)
	if !ok {
		return nil
	}
	if req.Args == nil {
		p.completed(completionMsg{line: line, word: req.Word, cands: req.Local})
		return nil
	}
	if p.env == nil || len(p.env.kubectl) == 0 {
		return nil
	}
	kubectl, env := p.env.kubectl, p.env.kubectlEnv
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		args := append(append(append([]string{}, kubectl[1:]...), "__complete"), req.Args...)
		c := exec.CommandContext(ctx, kubectl[0], args...)
		c.Env = append(os.Environ(), env...)
		out, err := c.Output()
		cands, dir := shell.ParseCompletion(string(out))
		return completionMsg{line: line, word: req.Word, cands: cands, directive: dir, err: err}
	}
}

// completed applies an answer: one candidate completes the word, several
// complete their common prefix and are listed under the prompt.
func (p *consolePane) completed(msg completionMsg) {
	cur := p.input.Value()
	if pos := p.input.Position(); pos < len([]rune(cur)) {
		cur = string([]rune(cur)[:pos])
	}
	if cur != msg.line || msg.directive&shell.DirectiveError != 0 {
		return
	}
	rest := strings.TrimPrefix(p.input.Value(), cur)
	var cands []shell.Candidate
	for _, c := range msg.cands {
		if strings.HasPrefix(c.Value, msg.word) {
			cands = append(cands, c)
		}
	}
	p.cacheValid = false
	switch len(cands) {
	case 0:
		p.comp = ""
		return
	case 1:
		v := shell.Complete(cur, msg.word, cands[0].Value, msg.directive&shell.DirectiveNoSpace == 0)
		p.input.SetValue(v + rest)
		p.input.SetCursor(len([]rune(v)))
		p.comp = ""
		return
	}
	if prefix := shell.CommonPrefix(cands); len(prefix) > len(msg.word) {
		v := shell.Complete(cur, msg.word, prefix, false)
		p.input.SetValue(v + rest)
		p.input.SetCursor(len([]rune(v)))
	}
	vals := make([]string, 0, len(cands))
	for _, c := range cands {
		vals = append(vals, c.Value)
	}
	p.comp = strings.Join(vals, "  ")
}
