package controller

import (
	"fmt"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

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
	// The scheduler's cache, kept from the change stream as kube-scheduler
	// keeps its own: nodes and the non-terminal pods bound to each. The
	// objects are the store's (read-only here), so nothing is copied.
	nodes  map[string]*corev1.Node
	onNode map[string]*nodePods
}

type nodePods struct {
	pods  []*corev1.Pod
	index map[string]int
}

func (n *nodePods) put(k string, p *corev1.Pod) {
	if i, ok := n.index[k]; ok {
		n.pods[i] = p
		return
	}
	n.index[k] = len(n.pods)
	n.pods = append(n.pods, p)
}

func (n *nodePods) remove(k string) {
	i, ok := n.index[k]
	if !ok {
		return
	}
	last := len(n.pods) - 1
	if i != last {
		moved := n.pods[last]
		n.pods[i] = moved
		n.index[key(moved.Namespace, moved.Name)] = i
	}
	n.pods[last] = nil
	n.pods = n.pods[:last]
	delete(n.index, k)
}

// NewScheduling returns the scheduler driver.
func NewScheduling(d Deps) *Scheduling {
	s := &Scheduling{Deps: d, unschedulable: map[string]bool{}, Last: map[string]scheduler.Decision{},
		nodes: map[string]*corev1.Node{}, onNode: map[string]*nodePods{}}
	s.q = NewQueue(d.Loop, s.sync)
	return s
}

// Observe queues new pending pods and wakes unschedulable ones on changes
// that can free room or add nodes.
func (s *Scheduling) Observe(c store.Change) {
	s.cache(c)
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
	obj, ok := s.Store.Peek(pk, ns, name)
	if !ok {
		delete(s.unschedulable, k)
		return
	}
	pod := obj.(*corev1.Pod) // the stored value: read only
	if pod.Spec.NodeName != "" || pod.DeletionTimestamp != nil {
		delete(s.unschedulable, k)
		return
	}
	d := scheduler.ScheduleWithVolumes(pod, s.nodeInfos(), s.volumes(pod))
	s.Last[k] = d
	if d.Node == "" {
		first := !s.unschedulable[k]
		s.unschedulable[k] = true
		s.setScheduled(pod.DeepCopy(), corev1.ConditionFalse, d.Reason, d.Message)
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
	// Assume the pod on its node at once, as kube-scheduler's cache does:
	// the next pod in this round must see the room this one took.
	assumed := *pod
	assumed.Spec.NodeName = d.Node
	pod = &assumed
	s.podsOn(d.Node).put(k, pod)

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
	s.Store.Update(kinds.Core("pods"), pod, store.UpdateOptions{Status: true, Owned: true})
}

// cache follows the change stream: nodes, and which pods hold room where.
func (s *Scheduling) cache(c store.Change) {
	switch {
	case is(c, "nodes"):
		n := c.Object.(*corev1.Node)
		if c.Type == "DELETED" {
			delete(s.nodes, n.Name)
		} else {
			s.nodes[n.Name] = n
		}
	case is(c, "pods"):
		p := c.Object.(*corev1.Pod)
		k := key(p.Namespace, p.Name)
		if c.Old != nil {
			if old := c.Old.(*corev1.Pod); old.Spec.NodeName != "" && old.Spec.NodeName != p.Spec.NodeName {
				s.podsOn(old.Spec.NodeName).remove(k)
			}
		}
		if p.Spec.NodeName == "" {
			return
		}
		if c.Type == "DELETED" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			s.podsOn(p.Spec.NodeName).remove(k)
			return
		}
		s.podsOn(p.Spec.NodeName).put(k, p)
	}
}

func (s *Scheduling) podsOn(node string) *nodePods {
	n := s.onNode[node]
	if n == nil {
		n = &nodePods{index: map[string]int{}}
		s.onNode[node] = n
	}
	return n
}

// nodeInfos lists nodes, by name, with the non-terminal pods bound to each.
func (s *Scheduling) nodeInfos() []scheduler.NodeInfo {
	out := make([]scheduler.NodeInfo, 0, len(s.nodes))
	for name, n := range s.nodes {
		var pods []*corev1.Pod
		if np := s.onNode[name]; np != nil {
			pods = np.pods
		}
		out = append(out, scheduler.NodeInfo{Node: n, Pods: pods})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Node.Name < out[j].Node.Name })
	return out
}

// volumes is the VolumeBinding plugin's view of a pod: claims must exist
// and (with no storage class to provision them) be bound, and a bound
// volume pinned to nodes (a local PersistentVolume) pins the pod.
func (s *Scheduling) volumes(pod *corev1.Pod) scheduler.Volumes {
	var v scheduler.Volumes
	var selectors []*nodeaffinity.NodeSelector
	for _, vol := range pod.Spec.Volumes {
		if vol.PersistentVolumeClaim == nil {
			continue
		}
		obj, err := s.Store.Get(kinds.Core("persistentvolumeclaims"), pod.Namespace, vol.PersistentVolumeClaim.ClaimName)
		if err != nil {
			v.PreFilter = fmt.Sprintf("persistentvolumeclaim %q not found", vol.PersistentVolumeClaim.ClaimName)
			return v
		}
		pvc := obj.(*corev1.PersistentVolumeClaim)
		if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName == "" {
			v.PreFilter = "pod has unbound immediate PersistentVolumeClaims"
			return v
		}
		pvObj, err := s.Store.Get(kinds.Core("persistentvolumes"), "", pvc.Spec.VolumeName)
		if err != nil {
			continue
		}
		pv := pvObj.(*corev1.PersistentVolume)
		if pv.Spec.NodeAffinity != nil && pv.Spec.NodeAffinity.Required != nil {
			if sel, err := nodeaffinity.NewNodeSelector(pv.Spec.NodeAffinity.Required); err == nil {
				selectors = append(selectors, sel)
			}
		}
	}
	if len(selectors) > 0 {
		v.NodeOK = func(n *corev1.Node) bool {
			for _, sel := range selectors {
				if !sel.Match(n) {
					return false
				}
			}
			return true
		}
	}
	return v
}
