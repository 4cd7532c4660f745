package controller

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/store"
)

// rsPodCache is the ReplicaSet controller's pod informer with its indexes:
// every pod by namespace, the pods of each controller (by uid) and the
// orphans of each namespace, kept from the change stream. The pods are the
// store's own objects, read-only here, so a sync of a thousand-pod
// ReplicaSet copies none of them and looks only at its own pods and the
// orphans (listing from the store deep-copies every pod, every sync).
//
// It is never behind a sync: the store hands each change to the loop as
// it commits, and a queue round is posted after the changes that woke it,
// so the pods a sync created are seen before the next one runs.
type rsPodCache struct {
	byNS    map[string]map[string]*corev1.Pod
	byOwner map[types.UID]map[string]*corev1.Pod // controller uid -> ns/name -> pod
	orphans map[string]map[string]*corev1.Pod    // ns -> name -> pod
	owner   map[string]types.UID                 // ns/name -> controller uid, "" for an orphan
}

func newRSPodCache() *rsPodCache {
	return &rsPodCache{byNS: map[string]map[string]*corev1.Pod{}, byOwner: map[types.UID]map[string]*corev1.Pod{},
		orphans: map[string]map[string]*corev1.Pod{}, owner: map[string]types.UID{}}
}

func (c *rsPodCache) observe(ch store.Change) {
	pod := ch.Object.(*corev1.Pod)
	k := key(pod.Namespace, pod.Name)
	if prev, ok := c.owner[k]; ok {
		if prev == "" {
			rsCacheRemove(c.orphans, pod.Namespace, pod.Name)
		} else {
			rsCacheRemove(c.byOwner, prev, k)
		}
		delete(c.owner, k)
	}
	if ch.Type == watch.Deleted {
		rsCacheRemove(c.byNS, pod.Namespace, pod.Name)
		return
	}
	rsCacheAdd(c.byNS, pod.Namespace, pod.Name, pod)
	var uid types.UID
	if ref := controllerRefOf(pod); ref != nil {
		uid = ref.UID
		rsCacheAdd(c.byOwner, uid, k, pod)
	} else {
		rsCacheAdd(c.orphans, pod.Namespace, pod.Name, pod)
	}
	c.owner[k] = uid
}

func rsCacheAdd[K comparable](m map[K]map[string]*corev1.Pod, k K, name string, p *corev1.Pod) {
	inner := m[k]
	if inner == nil {
		inner = map[string]*corev1.Pod{}
		m[k] = inner
	}
	inner[name] = p
}

func rsCacheRemove[K comparable](m map[K]map[string]*corev1.Pod, k K, name string) {
	if inner := m[k]; inner != nil {
		delete(inner, name)
		if len(inner) == 0 {
			delete(m, k)
		}
	}
}

// candidates are the pods controlled by uid, in no particular order, then
// the orphans of ns that match, by name: adoptions happen in a repeatable
// order, and whoever needs the owned pods ordered sorts them (only a
// scale-down does), which spares a sort of every pod on every sync.
func (c *rsPodCache) candidates(ns string, uid types.UID, match func(*corev1.Pod) bool) []*corev1.Pod {
	owned := c.byOwner[uid]
	out := make([]*corev1.Pod, 0, len(owned))
	for _, p := range owned {
		if p.Namespace == ns {
			out = append(out, p)
		}
	}
	n := len(out)
	for _, p := range c.orphans[ns] {
		if match(p) {
			out = append(out, p)
		}
	}
	rsSortByName(out[n:])
	return out
}

func rsSortByName(pods []*corev1.Pod) {
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
}
