package lessonsrun

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine"
	"kubetour/engine/apiserver"
	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/lessons"
	"kubetour/script"
)

// Env is lessons.Env over an engine cluster: it writes step files into the
// workspace, runs setups and solutions through script.Runner (the real
// kubectl) and resets the cluster to a step's start.
//
// Reset works in place: when the Env is created it records every object of
// the cluster (its baseline: system pods, nodes, default namespaces). A
// reset deletes everything else in the step's namespaces (force, no grace
// period), deletes namespaces the step works in that were not there at the
// start, deletes cluster-wide objects the student created, puts the nodes'
// labels, taints and cordons back, and runs the setup again.
type Env struct {
	*Cluster
	WS *Workspace
	// Out receives what setups and solutions print (io.Discard by default).
	Out io.Writer
	// Notify receives notices for the student (a kept file). It is
	// called while the session is busy with the step: a receiver queues
	// the notice and says it, in the student's language, afterwards.
	Notify func(Notice)
	// SettleWait bounds the cluster time a setup may take to settle
	// (pods started or stuck) before the step starts (default 60s).
	SettleWait time.Duration

	mu     sync.Mutex
	runner *script.Runner
	base   baseline
	// strays are the namespaces the last setup created outside the
	// step's own: reset does not clear them, so a lesson should list them.
	strays []string
}

var _ lessons.Env = (*Env)(nil)

type objKey struct{ kind, ns, name string }

type nodeState struct {
	labels        map[string]string
	taints        []corev1.Taint
	unschedulable bool
}

type baseline struct {
	objs  map[objKey]bool
	nodes map[string]nodeState
}

// systemNamespaces are never cleared.
var systemNamespaces = map[string]bool{"kube-system": true, "kube-public": true, "kube-node-lease": true}

// NewEnv records the cluster's baseline and prepares a runner for setups.
// kubectl is the program and leading arguments that run the embedded
// kubectl (the kubetour binary and "kubectl"); kubectlEnv is added to its
// environment.
func NewEnv(c *engine.Cluster, ws *Workspace, kubectl []string, kubectlEnv []string) (*Env, error) {
	r := &script.Runner{Cluster: c, Kubectl: kubectl, Env: kubectlEnv, Out: io.Discard}
	if err := r.Prepare(); err != nil {
		return nil, err
	}
	c.Settle()
	e := &Env{Cluster: NewCluster(c), WS: ws, Out: io.Discard, runner: r}
	e.base = e.snapshot()
	return e, nil
}

// Close removes the runner's temporary files.
func (e *Env) Close() { e.runner.Close() }

func listable(k *kinds.Kind) bool {
	return slices.Contains(k.Verbs, "list") && slices.Contains(k.Verbs, "delete")
}

func keyOf(k *kinds.Kind, ns, name string) objKey {
	return objKey{kind: k.GVK.Group + "/" + k.Plural, ns: ns, name: name}
}

func (e *Env) snapshot() baseline {
	b := baseline{objs: map[objKey]bool{}, nodes: map[string]nodeState{}}
	for _, k := range kinds.All {
		if !listable(k) {
			continue
		}
		for _, o := range e.C.List(k, "") {
			m, _ := meta.Accessor(o)
			b.objs[keyOf(k, m.GetNamespace(), m.GetName())] = true
		}
	}
	for _, o := range e.C.List(kinds.Core("nodes"), "") {
		n := o.(*corev1.Node)
		b.nodes[n.Name] = nodeState{labels: maps.Clone(n.Labels), taints: slices.Clone(n.Spec.Taints), unschedulable: n.Spec.Unschedulable}
	}
	return b
}

// Enter writes the step's files (keeping the student's edits) and runs its
// setup.
func (e *Env) Enter(st *lessons.Step) (uint64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	kept, err := e.WS.Write(st.Files, false)
	if err != nil {
		return LastSeq(e.C), err
	}
	for _, k := range kept {
		e.notify(Notice{
			EN: fmt.Sprintf("kept your edited %s (`reset` rewrites it)", k),
			KO: fmt.Sprintf("직접 고친 %s 파일은 그대로 두었습니다 (`reset`을 하면 처음 내용으로 돌아갑니다)", k),
		})
	}
	seq, err := e.setupLocked(st)
	if err == nil {
		return seq, nil
	}
	// What the student left in the step's namespaces can clash with its
	// setup (a pod of the same name with another spec, which cannot be
	// updated in place): clear those namespaces, as `reset` does, and set
	// the step up again, keeping the student's edited files.
	if rerr := e.restore(st.WorkNamespaces(), false); rerr != nil {
		return seq, err
	}
	seq, err2 := e.setupLocked(st)
	if err2 != nil {
		return seq, err2
	}
	nss, why := strings.Join(st.WorkNamespaces(), ", "), firstLine(err.Error())
	e.notify(Notice{
		EN: fmt.Sprintf("the step's setup clashed with what was in %s (%v): cleared them and set the step up again", nss, why),
		KO: fmt.Sprintf("이 단계의 준비 작업이 %s 네임스페이스에 남아 있던 오브젝트와 충돌했습니다 (%v). 네임스페이스를 비우고 단계를 다시 준비했습니다", nss, why),
	})
	return seq, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Reset returns the cluster to the step's start.
func (e *Env) Reset(st *lessons.Step) (uint64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.restore(st.WorkNamespaces(), false); err != nil {
		return LastSeq(e.C), err
	}
	if _, err := e.WS.Write(st.Files, true); err != nil {
		return LastSeq(e.C), err
	}
	return e.setupLocked(st)
}

// ResetAll clears every namespace, then prepares the step.
func (e *Env) ResetAll(st *lessons.Step) (uint64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.restore(nil, true); err != nil {
		return LastSeq(e.C), err
	}
	if st == nil {
		return LastSeq(e.C), nil
	}
	if _, err := e.WS.Write(st.Files, true); err != nil {
		return LastSeq(e.C), err
	}
	return e.setupLocked(st)
}

// Notice is something the student should know about their step, in each
// language the lessons speak.
type Notice struct{ EN, KO string }

// In is the notice in lang, English when it has no such translation.
func (n Notice) In(lang string) string {
	if lang == "ko" && n.KO != "" {
		return n.KO
	}
	return n.EN
}

func (e *Env) notify(n Notice) {
	if e.Notify != nil {
		e.Notify(n)
	}
}

func (e *Env) setupLocked(st *lessons.Step) (uint64, error) {
	// The setup applies the step's own files, not the student's edits of
	// them kept in the workspace: the step starts where its author said,
	// whatever was done to the file in an earlier step.
	resolve, err := e.WS.Pristine(st.Files)
	if err != nil {
		return LastSeq(e.C), fmt.Errorf("setup: %w", err)
	}
	before := e.namespaces()
	err = e.runLocked(st.Setup.Text, nil, true, resolve)
	// The setup's pods are waited for wherever it put them, the
	// namespaces it created included.
	e.strays = nil
	for ns := range e.namespaces() {
		if !before[ns] && !slices.Contains(st.WorkNamespaces(), ns) {
			e.strays = append(e.strays, ns)
		}
	}
	slices.Sort(e.strays)
	e.settle(append(slices.Clone(st.WorkNamespaces()), e.strays...))
	if err != nil {
		err = fmt.Errorf("setup: %w", err)
	}
	return LastSeq(e.C), err
}

// Run runs a script (a solution, a quiz's run) as the student would type
// it, reporting each command to record. It stops at the first failing
// command when failFast.
func (e *Env) Run(text string, record func(lessons.Command), failFast bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runLocked(text, record, failFast, e.WS.Resolve)
}

func (e *Env) runLocked(text string, record func(lessons.Command), failFast bool, resolve func(string) string) error {
	steps, err := script.Parse(strings.NewReader(text))
	if err != nil {
		return err
	}
	for _, st := range steps {
		if st.Comment {
			continue
		}
		if isKubectl(st.Args) {
			st.Args = lessons.RewriteFileArgs(st.Args, resolve)
		}
		var buf bytes.Buffer
		e.runner.Out = io.MultiWriter(&buf, e.Out)
		ok := e.runner.Exec(st)
		e.runner.Out = io.Discard
		if record != nil {
			exit := 0
			if !ok {
				exit = 1
			}
			record(lessons.Command{Seq: LastSeq(e.C), Time: e.C.Now(), Line: st.Text, Args: st.Args, Exit: exit, Output: buf.String()})
		}
		if !ok && failFast {
			return fmt.Errorf("%s: %s", st.Text, strings.TrimSpace(buf.String()))
		}
	}
	return nil
}

func isKubectl(args []string) bool {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "kubectl" || a == "k":
			return true
		case a == "timeout":
			i++
		case strings.Contains(a, "="):
		default:
			return false
		}
	}
	return false
}

func (e *Env) onLoop(fn func()) {
	done := make(chan struct{})
	e.C.Loop.Post(func() {
		defer close(done)
		fn()
	})
	<-done
}

// waitStep lets cluster time pass: a manual clock is advanced, a real one
// waited for.
func (e *Env) waitStep(d time.Duration) {
	if e.C.Clock.Manual() {
		e.C.Advance(d)
		return
	}
	time.Sleep(min(d, 50*time.Millisecond))
}

// deleteOrder puts workload controllers first, so they do not replace
// what is being deleted, and events last.
func deleteOrder() []*kinds.Kind {
	first := map[string]bool{"deployments": true, "replicasets": true, "replicationcontrollers": true, "daemonsets": true,
		"statefulsets": true, "jobs": true, "cronjobs": true, "horizontalpodautoscalers": true}
	var a, b []*kinds.Kind
	for _, k := range kinds.All {
		if !listable(k) || k.Plural == "events" {
			continue
		}
		if first[k.Plural] {
			a = append(a, k)
		} else {
			b = append(b, k)
		}
	}
	return append(a, b...)
}

// restore deletes what is not in the baseline: in nss (or, with all, in
// every namespace but the system ones), namespaces that did not exist,
// cluster-wide objects, and puts the nodes back.
func (e *Env) restore(nss []string, all bool) error {
	user := func(ns string) bool {
		if systemNamespaces[ns] {
			return false
		}
		return all || slices.Contains(nss, ns)
	}
	zero := int64(0)
	bg := metav1.DeletePropagationBackground
	opts := &metav1.DeleteOptions{GracePeriodSeconds: &zero, PropagationPolicy: &bg}
	del := func(k *kinds.Kind, ns, name string) {
		e.onLoop(func() { e.C.API.Delete(context.Background(), k, ns, name, opts) })
	}
	nsKind, nodeKind := kinds.Core("namespaces"), kinds.Core("nodes")
	// leftovers deletes what should not be there and counts it.
	leftovers := func() int {
		n := 0
		for _, k := range deleteOrder() {
			if k == nodeKind {
				continue
			}
			for _, o := range e.C.List(k, "") {
				m, _ := meta.Accessor(o)
				ns, name := m.GetNamespace(), m.GetName()
				if e.base.objs[keyOf(k, ns, name)] {
					continue
				}
				switch {
				case k == nsKind:
					if !all && !slices.Contains(nss, name) {
						continue
					}
				case k.Namespaced:
					if !user(ns) {
						continue
					}
				}
				n++
				if m.GetDeletionTimestamp() == nil || k.Plural == "pods" {
					del(k, ns, name)
				}
			}
		}
		return n
	}
	e.restoreNodes()
	wait := 120 * time.Second
	for start := e.C.Now(); ; {
		e.C.Settle()
		if leftovers() == 0 {
			break
		}
		if e.C.Now().Sub(start) > wait {
			return fmt.Errorf("reset: objects are still being deleted after %s", wait)
		}
		e.waitStep(time.Second)
	}
	// Events last: deleting pods produced some.
	ek := kinds.Core("events")
	for _, o := range e.C.List(ek, "") {
		m, _ := meta.Accessor(o)
		if user(m.GetNamespace()) && !e.base.objs[keyOf(ek, m.GetNamespace(), m.GetName())] {
			del(ek, m.GetNamespace(), m.GetName())
		}
	}
	e.C.Settle()
	return nil
}

// restoreNodes puts back the labels, taints and cordon of the baseline nodes.
func (e *Env) restoreNodes() {
	k := kinds.Core("nodes")
	for name, want := range e.base.nodes {
		e.onLoop(func() {
			obj, err := e.C.Store.Get(k, "", name)
			if err != nil {
				return
			}
			n := obj.(*corev1.Node)
			if equal.Semantic(n.Labels, want.labels) && equal.Semantic(n.Spec.Taints, want.taints) &&
				n.Spec.Unschedulable == want.unschedulable {
				return
			}
			n.Labels, n.Spec.Taints, n.Spec.Unschedulable = maps.Clone(want.labels), slices.Clone(want.taints), want.unschedulable
			e.C.API.Update(context.Background(), k, "", name, "", n, apiserver.WriteOptions{})
		})
	}
}

func (e *Env) namespaces() map[string]bool {
	set := map[string]bool{}
	for _, o := range e.C.List(kinds.Core("namespaces"), "") {
		m, _ := meta.Accessor(o)
		set[m.GetName()] = true
	}
	return set
}

// StrayNamespaces returns the namespaces the last setup created that its
// step does not list as its own (a reset would leave them behind).
func (e *Env) StrayNamespaces() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.strays)
}

// settle lets a setup's consequences play out: pods scheduled and started,
// or stuck (unschedulable, crashing, image not found), so that the step
// starts from a steady state and the setup's own events come before it.
func (e *Env) settle(nss []string) {
	wait := e.SettleWait
	if wait == 0 {
		wait = 60 * time.Second
	}
	deadline := e.C.Now().Add(wait)
	for {
		e.C.Settle()
		// On Docker a Service is a proxy container that takes a moment
		// to appear: a step starts once its Services answer too.
		if (e.podsSettled(nss) && e.C.ServicesSynced()) || !e.C.Now().Before(deadline) {
			return
		}
		e.waitStep(250 * time.Millisecond)
	}
}

func (e *Env) podsSettled(nss []string) bool {
	for _, ns := range nss {
		for _, o := range e.C.List(kinds.Core("pods"), ns) {
			if !podSettled(o.(*corev1.Pod)) {
				return false
			}
		}
	}
	return true
}

func podSettled(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil {
		return false
	}
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return true
	}
	if p.Spec.NodeName == "" {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
				return true // unschedulable: a state the step may start from
			}
		}
		return false
	}
	if len(p.Status.ContainerStatuses) < len(p.Spec.Containers) {
		return false
	}
	for _, cs := range p.Status.ContainerStatuses {
		switch {
		case cs.State.Running != nil, cs.State.Terminated != nil:
		case cs.State.Waiting != nil && cs.State.Waiting.Reason != "" && cs.State.Waiting.Reason != "ContainerCreating" && cs.State.Waiting.Reason != "PodInitializing":
		default:
			return false
		}
	}
	return true
}
