// Package lessonsrun connects the lessons to a kubetour engine cluster: it
// implements lessons.Cluster and lessons.Env over *engine.Cluster (reads,
// the workspace folder, setups through script.Runner, resets), converts the
// engine's narration into lesson events, and verifies a course end to end
// (`kubetour lessons check`). Package lessons never imports the engine;
// this package may import both.
//
// Wiring a lesson to a cluster (what `kubetour lessons run` does, and what
// the terminal UI does from its commands):
//
//	ws, _ := lessonsrun.OpenWorkspace(dir)               // the step files go here
//	env, _ := lessonsrun.NewEnv(cluster, ws, kubectl, nil)
//	sess := lessons.NewSession(course, env, prog, store)  // store: *progress.Store
//	sess.Start()                                          // blocks: run it in a tea.Cmd
//	// every narration batch (cheap, safe in Update):
//	u := sess.Observe(lessonsrun.Events(batch))
//	// every console command, with the args as typed and its output:
//	u = sess.Ran(lessons.Command{Line: line, Args: typed, Exit: code, Output: out})
//	// u.Passed → show the step's explain; u.NewMistakes → show their hints;
//	// u.Advance → call sess.Next (auto-advance is on)
//	// lesson console commands (next, hint, solution, reset …; may block):
//	reply, handled := sess.Command(line)
//	pane := sess.Markdown()
//
// The console's kubectl must find the step files: run it in ws.Dir, or
// pass its arguments through lessons.RewriteFileArgs(args, ws.Resolve).
package lessonsrun

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"kubetour/engine"
	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/lessons"
)

// Cluster reads an engine cluster for the lessons.
type Cluster struct {
	C *engine.Cluster

	mu  sync.Mutex
	iso map[string]isoEntry
}

type isoEntry struct {
	version string
	iso     *lessons.Isolation
}

var _ lessons.Cluster = (*Cluster)(nil)

// NewCluster wraps c.
func NewCluster(c *engine.Cluster) *Cluster { return &Cluster{C: c, iso: map[string]isoEntry{}} }

// kind resolves what a student types after `kubectl get`.
func kind(resource string) (*kinds.Kind, error) {
	name := strings.ToLower(resource)
	base, group, _ := strings.Cut(name, ".")
	k := engine.Kind(base)
	if k == nil || (group != "" && k.GVK.Group != group) {
		return nil, lessons.UnknownResource(fmt.Sprintf("the server doesn't have a resource type %q", resource))
	}
	return k, nil
}

func qualified(k *kinds.Kind) string {
	if k.GVK.Group == "" {
		return k.Plural
	}
	return k.Plural + "." + k.GVK.Group
}

// Get returns one object as the API serves it.
func (a *Cluster) Get(resource, namespace, name string) (map[string]any, error) {
	k, err := kind(resource)
	if err != nil {
		return nil, err
	}
	if !k.Namespaced {
		namespace = ""
	}
	obj, err := a.C.Get(k, namespace, name)
	if apierrors.IsNotFound(err) {
		return nil, lessons.NotFound(fmt.Sprintf("%s %q not found", qualified(k), name))
	}
	if err != nil {
		return nil, err
	}
	return toMap(k, obj)
}

// List returns a resource's objects in namespace ("" = all).
func (a *Cluster) List(resource, namespace string) ([]map[string]any, error) {
	k, err := kind(resource)
	if err != nil {
		return nil, err
	}
	if !k.Namespaced {
		namespace = ""
	}
	objs := a.C.List(k, namespace)
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		m, err := toMap(k, o)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// toMap is an object's JSON form with integers as int64, as kubectl's
// unstructured objects are.
func toMap(k *kinds.Kind, obj runtime.Object) (map[string]any, error) {
	obj.GetObjectKind().SetGroupVersionKind(k.GVK)
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := utiljson.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Isolation returns a running pod's isolation facts, cached until the pod
// changes.
func (a *Cluster) Isolation(namespace, pod string) (*lessons.Isolation, error) {
	obj, err := a.C.Get(kinds.Core("pods"), namespace, pod)
	if apierrors.IsNotFound(err) {
		return nil, lessons.NotFound(fmt.Sprintf("pods %q not found", pod))
	}
	if err != nil {
		return nil, err
	}
	m, _ := meta.Accessor(obj)
	key := namespace + "/" + pod
	version := string(m.GetUID()) + "/" + m.GetResourceVersion()
	a.mu.Lock()
	if e, ok := a.iso[key]; ok && e.version == version {
		a.mu.Unlock()
		return e.iso, nil
	}
	a.mu.Unlock()
	facts, err := a.C.Isolation(context.Background(), namespace, pod)
	if err != nil {
		return nil, err
	}
	iso := &lessons.Isolation{}
	for _, c := range facts.Containers {
		ns := map[string]string{}
		for t, id := range c.Namespaces {
			ns[t] = id
		}
		iso.Containers = append(iso.Containers, lessons.ContainerIsolation{Name: c.Name, Namespaces: ns,
			MemoryLimit: c.Cgroup.MemoryLimit, CPUQuota: c.Cgroup.CPUQuota, CPUPeriod: c.Cgroup.CPUPeriod})
	}
	a.mu.Lock()
	a.iso[key] = isoEntry{version: version, iso: iso}
	a.mu.Unlock()
	return iso, nil
}

// Events converts a batch of narration events for the lessons.
func Events(batch []events.Event) []lessons.Event {
	out := make([]lessons.Event, len(batch))
	for i, e := range batch {
		le := lessons.Event{Seq: e.Seq, Time: e.Time, Kind: string(e.Kind), Source: e.Source, Reason: e.Reason, Type: e.Type,
			Message: e.Message, EN: e.EN, KO: e.KO, Fields: e.Fields}
		for _, r := range e.Objects {
			le.Objects = append(le.Objects, lessons.Ref{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name})
		}
		out[i] = le
	}
	return out
}

// LastSeq is the sequence number of the latest narration event.
func LastSeq(c *engine.Cluster) uint64 {
	h := c.History()
	if len(h) == 0 {
		return 0
	}
	return h[len(h)-1].Seq
}
