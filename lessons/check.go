package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/util/jsonpath"
)

// Status is a check's verdict.
type Status int

const (
	// Pass: the predicate holds.
	Pass Status = iota
	// Fail: it does not (yet).
	Fail
	// Broken: it cannot be evaluated (unknown resource, cluster error):
	// a fault of the lesson or the cluster, not of the student.
	Broken
)

func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	}
	return "broken"
}

// CheckResult is a check's verdict and, when it did not pass, which part
// failed and what was observed.
type CheckResult struct {
	ID     string
	Title  Text
	Status Status
	// Subject is what was looked at: the kubectl line, the event query,
	// the command pattern.
	Subject string
	// Want and Got explain a failure in each language: what the part that
	// failed expected and what was observed.
	Want, Got Text
	// Children are the results of an any/all check's checks.
	Children []CheckResult
	// Student, when set, replaces Explain for the student: a "ran" check's
	// subject is a pattern written for lesson authors, not for learners.
	Student Text
}

// Explain is one line saying what failed and what was observed.
func (r CheckResult) Explain(lang string) string {
	if r.Status == Pass {
		return ""
	}
	s := r.Subject
	if w := r.Want.In(lang); w != "" {
		if s != "" {
			s += ": "
		}
		s += w
	}
	if g := r.Got.In(lang); g != "" {
		s += "; " + g
	}
	return s
}

// StudentExplain is Explain as the lesson shows it to the student.
func (r CheckResult) StudentExplain(lang string) string {
	if r.Status != Pass && r.Student != nil {
		return r.Student.In(lang)
	}
	return r.Explain(lang)
}

// MistakeHit is a recognised mistake and its hint.
type MistakeHit struct {
	ID   string
	Hint Text
}

// Result is a step's verdict at one moment.
type Result struct {
	Passed   bool
	Checks   []CheckResult
	Mistakes []MistakeHit
}

// Failed returns the checks that did not pass.
func (r Result) Failed() []CheckResult {
	var out []CheckResult
	for _, c := range r.Checks {
		if c.Status != Pass {
			out = append(out, c)
		}
	}
	return out
}

// Inputs are what checks are evaluated over: the cluster as it is now, the
// narration since the step started and the commands the student ran.
type Inputs struct {
	Cluster  Cluster
	Events   []Event
	Commands []Command

	cache map[string]cached
}

type cached struct {
	obj  map[string]any
	list []map[string]any
	err  error
}

// Evaluate evaluates a check. It is pure over its inputs: the same cluster
// reads, events and commands give the same result.
func Evaluate(c *Check, in *Inputs) CheckResult {
	r := CheckResult{ID: c.ID, Title: c.Title, Status: Pass}
	if c.c == nil {
		if ps := compileCheck("", c); len(ps) > 0 {
			r.Status = Broken
			r.Want = en(ps.Error())
			return r
		}
	}
	cc := c.c
	switch {
	case cc.get != nil:
		evalKubectl(c, cc, in, &r)
	case cc.event != nil:
		evalEvent(cc, in, &r)
	case cc.sequence != nil:
		evalSequence(cc, in, &r)
	case cc.ran != nil:
		evalRan(cc, in, &r)
	case c.Isolation != nil:
		evalIsolation(c.Isolation, in, &r)
	case len(c.Any) > 0:
		r.Status = Fail
		r.Subject = "any"
		r.Want = Text{"en": "one of these must pass", "ko": "다음 중 하나를 만족해야 합니다"}
		for _, ch := range c.Any {
			cr := Evaluate(ch, in)
			r.Children = append(r.Children, cr)
			if cr.Status == Pass {
				r.Status = Pass
			}
		}
		if r.Status != Pass {
			for _, cr := range r.Children {
				if cr.Status == Broken {
					r.Status = Broken
				}
			}
		}
	case len(c.All) > 0:
		r.Subject = "all"
		for _, ch := range c.All {
			cr := Evaluate(ch, in)
			r.Children = append(r.Children, cr)
			if cr.Status != Pass && r.Status == Pass {
				r.Status = cr.Status
				r.Subject, r.Want, r.Got, r.Student = cr.Subject, cr.Want, cr.Got, cr.Student
			}
		}
	}
	if r.Status == Pass {
		r.Want, r.Got, r.Student = nil, nil, nil
	}
	return r
}

func en(s string) Text { return Text{"en": s} }

// fetch reads the objects a kubectl check looks at, once per evaluation.
func (in *Inputs) fetch(g *getQuery) cached {
	ns := g.namespace
	if ns == "" && !g.allNamespaces {
		ns = "default"
	}
	if g.allNamespaces {
		ns = ""
	}
	key := g.resource + "\x00" + ns + "\x00" + g.name
	if c, ok := in.cache[key]; ok {
		return c
	}
	var c cached
	if in.Cluster == nil {
		c.err = errors.New("no cluster")
	} else if g.name != "" {
		c.obj, c.err = in.Cluster.Get(g.resource, ns, g.name)
	} else {
		c.list, c.err = in.Cluster.List(g.resource, ns)
	}
	if in.cache == nil {
		in.cache = map[string]cached{}
	}
	in.cache[key] = c
	return c
}

// KubectlOutput is what `kubectl get` with the check's flags prints (the
// jsonpath output, or the names), computed in process.
func kubectlOutput(g *getQuery, in *Inputs) (string, error) {
	f := in.fetch(g)
	if f.err != nil {
		return "", f.err
	}
	var obj any
	if g.name != "" {
		obj = f.obj
	} else {
		items := make([]any, 0, len(f.list))
		for _, o := range f.list {
			if g.selector != nil && !g.selector.Matches(labels.Set(objLabels(o))) {
				continue
			}
			items = append(items, o)
		}
		obj = map[string]any{"apiVersion": "v1", "kind": "List", "items": items, "metadata": map[string]any{"resourceVersion": ""}}
	}
	if g.template == "" {
		if g.name != "" {
			return g.name, nil
		}
		var names []string
		for _, it := range obj.(map[string]any)["items"].([]any) {
			names = append(names, objName(it.(map[string]any)))
		}
		return strings.Join(names, "\n"), nil
	}
	j := jsonpath.New("check")
	j.AllowMissingKeys(true)
	if err := j.Parse(g.template); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := j.Execute(&buf, obj); err != nil {
		return "", fmt.Errorf("error executing jsonpath %q: %v", g.template, err)
	}
	return buf.String(), nil
}

func objLabels(o map[string]any) map[string]string {
	md, _ := o["metadata"].(map[string]any)
	ls, _ := md["labels"].(map[string]any)
	out := map[string]string{}
	for k, v := range ls {
		out[k] = fmt.Sprint(v)
	}
	return out
}

func objName(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	s, _ := md["name"].(string)
	return s
}

func show(s string) string {
	if s == "" {
		return "(nothing)"
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func showKO(s string) string {
	if s == "" {
		return "(빈 출력)"
	}
	return show(s)
}

var wantWords = map[string][2]string{
	"equals":      {"expected %s", "%s이어야 합니다"},
	"notEquals":   {"expected anything but %s", "%s가 아니어야 합니다"},
	"contains":    {"expected it to contain %s", "%s를 포함해야 합니다"},
	"notContains": {"expected it not to contain %s", "%s를 포함하지 않아야 합니다"},
	"matches":     {"expected it to match /%s/", "/%s/에 맞아야 합니다"},
	"gt":          {"expected more than %s", "%s보다 커야 합니다"},
	"gte":         {"expected at least %s", "%s 이상이어야 합니다"},
	"lt":          {"expected less than %s", "%s보다 작아야 합니다"},
	"lte":         {"expected at most %s", "%s 이하이어야 합니다"},
}

func evalKubectl(c *Check, cc *compiled, in *Inputs, r *CheckResult) {
	g := cc.get
	r.Subject = g.line
	out, err := kubectlOutput(g, in)
	if err != nil {
		switch {
		case errors.Is(err, ErrNotFound):
			if c.Absent {
				return
			}
			r.Status = Fail
			r.Want = Text{"en": "expected the object to exist", "ko": "오브젝트가 있어야 합니다"}
			r.Got = Text{"en": "it was not found: " + err.Error(), "ko": "찾을 수 없습니다: " + err.Error()}
		default:
			r.Status = Broken
			r.Want = Text{"en": "cannot evaluate", "ko": "평가할 수 없습니다"}
			r.Got = en(err.Error())
		}
		return
	}
	if c.Absent {
		r.Status = Fail
		r.Want = Text{"en": "expected the object not to exist", "ko": "오브젝트가 없어야 합니다"}
		r.Got = Text{"en": "it still exists", "ko": "아직 있습니다"}
		return
	}
	got := Text{"en": "it printed " + show(out), "ko": "실제 출력: " + showKO(out)}
	for _, e := range cc.expects {
		if e.empty != nil {
			if (strings.TrimSpace(out) == "") != *e.empty {
				r.Status = Fail
				if *e.empty {
					r.Want = Text{"en": "expected no output", "ko": "출력이 없어야 합니다"}
				} else {
					r.Want = Text{"en": "expected some output", "ko": "출력이 있어야 합니다"}
				}
				r.Got = got
				return
			}
			continue
		}
		if !e.m.Match(out) {
			r.Status = Fail
			w := wantWords[e.name]
			v := fmt.Sprintf("%q", e.value)
			if e.name == "matches" {
				v = e.value
			}
			r.Want = Text{"en": fmt.Sprintf(w[0], v), "ko": fmt.Sprintf(w[1], v)}
			r.Got = got
			return
		}
	}
	if cc.count != nil {
		n := len(strings.Fields(out))
		if !cc.count.OK(n) {
			r.Status = Fail
			r.Want = Text{"en": "expected " + cc.count.EN() + " value(s)", "ko": "값이 " + cc.count.KO()}
			r.Got = Text{"en": fmt.Sprintf("it printed %d: %s", n, show(out)), "ko": fmt.Sprintf("실제 출력 %d개: %s", n, showKO(out))}
		}
	}
}

func evalEvent(cc *compiled, in *Inputs, r *CheckResult) {
	r.Subject = "event " + cc.event.describe()
	var matched []*Event
	for i := range in.Events {
		if cc.event.match(&in.Events[i]) {
			matched = append(matched, &in.Events[i])
		}
	}
	if !cc.count.OK(len(matched)) {
		r.Status = Fail
		r.Want = Text{"en": "expected " + cc.count.EN() + " matching event(s)", "ko": "맞는 이벤트가 " + cc.count.KO()}
		r.Got = Text{"en": fmt.Sprintf("%d happened", len(matched)), "ko": fmt.Sprintf("%d개 일어났습니다", len(matched))}
		if len(matched) > 0 {
			last := matched[len(matched)-1]
			r.Got["en"] += ", the last: " + eventLine(last, "en")
			r.Got["ko"] += ", 마지막: " + eventLine(last, "ko")
		}
		return
	}
	for _, e := range matched {
		for _, k := range sortedMatcherKeys(cc.every) {
			m := cc.every[k]
			if v, ok := e.Fields[k]; !ok || !m.Match(v) {
				r.Status = Fail
				r.Want = Text{"en": fmt.Sprintf("expected every matching event to have %s %s", k, m), "ko": fmt.Sprintf("맞는 모든 이벤트의 %s가 %s여야 합니다", k, m)}
				r.Got = Text{"en": fmt.Sprintf("%s=%q in: %s", k, v, eventLine(e, "en")), "ko": fmt.Sprintf("%s=%q: %s", k, v, eventLine(e, "ko"))}
				return
			}
		}
	}
}

func eventLine(e *Event, lang string) string {
	var obj string
	if len(e.Objects) > 0 {
		obj = e.Objects[0].Kind + "/" + e.Objects[0].Name
	}
	text := e.Message
	if lang == "ko" && e.KO != "" {
		text = e.KO
	} else if e.EN != "" {
		text = e.EN
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s: %s", e.Source, e.Reason, obj, text))
}

func evalSequence(cc *compiled, in *Inputs, r *CheckResult) {
	var parts []string
	for _, m := range cc.sequence {
		parts = append(parts, "("+m.describe()+")")
	}
	r.Subject = "events in order " + strings.Join(parts, " → ")
	next := 0
	for i := range in.Events {
		if next < len(cc.sequence) && cc.sequence[next].match(&in.Events[i]) {
			next++
		}
	}
	if next < len(cc.sequence) {
		r.Status = Fail
		r.Want = Text{"en": fmt.Sprintf("expected (%s) after the events before it", cc.sequence[next].describe()),
			"ko": fmt.Sprintf("앞의 이벤트 다음에 (%s)가 일어나야 합니다", cc.sequence[next].describe())}
		r.Got = Text{"en": fmt.Sprintf("only the first %d of %d happened in order", next, len(cc.sequence)),
			"ko": fmt.Sprintf("%d개 중 앞의 %d개만 순서대로 일어났습니다", len(cc.sequence), next)}
	}
}

func evalRan(cc *compiled, in *Inputs, r *CheckResult) {
	r.Subject = "ran " + cc.ran.describe()
	n := 0
	for i := range in.Commands {
		if cc.ran.match(&in.Commands[i]) {
			n++
		}
	}
	if !cc.count.OK(n) {
		r.Status = Fail
		if cc.count.WantsNone() {
			r.Want = Text{"en": "expected no such command", "ko": "이런 명령은 실행하지 않아야 합니다"}
		} else {
			r.Want = Text{"en": "expected " + cc.count.EN() + " such command(s)", "ko": "이런 명령이 " + cc.count.KO()}
		}
		r.Got = Text{"en": fmt.Sprintf("ran %d of %d command(s) matched", n, len(in.Commands)), "ko": fmt.Sprintf("실행한 명령 %d개 중 %d개가 맞습니다", len(in.Commands), n)}
		switch {
		case cc.count.WantsNone():
			r.Student = Text{"en": "a command you ran here is one this step asks you not to run",
				"ko": "이 단계에서 실행하지 말라고 한 명령을 실행했습니다"}
		case len(in.Commands) == 0:
			r.Student = Text{"en": "not yet: you have run no command in this step",
				"ko": "아직입니다: 이 단계에서 아직 실행한 명령이 없습니다"}
		case n == 0:
			r.Student = Text{"en": fmt.Sprintf("not yet: none of the %d command(s) you ran so far did this", len(in.Commands)),
				"ko": fmt.Sprintf("아직입니다: 지금까지 실행한 명령 %d개 중 이렇게 한 명령이 없습니다", len(in.Commands))}
		default:
			r.Student = Text{"en": fmt.Sprintf("%d of your commands did this; %s needed", n, cc.count.EN()),
				"ko": fmt.Sprintf("이렇게 한 명령이 %d개입니다. %s", n, cc.count.KO())}
		}
	}
}

func evalIsolation(q *IsolationQuery, in *Inputs, r *CheckResult) {
	ns := q.Namespace
	if ns == "" {
		ns = "default"
	}
	r.Subject = "isolation of pod " + ns + "/" + q.Pod
	if in.Cluster == nil {
		r.Status = Broken
		return
	}
	iso, err := in.Cluster.Isolation(ns, q.Pod)
	if err != nil {
		r.Status = Fail
		if errors.Is(err, ErrUnknownResource) {
			r.Status = Broken
		}
		r.Want = Text{"en": "expected the pod to be running", "ko": "파드가 실행 중이어야 합니다"}
		r.Got = en(err.Error())
		return
	}
	var cs []ContainerIsolation
	if len(q.Containers) == 0 {
		cs = iso.Containers
	} else {
		for _, name := range q.Containers {
			found := false
			for _, c := range iso.Containers {
				if c.Name == name {
					cs = append(cs, c)
					found = true
				}
			}
			if !found {
				r.Status = Fail
				r.Want = Text{"en": fmt.Sprintf("expected a running container %q", name), "ko": fmt.Sprintf("%q 컨테이너가 실행 중이어야 합니다", name)}
				r.Got = Text{"en": "it is not running", "ko": "실행 중이 아닙니다"}
				return
			}
		}
	}
	if len(cs) < 2 {
		r.Status = Fail
		r.Want = Text{"en": "expected at least two running containers to compare", "ko": "비교할 컨테이너가 두 개 이상 실행 중이어야 합니다"}
		r.Got = Text{"en": fmt.Sprintf("%d running", len(cs)), "ko": fmt.Sprintf("%d개 실행 중", len(cs))}
		return
	}
	ids := func(t string) string {
		var parts []string
		for _, c := range cs {
			parts = append(parts, c.Name+" "+c.Namespaces[t])
		}
		return strings.Join(parts, ", ")
	}
	for _, t := range q.Share {
		first := cs[0].Namespaces[t]
		for _, c := range cs[1:] {
			if first == "" || c.Namespaces[t] != first {
				r.Status = Fail
				r.Want = Text{"en": fmt.Sprintf("expected the containers to share one %s namespace", t), "ko": fmt.Sprintf("컨테이너들이 %s 네임스페이스 하나를 공유해야 합니다", t)}
				r.Got = en(ids(t))
				return
			}
		}
	}
	for _, t := range q.Separate {
		seen := map[string]string{}
		for _, c := range cs {
			id := c.Namespaces[t]
			if other, ok := seen[id]; ok && id != "" {
				r.Status = Fail
				r.Want = Text{"en": fmt.Sprintf("expected each container to have its own %s namespace", t), "ko": fmt.Sprintf("컨테이너마다 %s 네임스페이스가 따로 있어야 합니다", t)}
				r.Got = Text{"en": fmt.Sprintf("%s and %s share %s", other, c.Name, id), "ko": fmt.Sprintf("%s와 %s가 %s를 공유합니다", other, c.Name, id)}
				return
			}
			seen[id] = c.Name
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedMatcherKeys(m map[string]*Matcher) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Evaluator follows one step: it keeps the narration and commands that
// matter to the step's checks and mistakes, and evaluates them on demand.
// It is not safe for concurrent use.
type Evaluator struct {
	checks   []*Check
	mistakes []*Mistake
	queries  []*eventMatcher
	started  bool
	start    uint64
	events   []Event
	commands []Command
	latched  map[*Check]CheckResult
}

// maxEvents bounds the events an evaluator keeps (the oldest go first).
const maxEvents = 20000

// NewEvaluator follows checks and mistakes. Events are kept from the
// moment Start is called with the step's first sequence number.
func NewEvaluator(checks []*Check, mistakes []*Mistake) *Evaluator {
	e := &Evaluator{checks: checks, mistakes: mistakes, latched: map[*Check]CheckResult{}}
	var walk func(c *Check)
	walk = func(c *Check) {
		if c == nil {
			return
		}
		if c.c == nil {
			compileCheck("", c)
		}
		if c.c == nil {
			return
		}
		if c.c.event != nil {
			e.queries = append(e.queries, c.c.event)
		}
		e.queries = append(e.queries, c.c.sequence...)
		for _, ch := range c.c.children {
			walk(ch)
		}
	}
	for _, c := range checks {
		walk(c)
	}
	for _, m := range mistakes {
		walk(m.When)
	}
	return e
}

// Start begins the observation: events up to seq (the step's setup) no
// longer count, nor do commands run so far.
func (e *Evaluator) Start(seq uint64) {
	e.started, e.start = true, seq
	kept := e.events[:0]
	for _, ev := range e.events {
		if ev.Seq > seq {
			kept = append(kept, ev)
		}
	}
	e.events = kept
	e.commands = nil
	e.latched = map[*Check]CheckResult{}
}

// Started reports whether Start was called.
func (e *Evaluator) Started() bool { return e.started }

// Observe keeps the events of a batch that some check or mistake looks at.
func (e *Evaluator) Observe(batch []Event) {
	for i := range batch {
		ev := &batch[i]
		if e.started && ev.Seq <= e.start {
			continue
		}
		for _, q := range e.queries {
			if q.match(ev) {
				e.events = append(e.events, *ev)
				break
			}
		}
	}
	if len(e.events) > maxEvents {
		e.events = append([]Event(nil), e.events[len(e.events)-maxEvents/2:]...)
	}
}

// Ran records a command the student ran.
func (e *Evaluator) Ran(c Command) { e.commands = append(e.commands, c) }

// Commands returns the commands recorded since the start.
func (e *Evaluator) Commands() []Command { return append([]Command(nil), e.commands...) }

// Evaluate evaluates every check and mistake against the cluster as it is.
func (e *Evaluator) Evaluate(c Cluster) Result {
	in := &Inputs{Cluster: c, Events: e.events, Commands: e.commands}
	res := Result{Passed: e.started}
	for _, ch := range e.checks {
		var r CheckResult
		if l, ok := e.latched[ch]; ok {
			r = l
		} else {
			r = Evaluate(ch, in)
			if ch.Always && r.Status == Fail && e.started {
				r.Got = Text{"en": r.Got.In("en") + " (at one point since the step started)", "ko": r.Got.In("ko") + " (이 단계가 시작된 뒤 한때)"}
				e.latched[ch] = r
			}
		}
		if r.Status != Pass {
			res.Passed = false
		}
		res.Checks = append(res.Checks, r)
	}
	if len(e.checks) == 0 {
		res.Passed = false
	}
	for _, m := range e.mistakes {
		if m.When != nil && Evaluate(m.When, in).Status == Pass {
			res.Mistakes = append(res.Mistakes, MistakeHit{ID: m.ID, Hint: m.Hint})
		}
	}
	return res
}
