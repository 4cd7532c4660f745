package lessons

import (
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/util/jsonpath"
)

// compiled is a check made ready to evaluate: parsed command lines,
// compiled expressions.
type compiled struct {
	get      *getQuery
	expects  []expectation
	count    *Count
	event    *eventMatcher
	sequence []*eventMatcher
	every    map[string]*Matcher
	ran      *ranMatcher
	children []*Check
}

type expectation struct {
	name  string // "equals", "gte" …
	value string
	m     *Matcher
	empty *bool
}

// compileCheck validates a check and prepares it. Problems name the check's
// line in file.
func compileCheck(file string, c *Check) Problems {
	var ps Problems
	bad := func(format string, args ...any) {
		ps = append(ps, Problem{File: file, Line: c.Line, Msg: fmt.Sprintf(format, args...)})
	}
	kinds := 0
	for _, set := range []bool{c.Kubectl != "", c.Event != nil, len(c.Sequence) > 0, c.Ran != nil, c.Isolation != nil, len(c.Any) > 0, len(c.All) > 0} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		bad("a check needs exactly one of kubectl, event, sequence, ran, isolation, any, all (found %d)", kinds)
		return ps
	}
	switch c.AtStart {
	case "", "fail", "pass", "any":
	default:
		bad("atStart must be fail, pass or any, not %q", c.AtStart)
	}
	cc := &compiled{}
	hasValueExpect := c.Equals != nil || c.NotEquals != nil || c.Contains != nil || c.NotContains != nil || c.Matches != nil ||
		c.Gt != nil || c.Gte != nil || c.Lt != nil || c.Lte != nil || c.Empty != nil || c.Absent
	if c.Kubectl == "" && hasValueExpect {
		bad("equals, contains, matches, gt, gte, lt, lte, empty and absent apply to kubectl checks only")
	}
	if c.Always && c.Kubectl == "" {
		bad("always applies to kubectl checks only")
	}
	if len(c.Every) > 0 && c.Event == nil {
		bad("every applies to event checks only")
	}
	if c.Count != "" && (c.Isolation != nil || len(c.Any) > 0 || len(c.All) > 0 || len(c.Sequence) > 0) {
		bad("count applies to kubectl, event and ran checks only")
	}
	switch {
	case c.Kubectl != "":
		g, err := parseGet(c.Kubectl)
		if err != nil {
			bad("kubectl: %v", err)
			break
		}
		cc.get = g
		add := func(name string, v *string, src func(string) string) {
			if v == nil {
				return
			}
			m, err := CompileMatcher(src(*v))
			if err != nil {
				bad("%s: %v", name, err)
				return
			}
			cc.expects = append(cc.expects, expectation{name: name, value: *v, m: m})
		}
		prefix := func(p string) func(string) string { return func(v string) string { return p + v } }
		literal := func(p string) func(string) string { return func(v string) string { return p + regexp.QuoteMeta(v) } }
		add("equals", c.Equals, prefix("="))
		add("notEquals", c.NotEquals, prefix("!="))
		add("contains", c.Contains, literal("~"))
		add("notContains", c.NotContains, literal("!~"))
		add("matches", c.Matches, prefix("~"))
		add("gt", c.Gt, prefix(">"))
		add("gte", c.Gte, prefix(">="))
		add("lt", c.Lt, prefix("<"))
		add("lte", c.Lte, prefix("<="))
		if c.Empty != nil {
			cc.expects = append(cc.expects, expectation{name: "empty", empty: c.Empty})
		}
		if c.Count != "" {
			n, err := CompileCount(c.Count, "")
			if err != nil {
				bad("%v", err)
			}
			cc.count = n
		}
		if c.Absent && (len(cc.expects) > 0 || cc.count != nil) {
			bad("absent cannot be combined with other expectations")
		}
		if c.Absent && g.name == "" {
			bad("absent needs a named object (kubectl get pod NAME)")
		}
		if !c.Absent && len(cc.expects) == 0 && cc.count == nil && g.name == "" {
			bad("a kubectl check on a list needs an expectation (count, equals, contains …)")
		}
	case c.Event != nil:
		m, err := compileEvent(c.Event)
		if err != nil {
			ps = append(ps, Problem{File: file, Line: lineOr(c.Event.Line, c.Line), Msg: "event: " + err.Error()})
		}
		cc.event = m
		n, err := CompileCount(c.Count, ">=1")
		if err != nil {
			bad("%v", err)
		}
		cc.count = n
		if len(c.Every) > 0 {
			cc.every = map[string]*Matcher{}
			for k, v := range c.Every {
				mm, err := CompileMatcher(v)
				if err != nil {
					bad("every.%s: %v", k, err)
					continue
				}
				cc.every[k] = mm
			}
		}
	case len(c.Sequence) > 0:
		if len(c.Sequence) < 2 {
			bad("a sequence needs at least two events (use event: for one)")
		}
		for i, q := range c.Sequence {
			m, err := compileEvent(q)
			if err != nil {
				ps = append(ps, Problem{File: file, Line: lineOr(q.Line, c.Line), Msg: fmt.Sprintf("sequence[%d]: %v", i, err)})
			}
			cc.sequence = append(cc.sequence, m)
		}
	case c.Ran != nil:
		m, err := compileRan(c.Ran)
		if err != nil {
			ps = append(ps, Problem{File: file, Line: lineOr(c.Ran.Line, c.Line), Msg: "ran: " + err.Error()})
		}
		cc.ran = m
		n, err := CompileCount(c.Count, ">=1")
		if err != nil {
			bad("%v", err)
		}
		cc.count = n
	case c.Isolation != nil:
		q := c.Isolation
		if q.Pod == "" {
			bad("isolation: pod is required")
		}
		if len(q.Share)+len(q.Separate) == 0 {
			bad("isolation: give share or separate (namespace types such as net, pid, mnt, ipc, uts)")
		}
		for _, n := range append(append([]string{}, q.Share...), q.Separate...) {
			if !nsTypes[n] {
				bad("isolation: unknown namespace type %q (net, pid, mnt, ipc, uts, user, cgroup)", n)
			}
		}
	default:
		cc.children = append(append([]*Check{}, c.Any...), c.All...)
		for _, ch := range cc.children {
			ps = append(ps, compileCheck(file, ch)...)
		}
	}
	c.c = cc
	return ps
}

var nsTypes = map[string]bool{"net": true, "pid": true, "mnt": true, "ipc": true, "uts": true, "user": true, "cgroup": true}

func lineOr(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

// getQuery is a parsed `kubectl get` line.
type getQuery struct {
	line          string
	resource      string
	name          string
	namespace     string
	allNamespaces bool
	selector      labels.Selector
	template      string // jsonpath template; "" prints names
}

// parseGet parses the kubectl lines checks may use: `kubectl get TYPE
// [NAME] [-n NS | -A] [-l SELECTOR] [-o jsonpath=TEMPLATE]`.
func parseGet(line string) (*getQuery, error) {
	words, err := splitWords(line)
	if err != nil {
		return nil, err
	}
	if len(words) > 0 && (words[0] == "kubectl" || words[0] == "k") {
		words = words[1:]
	}
	if len(words) == 0 || words[0] != "get" {
		return nil, fmt.Errorf("only `kubectl get` lines can be checks: %q", line)
	}
	g := &getQuery{line: "kubectl " + strings.Join(words, " ")}
	var pos []string
	value := func(i *int, w, short, long string) (string, bool, error) {
		switch {
		case w == short || w == long:
			if *i+1 >= len(words) {
				return "", true, fmt.Errorf("flag %s needs a value", w)
			}
			*i++
			return words[*i], true, nil
		case strings.HasPrefix(w, long+"="):
			return strings.TrimPrefix(w, long+"="), true, nil
		case short != "" && strings.HasPrefix(w, short) && !strings.HasPrefix(w, "--"):
			return strings.TrimPrefix(strings.TrimPrefix(w, short), "="), true, nil
		}
		return "", false, nil
	}
	output := ""
	for i := 1; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "-") {
			pos = append(pos, w)
			continue
		}
		if w == "-A" || w == "--all-namespaces" {
			g.allNamespaces = true
			continue
		}
		if v, ok, err := value(&i, w, "-n", "--namespace"); ok {
			if err != nil {
				return nil, err
			}
			g.namespace = v
			continue
		}
		if v, ok, err := value(&i, w, "-l", "--selector"); ok {
			if err != nil {
				return nil, err
			}
			sel, err := labels.Parse(v)
			if err != nil {
				return nil, fmt.Errorf("selector %q: %v", v, err)
			}
			g.selector = sel
			continue
		}
		if v, ok, err := value(&i, w, "-o", "--output"); ok {
			if err != nil {
				return nil, err
			}
			output = v
			continue
		}
		return nil, fmt.Errorf("flag %s is not evaluated in checks (use -n, -A, -l, -o jsonpath=…)", w)
	}
	switch len(pos) {
	case 0:
		return nil, fmt.Errorf("which resource? (kubectl get pod NAME …)")
	case 1:
		g.resource = pos[0]
		if t, n, ok := strings.Cut(pos[0], "/"); ok {
			g.resource, g.name = t, n
		}
	case 2:
		if strings.Contains(pos[0], "/") {
			return nil, fmt.Errorf("give either TYPE/NAME or TYPE NAME")
		}
		g.resource, g.name = pos[0], pos[1]
	default:
		return nil, fmt.Errorf("one object or one list per check (got %q)", strings.Join(pos, " "))
	}
	if strings.Contains(g.resource, ",") {
		return nil, fmt.Errorf("one resource type per check (got %q)", g.resource)
	}
	if g.name != "" && g.selector != nil {
		return nil, fmt.Errorf("a selector cannot be combined with a name")
	}
	if g.name != "" && g.allNamespaces {
		return nil, fmt.Errorf("-A cannot be combined with a name")
	}
	switch {
	case output == "":
	case strings.HasPrefix(output, "jsonpath="):
		g.template = strings.TrimPrefix(output, "jsonpath=")
		if g.template == "" {
			return nil, fmt.Errorf("empty jsonpath template")
		}
		j := jsonpath.New("check")
		if err := j.Parse(g.template); err != nil {
			return nil, fmt.Errorf("jsonpath %q: %v", g.template, err)
		}
	default:
		return nil, fmt.Errorf("output %q is not evaluated in checks (use -o jsonpath=…)", output)
	}
	return g, nil
}

// eventMatcher is a compiled EventQuery.
type eventMatcher struct {
	q                                         *EventQuery
	source, reason, typ, kind, msg, namespace *Matcher
	objKind                                   string
	objName                                   *Matcher
	fields                                    map[string]*Matcher
}

func compileEvent(q *EventQuery) (*eventMatcher, error) {
	if q == nil {
		return nil, fmt.Errorf("empty event query")
	}
	m := &eventMatcher{q: q, fields: map[string]*Matcher{}}
	var err error
	for _, f := range []struct {
		dst  **Matcher
		src  string
		name string
	}{{&m.source, q.Source, "source"}, {&m.reason, q.Reason, "reason"}, {&m.typ, q.Type, "type"}, {&m.kind, q.Kind, "kind"},
		{&m.msg, q.Message, "message"}, {&m.namespace, q.Namespace, "namespace"}} {
		if *f.dst, err = CompileMatcher(f.src); err != nil {
			return m, fmt.Errorf("%s: %v", f.name, err)
		}
	}
	if q.Kind != "" && q.Kind != "change" && q.Kind != "decision" {
		return m, fmt.Errorf("kind must be change or decision, not %q", q.Kind)
	}
	if q.Object != "" {
		k, n, ok := strings.Cut(q.Object, "/")
		if !ok || k == "" || n == "" {
			return m, fmt.Errorf("object must be Kind/name (Pod/web, Pod/~^web-, Pod/*), not %q", q.Object)
		}
		m.objKind = k
		if n != "*" {
			if m.objName, err = CompileMatcher(n); err != nil {
				return m, fmt.Errorf("object: %v", err)
			}
		}
	}
	for k, v := range q.Fields {
		if m.fields[k], err = CompileMatcher(v); err != nil {
			return m, fmt.Errorf("fields.%s: %v", k, err)
		}
	}
	if q.Source == "" && q.Reason == "" && q.Object == "" && len(q.Fields) == 0 && q.Message == "" {
		return m, fmt.Errorf("an event query needs at least one of source, reason, object, message, fields")
	}
	return m, nil
}

func (m *eventMatcher) match(e *Event) bool {
	if m == nil {
		return false
	}
	if !m.reason.Match(e.Reason) || !m.source.Match(e.Source) || !m.typ.Match(e.Type) || !m.kind.Match(e.Kind) || !m.msg.Match(e.Message) {
		return false
	}
	if m.objKind != "" || !m.namespace.Any() {
		if len(e.Objects) == 0 {
			return false
		}
		o := e.Objects[0]
		if m.objKind != "" && !strings.EqualFold(o.Kind, m.objKind) {
			return false
		}
		if !m.objName.Match(o.Name) || !m.namespace.Match(o.Namespace) {
			return false
		}
	}
	for k, fm := range m.fields {
		v, ok := e.Fields[k]
		if !ok || !fm.Match(v) {
			return false
		}
	}
	return true
}

// describe shows the query compactly: "kubelet ContainerExited Pod/web exitCode=1".
func (m *eventMatcher) describe() string {
	q := m.q
	var parts []string
	for _, s := range []string{q.Source, q.Reason, q.Type, q.Object} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if q.Namespace != "" {
		parts = append(parts, "-n "+q.Namespace)
	}
	if q.Message != "" {
		parts = append(parts, "message "+q.Message)
	}
	keys := sortedKeys(q.Fields)
	for _, k := range keys {
		parts = append(parts, k+"="+q.Fields[k])
	}
	return strings.Join(parts, " ")
}

// ranMatcher is a compiled RanQuery.
type ranMatcher struct {
	q       *RanQuery
	pattern *cmdWords
	re      *Matcher
	output  *Matcher
}

func compileRan(q *RanQuery) (*ranMatcher, error) {
	m := &ranMatcher{q: q}
	if q.Command == "" && q.Matches == "" {
		return m, fmt.Errorf("give command (a word pattern) or matches (a regular expression)")
	}
	if q.Command != "" {
		w, err := splitWords(q.Command)
		if err != nil {
			return m, err
		}
		if len(w) == 0 {
			return m, fmt.Errorf("empty command pattern")
		}
		m.pattern = normalizeCommand(w)
	}
	var err error
	if q.Matches != "" {
		if m.re, err = CompileMatcher("~" + q.Matches); err != nil {
			return m, err
		}
	}
	if m.output, err = CompileMatcher(q.Output); err != nil {
		return m, fmt.Errorf("output: %v", err)
	}
	return m, nil
}

func (m *ranMatcher) match(c *Command) bool {
	if m == nil {
		return false
	}
	if m.q.Succeeded != nil && (*m.q.Succeeded != (c.Exit == 0)) {
		return false
	}
	if m.re != nil && !m.re.Match(c.Line) {
		return false
	}
	if !m.output.Match(c.Output) {
		return false
	}
	if m.pattern != nil {
		args := c.Args
		if len(args) == 0 {
			var err error
			if args, err = splitWords(c.Line); err != nil {
				return false
			}
		}
		return m.pattern.matches(normalizeCommand(args))
	}
	return true
}

func (m *ranMatcher) describe() string {
	var parts []string
	if m.q.Command != "" {
		parts = append(parts, m.q.Command)
	}
	if m.q.Matches != "" {
		parts = append(parts, "~"+m.q.Matches)
	}
	if m.q.Output != "" {
		parts = append(parts, "output "+m.q.Output)
	}
	return strings.Join(parts, " ")
}

// cmdWords is a command line reduced to what matters for matching: the
// program, positional words (resource types canonical) and flags.
type cmdWords struct {
	program string
	pos     []string
	flags   map[string]string // "--output" -> "wide"; boolean flags -> ""
}

// kubectl's flags that take a value, by short and long name.
var valueFlags = map[string]string{
	"-n": "--namespace", "--namespace": "--namespace", "-o": "--output", "--output": "--output",
	"-l": "--selector", "--selector": "--selector", "-c": "--container", "--container": "--container",
	"-f": "--filename", "--filename": "--filename", "--field-selector": "--field-selector",
	"--replicas": "--replicas", "--image": "--image", "-p": "--patch", "--patch": "--patch",
	"--type": "--type", "--port": "--port", "--target-port": "--target-port", "--name": "--name",
	"--from-literal": "--from-literal", "--from-file": "--from-file", "--to-revision": "--to-revision",
	"--timeout": "--timeout", "--grace-period": "--grace-period", "--cascade": "--cascade", "--tail": "--tail",
	"--context": "--context", "--kubeconfig": "--kubeconfig", "--sort-by": "--sort-by", "--schedule": "--schedule",
	"--restart": "--restart", "--dry-run": "--dry-run", "--for": "--for", "--since": "--since",
}

var shortBool = map[string]string{"-A": "--all-namespaces", "-w": "--watch", "-i": "--stdin", "-t": "--tty", "-it": "-it", "-ti": "-it"}

// resourceAliases maps what students type to one canonical name.
var resourceAliases = map[string]string{}

func init() {
	for canon, aliases := range map[string][]string{
		"pods": {"pod", "po"}, "services": {"service", "svc"}, "deployments": {"deployment", "deploy"},
		"replicasets": {"replicaset", "rs"}, "replicationcontrollers": {"replicationcontroller", "rc"},
		"daemonsets": {"daemonset", "ds"}, "jobs": {"job"}, "cronjobs": {"cronjob", "cj"},
		"namespaces": {"namespace", "ns"}, "nodes": {"node", "no"}, "configmaps": {"configmap", "cm"},
		"secrets": {"secret"}, "endpoints": {"ep"}, "events": {"event", "ev"},
		"persistentvolumes": {"persistentvolume", "pv"}, "persistentvolumeclaims": {"persistentvolumeclaim", "pvc"},
		"resourcequotas": {"resourcequota", "quota"}, "limitranges": {"limitrange", "limits"},
		"statefulsets": {"statefulset", "sts"}, "horizontalpodautoscalers": {"horizontalpodautoscaler", "hpa"},
		"serviceaccounts": {"serviceaccount", "sa"}, "endpointslices": {"endpointslice"},
	} {
		resourceAliases[canon] = canon
		for _, a := range aliases {
			resourceAliases[a] = canon
		}
	}
}

// canonicalResource maps "po", "pod", "deployments.apps" to "pods", "deployments".
func canonicalResource(s string) string {
	s = strings.ToLower(s)
	base, _, _ := strings.Cut(s, ".")
	if c, ok := resourceAliases[base]; ok {
		return c
	}
	return s
}

// verbs whose first positional word is a resource type.
var resourceVerbs = map[string]bool{"get": true, "describe": true, "delete": true, "edit": true, "label": true,
	"annotate": true, "explain": true, "scale": true, "patch": true, "create": true, "expose": true, "top": true, "wait": true}

func normalizeCommand(words []string) *cmdWords {
	c := &cmdWords{flags: map[string]string{}}
	if len(words) == 0 {
		return c
	}
	c.program = words[0]
	if c.program == "k" {
		c.program = "kubectl"
	}
	rest := words[1:]
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if w == "--" {
			// What follows is the command run in a container: kept as words.
			c.pos = append(c.pos, rest[i:]...)
			break
		}
		if !strings.HasPrefix(w, "-") || w == "-" {
			c.pos = append(c.pos, w)
			continue
		}
		if long, ok := shortBool[w]; ok {
			if long == "-it" {
				c.flags["--stdin"], c.flags["--tty"] = "", ""
			} else {
				c.flags[long] = ""
			}
			continue
		}
		name, val, hasVal := strings.Cut(w, "=")
		if long, ok := valueFlags[name]; ok {
			if !hasVal && i+1 < len(rest) {
				i++
				val = rest[i]
			}
			c.flags[long] = val
			continue
		}
		// -owide, -ndefault: a short value flag glued to its value.
		if len(w) > 2 && !strings.HasPrefix(w, "--") {
			if long, ok := valueFlags[w[:2]]; ok {
				c.flags[long] = strings.TrimPrefix(w[2:], "=")
				continue
			}
		}
		c.flags[name] = val
	}
	// The resource type (after the verb, or after `rollout undo` / `set
	// image`) is made canonical and TYPE/NAME split.
	at := -1
	switch {
	case c.program != "kubectl" || len(c.pos) < 2:
	case resourceVerbs[c.pos[0]]:
		at = 1
	case (c.pos[0] == "rollout" || c.pos[0] == "set") && len(c.pos) > 2:
		at = 2
	}
	if at > 0 && c.pos[at] != "--" {
		t := c.pos[at]
		if typ, name, ok := strings.Cut(t, "/"); ok {
			c.pos = append(append(append([]string{}, c.pos[:at]...), canonicalResource(typ), name), c.pos[at+1:]...)
		} else {
			c.pos[at] = canonicalResource(t)
		}
	}
	return c
}

// matches reports whether a command (normalised) fits the pattern: same
// program and verb, the pattern's other words in order, its flags given.
func (p *cmdWords) matches(c *cmdWords) bool {
	if p.program != c.program {
		return false
	}
	if len(p.pos) > 0 {
		if len(c.pos) == 0 || c.pos[0] != p.pos[0] {
			return false
		}
		j := 1
		for _, w := range p.pos[1:] {
			for j < len(c.pos) && c.pos[j] != w {
				j++
			}
			if j == len(c.pos) {
				return false
			}
			j++
		}
	}
	for k, v := range p.flags {
		got, ok := c.flags[k]
		if !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}
