package controller

import (
	"context"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/loop"
	"kubetour/engine/record"
	"kubetour/engine/store"
)

// Deps are what every controller uses.
type Deps struct {
	API   *apiserver.API
	Store *store.Store
	Loop  *loop.Loop
	Rec   *record.Recorder
}

func (d *Deps) now() time.Time { return d.Loop.Now() }

func (d *Deps) ctx() context.Context { return context.Background() }

// internal is how controllers write: admitted like any client.
var internal = apiserver.WriteOptions{FieldValidation: "Ignore", Internal: true}

// owned is internal for a write whose object the controller hands over:
// built or copied for this write alone, not touched after it, and the result
// only read. It spares the store two copies per write.
var owned = apiserver.WriteOptions{FieldValidation: "Ignore", Internal: true, Owned: true}

func key(ns, name string) string { return ns + "/" + name }

func splitKey(k string) (string, string) {
	i := strings.IndexByte(k, '/')
	if i < 0 {
		return "", k
	}
	return k[:i], k[i+1:]
}

func nsName(obj runtime.Object) (string, string) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return "", ""
	}
	return m.GetNamespace(), m.GetName()
}

// Controller is a reconciler fed by store changes.
type Controller interface {
	// Observe is called on the loop for every store change.
	Observe(c store.Change)
}

func is(c store.Change, plural string) bool {
	k := kinds.Core(plural)
	return k != nil && c.Kind == k
}
