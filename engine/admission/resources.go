package admission

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Pod-wide resource arithmetic shared by the strategy (QoS class), the
// LimitRanger "Pod" items and the quota evaluator. It follows
// k8s.io/component-helpers/resource: regular containers add up, init
// containers run one at a time so the pod needs the largest of them, and
// sidecars (restartable init containers) stay running and therefore add to
// everything after them.

// podQOS computes status.qosClass the way the pod strategy does.
func podQOS(pod *corev1.Pod) corev1.PodQOSClass {
	requests := corev1.ResourceList{}
	limits := corev1.ResourceList{}
	zero := resource.MustParse("0")
	isGuaranteed := true
	supported := func(n corev1.ResourceName) bool { return n == corev1.ResourceCPU || n == corev1.ResourceMemory }

	if pr := pod.Spec.Resources; pr != nil && (len(pr.Requests) > 0 || len(pr.Limits) > 0) {
		// Pod-level resources decide the class on their own.
		for n, q := range pr.Requests {
			if supported(n) && q.Cmp(zero) == 1 {
				requests[n] = q.DeepCopy()
			}
		}
		found := 0
		for n, q := range pr.Limits {
			if supported(n) && q.Cmp(zero) == 1 {
				limits[n] = q.DeepCopy()
				found++
			}
		}
		if found != 2 {
			isGuaranteed = false
		}
	} else {
		all := append(append([]corev1.Container{}, pod.Spec.Containers...), pod.Spec.InitContainers...)
		for _, c := range all {
			for n, q := range c.Resources.Requests {
				if supported(n) && q.Cmp(zero) == 1 {
					addQuantity(requests, n, q)
				}
			}
			found := map[corev1.ResourceName]bool{}
			for n, q := range c.Resources.Limits {
				if supported(n) && q.Cmp(zero) == 1 {
					found[n] = true
					addQuantity(limits, n, q)
				}
			}
			if !found[corev1.ResourceCPU] || !found[corev1.ResourceMemory] {
				isGuaranteed = false
			}
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return corev1.PodQOSBestEffort
	}
	if isGuaranteed {
		for n, req := range requests {
			if lim, ok := limits[n]; !ok || lim.Cmp(req) != 0 {
				isGuaranteed = false
				break
			}
		}
	}
	if isGuaranteed && len(requests) == len(limits) {
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}

func addQuantity(l corev1.ResourceList, n corev1.ResourceName, q resource.Quantity) {
	if v, ok := l[n]; ok {
		v.Add(q)
		l[n] = v
		return
	}
	l[n] = q.DeepCopy()
}

func addResourceList(into, add corev1.ResourceList) {
	for n, q := range add {
		addQuantity(into, n, q)
	}
}

// maxResourceList raises each entry of into to the one in other.
func maxResourceList(into, other corev1.ResourceList) {
	for n, q := range other {
		if v, ok := into[n]; !ok || q.Cmp(v) > 0 {
			into[n] = q.DeepCopy()
		}
	}
}

// podResourceSum aggregates requests (pick returns Requests) or limits over
// the containers of a pod.
func podResourceSum(pod *corev1.Pod, pick func(*corev1.Container) corev1.ResourceList) corev1.ResourceList {
	sum := corev1.ResourceList{}
	for i := range pod.Spec.Containers {
		addResourceList(sum, pick(&pod.Spec.Containers[i]))
	}
	sidecars := corev1.ResourceList{}
	initMax := corev1.ResourceList{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		own := pick(c)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			addResourceList(sum, own)
			addResourceList(sidecars, own)
			maxResourceList(initMax, sidecars)
			continue
		}
		during := corev1.ResourceList{}
		addResourceList(during, own)
		addResourceList(during, sidecars)
		maxResourceList(initMax, during)
	}
	maxResourceList(sum, initMax)
	return sum
}

func containerRequests(c *corev1.Container) corev1.ResourceList { return c.Resources.Requests }
func containerLimits(c *corev1.Container) corev1.ResourceList   { return c.Resources.Limits }

// podLevelOverride replaces cpu and memory with the pod-level value when the
// pod sets spec.resources (PodLevelResources, on by default since 1.34).
func podLevelOverride(sum corev1.ResourceList, podLevel corev1.ResourceList) {
	for n, q := range podLevel {
		if n == corev1.ResourceCPU || n == corev1.ResourceMemory {
			sum[n] = q.DeepCopy()
		}
	}
}

// podRequests and podLimits are the pod's effective requests and limits.
// withOverhead adds spec.overhead, which quota charges and LimitRanger
// ignores.
func podRequests(pod *corev1.Pod, withOverhead bool) corev1.ResourceList {
	sum := podResourceSum(pod, containerRequests)
	if pod.Spec.Resources != nil {
		podLevelOverride(sum, pod.Spec.Resources.Requests)
	}
	if withOverhead {
		addResourceList(sum, pod.Spec.Overhead)
	}
	return sum
}

func podLimits(pod *corev1.Pod, withOverhead bool) corev1.ResourceList {
	sum := podResourceSum(pod, containerLimits)
	if pod.Spec.Resources != nil {
		podLevelOverride(sum, pod.Spec.Resources.Limits)
	}
	if withOverhead {
		// Overhead counts toward a limit only where a limit exists.
		for n, q := range pod.Spec.Overhead {
			if v, ok := sum[n]; ok {
				v.Add(q)
				sum[n] = v
			}
		}
	}
	return sum
}

// sortedResourceNames gives map keys in a fixed order so that error lists,
// which kubectl prints whole, do not change from run to run.
func sortedResourceNames(l corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}
