package admission

import (
	"fmt"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validate runs the strategy's Validate (create) or ValidateUpdate (update),
// immutability rules included, and returns nil or the 422 Invalid
// StatusError the API server would send. Writes to the status and scale
// subresources get the smaller checks their strategies run.
func Validate(a *Attributes) error {
	if a.Object == nil || a.Op == Delete {
		return nil
	}
	if err := checkRequestNamespace(a); err != nil {
		return err
	}
	if m := objectMeta(a.Object); m != nil && a.isUpdate() && a.Name != "" && m.GetName() != a.Name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.GetName(), a.Name))
	}
	var errs field.ErrorList
	switch {
	case a.Subresource == "scale":
		errs = validateScale(a.Object)
	case a.Subresource != "":
		// Status writes: metadata rules only; controllers own the content.
		if a.isUpdate() && a.OldObject != nil {
			errs = validateMetaUpdate(a.Object, a.OldObject)
		}
	case a.isUpdate() && a.OldObject != nil:
		errs = validateObject(a.Object, a.OldObject)
	default:
		errs = validateObject(a.Object, nil)
	}
	return invalid(a.Object, nameOf(a), errs)
}

// checkRequestNamespace is the handler's check that the body and the URL
// agree on the namespace; a body without one takes the URL's.
func checkRequestNamespace(a *Attributes) error {
	m := objectMeta(a.Object)
	if m == nil || a.Namespace == "" || clusterScoped(a.Object) {
		return nil
	}
	if m.GetNamespace() == "" {
		m.SetNamespace(a.Namespace)
		return nil
	}
	if m.GetNamespace() != a.Namespace {
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

func clusterScoped(obj runtime.Object) bool {
	switch obj.(type) {
	case *corev1.Namespace, *corev1.Node, *corev1.PersistentVolume, *schedulingv1.PriorityClass:
		return true
	}
	return false
}

// validateObject dispatches to the kind's rules. old is nil on create.
// Each kind's function starts with the metadata rules (create or update)
// and then follows upstream's order for the spec.
func validateObject(obj, old runtime.Object) field.ErrorList {
	switch o := obj.(type) {
	case *corev1.Pod:
		p, _ := old.(*corev1.Pod)
		return validatePod(o, p)
	case *corev1.Service:
		p, _ := old.(*corev1.Service)
		return validateService(o, p)
	case *corev1.Namespace:
		p, _ := old.(*corev1.Namespace)
		return validateNamespace(o, p)
	case *corev1.ConfigMap:
		p, _ := old.(*corev1.ConfigMap)
		return validateConfigMap(o, p)
	case *corev1.Secret:
		p, _ := old.(*corev1.Secret)
		return validateSecret(o, p)
	case *corev1.PersistentVolume:
		p, _ := old.(*corev1.PersistentVolume)
		return validatePersistentVolume(o, p)
	case *corev1.PersistentVolumeClaim:
		p, _ := old.(*corev1.PersistentVolumeClaim)
		return validatePersistentVolumeClaim(o, p)
	case *corev1.ReplicationController:
		p, _ := old.(*corev1.ReplicationController)
		return validateReplicationController(o, p)
	case *corev1.ResourceQuota:
		return append(metaErrs(o, old, true, apivalidation.NameIsDNSSubdomain), validateResourceQuotaSpec(o)...)
	case *corev1.LimitRange:
		return append(metaErrs(o, old, true, apivalidation.NameIsDNSSubdomain), validateLimitRangeSpec(o)...)
	case *appsv1.Deployment:
		p, _ := old.(*appsv1.Deployment)
		return validateDeployment(o, p)
	case *appsv1.ReplicaSet:
		p, _ := old.(*appsv1.ReplicaSet)
		return validateReplicaSet(o, p)
	case *appsv1.DaemonSet:
		p, _ := old.(*appsv1.DaemonSet)
		return validateDaemonSet(o, p)
	case *appsv1.StatefulSet:
		p, _ := old.(*appsv1.StatefulSet)
		return validateStatefulSet(o, p)
	case *batchv1.Job:
		p, _ := old.(*batchv1.Job)
		return validateJob(o, p)
	case *batchv1.CronJob:
		p, _ := old.(*batchv1.CronJob)
		return validateCronJob(o, p)
	case *autoscalingv2.HorizontalPodAutoscaler:
		return append(metaErrs(o, old, true, apivalidation.NameIsDNSSubdomain), validateHPAv2Spec(o)...)
	case *autoscalingv1.HorizontalPodAutoscaler:
		return append(metaErrs(o, old, true, apivalidation.NameIsDNSSubdomain), validateHPAv1Spec(o)...)
	}
	// Any other kind: the metadata rules with DNS-subdomain names.
	return metaErrs(obj, old, !clusterScoped(obj), apivalidation.NameIsDNSSubdomain)
}

// metaErrs is ValidateObjectMeta on create and ValidateObjectMetaUpdate on
// update.
func metaErrs(obj, old runtime.Object, namespaced bool, nameFn apivalidation.ValidateNameFunc) field.ErrorList {
	if old != nil && !reflectNil(old) {
		return validateMetaUpdate(obj, old)
	}
	m := objectMetaPtr(obj)
	if m == nil {
		return nil
	}
	return validateMeta(m, namespaced, nameFn)
}

// validateMeta is ValidateObjectMeta with the type's name rule.
func validateMeta(m *metav1.ObjectMeta, namespaced bool, nameFn apivalidation.ValidateNameFunc) field.ErrorList {
	return apivalidation.ValidateObjectMeta(m, namespaced, nameFn, field.NewPath("metadata"))
}

// validateMetaUpdate is ValidateObjectMetaUpdate. An update without
// resourceVersion is what the store turns into an unconditional update
// before validating, so the old version stands in for it here.
func validateMetaUpdate(obj, old runtime.Object) field.ErrorList {
	nm, om := objectMetaPtr(obj), objectMetaPtr(old)
	if nm == nil || om == nil {
		return nil
	}
	// An empty resourceVersion means "whatever is stored": borrow it for
	// the check and give it back, instead of copying the metadata.
	rv := nm.ResourceVersion
	if nm.ResourceVersion == "" {
		nm.ResourceVersion = om.ResourceVersion
	}
	if nm.ResourceVersion == "" {
		nm.ResourceVersion = "0"
	}
	errs := apivalidation.ValidateObjectMetaUpdate(nm, om, field.NewPath("metadata"))
	nm.ResourceVersion = rv
	return errs
}

// validateScale checks a write to /scale; the object may be the Scale or,
// for engines that hand over the whole owner, the owner itself.
func validateScale(obj runtime.Object) field.ErrorList {
	var replicas *int32
	switch o := obj.(type) {
	case *autoscalingv1.Scale:
		replicas = &o.Spec.Replicas
	case *appsv1.Deployment:
		replicas = o.Spec.Replicas
	case *appsv1.ReplicaSet:
		replicas = o.Spec.Replicas
	case *appsv1.StatefulSet:
		replicas = o.Spec.Replicas
	case *corev1.ReplicationController:
		replicas = o.Spec.Replicas
	}
	if replicas == nil {
		return nil
	}
	return apivalidation.ValidateNonnegativeField(int64(*replicas), field.NewPath("spec", "replicas"))
}

// Small wrappers turning the []string checks of util/validation into
// field errors at a path, as core validation's helpers do.

func dns1123Label(value string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(value) {
		errs = append(errs, field.Invalid(p, value, msg))
	}
	return errs
}

func dns1123Subdomain(value string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(value) {
		errs = append(errs, field.Invalid(p, value, msg))
	}
	return errs
}

func nonNegative32(v int32, p *field.Path) field.ErrorList {
	return apivalidation.ValidateNonnegativeField(int64(v), p)
}

func immutable(newVal, oldVal any, p *field.Path) field.ErrorList {
	return apivalidation.ValidateImmutableField(newVal, oldVal, p)
}

// positiveQuantityMsg and friends are the wording of core validation.
const (
	positiveQuantityMsg = "must be greater than zero"
)

func errf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// reflectNil is true for a typed nil pointer stored in an interface, which is
// what validateObject passes as old on create.
func reflectNil(obj runtime.Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// objectMetaPtr returns the ObjectMeta struct of a typed object, which the
// apimachinery validators take by pointer.
func objectMetaPtr(obj runtime.Object) *metav1.ObjectMeta {
	acc, ok := obj.(metav1.ObjectMetaAccessor)
	if !ok || reflectNil(obj) {
		return nil
	}
	m, _ := acc.GetObjectMeta().(*metav1.ObjectMeta)
	return m
}
