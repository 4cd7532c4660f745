package tui

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// statusClass is what a status means at a glance; each class has a colour
// AND a symbol (styles.go), so it reads without colour too.
type statusClass int

const (
	classNone statusClass = iota
	classOK
	classPending
	classBad
	classDone
	classTerminating
	classUnknown
)

// podStatus computes the STATUS column as kubectl prints it (the reason of
// a waiting or terminated container wins over the phase), the READY
// column, and the restart count.
func podStatus(p *corev1.Pod) (status string, class statusClass, ready string, restarts int32) {
	reason := string(p.Status.Phase)
	if p.Status.Reason != "" {
		reason = p.Status.Reason
	}
	total := len(p.Spec.Containers)
	readyN := 0
	initializing := false
	for i, c := range p.Status.InitContainerStatuses {
		restarts += c.RestartCount
		switch {
		case c.State.Terminated != nil && c.State.Terminated.ExitCode == 0:
			continue
		case c.State.Terminated != nil:
			if c.State.Terminated.Reason == "" {
				reason = fmt.Sprintf("Init:ExitCode:%d", c.State.Terminated.ExitCode)
			} else {
				reason = "Init:" + c.State.Terminated.Reason
			}
			initializing = true
		case c.State.Waiting != nil && c.State.Waiting.Reason != "" && c.State.Waiting.Reason != "PodInitializing":
			reason = "Init:" + c.State.Waiting.Reason
			initializing = true
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(p.Spec.InitContainers))
			initializing = true
		}
		break
	}
	if !initializing {
		hasRunning := false
		for i := len(p.Status.ContainerStatuses) - 1; i >= 0; i-- {
			c := p.Status.ContainerStatuses[i]
			restarts += c.RestartCount
			switch {
			case c.State.Waiting != nil && c.State.Waiting.Reason != "":
				reason = c.State.Waiting.Reason
			case c.State.Terminated != nil && c.State.Terminated.Reason != "":
				reason = c.State.Terminated.Reason
			case c.State.Terminated != nil && c.State.Terminated.Signal != 0:
				reason = fmt.Sprintf("Signal:%d", c.State.Terminated.Signal)
			case c.State.Terminated != nil:
				reason = fmt.Sprintf("ExitCode:%d", c.State.Terminated.ExitCode)
			case c.Ready && c.State.Running != nil:
				hasRunning = true
				readyN++
			}
		}
		if reason == "Completed" && hasRunning {
			reason = "Running"
		}
	} else {
		for _, c := range p.Status.ContainerStatuses {
			restarts += c.RestartCount
		}
	}
	if p.DeletionTimestamp != nil {
		reason = "Terminating"
	}
	return reason, podClass(reason, readyN, total), fmt.Sprintf("%d/%d", readyN, total), restarts
}

func podClass(reason string, ready, total int) statusClass {
	switch {
	case reason == "Running" && ready == total:
		return classOK
	case reason == "Running", reason == "Pending", reason == "ContainerCreating", reason == "PodInitializing",
		strings.HasPrefix(reason, "Init:") && !isBadReason(strings.TrimPrefix(reason, "Init:")):
		return classPending
	case reason == "Completed", reason == "Succeeded":
		return classDone
	case reason == "Terminating":
		return classTerminating
	case isBadReason(reason):
		return classBad
	}
	return classUnknown
}

func isBadReason(r string) bool {
	switch r {
	case "CrashLoopBackOff", "Error", "ImagePullBackOff", "ErrImagePull", "OOMKilled", "Failed", "Evicted",
		"CreateContainerConfigError", "CreateContainerError", "InvalidImageName", "RunContainerError",
		"ContainerCannotRun", "DeadlineExceeded", "BackoffLimitExceeded", "ContainerStatusUnknown", "NodeLost":
		return true
	}
	return strings.HasPrefix(r, "ExitCode:") || strings.HasPrefix(r, "Signal:")
}

// replicas is a workload's observed/desired pair and whether it has
// converged.
func deploymentStatus(d *appsv1.Deployment) (status string, class statusClass, ready string, differs bool) {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	ready = fmt.Sprintf("%d/%d", s.ReadyReplicas, want)
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Status == corev1.ConditionFalse {
			return c.Reason, classBad, ready, true
		}
	}
	converged := s.ReadyReplicas == want && s.UpdatedReplicas == want && s.AvailableReplicas == want &&
		s.Replicas == want && s.ObservedGeneration >= d.Generation
	switch {
	case d.Spec.Paused:
		return "Paused", classPending, ready, !converged
	case converged:
		return "Available", classOK, ready, false
	case s.UpdatedReplicas < want || s.Replicas > want:
		return "Progressing", classPending, ready, true
	}
	return "Progressing", classPending, ready, true
}

func replicaSetStatus(rs *appsv1.ReplicaSet) (string, statusClass, string, bool) {
	want := int32(1)
	if rs.Spec.Replicas != nil {
		want = *rs.Spec.Replicas
	}
	ready := fmt.Sprintf("%d/%d", rs.Status.ReadyReplicas, want)
	for _, c := range rs.Status.Conditions {
		if c.Type == appsv1.ReplicaSetReplicaFailure && c.Status == corev1.ConditionTrue {
			return c.Reason, classBad, ready, true
		}
	}
	if rs.Status.ReadyReplicas == want && rs.Status.Replicas == want {
		if want == 0 {
			return "ScaledDown", classDone, ready, false
		}
		return "Ready", classOK, ready, false
	}
	return "Scaling", classPending, ready, true
}

func daemonSetStatus(ds *appsv1.DaemonSet) (string, statusClass, string, bool) {
	s := ds.Status
	ready := fmt.Sprintf("%d/%d", s.NumberReady, s.DesiredNumberScheduled)
	if s.NumberReady == s.DesiredNumberScheduled && s.UpdatedNumberScheduled == s.DesiredNumberScheduled {
		return "Ready", classOK, ready, false
	}
	return "Rolling", classPending, ready, true
}

func statefulSetStatus(ss *appsv1.StatefulSet) (string, statusClass, string, bool) {
	want := int32(1)
	if ss.Spec.Replicas != nil {
		want = *ss.Spec.Replicas
	}
	ready := fmt.Sprintf("%d/%d", ss.Status.ReadyReplicas, want)
	if ss.Status.ReadyReplicas == want {
		return "Ready", classOK, ready, false
	}
	return "Scaling", classPending, ready, true
}

func jobStatus(j *batchv1.Job) (string, statusClass, string, bool) {
	want := int32(1)
	if j.Spec.Completions != nil {
		want = *j.Spec.Completions
	}
	ready := fmt.Sprintf("%d/%d", j.Status.Succeeded, want)
	for _, c := range j.Status.Conditions {
		if c.Status != corev1.ConditionTrue {
			continue
		}
		switch c.Type {
		case batchv1.JobComplete:
			return "Complete", classDone, ready, false
		case batchv1.JobFailed:
			return "Failed", classBad, ready, true
		case batchv1.JobSuspended:
			return "Suspended", classPending, ready, true
		}
	}
	if j.Status.Active > 0 {
		return "Running", classPending, ready, true
	}
	return "Pending", classPending, ready, true
}

func cronJobStatus(cj *batchv1.CronJob) (string, statusClass, string, bool) {
	active := fmt.Sprintf("%d", len(cj.Status.Active))
	if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		return "Suspended", classPending, active, false
	}
	return cj.Spec.Schedule, classOK, active, false
}

func pvcStatus(p *corev1.PersistentVolumeClaim) (string, statusClass) {
	switch p.Status.Phase {
	case corev1.ClaimBound:
		return "Bound", classOK
	case corev1.ClaimLost:
		return "Lost", classBad
	}
	return string(p.Status.Phase), classPending
}
