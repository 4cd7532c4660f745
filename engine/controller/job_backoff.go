package controller

import (
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// jobBackoff is upstream's backoffRecord: how many pods of a Job failed in
// a row since its last success, and when the last of them finished. A
// replacement pod waits 10s after one failure, 20s after two, 40s after
// three … at most 10 minutes (getRemainingTimeForFailuresCount).
type jobBackoff struct {
	failuresAfterLastSuccess int32
	lastFailure              time.Time
	// narrated remembers the failure whose wait was already told to the
	// student, so repeated syncs during one wait say it once.
	narrated time.Time
}

// newBackoffRecord folds the pods finished since the last count into the
// Job's record: a success resets the run of failures, except for failures
// that finished after it.
func (j *Job) newBackoffRecord(k string, succeeded, failed []*corev1.Pod) jobBackoff {
	b := j.backoff[k]
	if len(succeeded) == 0 && len(failed) == 0 {
		return b
	}
	jobSortByFinish(succeeded)
	jobSortByFinish(failed)
	if len(succeeded) == 0 {
		b.failuresAfterLastSuccess += int32(len(failed))
		b.lastFailure = jobFinishTime(failed[len(failed)-1])
		return b
	}
	b.failuresAfterLastSuccess = 0
	b.lastFailure = time.Time{}
	lastSuccess := jobFinishTime(succeeded[len(succeeded)-1])
	for i := len(failed) - 1; i >= 0; i-- {
		t := jobFinishTime(failed[i])
		if !t.After(lastSuccess) {
			break
		}
		if b.lastFailure.IsZero() {
			b.lastFailure = t
		}
		b.failuresAfterLastSuccess++
	}
	return b
}

// delay is the back-off owed after the recorded run of failures.
func (b jobBackoff) delay() time.Duration {
	if b.failuresAfterLastSuccess == 0 {
		return 0
	}
	d := jobPodFailureBackoff
	for i := int32(1); i < b.failuresAfterLastSuccess; i++ {
		d *= 2
		if d >= jobMaxPodFailureBackoff {
			return jobMaxPodFailureBackoff
		}
	}
	return d
}

// remaining is how much of the back-off is left at now.
func (b jobBackoff) remaining(now time.Time) time.Duration {
	d := b.delay()
	if d == 0 {
		return 0
	}
	elapsed := now.Sub(b.lastFailure)
	if d < elapsed {
		return 0
	}
	return d - elapsed
}

func jobSortByFinish(pods []*corev1.Pod) {
	sort.SliceStable(pods, func(a, b int) bool { return jobFinishTime(pods[a]).Before(jobFinishTime(pods[b])) })
}

// jobFinishTime is when a pod finished (getFinishedTime): its last
// container's exit; else when it stopped being Ready; else its deletion
// time less the grace period; else its creation.
func jobFinishTime(p *corev1.Pod) time.Time {
	if t, ok := jobContainersFinished(p); ok {
		return t
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionFalse && !c.LastTransitionTime.IsZero() {
			return c.LastTransitionTime.Time
		}
	}
	if p.DeletionTimestamp != nil {
		var grace int64
		if p.DeletionGracePeriodSeconds != nil {
			grace = *p.DeletionGracePeriodSeconds
		}
		return p.DeletionTimestamp.Add(-time.Duration(grace) * time.Second)
	}
	return p.CreationTimestamp.Time
}

func jobContainersFinished(p *corev1.Pod) (time.Time, bool) {
	var last time.Time
	found := false
	for _, s := range p.Status.ContainerStatuses {
		t := s.State.Terminated
		if t == nil || t.FinishedAt.IsZero() {
			return time.Time{}, false
		}
		if !found || last.Before(t.FinishedAt.Time) {
			last = t.FinishedAt.Time
			found = true
		}
	}
	return last, found
}
