package kubelet

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/loop"
)

// podState is what a kubelet remembers of one pod between syncs.
type podState struct {
	pod        *corev1.Pod
	sandboxID  string
	ip         string
	phase      sandboxPhase
	readyAt    time.Time         // when the sandbox (and volumes) will be ready, on the simulation
	volumes    map[string]string // pod volume name -> runtime volume id
	ownVolumes []string          // runtime volumes that die with the pod
	ctrs       map[string]*ctrState
	startTime  time.Time
	killing    bool
	killDue    time.Time
	configSync loop.Timer
	lastStatus *corev1.PodStatus
	mountErr   string
	// busy: a runtime call of this pod runs off the loop (Config.Async);
	// dropAfter: tear the pod down when it returns.
	busy, dropAfter bool
}

type sandboxPhase int

const (
	sandboxNone sandboxPhase = iota
	sandboxWaiting
	sandboxReady
	sandboxGone
)

// ctrState is one container (or init container) of a pod.
type ctrState struct {
	spec     corev1.Container
	init     bool
	id       string // current runtime container id
	prevID   string // the previous instance, kept for `logs --previous`
	imageID  string
	restarts int32

	// waiting reason while not running: ContainerCreating, PodInitializing,
	// ErrImagePull, ImagePullBackOff, CrashLoopBackOff,
	// CreateContainerConfigError …
	waitReason, waitMessage string

	pulling     bool
	pullFails   int
	pullBackoff time.Duration
	nextPull    time.Time
	pulled      bool
	startDue    time.Time // simulated start latency
	running     bool
	startedAt   time.Time
	finished    bool // exited and will not restart (or init done)
	term        *corev1.ContainerStateTerminated
	lastTerm    *corev1.ContainerStateTerminated
	backoff     time.Duration
	nextStart   time.Time
	everRan     bool

	// probes
	started      bool // startup probe passed (or none)
	ready        bool
	probeTimers  []loop.Timer
	liveFails    int
	readyFails   int
	readyOK      int
	startupFails int
	generation   int // bumps on each start so stale probe timers are ignored
}

func newPodState(pod *corev1.Pod) *podState {
	st := &podState{pod: pod, ctrs: map[string]*ctrState{}, volumes: map[string]string{}}
	for _, c := range pod.Spec.InitContainers {
		st.ctrs[c.Name] = &ctrState{spec: c, init: true, waitReason: "PodInitializing"}
	}
	for _, c := range pod.Spec.Containers {
		reason := "ContainerCreating"
		if len(pod.Spec.InitContainers) > 0 {
			reason = "PodInitializing"
		}
		st.ctrs[c.Name] = &ctrState{spec: c, waitReason: reason}
	}
	return st
}

// restartable reports whether a container that exited with code will be
// started again under the pod's restart policy.
func restartable(policy corev1.RestartPolicy, code int) bool {
	switch policy {
	case corev1.RestartPolicyNever:
		return false
	case corev1.RestartPolicyOnFailure:
		return code != 0
	}
	return true
}

// Back-off as the kubelet does it: 10s doubling to a 5-minute cap, reset
// after a container ran for 10 minutes without trouble.
const (
	backoffInitial = 10 * time.Second
	backoffMax     = 300 * time.Second
	backoffReset   = 10 * time.Minute
)

func nextBackoff(cur time.Duration) time.Duration {
	if cur == 0 {
		return backoffInitial
	}
	if cur*2 > backoffMax {
		return backoffMax
	}
	return cur * 2
}
