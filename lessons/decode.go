package lessons

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Severity separates what breaks a lesson from what only degrades it.
type Severity int

const (
	// Error: the content cannot be used as written.
	Error Severity = iota
	// Warning: it works, but something is missing (a translation).
	Warning
)

// Problem is one thing wrong with the content, with where it is.
type Problem struct {
	File     string
	Line     int
	Col      int
	Severity Severity
	Msg      string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	if p.Severity == Warning {
		b.WriteString(": warning")
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found; as an error it lists the errors.
type Problems []Problem

func (ps Problems) Error() string {
	var lines []string
	for _, p := range ps {
		if p.Severity == Error {
			lines = append(lines, p.Error())
		}
	}
	return strings.Join(lines, "\n")
}

// Errors returns only the errors.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (ps Problems) Warnings() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Warning {
			out = append(out, p)
		}
	}
	return out
}

// decodeFile decodes one YAML document strictly into v: an unknown field
// is an error naming the field, its file and line (and the field meant,
// when the typo is close), and so is a value of the wrong type.
func decodeFile(file string, data []byte, v any) Problems {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Problems{yamlProblem(file, err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return Problems{{File: file, Line: 1, Msg: "the file is empty"}}
	}
	root := doc.Content[0]
	var ps Problems
	checkFields(file, root, reflect.TypeOf(v).Elem(), "", &ps)
	if len(ps.Errors()) > 0 {
		return ps
	}
	if err := root.Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				ps = append(ps, yamlProblem(file, errors.New(e)))
			}
			return ps
		}
		return append(ps, yamlProblem(file, err))
	}
	return ps
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+)(?:, column (\d+))?: (.*)$`)

// yamlProblem turns a yaml.v3 error ("yaml: line 3: …") into a Problem.
func yamlProblem(file string, err error) Problem {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		return Problem{File: file, Line: line, Col: col, Msg: friendlyYAML(m[3])}
	}
	return Problem{File: file, Msg: friendlyYAML(strings.TrimPrefix(msg, "yaml: "))}
}

// friendlyYAML rewords yaml.v3's Go-flavoured messages.
func friendlyYAML(s string) string {
	r := strings.NewReplacer("!!seq", "a list", "!!map", "a mapping", "!!str", "a string", "!!int", "a number",
		"!!bool", "true/false", "!!float", "a number", "lessons.", "")
	return r.Replace(s)
}

var (
	textType       = reflect.TypeOf(Text{})
	filesType      = reflect.TypeOf(Files{})
	scriptType     = reflect.TypeOf(Script{})
	ranType        = reflect.TypeOf(RanQuery{})
	stringMapType  = reflect.TypeOf(map[string]string{})
	friendlyTypeOf = map[reflect.Type]string{
		reflect.TypeOf(Chapter{}): "chapter", reflect.TypeOf(Step{}): "step", reflect.TypeOf(Check{}): "check",
		reflect.TypeOf(EventQuery{}): "event query", ranType: "ran", reflect.TypeOf(IsolationQuery{}): "isolation",
		reflect.TypeOf(Mistake{}): "mistake", reflect.TypeOf(Question{}): "question", reflect.TypeOf(Choice{}): "choice",
		reflect.TypeOf(Checkpoint{}): "checkpoint", reflect.TypeOf(quizFile{}): "quiz file",
	}
)

// checkFields walks a node against the Go type it will decode into and
// reports mapping keys the type does not have.
//
// It also reports, as warnings, texts missing a translation, and, as an
// error, a text without English (the fallback of every language).
func checkFields(file string, n *yaml.Node, t reflect.Type, path string, ps *Problems) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case textType:
		if n.Kind != yaml.MappingNode {
			*ps = append(*ps, Problem{File: file, Line: n.Line, Col: n.Column,
				Msg: fmt.Sprintf("expected text in each language (%s: …), got %s", strings.Join(Languages, ": …, "), nodeWhat(n))})
			return
		}
		have := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if !isLanguage(k.Value) {
				*ps = append(*ps, Problem{File: file, Line: k.Line, Col: k.Column,
					Msg: fmt.Sprintf("unknown language %q in %s (languages: %s)", k.Value, path, strings.Join(Languages, ", "))})
				continue
			}
			if v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) != "" {
				have[k.Value] = true
			}
		}
		if !have[Languages[0]] {
			*ps = append(*ps, Problem{File: file, Line: n.Line, Col: n.Column,
				Msg: fmt.Sprintf("%s has no %s text (it is what every language falls back to)", path, Languages[0])})
		}
		for _, l := range Languages[1:] {
			if !have[l] && have[Languages[0]] {
				*ps = append(*ps, Problem{File: file, Line: n.Line, Col: n.Column, Severity: Warning,
					Msg: fmt.Sprintf("%s has no %s translation (%s is shown instead)", path, l, Languages[0])})
			}
		}
		return
	case filesType, scriptType, stringMapType:
		return
	case ranType:
		if n.Kind == yaml.ScalarNode {
			return
		}
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // the decoder reports the type mismatch
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				msg := fmt.Sprintf("unknown field %q in %s", k.Value, friendlyName(t))
				if s := closest(k.Value, fields); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				*ps = append(*ps, Problem{File: file, Line: k.Line, Col: k.Column, Msg: msg})
				continue
			}
			checkFields(file, v, ft, joinPath(path, k.Value), ps)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, c := range n.Content {
			checkFields(file, c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), ps)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 1; i < len(n.Content); i += 2 {
			checkFields(file, n.Content[i], t.Elem(), joinPath(path, n.Content[i-1].Value), ps)
		}
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func nodeWhat(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return "a single value"
	case yaml.SequenceNode:
		return "a list"
	}
	return "something else"
}

func isLanguage(s string) bool {
	for _, l := range Languages {
		if l == s {
			return true
		}
	}
	return false
}

func friendlyName(t reflect.Type) string {
	if s, ok := friendlyTypeOf[t]; ok {
		return s
	}
	return t.Name()
}

// yamlFields maps a struct's YAML keys to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// closest suggests the known field a typo most likely meant.
func closest(s string, fields map[string]reflect.Type) string {
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestD := "", 3
	for _, k := range names {
		if strings.EqualFold(k, s) {
			return k
		}
		if d := editDistance(strings.ToLower(s), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// The types below remember the line they were written on, for messages.

func (s *Step) UnmarshalYAML(n *yaml.Node) error {
	type plain Step
	if err := n.Decode((*plain)(s)); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

func (c *Check) UnmarshalYAML(n *yaml.Node) error {
	type plain Check
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

func (m *Mistake) UnmarshalYAML(n *yaml.Node) error {
	type plain Mistake
	if err := n.Decode((*plain)(m)); err != nil {
		return err
	}
	m.Line = n.Line
	return nil
}

func (q *EventQuery) UnmarshalYAML(n *yaml.Node) error {
	type plain EventQuery
	if err := n.Decode((*plain)(q)); err != nil {
		return err
	}
	q.Line = n.Line
	return nil
}

func (q *IsolationQuery) UnmarshalYAML(n *yaml.Node) error {
	type plain IsolationQuery
	if err := n.Decode((*plain)(q)); err != nil {
		return err
	}
	q.Line = n.Line
	return nil
}

func (q *Question) UnmarshalYAML(n *yaml.Node) error {
	type plain Question
	if err := n.Decode((*plain)(q)); err != nil {
		return err
	}
	q.Line = n.Line
	return nil
}

func (c *Choice) UnmarshalYAML(n *yaml.Node) error {
	type plain Choice
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

func (c *Checkpoint) UnmarshalYAML(n *yaml.Node) error {
	type plain Checkpoint
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

// UnmarshalYAML accepts `ran: kubectl describe pod` as a short form of
// `ran: {command: kubectl describe pod}`.
func (q *RanQuery) UnmarshalYAML(n *yaml.Node) error {
	q.Line = n.Line
	if n.Kind == yaml.ScalarNode {
		q.Command = n.Value
		return nil
	}
	type plain RanQuery
	if err := n.Decode((*plain)(q)); err != nil {
		return err
	}
	q.Line = n.Line
	return nil
}

// UnmarshalYAML reads `files:` as a mapping of file name to content,
// keeping the author's order.
func (f *Files) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: files must be a mapping of file name to content", n.Line)}}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: the content of %s must be text (use |)", v.Line, k.Value)}}
		}
		*f = append(*f, File{Name: k.Value, Content: v.Value, Line: k.Line})
	}
	return nil
}

// UnmarshalYAML reads a script written as a block of text or as a list of
// lines.
func (s *Script) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		s.Text = n.Value
		s.Line = n.Line
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			s.Line = n.Line + 1
		}
		return nil
	case yaml.SequenceNode:
		var lines []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a script line must be text", c.Line)}}
			}
			lines = append(lines, c.Value)
		}
		s.Text = strings.Join(lines, "\n")
		if len(n.Content) > 0 {
			s.Line = n.Content[0].Line
		}
		return nil
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a script is a block of text or a list of lines", n.Line)}}
}

// Ensure the decoder sees our custom unmarshalers.
var (
	_ yaml.Unmarshaler = (*Step)(nil)
	_ yaml.Unmarshaler = (*Files)(nil)
	_ yaml.Unmarshaler = (*Script)(nil)
	_ yaml.Unmarshaler = (*RanQuery)(nil)
)
