// Package kinds is the table of resources the engine serves: for each, its
// group/version/kind, plural and short names, scope and verbs, exactly as the
// Kubernetes API server advertises them in discovery.
package kinds

import (
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind describes one served resource.
type Kind struct {
	GVK          schema.GroupVersionKind
	Plural       string
	Singular     string
	Namespaced   bool
	ShortNames   []string
	Categories   []string
	Verbs        []string
	Subresources []string // "status", "scale", "log", "exec", "binding", "eviction"
	New          func() runtime.Object
	NewList      func() runtime.Object
}

// GVR returns the kind's group/version/resource.
func (k *Kind) GVR() schema.GroupVersionResource {
	return k.GVK.GroupVersion().WithResource(k.Plural)
}

// HasSub reports whether the kind has subresource s.
func (k *Kind) HasSub(s string) bool {
	for _, x := range k.Subresources {
		if x == s {
			return true
		}
	}
	return false
}

var (
	crud     = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	readOnly = []string{"get", "list", "watch"}
	all      = []string{"all"}
)

func k(group, version, kind, plural string, namespaced bool, short []string, cats []string, verbs []string, subs []string, newObj func() runtime.Object, newList func() runtime.Object) *Kind {
	return &Kind{
		GVK:          schema.GroupVersionKind{Group: group, Version: version, Kind: kind},
		Plural:       plural,
		Singular:     strings.ToLower(kind),
		Namespaced:   namespaced,
		ShortNames:   short,
		Categories:   cats,
		Verbs:        verbs,
		Subresources: subs,
		New:          newObj,
		NewList:      newList,
	}
}

// All is every served kind, in the order discovery lists them.
var All = []*Kind{
	k("", "v1", "Binding", "bindings", true, nil, nil, []string{"create"}, nil, func() runtime.Object { return &corev1.Binding{} }, nil),
	k("", "v1", "ConfigMap", "configmaps", true, []string{"cm"}, nil, crud, nil, func() runtime.Object { return &corev1.ConfigMap{} }, func() runtime.Object { return &corev1.ConfigMapList{} }),
	k("", "v1", "Endpoints", "endpoints", true, []string{"ep"}, nil, crud, nil, func() runtime.Object { return &corev1.Endpoints{} }, func() runtime.Object { return &corev1.EndpointsList{} }),
	k("", "v1", "Event", "events", true, []string{"ev"}, nil, crud, nil, func() runtime.Object { return &corev1.Event{} }, func() runtime.Object { return &corev1.EventList{} }),
	k("", "v1", "LimitRange", "limitranges", true, []string{"limits"}, nil, crud, nil, func() runtime.Object { return &corev1.LimitRange{} }, func() runtime.Object { return &corev1.LimitRangeList{} }),
	k("", "v1", "Namespace", "namespaces", false, []string{"ns"}, nil, []string{"create", "delete", "get", "list", "patch", "update", "watch"}, []string{"status", "finalize"}, func() runtime.Object { return &corev1.Namespace{} }, func() runtime.Object { return &corev1.NamespaceList{} }),
	k("", "v1", "Node", "nodes", false, []string{"no"}, nil, crud, []string{"status"}, func() runtime.Object { return &corev1.Node{} }, func() runtime.Object { return &corev1.NodeList{} }),
	k("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, []string{"pvc"}, nil, crud, []string{"status"}, func() runtime.Object { return &corev1.PersistentVolumeClaim{} }, func() runtime.Object { return &corev1.PersistentVolumeClaimList{} }),
	k("", "v1", "PersistentVolume", "persistentvolumes", false, []string{"pv"}, nil, crud, []string{"status"}, func() runtime.Object { return &corev1.PersistentVolume{} }, func() runtime.Object { return &corev1.PersistentVolumeList{} }),
	k("", "v1", "Pod", "pods", true, []string{"po"}, all, crud, []string{"status", "log", "exec", "binding", "eviction", "attach", "portforward", "ephemeralcontainers"}, func() runtime.Object { return &corev1.Pod{} }, func() runtime.Object { return &corev1.PodList{} }),
	k("", "v1", "PodTemplate", "podtemplates", true, nil, nil, crud, nil, func() runtime.Object { return &corev1.PodTemplate{} }, func() runtime.Object { return &corev1.PodTemplateList{} }),
	k("", "v1", "ReplicationController", "replicationcontrollers", true, []string{"rc"}, all, crud, []string{"status", "scale"}, func() runtime.Object { return &corev1.ReplicationController{} }, func() runtime.Object { return &corev1.ReplicationControllerList{} }),
	k("", "v1", "ResourceQuota", "resourcequotas", true, []string{"quota"}, nil, crud, []string{"status"}, func() runtime.Object { return &corev1.ResourceQuota{} }, func() runtime.Object { return &corev1.ResourceQuotaList{} }),
	k("", "v1", "Secret", "secrets", true, nil, nil, crud, nil, func() runtime.Object { return &corev1.Secret{} }, func() runtime.Object { return &corev1.SecretList{} }),
	k("", "v1", "ServiceAccount", "serviceaccounts", true, []string{"sa"}, nil, crud, []string{"token"}, func() runtime.Object { return &corev1.ServiceAccount{} }, func() runtime.Object { return &corev1.ServiceAccountList{} }),
	k("", "v1", "Service", "services", true, []string{"svc"}, all, []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}, []string{"status", "proxy"}, func() runtime.Object { return &corev1.Service{} }, func() runtime.Object { return &corev1.ServiceList{} }),
	k("apps", "v1", "ControllerRevision", "controllerrevisions", true, nil, nil, crud, nil, func() runtime.Object { return &appsv1.ControllerRevision{} }, func() runtime.Object { return &appsv1.ControllerRevisionList{} }),
	k("apps", "v1", "DaemonSet", "daemonsets", true, []string{"ds"}, all, crud, []string{"status"}, func() runtime.Object { return &appsv1.DaemonSet{} }, func() runtime.Object { return &appsv1.DaemonSetList{} }),
	k("apps", "v1", "Deployment", "deployments", true, []string{"deploy"}, all, crud, []string{"status", "scale"}, func() runtime.Object { return &appsv1.Deployment{} }, func() runtime.Object { return &appsv1.DeploymentList{} }),
	k("apps", "v1", "ReplicaSet", "replicasets", true, []string{"rs"}, all, crud, []string{"status", "scale"}, func() runtime.Object { return &appsv1.ReplicaSet{} }, func() runtime.Object { return &appsv1.ReplicaSetList{} }),
	k("apps", "v1", "StatefulSet", "statefulsets", true, []string{"sts"}, all, crud, []string{"status", "scale"}, func() runtime.Object { return &appsv1.StatefulSet{} }, func() runtime.Object { return &appsv1.StatefulSetList{} }),
	k("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, []string{"hpa"}, all, crud, []string{"status"}, func() runtime.Object { return &autoscalingv2.HorizontalPodAutoscaler{} }, func() runtime.Object { return &autoscalingv2.HorizontalPodAutoscalerList{} }),
	k("batch", "v1", "CronJob", "cronjobs", true, []string{"cj"}, all, crud, []string{"status"}, func() runtime.Object { return &batchv1.CronJob{} }, func() runtime.Object { return &batchv1.CronJobList{} }),
	k("batch", "v1", "Job", "jobs", true, nil, all, crud, []string{"status"}, func() runtime.Object { return &batchv1.Job{} }, func() runtime.Object { return &batchv1.JobList{} }),
	k("coordination.k8s.io", "v1", "Lease", "leases", true, nil, nil, crud, nil, func() runtime.Object { return &coordinationv1.Lease{} }, func() runtime.Object { return &coordinationv1.LeaseList{} }),
	k("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, nil, nil, crud, nil, func() runtime.Object { return &discoveryv1.EndpointSlice{} }, func() runtime.Object { return &discoveryv1.EndpointSliceList{} }),
	k("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, []string{"sc"}, nil, crud, nil, func() runtime.Object { return &storagev1.StorageClass{} }, func() runtime.Object { return &storagev1.StorageClassList{} }),
}

var byGVR = map[schema.GroupVersionResource]*Kind{}

// storageGV maps a group/resource to the version the store keeps; objects of
// other served versions are converted on the way in and out (only
// autoscaling/v1 HPA and events.k8s.io events need it).
var storageGV = map[schema.GroupResource]schema.GroupVersion{}

func init() {
	for _, kd := range All {
		byGVR[kd.GVR()] = kd
		gr := kd.GVR().GroupResource()
		if _, ok := storageGV[gr]; !ok {
			storageGV[gr] = kd.GVK.GroupVersion()
		}
	}
	for _, kd := range All {
		if _, seen := byPlural[kd.Plural]; !seen && storageGV[kd.GVR().GroupResource()] == kd.GVK.GroupVersion() {
			byPlural[kd.Plural] = kd
		}
	}
}

// byPlural answers Core without a scan: controllers ask it for every change
// they see.
var byPlural = map[string]*Kind{}

// Lookup finds a kind by group, version and plural.
func Lookup(gvr schema.GroupVersionResource) (*Kind, bool) {
	kd, ok := byGVR[gvr]
	return kd, ok
}

// ByResource finds the storage kind for a group and plural.
func ByResource(group, plural string) (*Kind, bool) {
	gv, ok := storageGV[schema.GroupResource{Group: group, Resource: plural}]
	if !ok {
		return nil, false
	}
	return Lookup(gv.WithResource(plural))
}

// Core finds a core/v1 or apps/batch/... storage kind by plural alone; the
// engine's own code names resources by plural (pods, deployments), which are
// unique across the groups we serve except events.
func Core(plural string) *Kind { return byPlural[plural] }

// GroupVersions lists served group/versions, core first, then by group name.
func GroupVersions() []schema.GroupVersion {
	seen := map[schema.GroupVersion]bool{}
	var out []schema.GroupVersion
	for _, kd := range All {
		gv := kd.GVK.GroupVersion()
		if !seen[gv] {
			seen[gv] = true
			out = append(out, gv)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Group != out[j].Group {
			return out[i].Group < out[j].Group
		}
		return out[i].Version > out[j].Version // v2 before v1: the preferred first
	})
	return out
}

// InGroupVersion lists the kinds served in gv.
func InGroupVersion(gv schema.GroupVersion) []*Kind {
	var out []*Kind
	for _, kd := range All {
		if kd.GVK.GroupVersion() == gv {
			out = append(out, kd)
		}
	}
	return out
}
