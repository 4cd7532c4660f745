// Package record turns component decisions into the narration stream and
// into Kubernetes Events (what `kubectl describe` and `kubectl get events`
// show), from one call, so the two can never disagree.
package record

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/events"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// Recorder publishes decisions. It runs on the engine loop.
type Recorder struct {
	Bus   *events.Bus
	Store *store.Store
	Now   func() time.Time
	// seq makes event object names unique and repeatable.
	seq uint64
	// seen maps an aggregation key to the event that counts its repeats.
	seen map[string]string
	// similar remembers when events of one object and reason happened.
	similar map[string][]time.Time
}

// Decision is one explained action.
type Decision struct {
	Source    string // component: "kubelet", "default-scheduler", "replicaset-controller"
	Host      string // node name for kubelet events
	Object    runtime.Object
	FieldPath string // spec.containers{web}
	Type      string // Normal | Warning
	Reason    string
	Message   string // the Kubernetes Event message, upstream wording
	EN, KO    string // for the student; EN defaults to Message
	Related   []events.Ref
	Fields    map[string]string
	// NoEvent publishes the narration only (decisions Kubernetes does not
	// record as Events).
	NoEvent bool

	aggregate string // set when folded into a "combined" event
}

// RefOf names obj for the narration.
func RefOf(obj runtime.Object) events.Ref {
	m, err := meta.Accessor(obj)
	if err != nil {
		return events.Ref{}
	}
	return events.Ref{Kind: kindOf(obj), Namespace: m.GetNamespace(), Name: m.GetName(), UID: string(m.GetUID())}
}

func kindOf(obj runtime.Object) string {
	if k := obj.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	t := fmt.Sprintf("%T", obj)
	return t[strings.LastIndex(t, ".")+1:]
}

// Record publishes d and writes or bumps the matching Kubernetes Event.
func (r *Recorder) Record(d Decision) {
	if d.Type == "" {
		d.Type = corev1.EventTypeNormal
	}
	if d.EN == "" {
		d.EN = d.Message
	}
	if d.KO == "" {
		d.KO = d.EN
	}
	refs := append([]events.Ref{RefOf(d.Object)}, d.Related...)
	r.Bus.Publish(events.Event{
		Time: r.Now(), Kind: events.Decision, Source: d.Source, Reason: d.Reason, Type: d.Type,
		Objects: refs, Message: d.Message, EN: d.EN, KO: d.KO, Fields: d.Fields,
	})
	if d.NoEvent || r.Store == nil {
		return
	}
	r.writeEvent(d)
}

// writeEvent aggregates repeats the way the client-go event recorder does:
// the same object, reason and message bump count and lastTimestamp.
func (r *Recorder) writeEvent(d Decision) {
	m, err := meta.Accessor(d.Object)
	if err != nil {
		return
	}
	ek := kinds.Core("events")
	ns := m.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	now := metav1.NewTime(r.Now().Truncate(time.Second))
	// Many similar events (same object and reason, different messages)
	// within ten minutes are folded into one, as client-go's
	// EventCorrelator does after the tenth.
	simKey := string(m.GetUID()) + "\x00" + d.FieldPath + "\x00" + d.Reason + "\x00" + d.Type
	if r.similar == nil || len(r.similar) > 20000 {
		r.similar = map[string][]time.Time{}
	}
	recent := r.similar[simKey][:0:0]
	for _, t := range r.similar[simKey] {
		if r.Now().Sub(t) < 10*time.Minute {
			recent = append(recent, t)
		}
	}
	recent = append(recent, r.Now())
	r.similar[simKey] = recent
	if len(recent) > 10 {
		d.Message = "(combined from similar events): " + d.Message
		d.aggregate = simKey
	}
	// Repeats of the same event are counted on the first one, as the
	// client-go recorder's aggregation does.
	aggKey := string(m.GetUID()) + "\x00" + d.FieldPath + "\x00" + d.Reason + "\x00" + d.Message
	if d.aggregate != "" {
		aggKey = d.aggregate
	}
	h := sha256.Sum256([]byte(aggKey))
	akey := hex.EncodeToString(h[:8])
	if r.seen == nil || len(r.seen) > 20000 {
		// Forget old aggregation keys wholesale; at worst a repeat starts a
		// new Event instead of counting on an old one.
		r.seen = map[string]string{}
	}
	if name, ok := r.seen[akey]; ok {
		if cur, err := r.Store.Get(ek, ns, name); err == nil {
			ev := cur.(*corev1.Event)
			ev.Count++
			ev.LastTimestamp = now
			ev.Message = d.Message
			r.Store.Update(ek, ev, store.UpdateOptions{Owned: true})
			return
		} else if !apierrors.IsNotFound(err) {
			return
		}
	}
	// Names are <object>.<hex of the time in nanoseconds>, as the recorder
	// makes them, so events list in the order they happened.
	r.seq++
	name := fmt.Sprintf("%s.%x", m.GetName(), r.Now().UnixNano()+int64(r.seq))
	r.seen[akey] = name
	gvk := kindsGVK(d.Object)
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		InvolvedObject: corev1.ObjectReference{
			Kind: gvk.Kind, Namespace: m.GetNamespace(), Name: m.GetName(), UID: m.GetUID(),
			APIVersion: gvk.GroupVersion().String(), ResourceVersion: m.GetResourceVersion(), FieldPath: d.FieldPath,
		},
		Reason: d.Reason, Message: d.Message, Type: d.Type, Count: 1,
		Source:              corev1.EventSource{Component: d.Source, Host: d.Host},
		FirstTimestamp:      now,
		LastTimestamp:       now,
		ReportingController: d.Source,
		ReportingInstance:   d.Host,
	}
	r.Store.CreateOwned(ek, ev)
}

func kindsGVK(obj runtime.Object) (gvk schemaGVK) {
	k := kindOf(obj)
	for _, kd := range kinds.All {
		if kd.GVK.Kind == k {
			return schemaGVK(kd.GVK)
		}
	}
	return schemaGVK{Version: "v1", Kind: k}
}
