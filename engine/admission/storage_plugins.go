package admission

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
)

// The storage plugins enabled by default: DefaultStorageClass,
// StorageObjectInUseProtection and PersistentVolumeClaimResize.

const (
	pvcProtectionFinalizer = "kubernetes.io/pvc-protection"
	pvProtectionFinalizer  = "kubernetes.io/pv-protection"
	isDefaultClassAnn      = "storageclass.kubernetes.io/is-default-class"
	betaIsDefaultClassAnn  = "storageclass.beta.kubernetes.io/is-default-class"
)

// defaultStorageClass gives a new claim without storageClassName the
// cluster's default StorageClass, when there is one (the newest wins).
func defaultStorageClass(a *Attributes, l Lister) {
	pvc, ok := a.Object.(*corev1.PersistentVolumeClaim)
	if !ok || a.Op != Create || a.Subresource != "" {
		return
	}
	if pvc.Spec.StorageClassName != nil {
		return
	}
	if _, ok := pvc.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return
	}
	objs, err := l.List("storageclasses", "")
	if err != nil {
		return
	}
	var def *storagev1.StorageClass
	for _, o := range objs {
		sc, ok := o.(*storagev1.StorageClass)
		if !ok || (sc.Annotations[isDefaultClassAnn] != "true" && sc.Annotations[betaIsDefaultClassAnn] != "true") {
			continue
		}
		if def == nil || sc.CreationTimestamp.After(def.CreationTimestamp.Time) ||
			(sc.CreationTimestamp.Equal(&def.CreationTimestamp) && sc.Name < def.Name) {
			def = sc
		}
	}
	if def != nil {
		name := def.Name
		pvc.Spec.StorageClassName = &name
	}
}

// storageObjectInUseProtection adds the finalizers that keep a claim while
// a pod uses it and a volume while a claim is bound to it; they are why a
// deleted PVC can sit in Terminating.
func storageObjectInUseProtection(a *Attributes) {
	if a.Op != Create || a.Subresource != "" {
		return
	}
	switch o := a.Object.(type) {
	case *corev1.PersistentVolumeClaim:
		o.Finalizers = addFinalizer(o.Finalizers, pvcProtectionFinalizer)
	case *corev1.PersistentVolume:
		o.Finalizers = addFinalizer(o.Finalizers, pvProtectionFinalizer)
	}
}

func addFinalizer(list []string, f string) []string {
	for _, x := range list {
		if x == f {
			return list
		}
	}
	return append(list, f)
}

// pvcResize refuses to grow a claim unless it is bound and its
// StorageClass allows expansion.
func pvcResize(a *Attributes, l Lister) error {
	pvc, ok := a.Object.(*corev1.PersistentVolumeClaim)
	if !ok || a.Op != Update || a.Subresource != "" {
		return nil
	}
	old, ok := a.OldObject.(*corev1.PersistentVolumeClaim)
	if !ok {
		return nil
	}
	oldSize := old.Spec.Resources.Requests[corev1.ResourceStorage]
	newSize := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	if newSize.Cmp(oldSize) <= 0 {
		return nil
	}
	if old.Status.Phase != corev1.ClaimBound {
		return a.forbidden(fmt.Errorf("Only bound persistent volume claims can be expanded"))
	}
	allowed := false
	if class := pvcClass(pvc); class != "" && class == pvcClass(old) {
		if obj, err := l.Get("storageclasses", "", class); err == nil {
			if sc, ok := obj.(*storagev1.StorageClass); ok && sc.AllowVolumeExpansion != nil && *sc.AllowVolumeExpansion {
				allowed = true
			}
		}
	}
	if !allowed {
		return a.forbidden(fmt.Errorf("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"))
	}
	return nil
}
