package controller

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/record"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

// Namespace empties a namespace being deleted, then releases it: deleting
// a namespace deletes everything in it.
type Namespace struct {
	Deps
	q *Queue
}

// NewNamespace returns the controller.
func NewNamespace(d Deps) *Namespace {
	n := &Namespace{Deps: d}
	n.q = NewQueue(d.Loop, n.sync)
	return n
}

// Observe reacts to namespaces marked for deletion and to objects leaving them.
func (n *Namespace) Observe(c store.Change) {
	if is(c, "namespaces") {
		ns := c.Object.(*corev1.Namespace)
		if ns.DeletionTimestamp != nil {
			n.q.Add(ns.Name)
		}
		return
	}
	if c.Kind.Namespaced && c.Type == "DELETED" {
		ns, _ := nsName(c.Object)
		if obj, err := n.Store.Get(kinds.Core("namespaces"), "", ns); err == nil && obj.(*corev1.Namespace).DeletionTimestamp != nil {
			n.q.Add(ns)
		}
	}
}

func (n *Namespace) sync(name string) {
	nk := kinds.Core("namespaces")
	obj, err := n.Store.Get(nk, "", name)
	if err != nil {
		return
	}
	ns := obj.(*corev1.Namespace)
	if ns.DeletionTimestamp == nil {
		return
	}
	remaining := 0
	deleted := 0
	for _, k := range kinds.All {
		if !k.Namespaced || !contains(k.Verbs, "delete") {
			continue
		}
		objs, _ := n.Store.List(k, store.ListOptions{Namespace: name})
		for _, o := range objs {
			remaining++
			_, oname := nsName(o)
			if m, ok := o.(metav1.Object); ok && m.GetDeletionTimestamp() != nil {
				continue
			}
			if _, _, err := n.API.Delete(n.ctx(), k, name, oname, &metav1.DeleteOptions{}); err == nil || apierrors.IsNotFound(err) {
				deleted++
			}
		}
	}
	if deleted > 0 {
		n.Rec.Record(record.Decision{Source: "namespace-controller", Object: ns, Reason: "NamespaceContentDeleted", NoEvent: true,
			EN: fmt.Sprintf("Namespace %s is being deleted, so everything in it is deleted too (%d objects).", name, deleted),
			KO: fmt.Sprintf("네임스페이스 %s 삭제하는 중이라 그 안의 모든 오브젝트(%d개)도 함께 삭제합니다.", ko.With(name, "을/를"), deleted)})
	}
	if remaining > 0 {
		return // pods still terminating: their deletion brings us back
	}
	ns.Spec.Finalizers = nil
	if _, err := n.Store.Update(nk, ns, store.UpdateOptions{}); err == nil {
		n.Rec.Record(record.Decision{Source: "namespace-controller", Object: ns, Reason: "NamespaceDeleted", NoEvent: true,
			EN: fmt.Sprintf("Namespace %s is empty and is now gone.", name),
			KO: fmt.Sprintf("네임스페이스 %s 비었으므로 완전히 삭제되었습니다.", ko.With(name, "이/가"))})
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
