package controller

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// Upstream's deployment_util_test.go cases, against our helpers.

func TestResolveFenceposts(t *testing.T) {
	s := func(v string) *intstr.IntOrString { return ptr.To(intstr.FromString(v)) }
	tests := []struct {
		surge, unavailable *intstr.IntOrString
		desired            int32
		wantSurge, wantU   int32
		wantErr            bool
	}{
		{s("0%"), s("0%"), 0, 0, 1, false},
		{s("39%"), s("39%"), 10, 4, 3, false}, // surge rounds up, unavailable down
		{s("oops"), s("39%"), 10, 0, 0, true},
		{s("55%"), s("urg"), 10, 0, 0, true},
		{nil, s("39%"), 10, 0, 3, false},
		{s("39%"), nil, 10, 4, 0, false},
		{nil, nil, 10, 0, 1, false},
		// The course's defaults on small Deployments.
		{s("25%"), s("25%"), 2, 1, 0, false},
		{s("25%"), s("25%"), 3, 1, 0, false},
		{s("25%"), s("25%"), 4, 1, 1, false},
		{s("25%"), s("25%"), 1000, 250, 250, false},
		{ptr.To(intstr.FromInt32(0)), s("10%"), 3, 0, 1, false}, // both resolve to 0: unavailable 1
		{ptr.To(intstr.FromInt32(2)), ptr.To(intstr.FromInt32(0)), 3, 2, 0, false},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			surge, u, err := resolveFenceposts(tc.surge, tc.unavailable, tc.desired)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if surge != tc.wantSurge || u != tc.wantU {
				t.Errorf("got %d:%d, want %d:%d", surge, u, tc.wantSurge, tc.wantU)
			}
		})
	}
}

func utilDeployment(replicas int32, surge, unavailable intstr.IntOrString) *appsv1.Deployment {
	return &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To(replicas),
		Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
			RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}}}
}

func TestMaxUnavailableAndMinAvailable(t *testing.T) {
	i, s := intstr.FromInt32, intstr.FromString
	tests := []struct {
		name      string
		d         *appsv1.Deployment
		want, min int32
	}{
		{"less than replicas", utilDeployment(10, i(1), i(5)), 5, 5},
		{"equal replicas", utilDeployment(10, i(1), i(10)), 10, 0},
		{"greater than replicas", utilDeployment(5, i(1), i(10)), 5, 0},
		{"zero replicas", utilDeployment(0, i(1), i(10)), 0, 0},
		{"recreate", &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(10)), Strategy: appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}}}, 0, 10},
		{"percent less", utilDeployment(10, i(1), s("50%")), 5, 5},
		{"percent equal", utilDeployment(10, i(1), s("100%")), 10, 0},
		{"percent greater", utilDeployment(5, i(1), s("100%")), 5, 0},
		{"percent 60", utilDeployment(10, i(1), s("60%")), 6, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := maxUnavailableOf(tc.d); got != tc.want {
				t.Errorf("maxUnavailable %d, want %d", got, tc.want)
			}
			// MinAvailable is 0 for Recreate upstream; the controller only
			// uses replicas-maxUnavailable for rolling updates.
			minAvail := depReplicas(tc.d.Spec.Replicas) - maxUnavailableOf(tc.d)
			if !depIsRollingUpdate(tc.d) {
				minAvail = 0
			}
			if tc.name != "recreate" && minAvail != tc.min {
				t.Errorf("minAvailable %d, want %d", minAvail, tc.min)
			}
		})
	}
}

func testRS(name string, replicas int32, created time.Time) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name), CreationTimestamp: metav1.NewTime(created)},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(replicas)}}
}

func TestNewRSNewReplicas(t *testing.T) {
	tests := []struct {
		name                      string
		strategy                  appsv1.DeploymentStrategyType
		depReplicas, newRS, surge int32
		want                      int32
	}{
		{"can not scale up - to newRSReplicas", appsv1.RollingUpdateDeploymentStrategyType, 1, 5, 1, 5},
		{"scale up - to depReplicas", appsv1.RollingUpdateDeploymentStrategyType, 6, 2, 10, 6},
		{"recreate - to depReplicas", appsv1.RecreateDeploymentStrategyType, 3, 1, 1, 3},
	}
	now := time.Now()
	rs5 := testRS("rs5", 5, now)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := utilDeployment(tc.depReplicas, intstr.FromInt32(tc.surge), intstr.FromInt32(1))
			d.Spec.Strategy.Type = tc.strategy
			newRS := testRS("new", tc.newRS, now)
			got, err := newRSNewReplicas(d, []*appsv1.ReplicaSet{rs5}, newRS)
			if err != nil || got != tc.want {
				t.Errorf("got %d %v, want %d", got, err, tc.want)
			}
		})
	}
}

func TestReplicaSetFraction(t *testing.T) {
	tests := []struct {
		name                                string
		replicas, statusReplicas, surge, rs int32
		annotations                         map[string]string
		want                                int32
	}{
		{"empty deployment always scales to 0", 0, 0, 0, 10, nil, -10},
		{"no annotation, unsynced: no scaling", 10, 0, 0, 5, nil, 0},
		{"annotation 0, unsynced: no scaling", 10, 0, 0, 5, map[string]string{maxReplicasAnnotation: "0"}, 0},
		{"no annotation: status replicas", 120, 100, 0, 50, nil, 10},
		{"annotation 0: status replicas", 120, 100, 0, 50, map[string]string{maxReplicasAnnotation: "0"}, 10},
		{"up by 1/5", 120, 0, 0, 50, map[string]string{maxReplicasAnnotation: "100"}, 10},
		{"up by about 1/5 with surge", 120, 0, 10, 50, map[string]string{maxReplicasAnnotation: "110"}, 9},
		{"down by 1/6", 10, 0, 0, 6, map[string]string{maxReplicasAnnotation: "12"}, -1},
		{"down by about 1/6 with surge", 100, 0, 10, 50, map[string]string{maxReplicasAnnotation: "130"}, -8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := utilDeployment(tc.replicas, intstr.FromInt32(tc.surge), intstr.FromInt32(1))
			d.Status.Replicas = tc.statusReplicas
			rs := testRS("rs", tc.rs, time.Now())
			rs.Annotations = tc.annotations
			if got := replicaSetFraction(rs, d); got != tc.want {
				t.Errorf("fraction %d, want %d", got, tc.want)
			}
		})
	}
}

func TestReplicasAnnotationParsing(t *testing.T) {
	tests := []struct {
		v     string
		want  int32
		valid bool
	}{
		{"invalid", 0, false}, {"-1", 0, false}, {"0", 0, true}, {"13", 13, true},
		{fmt.Sprint(math.MaxInt32), math.MaxInt32, true},
		{fmt.Sprint(uint32(math.MaxInt32) + 1), 0, false},
		{fmt.Sprint(uint64(math.MaxUint32) + 1), 0, false},
	}
	for _, tc := range tests {
		rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"test": tc.v}}}
		got, ok := rsIntAnnotation(rs, "test")
		if got != tc.want || ok != tc.valid {
			t.Errorf("%q: got %d %v, want %d %v", tc.v, got, ok, tc.want, tc.valid)
		}
	}
	if _, ok := rsIntAnnotation(&appsv1.ReplicaSet{}, "test"); ok {
		t.Error("missing annotation is not valid")
	}
}

// TestRevisionHistoryAnnotation: a ReplicaSet brought back again and again
// keeps its former revisions, oldest dropped first beyond the length limit.
func TestRevisionHistoryAnnotation(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{revisionAnnotation: "1"}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(1))}}
	rs := &appsv1.ReplicaSet{}
	for i := 10; i < 20; i++ {
		next := fmt.Sprint(i + 1)
		setNewReplicaSetAnnotations(d, rs, next, true, 5)
		if i >= 12 {
			if want := fmt.Sprintf("%d,%d", i-1, i); rs.Annotations[revisionHistoryAnnotation] != want {
				t.Errorf("history %q, want %q", rs.Annotations[revisionHistoryAnnotation], want)
			}
		}
		if rs.Annotations[revisionAnnotation] != next {
			t.Errorf("revision %q, want %q", rs.Annotations[revisionAnnotation], next)
		}
	}
	// Never lowered.
	if setNewReplicaSetAnnotations(d, rs, "3", true, 5) || rs.Annotations[revisionAnnotation] != "20" {
		t.Errorf("revision lowered to %s", rs.Annotations[revisionAnnotation])
	}
	if !setReplicasAnnotations(rs, 10, 11) || rs.Annotations[desiredReplicasAnnotation] != "10" || rs.Annotations[maxReplicasAnnotation] != "11" {
		t.Errorf("replicas annotations: %v", rs.Annotations)
	}
	if replicasAnnotationsNeedUpdate(rs, 10, 11) || !replicasAnnotationsNeedUpdate(rs, 10, 12) || !replicasAnnotationsNeedUpdate(&appsv1.ReplicaSet{}, 1, 1) {
		t.Error("replicasAnnotationsNeedUpdate")
	}
}

// TestCopiedAnnotations: the Deployment's own annotations (change-cause)
// reach the ReplicaSet; per-object ones never do.
func TestCopiedAnnotations(t *testing.T) {
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
		changeCauseAnnotation: "kubectl set image deployment/web app=v2", revisionAnnotation: "7",
		corev1.LastAppliedConfigAnnotation: "{}", appsv1.DeprecatedRollbackTo: "2", "team": "a"}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To(int32(3))}}
	rs := &appsv1.ReplicaSet{}
	setNewReplicaSetAnnotations(d, rs, "2", false, maxRevHistoryLengthInChars)
	want := map[string]string{changeCauseAnnotation: "kubectl set image deployment/web app=v2", "team": "a",
		revisionAnnotation: "2", desiredReplicasAnnotation: "3", maxReplicasAnnotation: "3"}
	if fmt.Sprint(rs.Annotations) != fmt.Sprint(want) {
		t.Errorf("annotations\n got %v\nwant %v", rs.Annotations, want)
	}
}

func TestDeploymentCompleteProgressingTimedOut(t *testing.T) {
	dep := func(desired, current, updated, available int32) *appsv1.Deployment {
		d := utilDeployment(desired, intstr.FromInt32(0), intstr.FromInt32(1))
		d.Status = appsv1.DeploymentStatus{Replicas: current, UpdatedReplicas: updated, AvailableReplicas: available}
		return d
	}
	for _, tc := range []struct {
		d    *appsv1.Deployment
		want bool
	}{
		{dep(5, 5, 5, 4), false}, {dep(5, 5, 5, 3), false}, {dep(5, 5, 5, 5), true},
		{dep(5, 5, 4, 5), false}, {dep(1, 2, 1, 1), false}, {dep(1, 1, 1, 0), false},
	} {
		if got := deploymentComplete(tc.d, &tc.d.Status); got != tc.want {
			t.Errorf("complete %+v: %v", tc.d.Status, got)
		}
	}

	st := func(current, updated, ready, available int32) appsv1.DeploymentStatus {
		return appsv1.DeploymentStatus{Replicas: current, UpdatedReplicas: updated, ReadyReplicas: ready, AvailableReplicas: available}
	}
	for _, tc := range []struct {
		old, cur appsv1.DeploymentStatus
		want     bool
	}{
		{st(10, 4, 4, 4), st(10, 6, 4, 4), true},
		{st(10, 4, 4, 4), st(10, 4, 4, 4), false},
		{st(10, 4, 6, 6), st(8, 4, 6, 6), true},
		{st(10, 7, 3, 3), st(10, 6, 3, 3), false},
		{st(10, 4, 7, 7), st(8, 8, 5, 5), true},
		{st(10, 10, 9, 8), st(10, 10, 10, 8), true},
		{st(10, 10, 10, 9), st(10, 10, 10, 10), true},
	} {
		d := &appsv1.Deployment{Status: tc.old}
		if got := deploymentProgressing(d, &tc.cur); got != tc.want {
			t.Errorf("progressing %+v -> %+v: %v", tc.old, tc.cur, got)
		}
	}

	at := func(min, sec int) time.Time { return time.Date(2016, 1, 1, 0, min, sec, 0, time.UTC) }
	withCond := func(reason string, pds *int32, from time.Time) *appsv1.Deployment {
		return &appsv1.Deployment{Spec: appsv1.DeploymentSpec{ProgressDeadlineSeconds: pds},
			Status: appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing,
				Status: corev1.ConditionTrue, Reason: reason, LastUpdateTime: metav1.NewTime(from)}}}}
	}
	ten, inf := int32(10), int32(math.MaxInt32)
	for _, tc := range []struct {
		d    *appsv1.Deployment
		now  time.Time
		want bool
	}{
		{withCond("", nil, at(1, 9)), at(1, 20), false},
		{withCond("", &inf, at(1, 9)), at(1, 20), false},
		{withCond("", &ten, at(1, 9)), at(1, 20), true},
		{withCond("", &ten, at(1, 11)), at(1, 20), false},
		{withCond("", &ten, at(1, 10)), at(1, 20), false}, // exactly at the deadline: not yet
		{withCond(reasonNewRSAvailable, &ten, time.Time{}), at(1, 20), false},
		{withCond(reasonTimedOut, &ten, at(1, 19)), at(1, 20), true},
	} {
		if got := deploymentTimedOut(tc.d, &tc.d.Status, tc.now); got != tc.want {
			t.Errorf("timed out (%s from %v at %v): %v", tc.d.Status.Conditions[0].Reason, tc.d.Status.Conditions[0].LastUpdateTime, tc.now, got)
		}
	}
}

func TestConditions(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var s appsv1.DeploymentStatus
	setDeploymentCondition(&s, newDeploymentCondition(now, appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSCreated, "a"))
	setDeploymentCondition(&s, newDeploymentCondition(now, appsv1.DeploymentAvailable, corev1.ConditionFalse, reasonMinUnavailable, "b"))
	// Same status and reason: untouched, even with a later time.
	setDeploymentCondition(&s, newDeploymentCondition(now.Add(time.Minute), appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSCreated, "c"))
	if c := getDeploymentCondition(s, appsv1.DeploymentProgressing); c.Message != "a" || !c.LastUpdateTime.Time.Equal(now) {
		t.Fatalf("unchanged condition rewritten: %+v", c)
	}
	// Same status, new reason: replaced, keeps its transition time, moves last.
	setDeploymentCondition(&s, newDeploymentCondition(now.Add(time.Minute), appsv1.DeploymentProgressing, corev1.ConditionTrue, reasonNewRSAvailable, "d"))
	if len(s.Conditions) != 2 || s.Conditions[1].Type != appsv1.DeploymentProgressing || !s.Conditions[1].LastTransitionTime.Time.Equal(now) ||
		!s.Conditions[1].LastUpdateTime.Time.Equal(now.Add(time.Minute)) {
		t.Fatalf("replaced condition: %+v", s.Conditions)
	}
	removeDeploymentCondition(&s, appsv1.DeploymentProgressing)
	if len(s.Conditions) != 1 || s.Conditions[0].Type != appsv1.DeploymentAvailable {
		t.Fatalf("removed: %+v", s.Conditions)
	}
}

func TestEqualIgnoreHash(t *testing.T) {
	tmpl := func(node string, labels map[string]string) *corev1.PodTemplateSpec {
		return &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Name: "foo", Labels: labels}, Spec: corev1.PodSpec{NodeName: node}}
	}
	h := appsv1.DefaultDeploymentUniqueLabelKey
	tests := []struct {
		name string
		a, b *corev1.PodTemplateSpec
		want bool
	}{
		{"same", tmpl("n", map[string]string{h: "1", "x": "y"}), tmpl("n", map[string]string{h: "1", "x": "y"}), true},
		{"hash differs", tmpl("n", map[string]string{h: "1", "x": "y"}), tmpl("n", map[string]string{h: "2", "x": "y"}), true},
		{"one without hash", tmpl("n", map[string]string{"x": "y"}), tmpl("n", map[string]string{h: "2", "x": "y"}), true},
		{"label differs, same count", tmpl("n", map[string]string{"x": "y"}), tmpl("n", map[string]string{h: "2"}), false},
		{"label differs, other way", tmpl("n", map[string]string{h: "1"}), tmpl("n", map[string]string{"x": "y"}), false},
		{"extra label", tmpl("n", map[string]string{h: "1"}), tmpl("n", map[string]string{h: "1", "x": "y"}), false},
		{"spec differs", tmpl("a", map[string]string{h: "1"}), tmpl("b", map[string]string{h: "1"}), false},
		{"nil and empty labels", tmpl("n", nil), tmpl("n", map[string]string{h: "3"}), true},
	}
	for _, tc := range tests {
		if equalIgnoreHash(tc.a, tc.b) != tc.want || equalIgnoreHash(tc.b, tc.a) != tc.want {
			t.Errorf("%s: want %v", tc.name, tc.want)
		}
	}
}

// TestTemplateHash: the hash is a pure function of the template and the
// collision count, in the safe alphabet.
func TestTemplateHash(t *testing.T) {
	tmpl := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "kubetm/app:v1"}}}}
	a, b := deploymentTemplateHash(tmpl, nil), deploymentTemplateHash(tmpl.DeepCopy(), nil)
	if a != b || a == "" {
		t.Fatalf("not stable: %q %q", a, b)
	}
	for _, r := range a {
		if !strings.ContainsRune("bcdfghjklmnpqrstvwxz2456789", r) {
			t.Fatalf("hash %q has %q outside the safe alphabet", a, r)
		}
	}
	if c := deploymentTemplateHash(tmpl, ptr.To(int32(1))); c == a {
		t.Error("collision count does not change the hash")
	}
	v2 := tmpl.DeepCopy()
	v2.Spec.Containers[0].Image = "kubetm/app:v2"
	if deploymentTemplateHash(v2, nil) == a {
		t.Error("a new image keeps the hash")
	}
}

func TestSortsAndFinders(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	older, old, newer := testRS("b-older", 2, t0), testRS("a-old", 2, t0.Add(time.Minute)), testRS("c-new", 2, t0.Add(2*time.Minute))
	rss := []*appsv1.ReplicaSet{newer, older, old}
	if got := findActiveOrLatest(nil, rss); got != nil {
		t.Errorf("several active: %v", got.Name)
	}
	if rss[0] != newer || rss[2] != older {
		t.Errorf("findActiveOrLatest sorts newest first: %s %s %s", rss[0].Name, rss[1].Name, rss[2].Name)
	}
	*old.Spec.Replicas, *older.Spec.Replicas = 0, 0
	if got := findActiveOrLatest(nil, rss); got != newer {
		t.Errorf("only active: %v", got)
	}
	*newer.Spec.Replicas = 0
	if got := findActiveOrLatest(nil, rss); got != newer {
		t.Errorf("none active: the newest, got %v", got)
	}
	// Same creation second: by name.
	x, y := testRS("x", 1, t0), testRS("y", 1, t0)
	if !(depRSByCreation{x, y}).Less(0, 1) {
		t.Error("tie broken by name")
	}
	big, small := testRS("big", 5, t0), testRS("small", 1, t0.Add(time.Second))
	same1, same2 := testRS("s1", 3, t0), testRS("s2", 3, t0.Add(time.Second))
	if !(depRSBySizeNewer{big, small}).Less(0, 1) || !(depRSBySizeNewer{same2, same1}).Less(0, 1) || !(depRSBySizeOlder{same1, same2}).Less(0, 1) {
		t.Error("size orders")
	}
	r1, r2 := testRS("r1", 0, t0.Add(time.Hour)), testRS("r2", 0, t0)
	r1.Annotations, r2.Annotations = map[string]string{revisionAnnotation: "1"}, map[string]string{revisionAnnotation: "2"}
	if !(depRSByRevision{r1, r2}).Less(0, 1) {
		t.Error("by revision")
	}
	if maxRevision([]*appsv1.ReplicaSet{r1, r2, nil}) != 2 || lastRevision([]*appsv1.ReplicaSet{r1, r2}) != 1 {
		t.Error("max/last revision")
	}
}
