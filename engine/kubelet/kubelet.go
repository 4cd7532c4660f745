// Package kubelet runs the pods bound to each node on a container runtime:
// sandbox and IP, volumes, image pulls, init containers, containers with
// their restart policy and back-off, probes, and the pod status that the
// rest of the cluster reads. It runs on the engine loop; every decision it
// takes is recorded with the reason, as Kubernetes' kubelet records Events.
package kubelet

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/runtime"
	"kubetour/engine/store"
)

// Config wires a kubelet into the engine.
type Config struct {
	API     *apiserver.API
	Loop    *loop.Loop
	Runtime runtime.Runtime
	Rec     *record.Recorder
	// Latency models the time real nodes take (image pulls, sandbox
	// set-up) on the simulation; zero on Docker, where it is real.
	Latency Latency
	// ClusterDNS is the kube-dns Service IP written into pods' resolv.conf.
	ClusterDNS    string
	ClusterDomain string
	// ConfigSync is how often mounted ConfigMap/Secret files are refreshed
	// (the kubelet's sync period; about a minute on a real node).
	ConfigSync time.Duration
	// ContainerIDPrefix is "containerd://" or "docker://".
	ContainerIDPrefix string
	// Async runs the runtime calls that take real time (creating, starting
	// and removing containers) off the engine loop, one at a time per pod,
	// as the kubelet's pod workers do: with Docker, twenty pods created on
	// the loop one after the other would hold every API request and the UI
	// for seconds. The simulation answers at once and stays synchronous,
	// so seeded runs keep their order.
	Async bool
}

// Latency is the simulated duration of node work.
type Latency struct {
	Sandbox   time.Duration
	Pull      time.Duration // first pull of an image on a node
	Start     time.Duration
	PullCache bool // after a first pull, the image is present on the node
}

// Kubelet is every node's kubelet (one state machine per pod, each tagged
// with its node).
type Kubelet struct {
	cfg    Config
	store  *store.Store
	pods   map[types.UID]*podState
	byKey  map[string]types.UID
	ipam   map[string]*ipPool
	images map[string]map[string]bool // node -> image -> present
	byCtr  map[string]*ctrRef         // runtime container id -> owner
	// nodeIPs caches node addresses (read on every status computation).
	nodeIPs map[string]string
}

type ctrRef struct {
	uid  types.UID
	name string
}

// New returns a kubelet. Call AddNode for each node, then feed pod changes
// to Sync.
func New(cfg Config) *Kubelet {
	if cfg.ClusterDomain == "" {
		cfg.ClusterDomain = "cluster.local"
	}
	if cfg.ConfigSync == 0 {
		cfg.ConfigSync = time.Minute
	}
	if cfg.ContainerIDPrefix == "" {
		cfg.ContainerIDPrefix = "containerd://"
	}
	k := &Kubelet{
		cfg: cfg, store: cfg.API.Store,
		pods: map[types.UID]*podState{}, byKey: map[string]types.UID{},
		ipam: map[string]*ipPool{}, images: map[string]map[string]bool{},
		byCtr: map[string]*ctrRef{}, nodeIPs: map[string]string{},
	}
	cfg.Runtime.Watch(func(ev runtime.Event) { cfg.Loop.Post(func() { k.onRuntimeEvent(ev) }) })
	return k
}

// AddNode starts a kubelet for node with pod range cidr (e.g. 10.244.1.0/24).
func (k *Kubelet) AddNode(node, cidr string) error {
	p, err := newIPPool(cidr)
	if err != nil {
		return err
	}
	k.ipam[node] = p
	k.images[node] = map[string]bool{}
	return nil
}

func (k *Kubelet) ctx() context.Context { return context.Background() }

func podKey(ns, name string) string { return ns + "/" + name }

// Sync brings the pod ns/name to its desired state. It is level-based: it
// reads the pod afresh and may be called any number of times.
func (k *Kubelet) Sync(ns, name string) {
	key := podKey(ns, name)
	if uid, ok := k.byKey[key]; ok && k.pods[uid] != nil && k.pods[uid].busy {
		return // a runtime call of this pod is under way; it syncs again when done
	}
	// The stored pod itself, read-only: the kubelet writes status on a
	// fresh copy (writeStatus), never on this one.
	obj, found := k.store.Peek(kinds.Core("pods"), ns, name)
	if !found {
		if uid, ok := k.byKey[key]; ok {
			k.teardown(k.pods[uid])
		}
		return
	}
	pod := obj.(*corev1.Pod)
	if uid, ok := k.byKey[key]; ok && uid != pod.UID {
		// Same name, new pod: the old one's containers must go first.
		k.teardown(k.pods[uid])
	}
	if pod.Spec.NodeName == "" {
		return
	}
	if _, ok := k.ipam[pod.Spec.NodeName]; !ok {
		return // not a node we run
	}
	st := k.pods[pod.UID]
	if st == nil {
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			if pod.DeletionTimestamp != nil {
				k.finalDelete(pod)
			}
			return // finished before we knew it: nothing to run
		}
		st = newPodState(pod)
		k.pods[pod.UID] = st
		k.byKey[key] = pod.UID
	}
	st.pod = pod
	if pod.DeletionTimestamp != nil {
		k.terminate(st)
		return
	}
	k.run(st)
}

// requeue syncs the pod again after d of cluster time.
func (k *Kubelet) requeue(st *podState, d time.Duration) {
	ns, name, uid := st.pod.Namespace, st.pod.Name, st.pod.UID
	k.cfg.Loop.After(d, func() {
		if cur := k.pods[uid]; cur != nil {
			k.Sync(ns, name)
		}
	})
}

func (k *Kubelet) onRuntimeEvent(ev runtime.Event) {
	ref, ok := k.byCtr[ev.ContainerID]
	if !ok {
		return
	}
	st := k.pods[ref.uid]
	if st == nil {
		return
	}
	if c := st.ctrs[ref.name]; c != nil && c.id == ev.ContainerID {
		k.observeExit(st, c, ev)
	}
	k.Sync(st.pod.Namespace, st.pod.Name)
}

// offLoop runs work away from the engine loop with the pod marked busy
// (Config.Async); the function work returns runs back on the loop, and
// then the pod is synced again (or torn down, if that was asked for
// meanwhile).
func (k *Kubelet) offLoop(st *podState, work func() func()) {
	st.busy = true
	ns, name := st.pod.Namespace, st.pod.Name
	k.cfg.Loop.Go(func() func() {
		done := work()
		return func() {
			st.busy = false
			if done != nil {
				done()
			}
			if st.dropAfter {
				k.teardown(st)
				return
			}
			k.Sync(ns, name)
		}
	})
}
