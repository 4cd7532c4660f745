package scheduler

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// The requests the scorers assume for a container that sets none. Without
// them a node full of BestEffort Pods would look empty to LeastAllocated and
// attract every new Pod. Filtering never uses them: a Pod without requests
// fits anywhere there is a free pod slot.
const (
	defaultMilliCPURequest int64 = 100               // 0.1 core
	defaultMemoryRequest   int64 = 200 * 1024 * 1024 // 200Mi
)

// amounts is a set of resource quantities in the scheduler's units: CPU in
// millicores, everything else (memory, ephemeral storage, hugepages, extended
// resources) in its plain integer value.
type amounts map[corev1.ResourceName]int64

func quantityValue(name corev1.ResourceName, q resource.Quantity) int64 {
	if name == corev1.ResourceCPU {
		return q.MilliValue()
	}
	return q.Value()
}

func toAmounts(list corev1.ResourceList) amounts {
	out := amounts{}
	for name, q := range list {
		out[name] = quantityValue(name, q)
	}
	return out
}

func (a amounts) add(b amounts) {
	for name, v := range b {
		a[name] += v
	}
}

func (a amounts) max(b amounts) {
	for name, v := range b {
		if cur, ok := a[name]; !ok || v > cur {
			a[name] = v
		}
	}
}

func (a amounts) clone() amounts {
	out := make(amounts, len(a))
	out.add(a)
	return out
}

// isScalar tells whether a resource is checked by NodeResourcesFit beyond
// cpu, memory and ephemeral-storage: hugepages, attachable volumes and every
// domain-prefixed (extended) resource such as nvidia.com/gpu.
func isScalar(name corev1.ResourceName) bool {
	s := string(name)
	return strings.Contains(s, "/") ||
		strings.HasPrefix(s, corev1.ResourceHugePagesPrefix) ||
		strings.HasPrefix(s, "attachable-volumes-")
}

// scalarNames lists the scalar resources of a in name order. Upstream walks
// a Go map here, so its order of "Insufficient" reasons for several extended
// resources is random; we sort to stay deterministic.
func (a amounts) scalarNames() []corev1.ResourceName {
	var names []corev1.ResourceName
	for name := range a {
		if isScalar(name) {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}

// isRestartable reports a sidecar: an init container with restartPolicy
// Always keeps running beside the app containers.
func isRestartable(c *corev1.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// podLevelRequests returns the pod-level requests the scheduler honours
// (cpu, memory and hugepages, KEP-2837), or nil when the Pod sets none.
func podLevelRequests(pod *corev1.Pod) amounts {
	if pod.Spec.Resources == nil {
		return nil
	}
	var out amounts
	for name, q := range pod.Spec.Resources.Requests {
		if name == corev1.ResourceCPU || name == corev1.ResourceMemory ||
			strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
			if out == nil {
				out = amounts{}
			}
			out[name] = quantityValue(name, q)
		}
	}
	return out
}

// podRequests is the effective request of a Pod, the amount a node must have
// free for it:
//
//	max(sum of app containers + sidecars, each init container + the sidecars started before it)
//	replaced by pod-level requests where set, plus pod overhead.
//
// Init containers run one at a time, so only the largest one counts; sidecars
// (restartable init containers) keep running, so they add up with everything
// started after them. With nonZero, a container that sets no cpu or memory
// request is counted as 100m / 200Mi, as the scorers do; explicitly set
// zeros stay zero.
func podRequests(pod *corev1.Pod, nonZero bool) amounts {
	podLevel := podLevelRequests(pod)

	// Which defaults apply: all of them, unless the Pod-level requests already
	// say how much cpu or memory the whole Pod needs.
	var defaults amounts
	if nonZero {
		defaults = amounts{}
		if _, ok := podLevel[corev1.ResourceCPU]; !ok {
			defaults[corev1.ResourceCPU] = defaultMilliCPURequest
		}
		if _, ok := podLevel[corev1.ResourceMemory]; !ok {
			defaults[corev1.ResourceMemory] = defaultMemoryRequest
		}
	}
	containerRequests := func(c *corev1.Container) amounts {
		r := toAmounts(c.Resources.Requests)
		for name, v := range defaults {
			if _, set := c.Resources.Requests[name]; !set {
				r[name] += v
			}
		}
		return r
	}

	total := amounts{}
	for i := range pod.Spec.Containers {
		total.add(containerRequests(&pod.Spec.Containers[i]))
	}
	sidecars := amounts{}
	initPeak := amounts{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		r := containerRequests(c)
		if isRestartable(c) {
			total.add(r)
			sidecars.add(r)
			initPeak.max(sidecars)
			continue
		}
		during := r.clone()
		during.add(sidecars)
		initPeak.max(during)
	}
	total.max(initPeak)

	for name, v := range podLevel {
		total[name] = v
	}
	if pod.Spec.Overhead != nil {
		total.add(toAmounts(pod.Spec.Overhead))
	}
	return total
}

// isZero reports a Pod that requests nothing at all (BestEffort as far as the
// scheduler is concerned).
func (a amounts) isZero() bool {
	for _, v := range a {
		if v != 0 {
			return false
		}
	}
	return true
}

// formatAmount prints an amount the way kubectl would print the quantity.
func formatAmount(name corev1.ResourceName, v int64) string {
	if name == corev1.ResourceCPU {
		return resource.NewMilliQuantity(v, resource.DecimalSI).String()
	}
	if name == corev1.ResourceMemory || name == corev1.ResourceEphemeralStorage ||
		strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
		return resource.NewQuantity(v, resource.BinarySI).String()
	}
	return resource.NewQuantity(v, resource.DecimalSI).String()
}
