package controller

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/utils/dump"

	"kubetour/engine/equal"
)

// The annotations the Deployment controller keeps on Deployments and their
// ReplicaSets. kubectl reads them back (rollout history and undo, describe),
// so their names and formats are upstream's.
const (
	revisionAnnotation        = "deployment.kubernetes.io/revision"
	revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	maxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	changeCauseAnnotation     = "kubernetes.io/change-cause"
	// maxRevHistoryLengthInChars bounds revision-history (the controller
	// manager's default).
	maxRevHistoryLengthInChars = 2000
)

// Condition reasons, as deployment_util.go names them; kubectl rollout
// status and lesson checks match on them.
const (
	reasonRSCreateError  = "ReplicaSetCreateError"
	reasonNewRSCreated   = "NewReplicaSetCreated"
	reasonFoundNewRS     = "FoundNewReplicaSet"
	reasonNewRSAvailable = "NewReplicaSetAvailable"
	reasonRSUpdated      = "ReplicaSetUpdated"
	reasonTimedOut       = "ProgressDeadlineExceeded"
	reasonPaused         = "DeploymentPaused"
	reasonResumed        = "DeploymentResumed"
	reasonMinAvailable   = "MinimumReplicasAvailable"
	reasonMinUnavailable = "MinimumReplicasUnavailable"

	reasonRollbackDone         = "DeploymentRollback"
	reasonRollbackNotFound     = "DeploymentRollbackRevisionNotFound"
	reasonRollbackTemplateSame = "DeploymentRollbackTemplateUnchanged"
)

// templateHash is controller.ComputeHash: FNV-32a over the spew dump of
// the template (the same dump configuration upstream hashes), plus the
// collision count when there is one, written through SafeEncodeString so
// the value has no vowels and cannot spell words. The same template always
// gives the same hash, on any cluster.
func deploymentTemplateHash(t *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%v", dump.ForHash(*t))
	if collisionCount != nil {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint32(b, uint32(*collisionCount))
		h.Write(b)
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

// equalIgnoreHash compares two pod templates as if neither had the
// pod-template-hash label: how the controller recognises the ReplicaSet a
// Deployment's template already has (after a rollback, say).
func equalIgnoreHash(a, b *corev1.PodTemplateSpec) bool {
	if !labelsEqualIgnoring(a.Labels, b.Labels, appsv1.DefaultDeploymentUniqueLabelKey) {
		return false
	}
	// The rest is compared in place: only the metadata is copied (to drop
	// the labels), never the pod specs, which this runs on at every sync.
	x, y := a.ObjectMeta, b.ObjectMeta
	x.Labels, y.Labels = nil, nil
	return equal.Semantic(&x, &y) && equal.Semantic(&a.Spec, &b.Spec)
}

func labelsEqualIgnoring(a, b map[string]string, skip string) bool {
	n := 0
	for k, v := range a {
		if k == skip {
			continue
		}
		n++
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	m := len(b)
	if _, ok := b[skip]; ok {
		m--
	}
	return n == m
}

// resolveFenceposts turns maxSurge and maxUnavailable into pod counts for
// desired replicas: surge rounds up, unavailable rounds down, and when both
// come to zero unavailable becomes 1, on the theory that surge might not
// work (a quota, say) and a rollout must be able to move.
func resolveFenceposts(maxSurge, maxUnavailable *intstr.IntOrString, desired int32) (int32, int32, error) {
	surge, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(maxSurge, intstr.FromInt32(0)), int(desired), true)
	if err != nil {
		return 0, 0, err
	}
	unavailable, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(maxUnavailable, intstr.FromInt32(0)), int(desired), false)
	if err != nil {
		return 0, 0, err
	}
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return int32(surge), int32(unavailable), nil
}

func depIsRollingUpdate(d *appsv1.Deployment) bool {
	return d.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType
}

func depReplicas(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// maxSurgeOf is MaxSurge: zero for Recreate.
func maxSurgeOf(d *appsv1.Deployment) int32 {
	if !depIsRollingUpdate(d) || d.Spec.Strategy.RollingUpdate == nil {
		return 0
	}
	s, _, _ := resolveFenceposts(d.Spec.Strategy.RollingUpdate.MaxSurge, d.Spec.Strategy.RollingUpdate.MaxUnavailable, depReplicas(d.Spec.Replicas))
	return s
}

// maxUnavailableOf is MaxUnavailable: zero for Recreate and for zero
// replicas, and never more than the replicas.
func maxUnavailableOf(d *appsv1.Deployment) int32 {
	replicas := depReplicas(d.Spec.Replicas)
	if !depIsRollingUpdate(d) || d.Spec.Strategy.RollingUpdate == nil || replicas == 0 {
		return 0
	}
	_, u, _ := resolveFenceposts(d.Spec.Strategy.RollingUpdate.MaxSurge, d.Spec.Strategy.RollingUpdate.MaxUnavailable, replicas)
	if u > replicas {
		return replicas
	}
	return u
}

// newRSNewReplicas is how big the new ReplicaSet may be now: for a rolling
// update, as big as replicas+maxSurge leaves room for, never above
// replicas; for Recreate, all the replicas.
func newRSNewReplicas(d *appsv1.Deployment, all []*appsv1.ReplicaSet, newRS *appsv1.ReplicaSet) (int32, error) {
	switch d.Spec.Strategy.Type {
	case appsv1.RollingUpdateDeploymentStrategyType:
		replicas := depReplicas(d.Spec.Replicas)
		surge, err := intstr.GetScaledValueFromIntOrPercent(d.Spec.Strategy.RollingUpdate.MaxSurge, int(replicas), true)
		if err != nil {
			return 0, err
		}
		current := rsSpecSum(all)
		maxTotal := replicas + int32(surge)
		if current >= maxTotal {
			return depReplicas(newRS.Spec.Replicas), nil
		}
		up := min(maxTotal-current, replicas-depReplicas(newRS.Spec.Replicas))
		return depReplicas(newRS.Spec.Replicas) + up, nil
	case appsv1.RecreateDeploymentStrategyType:
		return depReplicas(d.Spec.Replicas), nil
	}
	return 0, fmt.Errorf("deployment type %v isn't supported", d.Spec.Strategy.Type)
}

// isSaturated: the new ReplicaSet has been asked for, and has available,
// everything the Deployment wants.
func isSaturated(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	if rs == nil {
		return false
	}
	desired, ok := rsIntAnnotation(rs, desiredReplicasAnnotation)
	if !ok {
		return false
	}
	want := depReplicas(d.Spec.Replicas)
	return depReplicas(rs.Spec.Replicas) == want && desired == want && rs.Status.AvailableReplicas == want
}

// revisionOf reads the revision annotation; none is revision 0.
func revisionOf(m metav1.Object) (int64, error) {
	v, ok := m.GetAnnotations()[revisionAnnotation]
	if !ok {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// maxRevision is the highest parseable revision among rss.
func maxRevision(rss []*appsv1.ReplicaSet) int64 {
	var max int64
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		if v, err := revisionOf(rs); err == nil && v > max {
			max = v
		}
	}
	return max
}

// lastRevision is the second highest revision: where a rollback without a
// revision goes.
func lastRevision(rss []*appsv1.ReplicaSet) int64 {
	var max, second int64
	for _, rs := range rss {
		if rs == nil {
			continue
		}
		v, err := revisionOf(rs)
		switch {
		case err != nil:
		case v >= max:
			second, max = max, v
		case v > second:
			second = v
		}
	}
	return second
}

// skipCopyAnnotation names the annotations that belong to one object and
// are never copied between a Deployment and its ReplicaSets.
func skipCopyAnnotation(k string) bool {
	switch k {
	case corev1.LastAppliedConfigAnnotation, revisionAnnotation, revisionHistoryAnnotation,
		desiredReplicasAnnotation, maxReplicasAnnotation, appsv1.DeprecatedRollbackTo:
		return true
	}
	return false
}

// copyDeploymentAnnotations copies the Deployment's own annotations (its
// change-cause among them) onto rs; it never removes any.
func copyDeploymentAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet) bool {
	changed := false
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	for k, v := range d.Annotations {
		if skipCopyAnnotation(k) {
			continue
		}
		if cur, ok := rs.Annotations[k]; ok && cur == v {
			continue
		}
		rs.Annotations[k] = v
		changed = true
	}
	return changed
}

// setNewReplicaSetAnnotations is SetNewReplicaSetAnnotations: the
// Deployment's annotations, the revision (only ever raised), the previous
// revision kept in revision-history when an old ReplicaSet comes back, and
// for a ReplicaSet about to be created the replicas annotations.
func setNewReplicaSetAnnotations(d *appsv1.Deployment, rs *appsv1.ReplicaSet, newRevision string, exists bool, historyLimit int) bool {
	changed := copyDeploymentAnnotations(d, rs)
	oldRevision, had := rs.Annotations[revisionAnnotation]
	oldInt, err := strconv.ParseInt(oldRevision, 10, 64)
	if err != nil {
		if oldRevision != "" {
			return false
		}
		oldInt = 0
	}
	newInt, err := strconv.ParseInt(newRevision, 10, 64)
	if err != nil {
		return false
	}
	if oldInt < newInt {
		rs.Annotations[revisionAnnotation] = newRevision
		changed = true
	}
	// A ReplicaSet that had a revision and gets a newer one is being rolled
	// back to: its former numbers are kept, oldest first, within the limit.
	if had && oldInt < newInt {
		history := rs.Annotations[revisionHistoryAnnotation]
		olds := strings.Split(history, ",")
		if len(olds[0]) == 0 {
			rs.Annotations[revisionHistoryAnnotation] = oldRevision
		} else {
			total := len(history) + len(oldRevision) + 1
			start := 0
			for total > historyLimit && start < len(olds) {
				total -= len(olds[start]) + 1
				start++
			}
			if total <= historyLimit {
				rs.Annotations[revisionHistoryAnnotation] = strings.Join(append(olds[start:], oldRevision), ",")
			}
		}
	}
	if !exists && setReplicasAnnotations(rs, depReplicas(d.Spec.Replicas), depReplicas(d.Spec.Replicas)+maxSurgeOf(d)) {
		changed = true
	}
	return changed
}

// setDeploymentRevision stamps the Deployment with its new ReplicaSet's revision.
func setDeploymentRevision(d *appsv1.Deployment, revision string) bool {
	if d.Annotations == nil {
		d.Annotations = map[string]string{}
	}
	if d.Annotations[revisionAnnotation] == revision {
		return false
	}
	d.Annotations[revisionAnnotation] = revision
	return true
}

// setReplicasAnnotations records, on a ReplicaSet, the Deployment size and
// maximum it was scaled for: proportional scaling reads them back to tell a
// scaling of the Deployment from a rollout step.
func setReplicasAnnotations(rs *appsv1.ReplicaSet, desired, max int32) bool {
	changed := false
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	if s := strconv.Itoa(int(desired)); rs.Annotations[desiredReplicasAnnotation] != s {
		rs.Annotations[desiredReplicasAnnotation] = s
		changed = true
	}
	if s := strconv.Itoa(int(max)); rs.Annotations[maxReplicasAnnotation] != s {
		rs.Annotations[maxReplicasAnnotation] = s
		changed = true
	}
	return changed
}

func replicasAnnotationsNeedUpdate(rs *appsv1.ReplicaSet, desired, max int32) bool {
	if rs.Annotations == nil {
		return true
	}
	return rs.Annotations[desiredReplicasAnnotation] != strconv.Itoa(int(desired)) ||
		rs.Annotations[maxReplicasAnnotation] != strconv.Itoa(int(max))
}

// rsIntAnnotation reads a replicas annotation as upstream does
// (getNonNegativeInt32FromAnnotation): ok is false when it is missing,
// negative, not a number or beyond int32.
func rsIntAnnotation(rs *appsv1.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

// replicaSetProportion is GetReplicaSetProportion: how many of the
// replicas still to add (or remove, when negative) this ReplicaSet takes.
func replicaSetProportion(rs *appsv1.ReplicaSet, d *appsv1.Deployment, toAdd, added int32) int32 {
	if rs == nil || depReplicas(rs.Spec.Replicas) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	fraction := replicaSetFraction(rs, d)
	allowed := toAdd - added
	if toAdd > 0 {
		// Never add more than what is left to add.
		return min(fraction, allowed)
	}
	// Never remove more than what is left to remove.
	return max(fraction, allowed)
}

// replicaSetFraction is the change this ReplicaSet's size would see if it
// kept its share of the Deployment: its size times the new maximum over the
// maximum it was last scaled for (the max-replicas annotation).
func replicaSetFraction(rs *appsv1.ReplicaSet, d *appsv1.Deployment) int32 {
	size := depReplicas(rs.Spec.Replicas)
	if depReplicas(d.Spec.Replicas) == 0 {
		return -size
	}
	newMax := depReplicas(d.Spec.Replicas) + maxSurgeOf(d)
	before, ok := rsIntAnnotation(rs, maxReplicasAnnotation)
	if !ok || before == 0 {
		// Annotation lost (edited by hand): the Deployment's current size
		// is the best estimate left.
		before = d.Status.Replicas
	}
	if before == 0 {
		return 0
	}
	return int32(math.Round(float64(size*newMax)/float64(before))) - size
}

// Sums over ReplicaSets; a nil entry (no new ReplicaSet yet) counts nothing.

func rsSpecSum(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += depReplicas(rs.Spec.Replicas)
		}
	}
	return n
}

func rsStatusSum(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += rs.Status.Replicas
		}
	}
	return n
}

func rsReadySum(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += rs.Status.ReadyReplicas
		}
	}
	return n
}

func rsAvailableSum(rss []*appsv1.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += rs.Status.AvailableReplicas
		}
	}
	return n
}

// terminatingReplicas sums status.terminatingReplicas. A ReplicaSet its
// controller has not synced yet counts 0; one that was synced but does not
// report the field makes the total unknown (nil), as upstream.
func rsTerminatingSum(rss []*appsv1.ReplicaSet) *int32 {
	var n int32
	for _, rs := range rss {
		switch {
		case rs == nil:
		case rs.Status.ObservedGeneration == 0 && rs.Status.TerminatingReplicas == nil:
		case rs.Status.TerminatingReplicas != nil:
			n += *rs.Status.TerminatingReplicas
		default:
			return nil
		}
	}
	return &n
}

// activeReplicaSets keeps the ReplicaSets asked for at least one pod.
func depActiveRSs(rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	var out []*appsv1.ReplicaSet
	for _, rs := range rss {
		if rs != nil && depReplicas(rs.Spec.Replicas) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// depRSByCreation orders oldest first, by name when created the same second
// (ReplicaSetsByCreationTimestamp).
type depRSByCreation []*appsv1.ReplicaSet

func (o depRSByCreation) Len() int      { return len(o) }
func (o depRSByCreation) Swap(i, j int) { o[i], o[j] = o[j], o[i] }
func (o depRSByCreation) Less(i, j int) bool {
	if o[i].CreationTimestamp.Equal(&o[j].CreationTimestamp) {
		return o[i].Name < o[j].Name
	}
	return o[i].CreationTimestamp.Before(&o[j].CreationTimestamp)
}

// depRSBySizeOlder: largest first, older first among equals (scaling down
// takes from old ReplicaSets first).
type depRSBySizeOlder []*appsv1.ReplicaSet

func (o depRSBySizeOlder) Len() int      { return len(o) }
func (o depRSBySizeOlder) Swap(i, j int) { o[i], o[j] = o[j], o[i] }
func (o depRSBySizeOlder) Less(i, j int) bool {
	if depReplicas(o[i].Spec.Replicas) == depReplicas(o[j].Spec.Replicas) {
		return depRSByCreation(o).Less(i, j)
	}
	return depReplicas(o[i].Spec.Replicas) > depReplicas(o[j].Spec.Replicas)
}

// depRSBySizeNewer: largest first, newer first among equals (scaling up
// gives to new ReplicaSets first).
type depRSBySizeNewer []*appsv1.ReplicaSet

func (o depRSBySizeNewer) Len() int      { return len(o) }
func (o depRSBySizeNewer) Swap(i, j int) { o[i], o[j] = o[j], o[i] }
func (o depRSBySizeNewer) Less(i, j int) bool {
	if depReplicas(o[i].Spec.Replicas) == depReplicas(o[j].Spec.Replicas) {
		return depRSByCreation(o).Less(j, i)
	}
	return depReplicas(o[i].Spec.Replicas) > depReplicas(o[j].Spec.Replicas)
}

// depRSByRevision: lowest revision first (the first to be cleaned up).
type depRSByRevision []*appsv1.ReplicaSet

func (o depRSByRevision) Len() int      { return len(o) }
func (o depRSByRevision) Swap(i, j int) { o[i], o[j] = o[j], o[i] }
func (o depRSByRevision) Less(i, j int) bool {
	a, err1 := revisionOf(o[i])
	b, err2 := revisionOf(o[j])
	if err1 != nil || err2 != nil || a == b {
		return depRSByCreation(o).Less(i, j)
	}
	return a < b
}

// findNewReplicaSet returns the oldest ReplicaSet whose template is the
// Deployment's, ignoring the hash label. It sorts rss by creation.
func findNewReplicaSet(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	sort.Sort(depRSByCreation(rss))
	for _, rs := range rss {
		if equalIgnoreHash(&rs.Spec.Template, &d.Spec.Template) {
			return rs
		}
	}
	return nil
}

// findOldReplicaSets returns every ReplicaSet but the new one, in creation order.
func findOldReplicaSets(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) []*appsv1.ReplicaSet {
	newRS := findNewReplicaSet(d, rss)
	var old []*appsv1.ReplicaSet
	for _, rs := range rss {
		if newRS != nil && rs.UID == newRS.UID {
			continue
		}
		old = append(old, rs)
	}
	return old
}

// findActiveOrLatest returns the only active ReplicaSet, or the newest when
// none is active, or nil when several are (a rollout is under way). It
// sorts old newest first, as upstream does.
func findActiveOrLatest(newRS *appsv1.ReplicaSet, old []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	if newRS == nil && len(old) == 0 {
		return nil
	}
	sort.Sort(sort.Reverse(depRSByCreation(old)))
	active := depActiveRSs(append(append([]*appsv1.ReplicaSet{}, old...), newRS))
	switch len(active) {
	case 0:
		if newRS != nil {
			return newRS
		}
		return old[0]
	case 1:
		return active[0]
	}
	return nil
}

// deploymentComplete: every replica updated and available, at the current
// generation.
func deploymentComplete(d *appsv1.Deployment, s *appsv1.DeploymentStatus) bool {
	want := depReplicas(d.Spec.Replicas)
	return s.UpdatedReplicas == want && s.Replicas == want && s.AvailableReplicas == want && s.ObservedGeneration >= d.Generation
}

// deploymentProgressing: compared with the stored status, more pods were
// updated, old ones went away, or more became ready or available.
func deploymentProgressing(d *appsv1.Deployment, s *appsv1.DeploymentStatus) bool {
	old := d.Status
	return s.UpdatedReplicas > old.UpdatedReplicas ||
		s.Replicas-s.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		s.ReadyReplicas > old.ReadyReplicas ||
		s.AvailableReplicas > old.AvailableReplicas
}

func hasProgressDeadline(d *appsv1.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}

func hasRevisionHistoryLimit(d *appsv1.Deployment) bool {
	return d.Spec.RevisionHistoryLimit != nil && *d.Spec.RevisionHistoryLimit != math.MaxInt32
}

// deploymentTimedOut: no progress was recorded for progressDeadlineSeconds.
// A finished rollout never times out; a timed-out one stays so.
func deploymentTimedOut(d *appsv1.Deployment, s *appsv1.DeploymentStatus, now time.Time) bool {
	if !hasProgressDeadline(d) {
		return false
	}
	c := getDeploymentCondition(*s, appsv1.DeploymentProgressing)
	if c == nil || c.Reason == reasonNewRSAvailable {
		return false
	}
	if c.Reason == reasonTimedOut {
		return true
	}
	deadline := time.Duration(*d.Spec.ProgressDeadlineSeconds) * time.Second
	return c.LastUpdateTime.Add(deadline).Before(now)
}

func newDeploymentCondition(now time.Time, t appsv1.DeploymentConditionType, status corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
	at := metav1.NewTime(now.Truncate(time.Second))
	return appsv1.DeploymentCondition{Type: t, Status: status, LastUpdateTime: at, LastTransitionTime: at, Reason: reason, Message: msg}
}

func getDeploymentCondition(s appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}

// setDeploymentCondition replaces the condition of c's type unless status
// and reason are unchanged; the transition time moves only with the status.
// The replaced condition goes to the end, as upstream's order does.
func setDeploymentCondition(s *appsv1.DeploymentStatus, c appsv1.DeploymentCondition) {
	cur := getDeploymentCondition(*s, c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	s.Conditions = append(withoutDeploymentCondition(s.Conditions, c.Type), c)
}

func removeDeploymentCondition(s *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) {
	s.Conditions = withoutDeploymentCondition(s.Conditions, t)
}

func withoutDeploymentCondition(cs []appsv1.DeploymentCondition, t appsv1.DeploymentConditionType) []appsv1.DeploymentCondition {
	var out []appsv1.DeploymentCondition
	for _, c := range cs {
		if c.Type != t {
			out = append(out, c)
		}
	}
	return out
}

// conditionFromReplicaSet lifts a ReplicaSet's ReplicaFailure onto the Deployment.
func conditionFromReplicaSet(c appsv1.ReplicaSetCondition) appsv1.DeploymentCondition {
	return appsv1.DeploymentCondition{Type: appsv1.DeploymentConditionType(c.Type), Status: c.Status,
		LastUpdateTime: c.LastTransitionTime, LastTransitionTime: c.LastTransitionTime, Reason: c.Reason, Message: c.Message}
}
