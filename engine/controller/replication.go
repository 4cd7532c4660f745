package controller

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"kubetour/engine/kinds"
)

func init() {
	Register("replication", func(d Deps) Controller { return NewReplicationControllers(d) })
}

// NewReplicationControllers returns the ReplicationController controller:
// the ReplicaSet controller run over ReplicationControllers converted to
// ReplicaSets and back, as upstream's replication manager does. The
// equality selector becomes matchLabels; the status has no
// terminatingReplicas; events come from "replication-controller".
func NewReplicationControllers(d Deps) *ReplicaSets {
	k := kinds.Core("replicationcontrollers")
	m := &ReplicaSets{Deps: d, kind: k, gvk: k.GVK, source: "replication-controller",
		noun:     replicaNoun{EN: "ReplicationController", KO: "레플리케이션 컨트롤러", KOSubj: "레플리케이션 컨트롤러가"},
		view:     func(o runtime.Object) *appsv1.ReplicaSet { return rcAsReplicaSet(o.(*corev1.ReplicationController)) },
		failures: map[string]int{}, pods: newRSPodCache(), written: map[string]string{}}
	m.writeStatus = func(o runtime.Object, st appsv1.ReplicaSetStatus) (runtime.Object, error) {
		rc := o.(*corev1.ReplicationController)
		rc.Status = rcStatus(st)
		return d.API.Update(d.ctx(), k, rc.Namespace, rc.Name, "status", rc, internal)
	}
	m.q = NewQueue(d.Loop, m.sync)
	return m
}

// rcAsReplicaSet is the conversion the replication manager works through.
// An RC without a template has nothing to create pods from; it still
// counts and adopts.
func rcAsReplicaSet(rc *corev1.ReplicationController) *appsv1.ReplicaSet {
	rs := &appsv1.ReplicaSet{ObjectMeta: rc.ObjectMeta, Spec: appsv1.ReplicaSetSpec{
		Replicas: rc.Spec.Replicas, MinReadySeconds: rc.Spec.MinReadySeconds,
		Selector: &metav1.LabelSelector{MatchLabels: rc.Spec.Selector},
	}}
	if rc.Spec.Template != nil {
		rs.Spec.Template = *rc.Spec.Template
	}
	rs.Status = appsv1.ReplicaSetStatus{Replicas: rc.Status.Replicas, FullyLabeledReplicas: rc.Status.FullyLabeledReplicas,
		ReadyReplicas: rc.Status.ReadyReplicas, AvailableReplicas: rc.Status.AvailableReplicas, ObservedGeneration: rc.Status.ObservedGeneration}
	for _, c := range rc.Status.Conditions {
		rs.Status.Conditions = append(rs.Status.Conditions, appsv1.ReplicaSetCondition{Type: appsv1.ReplicaSetConditionType(c.Type),
			Status: c.Status, LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message})
	}
	return rs
}

func rcStatus(st appsv1.ReplicaSetStatus) corev1.ReplicationControllerStatus {
	out := corev1.ReplicationControllerStatus{Replicas: st.Replicas, FullyLabeledReplicas: st.FullyLabeledReplicas,
		ReadyReplicas: st.ReadyReplicas, AvailableReplicas: st.AvailableReplicas, ObservedGeneration: st.ObservedGeneration}
	for _, c := range st.Conditions {
		out.Conditions = append(out.Conditions, corev1.ReplicationControllerCondition{Type: corev1.ReplicationControllerConditionType(c.Type),
			Status: c.Status, LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message})
	}
	return out
}
