package controller

import (
	"time"

	batchv1 "k8s.io/api/batch/v1"
)

// delayedQueue is a Queue's AddAfter with the de-duplication of client-go's
// delaying queue: a key already waiting to be added at or before the asked
// time is not scheduled again. The Job and CronJob controllers requeue on
// every pod or Job change (batched by a second, as upstream does) and at
// every schedule; without this, a busy Job would leave one timer per pod
// event on the loop, each waking the same sync.
type delayedQueue struct {
	q       *Queue
	pending map[string]time.Time
}

func newDelayedQueue(q *Queue) *delayedQueue {
	return &delayedQueue{q: q, pending: map[string]time.Time{}}
}

// addAfter queues key once d of cluster time has passed; d <= 0 queues it
// now.
func (d *delayedQueue) addAfter(key string, after time.Duration) {
	if after <= 0 {
		d.q.Add(key)
		return
	}
	at := d.q.loop.Now().Add(after)
	if t, ok := d.pending[key]; ok && !t.After(at) {
		return
	}
	d.pending[key] = at
	d.q.loop.At(at, func() {
		if t, ok := d.pending[key]; ok && t.Equal(at) {
			delete(d.pending, key)
		}
		d.q.Add(key)
	})
}

// jobWorkingCopy is what a Job sync changes: the controller writes only the
// status (through the status subresource, which reads nothing else), so
// only the status is copied and the rest is shared with the stored Job,
// which the sync must not change.
func jobWorkingCopy(stored *batchv1.Job) *batchv1.Job {
	job := *stored
	job.Status = *stored.Status.DeepCopy()
	return &job
}
