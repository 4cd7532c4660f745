package admission

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
)

// Quota evaluators (pkg/quota/v1/evaluator/core and the generic object
// counter of k8s.io/apiserver): what each kind of object costs, which quota
// resources it can be charged to, and which requests are checked at all.

type quotaEvaluator struct {
	resource string // plural resource the evaluator lists
	// matching returns the names, among a quota's hard names, this kind uses.
	matching func(names []corev1.ResourceName) []corev1.ResourceName
	usage    func(obj runtime.Object) corev1.ResourceList
	// handles says whether a request changes usage at all.
	handles func(a *Attributes) bool
	// scopeMatch decides one scope selector; nil means the kind has no
	// scopes, so a scoped quota never applies to it.
	scopeMatch func(sel corev1.ScopedResourceSelectorRequirement, obj runtime.Object) bool
	// constraints is the pod rule that tracked cpu/memory must be declared.
	constraints func(required []corev1.ResourceName, obj runtime.Object) error
}

// legacyCountAliases are the old unprefixed names object counts also answer to.
var legacyCountAliases = map[string]corev1.ResourceName{
	"configmaps":             corev1.ResourceConfigMaps,
	"resourcequotas":         corev1.ResourceQuotas,
	"replicationcontrollers": corev1.ResourceReplicationControllers,
	"secrets":                corev1.ResourceSecrets,
}

// countName is generic.ObjectCountQuotaResourceNameFor: count/<resource> for
// the core group, count/<resource>.<group> otherwise.
func countName(resource, group string) corev1.ResourceName {
	if group == "" {
		return corev1.ResourceName("count/" + resource)
	}
	return corev1.ResourceName("count/" + resource + "." + group)
}

func one() resource.Quantity  { return *resource.NewQuantity(1, resource.DecimalSI) }
func zero() resource.Quantity { return resource.Quantity{Format: resource.DecimalSI} }

func intersect(names []corev1.ResourceName, allowed sets.Set[corev1.ResourceName]) []corev1.ResourceName {
	var out []corev1.ResourceName
	for _, n := range names {
		if allowed.Has(n) {
			out = append(out, n)
		}
	}
	return out
}

// evaluatorFor returns the evaluator of a resource; group is the API group
// of the object (only used to spell count/ names).
func evaluatorFor(res, group string) *quotaEvaluator {
	switch res {
	case "pods":
		return podEvaluator
	case "services":
		return serviceEvaluator
	case "persistentvolumeclaims":
		return pvcEvaluator
	}
	return objectCountEvaluator(res, group)
}

func objectCountEvaluator(res, group string) *quotaEvaluator {
	names := sets.New(countName(res, group))
	alias, hasAlias := legacyCountAliases[res]
	if group == "" && hasAlias {
		names.Insert(alias)
	}
	return &quotaEvaluator{
		resource: res,
		matching: func(in []corev1.ResourceName) []corev1.ResourceName { return intersect(in, names) },
		usage: func(runtime.Object) corev1.ResourceList {
			u := corev1.ResourceList{countName(res, group): one()}
			if group == "" && hasAlias {
				u[alias] = one()
			}
			return u
		},
		// Object counts only grow on create.
		handles: func(a *Attributes) bool { return a.Op == Create && a.Subresource == "" },
	}
}

// --- pods ---

var podQuotaResources = sets.New[corev1.ResourceName](
	"count/pods", corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceRequestsEphemeralStorage,
	corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceLimitsEphemeralStorage, corev1.ResourcePods,
)

// quotaValidationSet is upstream's admitted mistake: if a quota tracks cpu
// or memory in any form, every container must declare it.
var quotaValidationSet = sets.New[corev1.ResourceName](corev1.ResourceCPU, corev1.ResourceMemory,
	corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory, corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory)

var podEvaluator = &quotaEvaluator{
	resource: "pods",
	matching: func(in []corev1.ResourceName) []corev1.ResourceName {
		var out []corev1.ResourceName
		for _, n := range in {
			s := string(n)
			if podQuotaResources.Has(n) || strings.HasPrefix(s, corev1.ResourceHugePagesPrefix) ||
				strings.HasPrefix(s, corev1.ResourceRequestsHugePagesPrefix) ||
				(strings.HasPrefix(s, corev1.DefaultResourceRequestsPrefix) && strings.Contains(s, "/")) {
				out = append(out, n)
			}
		}
		return out
	},
	usage: func(obj runtime.Object) corev1.ResourceList {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return corev1.ResourceList{}
		}
		// count/pods tracks every stored pod; the rest only live ones.
		u := corev1.ResourceList{"count/pods": one()}
		if !podChargeable(pod) {
			return u
		}
		addResourceList(u, podComputeUsage(podRequests(pod, true), podLimits(pod, true)))
		return u
	},
	handles: func(a *Attributes) bool {
		switch a.Subresource {
		case "":
			if a.Op == Update {
				n, ok1 := a.Object.(*corev1.Pod)
				o, ok2 := a.OldObject.(*corev1.Pod)
				return ok1 && ok2 && podTerminating(n) != podTerminating(o)
			}
			return a.Op == Create
		case "resize":
			return a.Op == Update
		}
		return false
	},
	scopeMatch: podMatchesScope,
	constraints: func(required []corev1.ResourceName, obj runtime.Object) error {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return nil
		}
		if r := pod.Spec.Resources; r != nil && (len(r.Requests) > 0 || len(r.Limits) > 0) {
			// Pod-level resources make container-level ones optional.
			return nil
		}
		req := sets.New[corev1.ResourceName]()
		for _, n := range required {
			if quotaValidationSet.Has(n) {
				req.Insert(n)
			}
		}
		missing := map[corev1.ResourceName]sets.Set[string]{}
		check := func(c *corev1.Container) {
			have := sets.New[corev1.ResourceName]()
			for n := range podComputeUsage(c.Resources.Requests, c.Resources.Limits) {
				have.Insert(n)
			}
			for _, n := range sets.List(req.Difference(have)) {
				if missing[n] == nil {
					missing[n] = sets.New[string]()
				}
				missing[n].Insert(c.Name)
			}
		}
		for i := range pod.Spec.Containers {
			check(&pod.Spec.Containers[i])
		}
		for i := range pod.Spec.InitContainers {
			check(&pod.Spec.InitContainers[i])
		}
		if len(missing) == 0 {
			return nil
		}
		var names []string
		for n := range missing {
			names = append(names, string(n))
		}
		sort.Strings(names)
		msgs := make([]string, 0, len(names))
		for _, n := range names {
			msgs = append(msgs, fmt.Sprintf("%s for: %s", n, strings.Join(sets.List(missing[corev1.ResourceName(n)]), ",")))
		}
		return fmt.Errorf("must specify %s", strings.Join(msgs, "; "))
	},
}

// podComputeUsage maps requests and limits to the quota names they are
// charged to (a cpu request counts as both cpu and requests.cpu).
func podComputeUsage(requests, limits corev1.ResourceList) corev1.ResourceList {
	u := corev1.ResourceList{corev1.ResourcePods: one()}
	pairs := []struct {
		from       corev1.ResourceName
		plain, req corev1.ResourceName
		lim        corev1.ResourceName
	}{
		{corev1.ResourceCPU, corev1.ResourceCPU, corev1.ResourceRequestsCPU, corev1.ResourceLimitsCPU},
		{corev1.ResourceMemory, corev1.ResourceMemory, corev1.ResourceRequestsMemory, corev1.ResourceLimitsMemory},
		{corev1.ResourceEphemeralStorage, corev1.ResourceEphemeralStorage, corev1.ResourceRequestsEphemeralStorage, corev1.ResourceLimitsEphemeralStorage},
	}
	for _, p := range pairs {
		if q, ok := requests[p.from]; ok {
			u[p.plain] = q
			u[p.req] = q
		}
		if q, ok := limits[p.from]; ok {
			u[p.lim] = q
		}
	}
	for n, q := range requests {
		if strings.HasPrefix(string(n), corev1.ResourceHugePagesPrefix) {
			u[n] = q
			u[corev1.ResourceName(corev1.DefaultResourceRequestsPrefix+string(n))] = q
		}
	}
	return u
}

// podChargeable is QuotaV1Pod: finished pods, and pods stuck terminating
// past their grace period, stop counting.
func podChargeable(pod *corev1.Pod) bool {
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return false
	}
	if pod.DeletionTimestamp != nil && pod.DeletionGracePeriodSeconds != nil {
		grace := time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
		if time.Now().After(pod.DeletionTimestamp.Add(grace)) {
			return false
		}
	}
	return true
}

func podTerminating(pod *corev1.Pod) bool {
	return pod.Spec.ActiveDeadlineSeconds != nil && *pod.Spec.ActiveDeadlineSeconds >= 0
}

func podMatchesScope(sel corev1.ScopedResourceSelectorRequirement, obj runtime.Object) bool {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return false
	}
	switch sel.ScopeName {
	case corev1.ResourceQuotaScopeTerminating:
		return podTerminating(pod)
	case corev1.ResourceQuotaScopeNotTerminating:
		return !podTerminating(pod)
	case corev1.ResourceQuotaScopeBestEffort:
		return podQOS(pod) == corev1.PodQOSBestEffort
	case corev1.ResourceQuotaScopeNotBestEffort:
		return podQOS(pod) != corev1.PodQOSBestEffort
	case corev1.ResourceQuotaScopePriorityClass:
		if sel.Operator == corev1.ScopeSelectorOpExists {
			return pod.Spec.PriorityClassName != ""
		}
		set := labels.Set{}
		if pod.Spec.PriorityClassName != "" {
			set[string(corev1.ResourceQuotaScopePriorityClass)] = pod.Spec.PriorityClassName
		}
		switch sel.Operator {
		case corev1.ScopeSelectorOpIn:
			return set.Has(string(sel.ScopeName)) && contains(sel.Values, pod.Spec.PriorityClassName)
		case corev1.ScopeSelectorOpNotIn:
			return !set.Has(string(sel.ScopeName)) || !contains(sel.Values, pod.Spec.PriorityClassName)
		case corev1.ScopeSelectorOpDoesNotExist:
			return !set.Has(string(sel.ScopeName))
		}
		return false
	case corev1.ResourceQuotaScopeCrossNamespacePodAffinity:
		return usesCrossNamespaceAffinity(pod)
	}
	return false
}

func usesCrossNamespaceAffinity(pod *corev1.Pod) bool {
	a := pod.Spec.Affinity
	if a == nil {
		return false
	}
	cross := func(t corev1.PodAffinityTerm) bool { return len(t.Namespaces) != 0 || t.NamespaceSelector != nil }
	var terms []corev1.PodAffinityTerm
	if a.PodAffinity != nil {
		terms = append(terms, a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	if a.PodAntiAffinity != nil {
		terms = append(terms, a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution...)
		for _, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			terms = append(terms, w.PodAffinityTerm)
		}
	}
	for _, t := range terms {
		if cross(t) {
			return true
		}
	}
	return false
}

// --- services ---

var serviceQuotaResources = sets.New[corev1.ResourceName]("count/services", corev1.ResourceServices,
	corev1.ResourceServicesNodePorts, corev1.ResourceServicesLoadBalancers)

var serviceEvaluator = &quotaEvaluator{
	resource: "services",
	matching: func(in []corev1.ResourceName) []corev1.ResourceName { return intersect(in, serviceQuotaResources) },
	usage: func(obj runtime.Object) corev1.ResourceList {
		svc, ok := obj.(*corev1.Service)
		if !ok {
			return corev1.ResourceList{}
		}
		u := corev1.ResourceList{
			"count/services":                     one(),
			corev1.ResourceServices:              one(),
			corev1.ResourceServicesLoadBalancers: zero(),
			corev1.ResourceServicesNodePorts:     zero(),
		}
		ports := int64(len(svc.Spec.Ports))
		switch svc.Spec.Type {
		case corev1.ServiceTypeNodePort:
			u[corev1.ResourceServicesNodePorts] = *resource.NewQuantity(ports, resource.DecimalSI)
		case corev1.ServiceTypeLoadBalancer:
			// With allocateLoadBalancerNodePorts=false only explicit ports count.
			if a := svc.Spec.AllocateLoadBalancerNodePorts; a != nil && !*a {
				n := int64(0)
				for _, p := range svc.Spec.Ports {
					if p.NodePort != 0 {
						n++
					}
				}
				u[corev1.ResourceServicesNodePorts] = *resource.NewQuantity(n, resource.DecimalSI)
			} else {
				u[corev1.ResourceServicesNodePorts] = *resource.NewQuantity(ports, resource.DecimalSI)
			}
			u[corev1.ResourceServicesLoadBalancers] = one()
		}
		return u
	},
	// A type change can add node ports, so updates are checked too.
	handles: func(a *Attributes) bool { return a.Subresource == "" && (a.Op == Create || a.Op == Update) },
}

// --- persistentvolumeclaims ---

const storageClassQuotaSuffix = ".storageclass.storage.k8s.io/"

var pvcEvaluator = &quotaEvaluator{
	resource: "persistentvolumeclaims",
	matching: func(in []corev1.ResourceName) []corev1.ResourceName {
		var out []corev1.ResourceName
		for _, n := range in {
			s := string(n)
			switch {
			case n == corev1.ResourcePersistentVolumeClaims, n == "count/persistentvolumeclaims", n == corev1.ResourceRequestsStorage:
				out = append(out, n)
			case strings.Contains(s, storageClassQuotaSuffix) &&
				(strings.HasSuffix(s, "/"+string(corev1.ResourcePersistentVolumeClaims)) || strings.HasSuffix(s, "/"+string(corev1.ResourceRequestsStorage))):
				out = append(out, n)
			}
		}
		return out
	},
	usage: func(obj runtime.Object) corev1.ResourceList {
		pvc, ok := obj.(*corev1.PersistentVolumeClaim)
		if !ok {
			return corev1.ResourceList{}
		}
		u := corev1.ResourceList{corev1.ResourcePersistentVolumeClaims: one(), "count/persistentvolumeclaims": one()}
		class := pvcClass(pvc)
		if class != "" {
			u[corev1.ResourceName(class+storageClassQuotaSuffix+string(corev1.ResourcePersistentVolumeClaims))] = one()
		}
		// A claim is charged for the larger of what it asks and what was
		// already allocated (RecoverVolumeExpansionFailure).
		storage, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
		if alloc, has := pvc.Status.AllocatedResources[corev1.ResourceStorage]; has && (!ok || alloc.Cmp(storage) > 0) {
			storage, ok = alloc, true
		}
		if ok {
			u[corev1.ResourceRequestsStorage] = storage
			if class != "" {
				u[corev1.ResourceName(class+storageClassQuotaSuffix+string(corev1.ResourceRequestsStorage))] = storage
			}
		}
		return u
	},
	handles: func(a *Attributes) bool { return a.Subresource == "" && (a.Op == Create || a.Op == Update) },
}

func pvcClass(pvc *corev1.PersistentVolumeClaim) string {
	if c, ok := pvc.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return c
	}
	if pvc.Spec.StorageClassName != nil {
		return *pvc.Spec.StorageClassName
	}
	return ""
}

// --- usage of a quota ---

// scopeSelectors turns spec.scopes and spec.scopeSelector into one list.
func scopeSelectors(q *corev1.ResourceQuota) []corev1.ScopedResourceSelectorRequirement {
	var out []corev1.ScopedResourceSelectorRequirement
	for _, s := range q.Spec.Scopes {
		out = append(out, corev1.ScopedResourceSelectorRequirement{ScopeName: s, Operator: corev1.ScopeSelectorOpExists})
	}
	if q.Spec.ScopeSelector != nil {
		out = append(out, q.Spec.ScopeSelector.MatchExpressions...)
	}
	return out
}

// quotaMatches is generic.Matches: the quota tracks something this kind
// uses and every scope accepts the object.
func quotaMatches(ev *quotaEvaluator, q *corev1.ResourceQuota, obj runtime.Object) bool {
	if len(ev.matching(hardNames(q))) == 0 {
		return false
	}
	for _, sel := range scopeSelectors(q) {
		if ev.scopeMatch == nil || !ev.scopeMatch(sel, obj) {
			return false
		}
	}
	return true
}

func hardNames(q *corev1.ResourceQuota) []corev1.ResourceName {
	return sortedResourceNames(q.Spec.Hard)
}

// QuotaUsage computes status.used for a ResourceQuota the way the quota
// controller does: for every resource in spec.hard, the sum over the
// namespace's objects that the quota's scopes accept, zero when nothing is
// charged. Finished pods are not charged (count/pods still counts them).
func QuotaUsage(q *corev1.ResourceQuota, l Lister) corev1.ResourceList {
	used := corev1.ResourceList{}
	names := hardNames(q)
	for _, n := range names {
		used[n] = zero()
	}
	seen := map[string]bool{}
	for _, n := range names {
		res, group := resourceOfQuotaName(n)
		if res == "" || seen[res+"/"+group] {
			continue
		}
		seen[res+"/"+group] = true
		ev := evaluatorFor(res, group)
		matching := ev.matching(names)
		if len(matching) == 0 {
			continue
		}
		objs, err := l.List(ev.resource, q.Namespace)
		if err != nil {
			continue
		}
		for _, obj := range objs {
			if !scopesAccept(ev, q, obj) {
				continue
			}
			u := ev.usage(obj)
			for _, m := range matching {
				if v, ok := u[m]; ok {
					addQuantity(used, m, v)
				}
			}
		}
	}
	return used
}

func scopesAccept(ev *quotaEvaluator, q *corev1.ResourceQuota, obj runtime.Object) bool {
	for _, sel := range scopeSelectors(q) {
		if ev.scopeMatch == nil || !ev.scopeMatch(sel, obj) {
			return false
		}
	}
	return true
}

// resourceOfQuotaName tells which resource a quota name is charged by:
// requests.cpu -> pods, services.nodeports -> services, count/jobs.batch ->
// jobs in batch.
func resourceOfQuotaName(n corev1.ResourceName) (res, group string) {
	s := string(n)
	if strings.HasPrefix(s, "count/") {
		rest := strings.TrimPrefix(s, "count/")
		if i := strings.Index(rest, "."); i >= 0 {
			return rest[:i], rest[i+1:]
		}
		return rest, ""
	}
	switch {
	case podQuotaResources.Has(n), podEvaluator.matching([]corev1.ResourceName{n}) != nil:
		return "pods", ""
	case serviceQuotaResources.Has(n):
		return "services", ""
	case pvcEvaluator.matching([]corev1.ResourceName{n}) != nil:
		return "persistentvolumeclaims", ""
	}
	for res, alias := range legacyCountAliases {
		if alias == n {
			return res, ""
		}
	}
	return "", ""
}
