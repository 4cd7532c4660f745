package admission

import (
	"math/rand"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// fakeLister is the in-test store: objects by resource, filtered by
// namespace on List, NotFound on a missing Get.
type fakeLister map[string][]runtime.Object

func (f fakeLister) List(res, ns string) ([]runtime.Object, error) {
	var out []runtime.Object
	for _, o := range f[res] {
		if ns == "" || objectMeta(o).GetNamespace() == ns {
			out = append(out, o.DeepCopyObject())
		}
	}
	return out, nil
}

func (f fakeLister) Get(res, ns, name string) (runtime.Object, error) {
	for _, o := range f[res] {
		m, _ := meta.Accessor(o)
		if m.GetNamespace() == ns && m.GetName() == name {
			return o.DeepCopyObject(), nil
		}
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: res}, name)
}

// add returns a copy of f with objs added under res.
func (f fakeLister) with(res string, objs ...runtime.Object) fakeLister {
	out := fakeLister{}
	for k, v := range f {
		out[k] = append([]runtime.Object(nil), v...)
	}
	out[res] = append(out[res], objs...)
	return out
}

// baseCluster has the namespaces and default service accounts a fresh
// cluster has.
func baseCluster(namespaces ...string) fakeLister {
	f := fakeLister{}
	for _, ns := range append([]string{"default"}, namespaces...) {
		f["namespaces"] = append(f["namespaces"], &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: ns},
			Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
		})
		f["serviceaccounts"] = append(f["serviceaccounts"], &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}})
	}
	return f
}

func seeded() *rand.Rand { return rand.New(rand.NewSource(1)) }

func q(s string) resource.Quantity { return resource.MustParse(s) }

func rl(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func pod(ns, name string, containers ...corev1.Container) *corev1.Pod {
	if len(containers) == 0 {
		containers = []corev1.Container{{Name: "app", Image: "kubetm/app"}}
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.PodSpec{Containers: containers},
	}
}

func withResources(c corev1.Container, requests, limits corev1.ResourceList) corev1.Container {
	c.Resources.Requests = requests
	c.Resources.Limits = limits
	return c
}

func ctr(name string) corev1.Container { return corev1.Container{Name: name, Image: "kubetm/app"} }

func createAttrs(obj runtime.Object, res string) *Attributes {
	m := objectMeta(obj)
	return &Attributes{Op: Create, Resource: res, Namespace: m.GetNamespace(), Name: m.GetName(), Object: obj}
}

func updateAttrs(obj, old runtime.Object, res string) *Attributes {
	a := createAttrs(obj, res)
	a.Op = Update
	a.OldObject = old
	return a
}

// wantErr compares err.Error() and, for a StatusError, its code.
func wantErr(t *testing.T, err error, want string, code int32) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("expected error %q, got nil", want)
	}
	if err.Error() != want {
		t.Fatalf("error mismatch\n got: %s\nwant: %s", err.Error(), want)
	}
	if code != 0 {
		se, ok := err.(*apierrors.StatusError)
		if !ok {
			t.Fatalf("error is %T, not *StatusError", err)
		}
		if se.ErrStatus.Code != code {
			t.Fatalf("code = %d, want %d", se.ErrStatus.Code, code)
		}
	}
}
