package controller

import (
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/scheduler"
	"kubetour/engine/store"
)

// Scheduling drives the scheduler: every pending pod of the default
// scheduler gets a decision from scheduler.Schedule, which is bound or
// reported (FailedScheduling) with upstream's words. Unschedulable pods are
// tried again when something that could make room changes, and at least
// every minute, as the scheduling queue's flush does.
type Scheduling struct {
	Deps
	q             *Queue
	unschedulable map[string]bool
	// Last maps a pod key to its latest decision, for "why this node?".
	Last map[string]scheduler.Decision
	// infos caches the nodes and their pods for one round of the queue, so
	// scheduling 1,000 pending pods reads the store once, not 1,000 times.
	infos []scheduler.NodeInfo
}

// NewScheduling returns the scheduler driver.
func NewScheduling(d Deps) *Scheduling {
	s := &Scheduling{Deps: d, unschedulable: map[string]bool{}, Last: map[string]scheduler.Decision{}}
	s.q = NewQueue(d.Loop, s.sync)
	s.q.BeforeRound = func() { s.infos = nil }
	return s
}

// Observe queues new pending pods and wakes unschedulable ones on changes
// that can free room or add nodes.
func (s *Scheduling) Observe(c store.Change) {
	switch {
	case is(c, "pods"):
		pod := c.Object.(*corev1.Pod)
		k := key(pod.Namespace, pod.Name)
		if c.Type == "DELETED" {
			delete(s.unschedulable, k)
			delete(s.Last, k)
			s.retryAll()
			return
		}
		if pod.Spec.NodeName == "" && pod.DeletionTimestamp == nil && (pod.Spec.SchedulerName == "" || pod.Spec.SchedulerName == corev1.DefaultSchedulerName) {
			if c.Type == "ADDED" || !s.unschedulable[k] {
				s.q.Add(k)
			}
		}
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			s.retryAll()
		}
	case is(c, "nodes"):
		s.retryAll()
	}
}

func (s *Scheduling) retryAll() {
	for k := range s.unschedulable {
		s.q.Add(k)
	}
}

func (s *Scheduling) sync(k string) {
	ns, name := splitKey(k)
	pk := kinds.Core("pods")
	obj, err := s.Store.Get(pk, ns, name)
	if err != nil {
		delete(s.unschedulable, k)
		return
	}
	pod := obj.(*corev1.Pod)
	if pod.Spec.NodeName != "" || pod.DeletionTimestamp != nil {
		delete(s.unschedulable, k)
		return
	}
	if s.infos == nil {
		s.infos = s.nodeInfos()
	}
	d := scheduler.Schedule(pod, s.infos)
	s.Last[k] = d
	if d.Node == "" {
		first := !s.unschedulable[k]
		s.unschedulable[k] = true
		s.setScheduled(pod, corev1.ConditionFalse, d.Reason, d.Message)
		if d.Reason == "SchedulingGated" {
			return
		}
		s.Rec.Record(record.Decision{Source: "default-scheduler", Object: pod, Type: corev1.EventTypeWarning,
			Reason: "FailedScheduling", Message: d.Message, EN: d.EN, KO: d.KO,
			Fields: map[string]string{"first": fmt.Sprint(first)}})
		s.q.AddAfter(k, time.Minute)
		return
	}
	delete(s.unschedulable, k)
	if err := s.API.Bind(ns, name, d.Node); err != nil {
		return
	}
	for i := range s.infos {
		if s.infos[i].Node.Name == d.Node {
			bound := pod.DeepCopy()
			bound.Spec.NodeName = d.Node
			s.infos[i].Pods = append(s.infos[i].Pods, bound)
		}
	}
	if cur, err := s.Store.Get(pk, ns, name); err == nil {
		s.setScheduled(cur.(*corev1.Pod), corev1.ConditionTrue, "", "")
	}
	s.Rec.Record(record.Decision{Source: "default-scheduler", Object: pod, Reason: "Scheduled",
		Message: fmt.Sprintf("Successfully assigned %s/%s to %s", ns, name, d.Node), EN: d.EN, KO: d.KO,
		Fields: map[string]string{"node": d.Node}})
}

func (s *Scheduling) setScheduled(pod *corev1.Pod, status corev1.ConditionStatus, reason, msg string) {
	now := metav1.NewTime(s.now().Truncate(time.Second))
	found := false
	for i := range pod.Status.Conditions {
		c := &pod.Status.Conditions[i]
		if c.Type != corev1.PodScheduled {
			continue
		}
		found = true
		if c.Status == status && c.Reason == reason && c.Message == msg {
			return
		}
		if c.Status != status {
			c.LastTransitionTime = now
		}
		c.Status, c.Reason, c.Message = status, reason, msg
	}
	if !found {
		pod.Status.Conditions = append(pod.Status.Conditions, corev1.PodCondition{Type: corev1.PodScheduled, Status: status,
			Reason: reason, Message: msg, LastTransitionTime: now})
	}
	if pod.Status.Phase == "" {
		pod.Status.Phase = corev1.PodPending
	}
	s.Store.Update(kinds.Core("pods"), pod, store.UpdateOptions{Status: true})
}

// nodeInfos lists nodes with the non-terminal pods bound to each.
func (s *Scheduling) nodeInfos() []scheduler.NodeInfo {
	nodes, _ := s.Store.List(kinds.Core("nodes"), store.ListOptions{})
	pods, _ := s.Store.List(kinds.Core("pods"), store.ListOptions{})
	byNode := map[string][]*corev1.Pod{}
	for _, o := range pods {
		p := o.(*corev1.Pod)
		if p.Spec.NodeName == "" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		byNode[p.Spec.NodeName] = append(byNode[p.Spec.NodeName], p)
	}
	out := make([]scheduler.NodeInfo, 0, len(nodes))
	for _, o := range nodes {
		n := o.(*corev1.Node)
		out = append(out, scheduler.NodeInfo{Node: n, Pods: byNode[n.Name]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Node.Name < out[j].Node.Name })
	return out
}
