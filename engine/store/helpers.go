package store

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
)

type schemaGR schema.GroupResource

func (g schemaGR) s() schema.GroupResource { return schema.GroupResource(g) }

func (g schemaGR) kind(k *kinds.Kind) schema.GroupKind {
	return schema.GroupKind{Group: k.GVK.Group, Kind: k.GVK.Kind}
}

func fieldRequired(path, msg string) field.ErrorList {
	return field.ErrorList{field.Required(field.NewPath(path), msg)}
}

func isPod(k *kinds.Kind) bool { return k.Plural == "pods" && k.GVK.Group == "" }

func podGrace(obj runtime.Object, override *int64) int64 {
	pod := obj.(*corev1.Pod)
	if override != nil {
		if *override < 0 {
			return 0
		}
		return *override
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return 30
}

// podDone: the API server deletes at once a pod that no kubelet has (unbound)
// or whose containers have all ended.
func podDone(obj runtime.Object) bool {
	pod := obj.(*corev1.Pod)
	return pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// field returns the named top-level struct field of a typed object, if any.
func structField(obj runtime.Object, name string) (reflect.Value, bool) {
	v := reflect.ValueOf(obj)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	f := v.FieldByName(name)
	return f, f.IsValid()
}

// specChanged compares everything but TypeMeta, ObjectMeta and Status: what
// the API server counts as a change of generation. ConfigMaps and Secrets
// have no generation semantics beyond creation, so data changes do not count.
func specChanged(old, next runtime.Object) bool {
	a, ok1 := structField(old, "Spec")
	b, ok2 := structField(next, "Spec")
	if !ok1 || !ok2 {
		return false
	}
	return !equal.Semantic(a.Interface(), b.Interface())
}

// withStatusOnly returns stored with next's status: the status subresource
// ignores every other change. Stored values are never changed in place, so
// the new version shares stored's spec and copies only its metadata (which
// gets a new resourceVersion); next's status is taken as it is when the
// caller handed next over, else copied.
func withStatusOnly(stored, next runtime.Object, owned bool) runtime.Object {
	if !owned {
		next = next.DeepCopyObject()
	}
	sv := reflect.ValueOf(stored)
	if sv.Kind() != reflect.Pointer || sv.Elem().Kind() != reflect.Struct {
		return stored.DeepCopyObject()
	}
	out := reflect.New(sv.Elem().Type())
	out.Elem().Set(sv.Elem())
	obj := out.Interface().(runtime.Object)
	if m, ok := structField(obj, "ObjectMeta"); ok {
		if om, ok := m.Addr().Interface().(*metav1.ObjectMeta); ok {
			*om = *om.DeepCopy()
		}
	}
	src, ok1 := structField(next, "Status")
	dst, ok2 := structField(obj, "Status")
	if ok1 && ok2 && dst.CanSet() {
		dst.Set(src)
	}
	return obj
}

// copyStatus keeps the stored status on a main-resource update.
func copyStatus(stored, next runtime.Object) {
	src, ok1 := structField(stored, "Status")
	dst, ok2 := structField(next, "Status")
	if ok1 && ok2 && dst.CanSet() {
		dst.Set(src)
	}
}

// unchanged compares a stored state with a candidate, ignoring the
// resourceVersion. The candidate is the store's private copy, so its
// resourceVersion is borrowed for the comparison instead of copying both.
func unchanged(stored, next runtime.Object) bool {
	sm, _ := accessor(stored)
	nm, _ := accessor(next)
	rv := nm.GetResourceVersion()
	nm.SetResourceVersion(sm.GetResourceVersion())
	same := equal.Semantic(stored, next)
	nm.SetResourceVersion(rv)
	return same
}

// held reports an object that must stay after deletion was asked for, for a
// reason other than metadata finalizers: a namespace whose spec finalizers
// the namespace controller has not yet cleared.
func held(k *kinds.Kind, obj runtime.Object) bool {
	if ns, ok := obj.(*corev1.Namespace); ok && k.GVK.Group == "" {
		return len(ns.Spec.Finalizers) > 0
	}
	return false
}
