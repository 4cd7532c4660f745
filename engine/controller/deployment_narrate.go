package controller

import (
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kubetour/engine/record"
	particle "kubetour/internal/ko"
)

// What the Deployment controller tells the student. Event messages are
// upstream's words; EN and KO say why, with the numbers of the
// maxSurge/maxUnavailable arithmetic that allowed the step. In Korean the
// object's kind follows its name ("web-abc 레플리카셋을") so that the
// particle agrees with a word whose sound is known.

const deploymentSource = "deployment-controller"

// scaleWhy explains one resize.
type scaleWhy struct {
	step   string // new-replica-set, surge, unhealthy, scale-down-old, recreate-down, recreate-up, scale, proportional, saturated
	en, ko string
	fields map[string]string
}

// depPlural writes "1 pod", "2 pods".
func depPlural(n int32, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func upDown(from, to int32) (en, ko string) {
	if to > from {
		return "up", "늘렸습니다"
	}
	return "down", "줄였습니다"
}

// surgeWords says how maxSurge resolved for this Deployment.
func surgeWords(d *appsv1.Deployment) (en, ko string) {
	replicas, surge := depReplicas(d.Spec.Replicas), maxSurgeOf(d)
	v := intstr.FromInt32(0)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxSurge != nil {
		v = *ru.MaxSurge
	}
	if v.Type == intstr.String {
		return fmt.Sprintf("maxSurge %s of %s, rounded up, is %d", v.StrVal, depPlural(replicas, "replica"), surge),
			fmt.Sprintf("maxSurge %s %d개의 %s 올림한 %d개", particle.With(v.StrVal, "은/는"), replicas, particle.With(v.StrVal, "을/를"), surge)
	}
	return fmt.Sprintf("maxSurge is %d", surge), fmt.Sprintf("maxSurge는 %d개", surge)
}

// unavailableWords says how maxUnavailable resolved, including the rule
// that makes it 1 when both fenceposts come to zero.
func unavailableWords(d *appsv1.Deployment) (en, ko string) {
	replicas, unavailable := depReplicas(d.Spec.Replicas), maxUnavailableOf(d)
	v := intstr.FromInt32(0)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxUnavailable != nil {
		v = *ru.MaxUnavailable
	}
	raw, _ := intstr.GetScaledValueFromIntOrPercent(&v, int(replicas), false)
	if raw == 0 && maxSurgeOf(d) == 0 && unavailable > 0 {
		return "maxSurge and maxUnavailable both come to 0, so maxUnavailable counts as 1",
			"maxSurge와 maxUnavailable이 모두 0이 되어 maxUnavailable을 1개로 보므로"
	}
	if v.Type == intstr.String {
		return fmt.Sprintf("maxUnavailable %s of %s, rounded down, is %d", v.StrVal, depPlural(replicas, "replica"), unavailable),
			fmt.Sprintf("maxUnavailable %s %d개의 %s 내림한 %d개이므로", particle.With(v.StrVal, "은/는"), replicas, particle.With(v.StrVal, "을/를"), unavailable)
	}
	return fmt.Sprintf("maxUnavailable is %d", unavailable), fmt.Sprintf("maxUnavailable은 %d개이므로", unavailable)
}

func (dc *Deployments) fenceFields(d *appsv1.Deployment) map[string]string {
	return map[string]string{
		"replicas":       strconv.Itoa(int(depReplicas(d.Spec.Replicas))),
		"maxSurge":       strconv.Itoa(int(maxSurgeOf(d))),
		"maxUnavailable": strconv.Itoa(int(maxUnavailableOf(d))),
		"strategy":       string(d.Spec.Strategy.Type),
	}
}

func (dc *Deployments) whyScaled(d *appsv1.Deployment, rs *appsv1.ReplicaSet, want int32) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	op, opKO := upDown(from, want)
	return scaleWhy{step: "scale",
		en: fmt.Sprintf("Scaled %s replica set %s from %d to %d: the Deployment asks for %s and this is its only active replica set, so it takes the whole change.", op, rs.Name, from, want, depPlural(want, "replica")),
		ko: fmt.Sprintf("%s 레플리카셋을 %d개에서 %d개로 %s: 디플로이먼트가 원하는 replicas가 %d개이고 활성 레플리카셋은 이것 하나뿐이라 변화를 모두 맡습니다.", rs.Name, from, want, opKO, want)}
}

func (dc *Deployments) whySaturated(d *appsv1.Deployment, rs, newRS *appsv1.ReplicaSet) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	want := depReplicas(d.Spec.Replicas)
	return scaleWhy{step: "saturated",
		en: fmt.Sprintf("Scaled down old replica set %s from %d to 0: the new replica set %s already has all %s available, so no old pod is needed.", rs.Name, from, newRS.Name, depPlural(want, "replica")),
		ko: fmt.Sprintf("이전 %s 레플리카셋을 %d개에서 0개로 줄였습니다: 새 %s 레플리카셋의 파드 %d개가 이미 모두 사용 가능(Available)하므로 이전 파드가 필요 없습니다.", rs.Name, from, newRS.Name, want)}
}

func (dc *Deployments) whyProportional(d *appsv1.Deployment, rs *appsv1.ReplicaSet, to, toAdd, allowed int32) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	op, opKO := upDown(from, to)
	verb, verbKO, n := "add", "더할", toAdd
	if toAdd < 0 {
		verb, verbKO, n = "remove", "뺄", -toAdd
	}
	return scaleWhy{step: "proportional",
		en: fmt.Sprintf("Scaled %s replica set %s from %d to %d: the Deployment was resized to %s in the middle of a rollout, so the %s to %s are shared among the active replica sets in proportion to their size (proportional scaling, at most replicas+maxSurge = %d in all).",
			op, rs.Name, from, to, depPlural(depReplicas(d.Spec.Replicas), "replica"), depPlural(n, "pod"), verb, allowed),
		ko: fmt.Sprintf("%s 레플리카셋을 %d개에서 %d개로 %s: 롤아웃 도중 디플로이먼트의 replicas가 %d개로 바뀌어, %s 파드 %d개를 활성 레플리카셋들의 크기에 비례해 나누었습니다(비례 스케일링, 전체 최대 replicas+maxSurge=%d개).",
			rs.Name, from, to, opKO, depReplicas(d.Spec.Replicas), verbKO, n, allowed),
		fields: map[string]string{"toAdd": strconv.Itoa(int(toAdd))}}
}

func (dc *Deployments) whyNewTooBig(d *appsv1.Deployment, rs *appsv1.ReplicaSet, want int32) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	return scaleWhy{step: "surge",
		en: fmt.Sprintf("Scaled down new replica set %s from %d to %d: it had more replicas than the %d the Deployment asks for.", rs.Name, from, want, want),
		ko: fmt.Sprintf("새 %s 레플리카셋을 %d개에서 %d개로 줄였습니다: 디플로이먼트가 원하는 %d개보다 많았기 때문입니다.", rs.Name, from, want, want)}
}

func (dc *Deployments) whySurge(d *appsv1.Deployment, rs *appsv1.ReplicaSet, to, current int32) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	replicas, surge := depReplicas(d.Spec.Replicas), maxSurgeOf(d)
	sEN, sKO := surgeWords(d)
	return scaleWhy{step: "surge",
		en: fmt.Sprintf("Scaled up new replica set %s from %d to %d: %s, so a rolling update may run up to %d+%d=%d pods, and the replica sets asked for %d.",
			rs.Name, from, to, sEN, replicas, surge, replicas+surge, current),
		ko: fmt.Sprintf("새 %s 레플리카셋을 %d개에서 %d개로 늘렸습니다: %s이므로 롤링 업데이트 중에는 파드를 최대 %d+%d=%d개까지 둘 수 있고, 레플리카셋들이 요청한 파드는 %d개였습니다.",
			rs.Name, from, to, sKO, replicas, surge, replicas+surge, current),
		fields: map[string]string{"maxTotal": strconv.Itoa(int(replicas + surge)), "current": strconv.Itoa(int(current))}}
}

func (dc *Deployments) whyUnhealthy(d *appsv1.Deployment, rs *appsv1.ReplicaSet, to int32) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	bad := from - rs.Status.AvailableReplicas
	return scaleWhy{step: "unhealthy",
		en:     fmt.Sprintf("Scaled down old replica set %s from %d to %d: %s of its pods were not available, and removing pods that serve nothing cannot lower availability.", rs.Name, from, to, depPlural(bad, "pod")),
		ko:     fmt.Sprintf("이전 %s 레플리카셋을 %d개에서 %d개로 줄였습니다: 그중 파드 %d개가 사용 가능(Available) 상태가 아니었고, 아무것도 처리하지 못하는 파드는 지워도 가용성이 줄지 않기 때문입니다.", rs.Name, from, to, bad),
		fields: map[string]string{"unavailable": strconv.Itoa(int(bad))}}
}

func (dc *Deployments) whyScaleDownOld(d *appsv1.Deployment, rs *appsv1.ReplicaSet, to, available, minAvailable int32) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	replicas, unavailable := depReplicas(d.Spec.Replicas), maxUnavailableOf(d)
	uEN, uKO := unavailableWords(d)
	return scaleWhy{step: "scale-down-old",
		en: fmt.Sprintf("Scaled down old replica set %s from %d to %d: %d pods are available and %s, so %d-%d=%d must stay available and up to %s can go.",
			rs.Name, from, to, available, uEN, replicas, unavailable, minAvailable, depPlural(available-minAvailable, "old pod")),
		ko: fmt.Sprintf("이전 %s 레플리카셋을 %d개에서 %d개로 줄였습니다: 사용 가능한 파드가 %d개이고 %s 최소 %d-%d=%d개는 사용 가능해야 하니, 이전 파드를 %d개까지 줄일 수 있습니다.",
			rs.Name, from, to, available, uKO, replicas, unavailable, minAvailable, available-minAvailable),
		fields: map[string]string{"available": strconv.Itoa(int(available)), "minAvailable": strconv.Itoa(int(minAvailable))}}
}

func (dc *Deployments) whyRecreateDown(d *appsv1.Deployment, rs *appsv1.ReplicaSet) scaleWhy {
	from := depReplicas(rs.Spec.Replicas)
	return scaleWhy{step: "recreate-down",
		en: fmt.Sprintf("Scaled down old replica set %s from %d to 0: the Recreate strategy removes every old pod before it starts a new one, so until the new pods are ready no pod serves requests (downtime).", rs.Name, from),
		ko: fmt.Sprintf("이전 %s 레플리카셋을 %d개에서 0개로 줄였습니다: Recreate 전략은 새 파드를 만들기 전에 이전 파드를 모두 없애므로, 새 파드가 준비될 때까지 요청을 처리할 파드가 없습니다(다운타임).", rs.Name, from)}
}

func (dc *Deployments) whyRecreateUp(d *appsv1.Deployment, rs *appsv1.ReplicaSet) scaleWhy {
	from, to := depReplicas(rs.Spec.Replicas), depReplicas(d.Spec.Replicas)
	op, opKO := upDown(from, to)
	return scaleWhy{step: "recreate-up",
		en: fmt.Sprintf("Scaled %s replica set %s from %d to %d: no pod of an old replica set is left, so the Recreate strategy now runs the new version.", op, rs.Name, from, to),
		ko: fmt.Sprintf("%s 레플리카셋을 %d개에서 %d개로 %s: 이전 레플리카셋의 파드가 모두 사라졌으므로, Recreate 전략이 이제 새 버전을 실행합니다.", rs.Name, from, to, opKO)}
}

// narrateScaled records upstream's ScalingReplicaSet event.
func (dc *Deployments) narrateScaled(d *appsv1.Deployment, rs *appsv1.ReplicaSet, op string, from, to int32, why scaleWhy) {
	f := dc.fenceFields(d)
	for k, v := range why.fields {
		f[k] = v
	}
	f["replicaSet"], f["from"], f["to"], f["step"] = rs.Name, strconv.Itoa(int(from)), strconv.Itoa(int(to)), why.step
	f["revision"] = rs.Annotations[revisionAnnotation]
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: "ScalingReplicaSet",
		Message: fmt.Sprintf("Scaled %s replica set %s from %d to %d", op, rs.Name, from, to),
		EN:      why.en, KO: why.ko, Related: []eventsRef{record.RefOf(rs)}, Fields: f})
}

// narrateCreated tells why the new ReplicaSet starts at its size; the event
// (only for a size above zero) is the scale-up from 0.
func (dc *Deployments) narrateCreated(d *appsv1.Deployment, rs *appsv1.ReplicaSet, old []*appsv1.ReplicaSet, count int32) {
	rev := rs.Annotations[revisionAnnotation]
	hash := rs.Labels[appsv1.DefaultDeploymentUniqueLabelKey]
	oldPods := rsSpecSum(old)
	replicas, surge := depReplicas(d.Spec.Replicas), maxSurgeOf(d)
	var en, ko string
	switch {
	case d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType && len(old) > 0:
		en = fmt.Sprintf("Created replica set %s (pod-template-hash %s) for revision %s with %s: no old pod is left, so the Recreate strategy now runs the new version.", rs.Name, hash, rev, depPlural(count, "replica"))
		ko = fmt.Sprintf("%s 레플리카셋(리비전 %s, pod-template-hash %s)을 만들고 %d개로 늘렸습니다: 이전 파드가 모두 사라졌으므로 Recreate 전략이 이제 새 버전을 실행합니다.", rs.Name, rev, hash, count)
	case oldPods == 0:
		en = fmt.Sprintf("Created replica set %s for the Deployment's pod template (revision %s, pod-template-hash %s) and scaled it up from 0 to %d: there is no old pod to replace.", rs.Name, rev, hash, count)
		ko = fmt.Sprintf("디플로이먼트의 파드 템플릿(리비전 %s, pod-template-hash %s)으로 %s 레플리카셋을 만들고 0개에서 %d개로 늘렸습니다: 교체할 이전 파드가 없기 때문입니다.", rev, hash, rs.Name, count)
	default:
		sEN, sKO := surgeWords(d)
		en = fmt.Sprintf("Created replica set %s for the new pod template (revision %s, pod-template-hash %s) with %s: %s, so a rolling update may run up to %d+%d=%d pods, and the old replica sets asked for %d.",
			rs.Name, rev, hash, depPlural(count, "replica"), sEN, replicas, surge, replicas+surge, oldPods)
		ko = fmt.Sprintf("새 파드 템플릿(리비전 %s, pod-template-hash %s)으로 %s 레플리카셋을 만들고 %d개로 시작했습니다: %s이므로 롤링 업데이트 중에는 파드를 최대 %d+%d=%d개까지 둘 수 있고, 이전 레플리카셋들이 요청한 파드는 %d개였습니다.",
			rev, hash, rs.Name, count, sKO, replicas, surge, replicas+surge, oldPods)
	}
	f := dc.fenceFields(d)
	f["replicaSet"], f["from"], f["to"], f["step"], f["revision"], f["hash"] = rs.Name, "0", strconv.Itoa(int(count)), "new-replica-set", rev, hash
	dec := record.Decision{Source: deploymentSource, Object: d, Reason: "ScalingReplicaSet",
		Message: fmt.Sprintf("Scaled up replica set %s from 0 to %d", rs.Name, count),
		EN:      en, KO: ko, Related: []eventsRef{record.RefOf(rs)}, Fields: f}
	if count == 0 {
		// Upstream records no event for a ReplicaSet created empty.
		dec.Reason, dec.Message, dec.NoEvent = reasonNewRSCreated, fmt.Sprintf("Created new replica set %q", rs.Name), true
	}
	dc.Rec.Record(dec)
}

func (dc *Deployments) narrateCleanup(d *appsv1.Deployment, rs *appsv1.ReplicaSet) {
	rev := rs.Annotations[revisionAnnotation]
	limit := *d.Spec.RevisionHistoryLimit
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: "OldReplicaSetDeleted", NoEvent: true,
		Related: []eventsRef{record.RefOf(rs)},
		EN:      fmt.Sprintf("Deleted old replica set %s (revision %s): revisionHistoryLimit is %d, and it was the oldest revision beyond it, with no pod left.", rs.Name, rev, limit),
		KO:      fmt.Sprintf("이전 %s 레플리카셋(리비전 %s)을 삭제했습니다: revisionHistoryLimit이 %d이고, 파드가 남지 않은 채 그 한도를 넘은 가장 오래된 리비전이었기 때문입니다.", rs.Name, rev, limit),
		Fields:  map[string]string{"replicaSet": rs.Name, "revision": rev, "revisionHistoryLimit": strconv.Itoa(int(limit))}})
}

func (dc *Deployments) narratePause(d *appsv1.Deployment, paused bool) {
	if paused {
		dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: reasonPaused, NoEvent: true, Message: "Deployment is paused",
			EN: fmt.Sprintf("Deployment %s is paused: a change of its pod template starts no rollout until it is resumed, but scaling still applies.", d.Name),
			KO: fmt.Sprintf("%s 디플로이먼트가 일시 중지되었습니다: 다시 시작(resume)할 때까지 파드 템플릿을 바꿔도 롤아웃이 시작되지 않지만, 스케일 조정은 적용됩니다.", d.Name)})
		return
	}
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: reasonResumed, NoEvent: true, Message: "Deployment is resumed",
		EN: fmt.Sprintf("Deployment %s is resumed: a pod template changed while it was paused now rolls out, and the progress deadline counts from now.", d.Name),
		KO: fmt.Sprintf("%s 디플로이먼트가 다시 시작되었습니다: 중지된 동안 바뀐 파드 템플릿이 이제 롤아웃되고, 진행 기한(progressDeadlineSeconds)은 지금부터 계산됩니다.", d.Name)})
}

func (dc *Deployments) narrateRevisionReused(d *appsv1.Deployment, rs *appsv1.ReplicaSet, prev string) {
	rev := rs.Annotations[revisionAnnotation]
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: "RevisionUpdated", NoEvent: true,
		Related: []eventsRef{record.RefOf(rs)},
		EN:      fmt.Sprintf("Replica set %s matches the Deployment's pod template again (as after kubectl rollout undo), so it is reused as revision %s; its former revision %s is kept in %s.", rs.Name, rev, prev, revisionHistoryAnnotation),
		KO:      fmt.Sprintf("%s 레플리카셋이 다시 디플로이먼트의 파드 템플릿과 같아져(kubectl rollout undo를 한 뒤처럼) 리비전 %s 재사용됩니다. 이전 리비전 번호(%s)는 %s에 남습니다.", rs.Name, particle.With(rev, "으로/로"), prev, revisionHistoryAnnotation),
		Fields:  map[string]string{"replicaSet": rs.Name, "revision": rev, "previousRevision": prev}})
}

func (dc *Deployments) narrateCollision(d *appsv1.Deployment, name string) {
	n := *d.Status.CollisionCount
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: "HashCollision", NoEvent: true,
		EN:     fmt.Sprintf("A replica set named %s already exists with another pod template (a hash collision): collisionCount becomes %d and goes into the next hash.", name, n),
		KO:     fmt.Sprintf("이름이 %s인 레플리카셋이 다른 파드 템플릿으로 이미 있어(해시 충돌) collisionCount 값을 올려(%d) 다음 해시 계산에 넣습니다.", name, n),
		Fields: map[string]string{"replicaSet": name, "collisionCount": strconv.Itoa(int(n))}})
}

func (dc *Deployments) narrateCreateFailed(d *appsv1.Deployment, name, msg string, err error) {
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Type: corev1.EventTypeWarning, Reason: reasonRSCreateError, Message: msg,
		EN:     fmt.Sprintf("The API server refused the new replica set %s, so the rollout cannot start; the controller retries with back-off: %v", name, err),
		KO:     fmt.Sprintf("API 서버가 새 %s 레플리카셋 생성을 거부해 롤아웃을 시작할 수 없습니다. 컨트롤러가 간격을 늘려 가며 다시 시도합니다: %v", name, err),
		Fields: map[string]string{"replicaSet": name}})
}

// narrateAvailability reports a change of the Available condition.
func (dc *Deployments) narrateAvailability(d *appsv1.Deployment, s *appsv1.DeploymentStatus) {
	before := getDeploymentCondition(d.Status, appsv1.DeploymentAvailable)
	after := getDeploymentCondition(*s, appsv1.DeploymentAvailable)
	if after == nil || (before != nil && before.Status == after.Status) {
		return
	}
	replicas, unavailable := depReplicas(d.Spec.Replicas), maxUnavailableOf(d)
	need := replicas - unavailable
	f := dc.fenceFields(d)
	f["available"], f["minAvailable"] = strconv.Itoa(int(s.AvailableReplicas)), strconv.Itoa(int(need))
	dec := record.Decision{Source: deploymentSource, Object: d, Reason: after.Reason, Message: after.Message, NoEvent: true, Fields: f}
	have := depPlural(s.AvailableReplicas, "pod")
	needEN := fmt.Sprintf("replicas-maxUnavailable = %d-%d=%d are needed", replicas, unavailable, need)
	needKO := fmt.Sprintf("필요한 수는 replicas-maxUnavailable = %d-%d=%d개입니다", replicas, unavailable, need)
	if !depIsRollingUpdate(d) {
		needEN = fmt.Sprintf("the Recreate strategy needs all %d", replicas)
		needKO = fmt.Sprintf("Recreate 전략에서는 %d개가 모두 필요합니다", replicas)
	}
	if after.Status == corev1.ConditionTrue {
		dec.EN = fmt.Sprintf("Deployment %s has minimum availability: %s available, and %s.", d.Name, have, needEN)
		dec.KO = fmt.Sprintf("%s 디플로이먼트가 최소 가용성을 갖췄습니다: 사용 가능한 파드가 %d개이고, %s.", d.Name, s.AvailableReplicas, needKO)
	} else {
		dec.EN = fmt.Sprintf("Deployment %s does not have minimum availability: %s available, but %s.", d.Name, have, needEN)
		dec.KO = fmt.Sprintf("%s 디플로이먼트가 최소 가용성을 갖추지 못했습니다: 사용 가능한 파드는 %d개인데, %s.", d.Name, s.AvailableReplicas, needKO)
	}
	dc.Rec.Record(dec)
}

// narrateProgress reports a rollout that completed or timed out.
func (dc *Deployments) narrateProgress(d *appsv1.Deployment, newRS *appsv1.ReplicaSet, s *appsv1.DeploymentStatus) {
	before := getDeploymentCondition(d.Status, appsv1.DeploymentProgressing)
	after := getDeploymentCondition(*s, appsv1.DeploymentProgressing)
	if after == nil || (before != nil && before.Reason == after.Reason) {
		return
	}
	name := d.Name
	if newRS != nil {
		name = newRS.Name
	}
	f := map[string]string{"replicaSet": name, "revision": d.Annotations[revisionAnnotation]}
	switch after.Reason {
	case reasonNewRSAvailable:
		dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Reason: after.Reason, Message: after.Message, NoEvent: true, Fields: f,
			EN: fmt.Sprintf("Rollout complete: replica set %s has all %s updated and available, so kubectl rollout status reports success.", name, depPlural(s.AvailableReplicas, "replica")),
			KO: fmt.Sprintf("롤아웃이 끝났습니다: %s 레플리카셋의 파드 %d개가 모두 업데이트되어 사용 가능하므로 kubectl rollout status가 성공을 알립니다.", name, s.AvailableReplicas)})
	case reasonTimedOut:
		secs := *d.Spec.ProgressDeadlineSeconds
		dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Type: corev1.EventTypeWarning, Reason: after.Reason, Message: after.Message, NoEvent: true, Fields: f,
			EN: fmt.Sprintf("The rollout made no progress for %ds (progressDeadlineSeconds), so it is marked failed (ProgressDeadlineExceeded) and kubectl rollout status exits with an error; nothing is undone.", secs),
			KO: fmt.Sprintf("롤아웃이 %d초(progressDeadlineSeconds) 동안 진행되지 않아 실패(ProgressDeadlineExceeded)로 표시되고 kubectl rollout status가 오류로 끝납니다. 되돌려지는 것은 없습니다.", secs)})
	}
}

func (dc *Deployments) narrateRollback(d *appsv1.Deployment, typ, reason, msg string, to int64) {
	var en, ko string
	switch reason {
	case reasonRollbackDone:
		en = fmt.Sprintf("Rolled back Deployment %s to the pod template of revision %d, as its %s annotation asked.", d.Name, to, appsv1.DeprecatedRollbackTo)
		ko = fmt.Sprintf("%s 어노테이션의 요청대로 %s 디플로이먼트를 리비전 %d의 파드 템플릿으로 롤백했습니다.", appsv1.DeprecatedRollbackTo, d.Name, to)
	case reasonRollbackTemplateSame:
		en = fmt.Sprintf("The rollback of Deployment %s was skipped: the revision asked for has the same pod template as now.", d.Name)
		ko = fmt.Sprintf("%s 디플로이먼트의 롤백을 건너뛰었습니다: 요청한 리비전의 파드 템플릿이 지금과 같습니다.", d.Name)
	default:
		en = fmt.Sprintf("The rollback of Deployment %s was given up: no replica set has the revision asked for.", d.Name)
		ko = fmt.Sprintf("%s 디플로이먼트의 롤백을 포기했습니다: 요청한 리비전의 레플리카셋이 없습니다.", d.Name)
	}
	dc.Rec.Record(record.Decision{Source: deploymentSource, Object: d, Type: typ, Reason: reason, Message: msg, EN: en, KO: ko,
		Fields: map[string]string{"revision": strconv.FormatInt(to, 10)}})
}
