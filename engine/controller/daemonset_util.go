package controller

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/utils/dump"
)

// This file holds the DaemonSet controller's pure helpers, after upstream's
// pkg/controller/daemon/util and the parts of daemon_controller.go that
// decide which nodes should run a daemon pod.

// dsTemplateGenerationAnnotation carries the internal TemplateGeneration in
// apps/v1 (the API server bumps it when the template changes), and
// dsTemplateGenerationLabel puts it on each pod (the legacy way to tell a
// pod's template, before revision hashes).
const (
	dsTemplateGenerationAnnotation = appsv1.DeprecatedTemplateGeneration
	dsTemplateGenerationLabel      = "pod-template-generation"
)

// dsDefaultTolerations are the tolerations the controller adds to every
// daemon pod (AddOrUpdateDaemonPodTolerations): a per-node agent must keep
// running, and be placeable, on a node that is not ready, unreachable,
// under pressure or cordoned. They do not include the control-plane
// taint, which is why a DaemonSet skips the control-plane node unless its
// template tolerates it.
func dsDefaultTolerations(hostNetwork bool) []corev1.Toleration {
	ts := []corev1.Toleration{
		{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
		{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
		{Key: corev1.TaintNodeDiskPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
		{Key: corev1.TaintNodeMemoryPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
		{Key: corev1.TaintNodePIDPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
		{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	}
	if hostNetwork {
		ts = append(ts, corev1.Toleration{Key: corev1.TaintNodeNetworkUnavailable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule})
	}
	return ts
}

// dsAddTolerations adds or replaces each default toleration in spec, as
// AddOrUpdateTolerationInPodSpec does: one with the same key, operator,
// value and effect is replaced in place, any other is appended.
func dsAddTolerations(spec *corev1.PodSpec) {
	for _, t := range dsDefaultTolerations(spec.HostNetwork) {
		found := false
		for i := range spec.Tolerations {
			cur := spec.Tolerations[i]
			if cur.Key == t.Key && cur.Effect == t.Effect && cur.Operator == t.Operator && cur.Value == t.Value {
				spec.Tolerations[i] = t
				found = true
				break
			}
		}
		if !found {
			spec.Tolerations = append(spec.Tolerations, t)
		}
	}
}

// dsTolerates reports whether one toleration lets a pod past one taint.
func dsTolerates(t corev1.Toleration, taint corev1.Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case "", corev1.TolerationOpEqual:
		return t.Value == taint.Value
	case corev1.TolerationOpExists:
		return true
	}
	return false
}

// dsUntolerated returns the first taint with one of effects that no
// toleration tolerates.
func dsUntolerated(taints []corev1.Taint, tolerations []corev1.Toleration, effects ...corev1.TaintEffect) (corev1.Taint, bool) {
	for _, taint := range taints {
		wanted := false
		for _, e := range effects {
			wanted = wanted || taint.Effect == e
		}
		if !wanted {
			continue
		}
		tolerated := false
		for _, t := range tolerations {
			if dsTolerates(t, taint) {
				tolerated = true
				break
			}
		}
		if !tolerated {
			return taint, true
		}
	}
	return corev1.Taint{}, false
}

func dsTaintString(t corev1.Taint) string {
	if t.Value == "" {
		return t.Key + ":" + string(t.Effect)
	}
	return t.Key + "=" + t.Value + ":" + string(t.Effect)
}

// dsVerdict is whether a node should run a DaemonSet's pod, and why not.
type dsVerdict struct {
	// ShouldRun: a pod should be created there if there is none.
	ShouldRun bool
	// ShouldContinue: a pod already there may stay (a NoSchedule taint
	// added later keeps new pods off but does not evict).
	ShouldContinue bool
	// EN and KO explain a node that should not run the pod; Key is a
	// stable form of the reason, to narrate only changes.
	Key, EN, KO string
}

// dsNewPod is the pod the DaemonSet would run on node, for the
// predicates: the template with the default tolerations (NewPod).
func dsNewPod(ds *appsv1.DaemonSet, node string) *corev1.Pod {
	pod := &corev1.Pod{Spec: *ds.Spec.Template.Spec.DeepCopy(), ObjectMeta: *ds.Spec.Template.ObjectMeta.DeepCopy()}
	pod.Namespace = ds.Namespace
	pod.Spec.NodeName = node
	dsAddTolerations(&pod.Spec)
	return pod
}

// dsNodeShouldRun is NodeShouldRunDaemonPod: the template's nodeName, its
// nodeSelector and required node affinity, and the node's taints against
// the pod's tolerations. Resources play no part: a DaemonSet ignores how
// full a node is (the scheduler still checks it when binding).
func dsNodeShouldRun(ds *appsv1.DaemonSet, node *corev1.Node) dsVerdict {
	pod := dsNewPod(ds, node.Name)
	if n := ds.Spec.Template.Spec.NodeName; n != "" && n != node.Name {
		return dsVerdict{Key: "nodeName",
			EN: fmt.Sprintf("its template names node %s in spec.nodeName", n),
			KO: fmt.Sprintf("템플릿의 spec.nodeName이 %s 노드로 정해져 있기 때문입니다", n)}
	}
	for k, v := range pod.Spec.NodeSelector {
		if got, ok := node.Labels[k]; !ok || got != v {
			sel := labels.FormatLabels(pod.Spec.NodeSelector)
			return dsVerdict{Key: "nodeSelector",
				EN: fmt.Sprintf("the node's labels do not match its nodeSelector (%s)", sel),
				KO: fmt.Sprintf("노드의 레이블이 nodeSelector(%s)와 맞지 않기 때문입니다", sel)}
		}
	}
	if ok, err := nodeaffinity.GetRequiredNodeAffinity(pod).Match(node); err != nil || !ok {
		return dsVerdict{Key: "affinity",
			EN: "the node does not satisfy its required node affinity",
			KO: "노드가 필수 노드 어피니티(requiredDuringScheduling) 조건을 만족하지 않기 때문입니다"}
	}
	if taint, bad := dsUntolerated(node.Spec.Taints, pod.Spec.Tolerations, corev1.TaintEffectNoSchedule, corev1.TaintEffectNoExecute); bad {
		_, evicting := dsUntolerated(node.Spec.Taints, pod.Spec.Tolerations, corev1.TaintEffectNoExecute)
		return dsVerdict{ShouldContinue: !evicting, Key: "taint " + dsTaintString(taint),
			EN: fmt.Sprintf("the node has the taint %s, which its pods do not tolerate", dsTaintString(taint)),
			KO: fmt.Sprintf("노드에 있는 %s 테인트를 파드가 용인(toleration)하지 않기 때문입니다", dsTaintString(taint))}
	}
	return dsVerdict{ShouldRun: true, ShouldContinue: true}
}

// dsTargetNode is GetTargetNodeName: the pod's node, or for a pod not yet
// bound, the node its matchFields affinity names.
func dsTargetNode(pod *corev1.Pod) (string, bool) {
	if pod.Spec.NodeName != "" {
		return pod.Spec.NodeName, true
	}
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return "", false
	}
	for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, f := range term.MatchFields {
			if f.Key == metav1.ObjectNameField && f.Operator == corev1.NodeSelectorOpIn && len(f.Values) == 1 {
				return f.Values[0], true
			}
		}
	}
	return "", false
}

// dsPinToNode is ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's
// required node affinity becomes "metadata.name In [node]", so the default
// scheduler binds it there (and nowhere else). The DaemonSet has already
// checked the node against the template's own affinity.
func dsPinToNode(affinity *corev1.Affinity, node string) *corev1.Affinity {
	req := corev1.NodeSelectorRequirement{Key: metav1.ObjectNameField, Operator: corev1.NodeSelectorOpIn, Values: []string{node}}
	sel := &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchFields: []corev1.NodeSelectorRequirement{req}}}}
	if affinity == nil {
		return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: sel}}
	}
	if affinity.NodeAffinity == nil {
		affinity.NodeAffinity = &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: sel}
		return affinity
	}
	if affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = sel
		return affinity
	}
	affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = sel.NodeSelectorTerms
	return affinity
}

// dsTemplateGeneration reads the DaemonSet's template generation.
func dsTemplateGeneration(ds *appsv1.DaemonSet) *int64 {
	v, ok := ds.Annotations[dsTemplateGenerationAnnotation]
	if !ok {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	return &n
}

// dsPodTemplate is CreatePodTemplate: the template with the default
// tolerations and the labels that tie a pod to its revision.
func dsPodTemplate(ds *appsv1.DaemonSet, hash string) corev1.PodTemplateSpec {
	t := *ds.Spec.Template.DeepCopy()
	dsAddTolerations(&t.Spec)
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	if g := dsTemplateGeneration(ds); g != nil {
		t.Labels[dsTemplateGenerationLabel] = strconv.FormatInt(*g, 10)
	}
	if hash != "" {
		t.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] = hash
	}
	return t
}

// dsPodUpdated is IsPodUpdated: a pod of the current revision, by hash or
// by the legacy template generation.
func dsPodUpdated(ds *appsv1.DaemonSet, pod *corev1.Pod, hash string) bool {
	if hash != "" && pod.Labels[appsv1.DefaultDaemonSetUniqueLabelKey] == hash {
		return true
	}
	g := dsTemplateGeneration(ds)
	return g != nil && pod.Labels[dsTemplateGenerationLabel] == strconv.FormatInt(*g, 10)
}

// dsPodAvailable is IsPodAvailable: ready for at least minReadySeconds.
func dsPodAvailable(pod *corev1.Pod, minReadySeconds int32, now time.Time) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type != corev1.PodReady {
			continue
		}
		if c.Status != corev1.ConditionTrue {
			return false
		}
		if minReadySeconds == 0 {
			return true
		}
		return !c.LastTransitionTime.IsZero() && c.LastTransitionTime.Add(time.Duration(minReadySeconds)*time.Second).Before(now)
	}
	return false
}

// dsSortPods is podByCreationTimestampAndPhase: bound pods first, then
// oldest first, then by name.
func dsSortPods(pods []*corev1.Pod) {
	sort.SliceStable(pods, func(i, j int) bool {
		a, b := pods[i], pods[j]
		if (a.Spec.NodeName != "") != (b.Spec.NodeName != "") {
			return a.Spec.NodeName != ""
		}
		if a.CreationTimestamp.Equal(&b.CreationTimestamp) {
			return a.Name < b.Name
		}
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	})
}

// dsMaxUnavailable and dsMaxSurge scale the rolling-update bounds by the
// number of nodes that should run the pod, rounding up (UnavailableCount,
// SurgeCount).
func dsMaxUnavailable(ds *appsv1.DaemonSet, desired int) int {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType || ru == nil || ru.MaxUnavailable == nil {
		return 0
	}
	n, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, desired, true)
	if err != nil {
		return 0
	}
	return n
}

func dsMaxSurge(ds *appsv1.DaemonSet, desired int) int {
	ru := ds.Spec.UpdateStrategy.RollingUpdate
	if ds.Spec.UpdateStrategy.Type != appsv1.RollingUpdateDaemonSetStrategyType || ru == nil || ru.MaxSurge == nil {
		return 0
	}
	n, err := intstr.GetScaledValueFromIntOrPercent(ru.MaxSurge, desired, true)
	if err != nil {
		return 0
	}
	return n
}

// dsAllowsSurge: with a surge, a node may briefly run an old and a new pod.
func dsAllowsSurge(ds *appsv1.DaemonSet) bool { return dsMaxSurge(ds, 1) != 0 }

// dsTemplateHash is controller.ComputeHash: FNV-32a over the template as
// dump.ForHash prints it, plus the collision count, encoded with the
// alphabet of generated names. Equal templates give the hash a real
// cluster gives them.
func dsTemplateHash(t *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%v", dump.ForHash(*t))
	if collisionCount != nil {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint32(b, uint32(*collisionCount))
		h.Write(b)
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// dsRevisionPatch is getPatch: the revision's data is a strategic merge
// patch that replaces spec.template, which is also what `kubectl rollout
// undo` applies to go back to it.
func dsRevisionPatch(ds *appsv1.DaemonSet) ([]byte, error) {
	b, err := json.Marshal(ds)
	if err != nil {
		return nil, err
	}
	var raw map[string]interface{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	spec, _ := raw["spec"].(map[string]interface{})
	template, _ := spec["template"].(map[string]interface{})
	if template == nil {
		template = map[string]interface{}{}
	}
	template["$patch"] = "replace"
	return json.Marshal(map[string]interface{}{"spec": map[string]interface{}{"template": template}})
}

// dsCloneLabels copies m and sets k=v.
func dsCloneLabels(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// dsOwnerRef finds a controller reference to a DaemonSet (apps group).
func dsOwnerRef(refs []metav1.OwnerReference) (metav1.OwnerReference, bool) {
	for _, r := range refs {
		if r.Controller != nil && *r.Controller && r.Kind == "DaemonSet" && strings.HasPrefix(r.APIVersion, "apps/") {
			return r, true
		}
	}
	return metav1.OwnerReference{}, false
}
