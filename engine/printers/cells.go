package printers

import (
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
)

// Cells returns the cells of one row for obj (a typed k8s.io/api object such
// as *corev1.Pod), in the order of Columns. now is the cluster clock, used
// for AGE and relative times.
func Cells(resource string, obj runtime.Object, now time.Time) ([]interface{}, error) {
	if _, ok := columnSets[resource]; !ok {
		return defaultCells(obj)
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		return want(resource, "pods", obj, podCells(o, now))
	case *corev1.PodTemplate:
		return want(resource, "podtemplates", obj, podTemplateCells(o))
	case *corev1.ReplicationController:
		return want(resource, "replicationcontrollers", obj, replicationControllerCells(o, now))
	case *corev1.Service:
		return want(resource, "services", obj, serviceCells(o, now))
	case *corev1.Endpoints:
		return want(resource, "endpoints", obj, endpointsCells(o, now))
	case *discoveryv1.EndpointSlice:
		return want(resource, "endpointslices", obj, sliceCells(o, now))
	case *corev1.Node:
		return want(resource, "nodes", obj, nodeCells(o, now))
	case *corev1.Namespace:
		return want(resource, "namespaces", obj, namespaceCells(o, now))
	case *corev1.Event:
		return want(resource, "events", obj, eventCells(o, now))
	case *eventsv1.Event:
		return want(resource, "events", obj, eventCells(coreEvent(o), now))
	case *corev1.ConfigMap:
		return want(resource, "configmaps", obj, configMapCells(o, now))
	case *corev1.Secret:
		return want(resource, "secrets", obj, secretCells(o, now))
	case *corev1.ServiceAccount:
		return want(resource, "serviceaccounts", obj, serviceAccountCells(o, now))
	case *corev1.PersistentVolume:
		return want(resource, "persistentvolumes", obj, pvCells(o, now))
	case *corev1.PersistentVolumeClaim:
		return want(resource, "persistentvolumeclaims", obj, pvcCells(o, now))
	case *storagev1.StorageClass:
		return want(resource, "storageclasses", obj, storageClassCells(o, now))
	case *corev1.ResourceQuota:
		return want(resource, "resourcequotas", obj, resourceQuotaCells(o, now))
	case *appsv1.Deployment:
		return want(resource, "deployments", obj, deploymentCells(o, now))
	case *appsv1.ReplicaSet:
		return want(resource, "replicasets", obj, replicaSetCells(o, now))
	case *appsv1.DaemonSet:
		return want(resource, "daemonsets", obj, daemonSetCells(o, now))
	case *appsv1.StatefulSet:
		return want(resource, "statefulsets", obj, statefulSetCells(o, now))
	case *appsv1.ControllerRevision:
		if resource != "controllerrevisions" {
			return nil, mismatch(resource, obj)
		}
		return controllerRevisionCells(o, now)
	case *batchv1.Job:
		return want(resource, "jobs", obj, jobCells(o, now))
	case *batchv1.CronJob:
		return want(resource, "cronjobs", obj, cronJobCells(o, now))
	case *autoscalingv2.HorizontalPodAutoscaler:
		return want(resource, "horizontalpodautoscalers", obj, hpaCells(o, now))
	case *coordinationv1.Lease:
		return want(resource, "leases", obj, leaseCells(o, now))
	}
	return nil, mismatch(resource, obj)
}

// want guards against rendering an object under another resource's
// columns, which would silently misalign every cell.
func want(resource, expected string, obj runtime.Object, cells []interface{}) ([]interface{}, error) {
	if resource != expected {
		return nil, mismatch(resource, obj)
	}
	return cells, nil
}

func mismatch(resource string, obj runtime.Object) error {
	return fmt.Errorf("printers: cannot print %T as %q", obj, resource)
}

// defaultCells is the generic registry's row: the name and the creation
// time in RFC 3339, UTC, independent of the clock.
func defaultCells(obj runtime.Object) ([]interface{}, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, fmt.Errorf("printers: %T cannot be converted to a Table: %w", obj, err)
	}
	return []interface{}{m.GetName(), m.GetCreationTimestamp().UTC().Format(time.RFC3339)}, nil
}
