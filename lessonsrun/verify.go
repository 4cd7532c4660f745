package lessonsrun

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"kubetour/engine"
	"kubetour/engine/events"
	"kubetour/lessons"
)

// VerifyConfig says how to verify a course.
type VerifyConfig struct {
	// NewCluster starts a fresh cluster.
	NewCluster func() (*engine.Cluster, error)
	// Kubectl runs the embedded kubectl (program and leading arguments);
	// KubectlEnv is added to its environment.
	Kubectl    []string
	KubectlEnv []string
	// Fresh starts a new cluster for every step instead of resetting the
	// chapter's cluster between steps.
	Fresh bool
	// Wait bounds the cluster time checks may take to pass after the
	// solution (default 2m).
	Wait time.Duration
	// Out receives one line per step, question and checkpoint.
	Out io.Writer
	// Verbose also prints what the setups and solutions print.
	Verbose bool
	// Parallel verifies this many chapters at once, each on its own
	// cluster (0 or 1: one after another). Output stays in chapter order.
	Parallel int
}

// Report is the outcome of a verification.
type Report struct {
	Steps, StepsOK             int
	Questions, QuestionsOK     int
	Checkpoints, CheckpointsOK int
	Mistakes, MistakesOK       int
	Failures                   []string
	ClusterTime                time.Duration // cluster time the solutions took to pass, in total
	Started                    time.Time
	Duration                   time.Duration
}

// OK reports whether everything verified.
func (r *Report) OK() bool { return len(r.Failures) == 0 }

type verifier struct {
	cfg    VerifyConfig
	rep    *Report
	c      *engine.Cluster
	env    *Env
	sub    *events.Subscription
	wsDir  string
	closer func()
	// onCluster is told when a cluster is up (parallel runs start the next
	// chapter then).
	onCluster func()
}

// Verify checks a course end to end on fresh clusters. For every step: the
// cluster is reset and the setup applied; every check must then be in its
// atStart state (failing, by default); the reference solution is run
// command by command; every check must pass within Wait; no mistake may
// fire during the solution; each mistake's trigger, run after a reset,
// must fire it. Predict questions must have exactly one choice matching
// what the cluster does, and checkpoints are verified as steps.
func Verify(course *lessons.Course, cfg VerifyConfig) (*Report, error) {
	if cfg.Wait == 0 {
		cfg.Wait = 2 * time.Minute
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	rep := &Report{Started: time.Now()}
	chapters := course.Chapters
	order := startOrder(chapters, cfg.Parallel)
	n := max(cfg.Parallel, 1)
	type run struct {
		rep     *Report
		out     bytes.Buffer
		err     error
		done    chan struct{}
		started chan struct{} // its first cluster is up (or it gave up)
		once    sync.Once
	}
	runs := make([]*run, len(chapters))
	for i := range runs {
		runs[i] = &run{rep: &Report{Started: rep.Started}, done: make(chan struct{}), started: make(chan struct{})}
	}
	// Chapters are printed in order as soon as they and those before them
	// are done, however many run at once.
	printed := make(chan struct{})
	go func() {
		defer close(printed)
		for _, r := range runs {
			<-r.done
			if n > 1 {
				cfg.Out.Write(r.out.Bytes())
			}
		}
	}()
	sem := make(chan struct{}, n)
	var prev *run
	for _, i := range order {
		ch := chapters[i]
		sem <- struct{}{}
		if prev != nil {
			// Clusters are created in start order, so the first chapter
			// gets the first network (on Docker, 10.96.0.0/16).
			<-prev.started
		}
		r := runs[i]
		prev = r
		c := cfg
		if n > 1 {
			c.Out = &r.out
		}
		go func() {
			defer func() { <-sem }()
			defer close(r.done)
			defer r.once.Do(func() { close(r.started) })
			v := &verifier{cfg: c, rep: r.rep, onCluster: func() { r.once.Do(func() { close(r.started) }) }}
			r.err = v.chapter(ch)
			v.close()
		}()
	}
	<-printed
	var err error
	for _, r := range runs {
		rep.add(r.rep)
		if err == nil {
			err = r.err
		}
	}
	rep.Duration = time.Since(rep.Started)
	return rep, err
}

// startOrder is the order chapters start in (their output keeps the
// course's order). Side by side, chapters that pin a Service's ClusterIP
// start first: only the first cluster of a Docker engine gets the
// 10.96.0.0/16 such addresses come from. Then the later chapters, whose
// controllers wait on real time longest (CronJob, Job, Deployment), so the
// slowest does not start last.
func startOrder(chs []*lessons.Chapter, parallel int) []int {
	order := make([]int, len(chs))
	for i := range order {
		order[i] = i
	}
	if parallel <= 1 {
		return order
	}
	sort.SliceStable(order, func(a, b int) bool {
		pa, pb := pinsClusterIP(chs[order[a]]), pinsClusterIP(chs[order[b]])
		if pa != pb {
			return pa
		}
		return order[a] > order[b]
	})
	return order
}

var pinnedClusterIP = regexp.MustCompile(`(?m)^\s*clusterIP:\s*"?\d+\.\d+\.\d+\.\d+`)

func pinsClusterIP(ch *lessons.Chapter) bool {
	for _, st := range ch.Steps {
		for _, f := range st.Files {
			if pinnedClusterIP.MatchString(f.Content) {
				return true
			}
		}
	}
	return false
}

// add sums another chapter's report into r.
func (r *Report) add(o *Report) {
	r.Steps += o.Steps
	r.StepsOK += o.StepsOK
	r.Questions += o.Questions
	r.QuestionsOK += o.QuestionsOK
	r.Checkpoints += o.Checkpoints
	r.CheckpointsOK += o.CheckpointsOK
	r.Mistakes += o.Mistakes
	r.MistakesOK += o.MistakesOK
	r.Failures = append(r.Failures, o.Failures...)
}

// chapter verifies one chapter on its own cluster(s).
func (v *verifier) chapter(ch *lessons.Chapter) error {
	for _, st := range ch.Steps {
		if err := v.ensureCluster(v.cfg.Fresh); err != nil {
			return err
		}
		v.step(st, "")
	}
	for _, q := range ch.Questions {
		if q.Type != "predict" {
			continue
		}
		if err := v.ensureCluster(v.cfg.Fresh); err != nil {
			return err
		}
		v.predict(ch, q)
	}
	for _, cp := range ch.Checkpoints {
		if err := v.ensureCluster(v.cfg.Fresh); err != nil {
			return err
		}
		v.step(cp.AsStep(ch, ch.Dir+"/quiz.yaml"), "checkpoint ")
	}
	return nil
}

func (v *verifier) close() {
	if v.closer != nil {
		v.closer()
		v.closer = nil
	}
	v.c, v.env = nil, nil
}

func (v *verifier) ensureCluster(fresh bool) error {
	if v.c != nil && !fresh {
		return nil
	}
	v.close()
	c, err := v.cfg.NewCluster()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kubetour-lessons-check-")
	if err != nil {
		c.Stop()
		return err
	}
	ws, err := OpenWorkspace(dir)
	if err != nil {
		c.Stop()
		return err
	}
	env, err := NewEnv(c, ws, v.cfg.Kubectl, v.cfg.KubectlEnv)
	if err != nil {
		c.Stop()
		return err
	}
	if v.cfg.Verbose {
		env.Out = v.cfg.Out
	}
	v.c, v.env, v.sub = c, env, c.Subscribe()
	if v.onCluster != nil {
		v.onCluster()
	}
	v.closer = func() {
		v.sub.Close()
		env.Close()
		c.Stop()
		os.RemoveAll(dir)
	}
	return nil
}

func (v *verifier) fail(what, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	v.rep.Failures = append(v.rep.Failures, what+": "+msg)
	fmt.Fprintf(v.cfg.Out, "%-32s FAIL %s\n", what, msg)
}

// feed hands the evaluator the events published since the last call.
func (v *verifier) feed(ev *lessons.Evaluator) {
	ev.Observe(Events(v.sub.Drain()))
}

// waitPass lets cluster time pass until the evaluation satisfies done, or
// the wait is over. It returns the last result and the cluster time taken.
func (v *verifier) waitPass(ev *lessons.Evaluator, done func(lessons.Result) bool) (lessons.Result, time.Duration) {
	start := v.c.Now()
	for {
		v.c.Settle()
		v.feed(ev)
		r := ev.Evaluate(v.env)
		if done(r) || v.c.Now().Sub(start) >= v.cfg.Wait {
			return r, v.c.Now().Sub(start)
		}
		v.env.waitStep(time.Second)
	}
}

func (v *verifier) step(st *lessons.Step, kind string) {
	what := kind + st.Key()
	switch kind {
	case "":
		v.rep.Steps++
	default:
		v.rep.Checkpoints++
	}
	seq, err := v.env.Reset(st)
	if err != nil {
		v.fail(what, "%v", err)
		return
	}
	if strays := v.env.StrayNamespaces(); len(strays) > 0 {
		v.fail(what, "the setup creates namespace(s) %s that the step's namespaces do not list: a reset would leave them behind", strings.Join(strays, ", "))
		return
	}
	v.sub.Drain()
	ev := lessons.NewEvaluator(st.Checks, st.Mistakes)
	ev.Start(seq)
	r := ev.Evaluate(v.env)
	bad := false
	for i, c := range st.Checks {
		res := r.Checks[i]
		want := c.AtStart
		if want == "" {
			want = "fail"
		}
		switch {
		case res.Status == lessons.Broken:
			v.fail(what, "check %q cannot be evaluated: %s", c.ID, res.Explain("en"))
			bad = true
		case want == "fail" && res.Status == lessons.Pass:
			v.fail(what, "check %q already passes after the setup, before the solution (set atStart: pass if that is meant)", c.ID)
			bad = true
		case want == "pass" && res.Status != lessons.Pass:
			v.fail(what, "check %q should pass after the setup (atStart: pass): %s", c.ID, res.Explain("en"))
			bad = true
		}
	}
	if bad {
		return
	}
	var fired []string
	solErr := v.env.Run(st.Solution.Text, func(c lessons.Command) {
		ev.Ran(c)
		v.c.Settle()
		v.feed(ev)
		for _, m := range ev.Evaluate(v.env).Mistakes {
			if !contains(fired, m.ID) {
				fired = append(fired, m.ID)
			}
		}
	}, false)
	if solErr != nil {
		v.fail(what, "the solution does not run: %v", solErr)
		return
	}
	r, took := v.waitPass(ev, func(r lessons.Result) bool { return r.Passed })
	for _, m := range r.Mistakes {
		if !contains(fired, m.ID) {
			fired = append(fired, m.ID)
		}
	}
	if !r.Passed {
		var parts []string
		for _, c := range r.Failed() {
			parts = append(parts, fmt.Sprintf("check %q: %s", c.ID, c.Explain("en")))
		}
		v.fail(what, "after the solution and %s of cluster time: %s", took.Round(time.Second), strings.Join(parts, "; "))
		return
	}
	if len(fired) > 0 {
		v.fail(what, "mistake(s) %s fired during the reference solution", strings.Join(fired, ", "))
		return
	}
	v.rep.ClusterTime += took
	okMistakes := 0
	for _, m := range st.Mistakes {
		if m.Trigger.Empty() {
			continue
		}
		v.rep.Mistakes++
		if !v.mistake(st, m, what) {
			return
		}
		v.rep.MistakesOK++
		okMistakes++
	}
	if kind == "" {
		v.rep.StepsOK++
	} else {
		v.rep.CheckpointsOK++
	}
	extra := ""
	if okMistakes > 0 {
		extra = fmt.Sprintf(", %d mistake hint(s) fire", okMistakes)
	}
	fmt.Fprintf(v.cfg.Out, "%-32s ok   %d check(s): as expected after the setup, pass %s after the solution%s\n", what, len(st.Checks), took.Round(time.Second), extra)
}

// mistake confirms a mistake's trigger fires its hint.
func (v *verifier) mistake(st *lessons.Step, m *lessons.Mistake, what string) bool {
	seq, err := v.env.Reset(st)
	if err != nil {
		v.fail(what, "mistake %q: %v", m.ID, err)
		return false
	}
	v.sub.Drain()
	ev := lessons.NewEvaluator(nil, []*lessons.Mistake{m})
	ev.Start(seq)
	if r := ev.Evaluate(v.env); len(r.Mistakes) > 0 {
		v.fail(what, "mistake %q fires right after the setup, before any mistake is made", m.ID)
		return false
	}
	v.env.Run(m.Trigger.Text, func(c lessons.Command) { ev.Ran(c) }, false)
	r, _ := v.waitPass(ev, func(r lessons.Result) bool { return len(r.Mistakes) > 0 })
	if len(r.Mistakes) == 0 {
		v.fail(what, "mistake %q: its trigger ran, but the mistake was not recognised", m.ID)
		return false
	}
	return true
}

// predict checks that exactly one choice of a predict question matches what
// the cluster does.
func (v *verifier) predict(ch *lessons.Chapter, q *lessons.Question) {
	what := "quiz " + ch.ID + "/" + q.ID
	v.rep.Questions++
	st := &lessons.Step{ID: q.ID, Chapter: ch, Setup: q.Setup}
	if _, err := v.env.ResetAll(st); err != nil {
		v.fail(what, "%v", err)
		return
	}
	if err := v.env.Run(q.Run.Text, nil, false); err != nil {
		v.fail(what, "run: %v", err)
		return
	}
	// Let what was run play out, as the student would watch it.
	v.env.settle(st.WorkNamespaces())
	out, err := q.Observed(v.env)
	var right []string
	if err == nil {
		right = q.RightChoices(out)
	}
	if err != nil {
		v.fail(what, "observe: %v", err)
		return
	}
	if len(q.Choices) > 0 && len(right) != 1 {
		v.fail(what, "the cluster printed %q: %d choices match it (want exactly one)", out, len(right))
		return
	}
	v.rep.QuestionsOK++
	fmt.Fprintf(v.cfg.Out, "%-32s ok   observed %q%s\n", what, out, choiceNote(right))
}

func choiceNote(right []string) string {
	if len(right) == 0 {
		return ""
	}
	return ": choice " + right[0]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
