package apiserver

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

// toScale builds the autoscaling/v1 Scale the API server returns for
// deployments/scale, replicasets/scale, statefulsets/scale and
// replicationcontrollers/scale.
func toScale(obj runtime.Object) (*autoscalingv1.Scale, error) {
	var (
		om       metav1.ObjectMeta
		spec     int32
		status   int32
		selector string
	)
	sel := func(ls *metav1.LabelSelector) string {
		s, err := metav1.LabelSelectorAsSelector(ls)
		if err != nil {
			return ""
		}
		return s.String()
	}
	switch o := obj.(type) {
	case *appsv1.Deployment:
		om, status, selector = o.ObjectMeta, o.Status.Replicas, sel(o.Spec.Selector)
		spec = replicas(o.Spec.Replicas)
	case *appsv1.ReplicaSet:
		om, status, selector = o.ObjectMeta, o.Status.Replicas, sel(o.Spec.Selector)
		spec = replicas(o.Spec.Replicas)
	case *appsv1.StatefulSet:
		om, status, selector = o.ObjectMeta, o.Status.Replicas, sel(o.Spec.Selector)
		spec = replicas(o.Spec.Replicas)
	case *corev1.ReplicationController:
		om, status = o.ObjectMeta, o.Status.Replicas
		selector = labels.SelectorFromSet(o.Spec.Selector).String()
		spec = replicas(o.Spec.Replicas)
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("%T has no scale subresource", obj))
	}
	return &autoscalingv1.Scale{
		TypeMeta: metav1.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"},
		ObjectMeta: metav1.ObjectMeta{Name: om.Name, Namespace: om.Namespace, UID: om.UID,
			ResourceVersion: om.ResourceVersion, CreationTimestamp: om.CreationTimestamp},
		Spec:   autoscalingv1.ScaleSpec{Replicas: spec},
		Status: autoscalingv1.ScaleStatus{Replicas: status, Selector: selector},
	}, nil
}

func replicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// withReplicas returns obj with spec.replicas set to n.
func withReplicas(obj runtime.Object, n int32) runtime.Object {
	out := obj.DeepCopyObject()
	switch o := out.(type) {
	case *appsv1.Deployment:
		o.Spec.Replicas = &n
	case *appsv1.ReplicaSet:
		o.Spec.Replicas = &n
	case *appsv1.StatefulSet:
		o.Spec.Replicas = &n
	case *corev1.ReplicationController:
		o.Spec.Replicas = &n
	}
	return out
}
