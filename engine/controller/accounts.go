package controller

import (
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/store"
)

// RootCA is the CA bundle published in every namespace as kube-root-ca.crt,
// as on a real cluster (the pods' service-account volumes read it).
var RootCA = "-----BEGIN CERTIFICATE-----\nMIIBkubetourCAkubetourCAkubetourCAkubetourCAkubetourCAkubetour\n-----END CERTIFICATE-----\n"

// Accounts gives every namespace its "default" ServiceAccount and the
// kube-root-ca.crt ConfigMap, as the serviceaccount and root-ca-cert
// publisher controllers do; pods cannot be created in a namespace before
// its default ServiceAccount exists.
type Accounts struct {
	Deps
	q *Queue
}

// NewAccounts returns the controller.
func NewAccounts(d Deps) *Accounts {
	a := &Accounts{Deps: d}
	a.q = NewQueue(d.Loop, a.sync)
	return a
}

// Observe reacts to namespaces and to the objects it keeps being removed.
func (a *Accounts) Observe(c store.Change) {
	switch {
	case is(c, "namespaces"):
		_, name := nsName(c.Object)
		a.q.Add(name)
	case is(c, "serviceaccounts"), is(c, "configmaps"):
		if c.Type == "DELETED" {
			ns, _ := nsName(c.Object)
			a.q.Add(ns)
		}
	}
}

// Sync makes sure ns has its default objects (used at bootstrap too).
func (a *Accounts) Sync(ns string) { a.sync(ns) }

func (a *Accounts) sync(ns string) {
	obj, err := a.Store.Get(kinds.Core("namespaces"), "", ns)
	if err != nil || obj.(*corev1.Namespace).DeletionTimestamp != nil {
		return
	}
	sak := kinds.Core("serviceaccounts")
	if _, err := a.Store.Get(sak, ns, "default"); apierrors.IsNotFound(err) {
		a.Store.Create(sak, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}})
	}
	cmk := kinds.Core("configmaps")
	if _, err := a.Store.Get(cmk, ns, "kube-root-ca.crt"); apierrors.IsNotFound(err) {
		a.Store.Create(cmk, &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: "kube-root-ca.crt", Namespace: ns,
				Annotations: map[string]string{"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
			Data: map[string]string{"ca.crt": RootCA},
		})
	}
}
