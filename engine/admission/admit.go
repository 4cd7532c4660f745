package admission

import (
	"math/rand"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Admit runs the default-enabled admission plugins that matter to the
// simulated cluster, in kube-apiserver's order (AllOrderedPlugins):
//
//	mutating:   NamespaceLifecycle, LimitRanger, ServiceAccount, Priority,
//	            DefaultTolerationSeconds, DefaultStorageClass,
//	            StorageObjectInUseProtection
//	validating: LimitRanger, PersistentVolumeClaimResize, ResourceQuota
//
// The API server runs the mutating pass before the type's validation and
// the validating pass after it; Process does exactly that. Admit runs both
// passes back to back for callers that validate separately.
func Admit(a *Attributes, l Lister, rnd *rand.Rand) error {
	if err := admitMutating(a, l, rnd); err != nil {
		return err
	}
	return admitValidating(a, l)
}

func admitMutating(a *Attributes, l Lister, rnd *rand.Rand) error {
	if err := namespaceLifecycle(a, l); err != nil {
		return err
	}
	if a.Object == nil || a.Op == Delete {
		return nil
	}
	if rnd == nil {
		rnd = rand.New(rand.NewSource(time.Now().UnixNano()))
	}
	if err := limitRangerMutate(a, l); err != nil {
		return err
	}
	if err := serviceAccountAdmit(a, l, rnd); err != nil {
		return err
	}
	if err := priorityAdmit(a, l); err != nil {
		return err
	}
	defaultTolerationSeconds(a)
	defaultStorageClass(a, l)
	storageObjectInUseProtection(a)
	// The pod strategy computes the QoS class after mutating admission, so
	// resources a LimitRange filled in count.
	if pod, ok := a.Object.(*corev1.Pod); ok && a.Op == Create && pod.Status.QOSClass != "" {
		pod.Status.QOSClass = podQOS(pod)
	}
	return nil
}

func admitValidating(a *Attributes, l Lister) error {
	if a.Object == nil || a.Op == Delete {
		return nil
	}
	if err := limitRangerValidate(a, l); err != nil {
		return err
	}
	if err := pvcResize(a, l); err != nil {
		return err
	}
	return resourceQuotaAdmit(a, l)
}

// Process runs a create or update through everything kube-apiserver does
// between decoding and storing, in its order: defaulting, mutating
// admission, Service IP and port allocation (the Service storage's
// BeginCreate/BeginUpdate), the strategy's validation, validating admission.
// A nil error means the object in a.Object is what gets stored.
func Process(a *Attributes, l Lister, rnd *rand.Rand) error {
	if rnd == nil {
		rnd = rand.New(rand.NewSource(time.Now().UnixNano()))
	}
	Default(a)
	if err := admitMutating(a, l, rnd); err != nil {
		return err
	}
	if a.Op == Delete {
		return nil
	}
	if err := AllocateService(a, l, rnd); err != nil {
		return err
	}
	if err := Validate(a); err != nil {
		return err
	}
	return admitValidating(a, l)
}
