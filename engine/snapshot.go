package engine

import (
	"time"

	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// Snapshot is a copy of the cluster's objects at one moment, for views
// that draw the whole cluster at once (the TUI's objects and nodes panes).
type Snapshot struct {
	Time            time.Time
	ResourceVersion uint64
	Runtime         string
	Speed           float64
	Paused          bool
	// Objects by plural resource name (pods, services, deployments …).
	Objects map[string][]runtime.Object
}

// snapshotKinds are what the views draw; events and leases churn too much
// to copy on every frame and are read through the narration instead.
var snapshotKinds = []string{
	"namespaces", "nodes", "pods", "services", "endpoints", "configmaps", "secrets",
	"persistentvolumes", "persistentvolumeclaims", "resourcequotas", "limitranges",
	"replicationcontrollers", "replicasets", "deployments", "daemonsets", "statefulsets",
	"jobs", "cronjobs", "horizontalpodautoscalers",
}

// Snapshot copies the cluster's objects.
func (c *Cluster) Snapshot() Snapshot {
	s := Snapshot{Time: c.Clock.Now(), ResourceVersion: c.Store.ResourceVersion(), Runtime: c.cfg.Runtime.Name(),
		Speed: c.Clock.Speed(), Paused: c.Clock.Paused(), Objects: map[string][]runtime.Object{}}
	for _, p := range snapshotKinds {
		if k := kinds.Core(p); k != nil {
			s.Objects[p], _ = c.Store.List(k, store.ListOptions{})
		}
	}
	return s
}
