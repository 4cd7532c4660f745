package controller

import (
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/record"
	"kubetour/engine/store"
)

// ttlPropagation is how an expired Job is deleted, as upstream does it:
// in the foreground, so the Job stays (with a deletionTimestamp) until the
// garbage collector has deleted its pods, and a Job never outlives its
// pods' deletion unnoticed.
var ttlPropagation = metav1.DeletePropagationForeground

// TTLAfterFinished deletes finished Jobs whose ttlSecondsAfterFinished has
// passed since they finished (Complete or Failed), as the
// ttl-after-finished controller does. It records no Kubernetes Event
// (upstream has none), only the narration.
type TTLAfterFinished struct {
	Deps
	q     *Queue
	later *delayedQueue
}

func init() {
	Register("ttl-after-finished-controller", func(d Deps) Controller { return NewTTLAfterFinished(d) })
}

// NewTTLAfterFinished returns the controller.
func NewTTLAfterFinished(d Deps) *TTLAfterFinished {
	t := &TTLAfterFinished{Deps: d}
	t.q = NewQueue(d.Loop, t.sync)
	t.later = newDelayedQueue(t.q)
	return t
}

// Observe queues finished Jobs that carry a TTL.
func (t *TTLAfterFinished) Observe(c store.Change) {
	if c.Kind != jobKind || c.Type == watch.Deleted {
		return
	}
	job := c.Object.(*batchv1.Job)
	if job.DeletionTimestamp == nil && ttlNeedsCleanup(job) {
		t.q.Add(key(job.Namespace, job.Name))
	}
}

func ttlNeedsCleanup(job *batchv1.Job) bool {
	return job.Spec.TTLSecondsAfterFinished != nil && jobFinished(job)
}

// ttlExpireAt is when a finished Job's TTL runs out: the time of its
// Complete or Failed transition plus the TTL.
func ttlExpireAt(job *batchv1.Job) (time.Time, bool) {
	_, c := jobFinishedCondition(job)
	if c == nil || c.LastTransitionTime.IsZero() {
		return time.Time{}, false
	}
	return c.LastTransitionTime.Add(time.Duration(*job.Spec.TTLSecondsAfterFinished) * time.Second), true
}

func (t *TTLAfterFinished) sync(k string) {
	ns, name := splitKey(k)
	obj, err := t.Store.Get(jobKind, ns, name)
	if err != nil {
		return
	}
	job := obj.(*batchv1.Job)
	if job.DeletionTimestamp != nil || !ttlNeedsCleanup(job) {
		return
	}
	at, ok := ttlExpireAt(job)
	if !ok {
		return
	}
	if left := at.Sub(t.now()); left > 0 {
		t.later.addAfter(k, left)
		return
	}
	// The uid precondition: a Job re-created under the same name since
	// is not ours to delete.
	uid := job.UID
	_, _, err = t.API.Delete(t.ctx(), jobKind, ns, name, &metav1.DeleteOptions{
		PropagationPolicy: &ttlPropagation, Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return
	}
	ttl := *job.Spec.TTLSecondsAfterFinished
	t.Rec.Record(record.Decision{Source: "ttl-after-finished-controller", Object: job, Reason: "TTLExpired", NoEvent: true,
		EN:     fmt.Sprintf("Job %s finished %ds ago, its ttlSecondsAfterFinished: it is deleted, and its pods with it.", name, ttl),
		KO:     fmt.Sprintf("%s 잡이 끝난 지 %d초(ttlSecondsAfterFinished)가 지나 잡을 삭제합니다. 잡의 파드도 함께 삭제됩니다.", name, ttl),
		Fields: map[string]string{"ttlSecondsAfterFinished": fmt.Sprint(ttl)}})
}
