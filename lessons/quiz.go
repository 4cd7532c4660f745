package lessons

import (
	"fmt"
	"sort"
	"strings"
)

// The scoring rules of quiz questions. Quiz and exam modes (a later
// issue) build on these; the loader already validates questions.

// Worth is what the question is worth: its points, 1 unless given.
func (q *Question) Worth() int {
	if q.Points > 0 {
		return q.Points
	}
	return 1
}

// ScoreChoice scores a choice question: right when exactly the correct
// choices were picked.
func (q *Question) ScoreChoice(picked []string) bool {
	var want []string
	for _, c := range q.Choices {
		if c.Correct {
			want = append(want, c.ID)
		}
	}
	return sameSet(want, picked)
}

// ScoreShort scores a short answer: right when it matches one of the
// answers (a "~" regex as written; otherwise compared without case and
// extra spaces).
func (q *Question) ScoreShort(answer string) bool {
	for _, a := range q.Answers {
		if shortMatch(a, answer) {
			return true
		}
	}
	return false
}

func shortMatch(want, got string) bool {
	m, err := CompileMatcher(want)
	if err != nil {
		return false
	}
	if m.op == "=" {
		return normalizeAnswer(m.val) == normalizeAnswer(got)
	}
	return m.Match(strings.TrimSpace(got))
}

func normalizeAnswer(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Observed is what a predict question's observe check prints on the
// cluster, computed in process.
func (q *Question) Observed(c Cluster) (string, error) {
	if q.Observe == nil {
		return "", fmt.Errorf("question %q observes nothing", q.ID)
	}
	return KubectlOutput(q.Observe, c)
}

// RightChoices are the choices of a predict question whose value matches
// what was observed.
func (q *Question) RightChoices(observed string) []string {
	var out []string
	for _, c := range q.Choices {
		if m, err := CompileMatcher(c.Value); err == nil && m.Match(strings.TrimSpace(observed)) {
			out = append(out, c.ID)
		}
	}
	return out
}

// ScorePredict scores a prediction against what the cluster did: the
// picked choices against the right ones, or (without choices) the typed
// answer against the observed output.
func (q *Question) ScorePredict(picked []string, answer, observed string) bool {
	if len(q.Choices) > 0 {
		return sameSet(q.RightChoices(observed), picked)
	}
	return shortMatch("="+strings.TrimSpace(observed), answer)
}

// KubectlOutput is what a kubectl check's line prints on the cluster,
// computed in process.
func KubectlOutput(c *Check, cl Cluster) (string, error) {
	if c.c == nil {
		if ps := compileCheck("", c); len(ps) > 0 {
			return "", ps
		}
	}
	if c.c.get == nil {
		return "", fmt.Errorf("not a kubectl check")
	}
	return kubectlOutput(c.c.get, &Inputs{Cluster: cl})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
