package kubelet

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/equal"
	"kubetour/engine/kinds"
	"kubetour/engine/store"
	"kubetour/internal/ko"
)

// writeStatus computes the pod status and stores it when it changed.
func (k *Kubelet) writeStatus(st *podState) {
	// Most syncs change nothing: compare with the stored pod (read only)
	// before building a new version.
	obj, ok := k.store.Peek(kinds.Core("pods"), st.pod.Namespace, st.pod.Name)
	if !ok {
		return
	}
	stored := obj.(*corev1.Pod)
	if stored.UID != st.pod.UID {
		return
	}
	status := k.computeStatus(st, stored)
	if equal.Semantic(&stored.Status, status) {
		return
	}
	prevPhase := stored.Status.Phase
	// A status write only reads the new status from what it is given, so
	// the rest of the stored pod is shared, not copied.
	next := *stored
	pod := &next
	pod.Status = *status
	out, err := k.store.Update(kinds.Core("pods"), pod, store.UpdateOptions{Status: true, Owned: true})
	if err == nil {
		st.pod = out.(*corev1.Pod)
		if prevPhase != status.Phase {
			k.narratePhase(st, prevPhase, status.Phase)
		}
	}
}

func (k *Kubelet) narratePhase(st *podState, from, to corev1.PodPhase) {
	en := fmt.Sprintf("Pod %s moved from %s to %s.", st.pod.Name, orNone(string(from)), to)
	kr := fmt.Sprintf("파드 %s의 상태(phase)가 %s에서 %s 바뀌었습니다.", st.pod.Name, orNone(string(from)), ko.With(string(to), "으로/로"))
	k.cfg.Rec.Record(recordPhase(st, en, kr, string(to)))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (k *Kubelet) computeStatus(st *podState, pod *corev1.Pod) *corev1.PodStatus {
	s := &corev1.PodStatus{QOSClass: pod.Status.QOSClass}
	if s.QOSClass == "" {
		s.QOSClass = qosClass(pod)
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			s.Conditions = append(s.Conditions, c)
		}
	}
	if ip := k.nodeIP(pod.Spec.NodeName); ip != "" {
		s.HostIP = ip
		s.HostIPs = []corev1.HostIP{{IP: ip}}
	}
	if !st.startTime.IsZero() {
		t := metaTime(st.startTime)
		s.StartTime = &t
	}
	if st.phase == sandboxReady || (st.phase == sandboxGone && st.ip != "") {
		s.PodIP = st.ip
		s.PodIPs = []corev1.PodIP{{IP: st.ip}}
	}
	initDone := true
	var pendingInit []string
	for _, c := range pod.Spec.InitContainers {
		cs := st.ctrs[c.Name]
		s.InitContainerStatuses = append(s.InitContainerStatuses, k.containerStatus(cs))
		if !(cs.finished && cs.term != nil && cs.term.ExitCode == 0) {
			initDone = false
			pendingInit = append(pendingInit, c.Name)
		}
	}
	var unready []string
	for _, c := range pod.Spec.Containers {
		cs := st.ctrs[c.Name]
		s.ContainerStatuses = append(s.ContainerStatuses, k.containerStatus(cs))
		if !(cs.running && cs.ready) {
			unready = append(unready, c.Name)
		}
	}
	s.Phase = k.phase(st, pod, initDone)
	now := metaTime(k.now())
	cond := func(t corev1.PodConditionType, ok bool, reason, msg string) {
		c := corev1.PodCondition{Type: t, Status: corev1.ConditionFalse, Reason: reason, Message: msg}
		if ok {
			c.Status, c.Reason, c.Message = corev1.ConditionTrue, "", ""
		}
		c.LastTransitionTime = now
		for _, old := range pod.Status.Conditions {
			if old.Type == t && old.Status == c.Status {
				c.LastTransitionTime = old.LastTransitionTime
			}
		}
		s.Conditions = append(s.Conditions, c)
	}
	terminal := s.Phase == corev1.PodSucceeded || s.Phase == corev1.PodFailed
	cond(corev1.PodReadyToStartContainers, st.phase == sandboxReady && !terminal, "", "")
	initReason, initMsg := "", ""
	if !initDone {
		initReason, initMsg = "ContainersNotInitialized", "containers with incomplete status: ["+strings.Join(pendingInit, " ")+"]"
	}
	cond(corev1.PodInitialized, initDone, initReason, initMsg)
	readyReason, readyMsg := "", ""
	if len(unready) > 0 {
		readyReason, readyMsg = "ContainersNotReady", "containers with unready status: ["+strings.Join(unready, " ")+"]"
	}
	if terminal {
		readyReason = "PodCompleted"
		readyMsg = ""
	}
	ready := len(unready) == 0 && !terminal && !st.killing
	cond(corev1.ContainersReady, ready, readyReason, readyMsg)
	cond(corev1.PodReady, ready, readyReason, readyMsg)
	order := map[corev1.PodConditionType]int{corev1.PodReadyToStartContainers: 0, corev1.PodInitialized: 1, corev1.PodReady: 2, corev1.ContainersReady: 3, corev1.PodScheduled: 4}
	sort.SliceStable(s.Conditions, func(i, j int) bool { return order[s.Conditions[i].Type] < order[s.Conditions[j].Type] })
	return s
}

// phase follows the kubelet's getPhase.
func (k *Kubelet) phase(st *podState, pod *corev1.Pod, initDone bool) corev1.PodPhase {
	if !initDone {
		for _, c := range pod.Spec.InitContainers {
			cs := st.ctrs[c.Name]
			if cs.finished && cs.term != nil && cs.term.ExitCode != 0 {
				return corev1.PodFailed
			}
		}
		return corev1.PodPending
	}
	var running, waiting, stopped, succeeded int
	for _, c := range pod.Spec.Containers {
		cs := st.ctrs[c.Name]
		switch {
		case cs.running:
			running++
		case cs.term != nil && cs.finished:
			stopped++
			if cs.term.ExitCode == 0 {
				succeeded++
			}
		case cs.term != nil:
			stopped++ // exited, waiting to restart
		default:
			waiting++
		}
	}
	switch {
	case waiting > 0:
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case stopped > 0:
		if pod.Spec.RestartPolicy == corev1.RestartPolicyAlways {
			return corev1.PodRunning
		}
		if stopped == succeeded {
			return corev1.PodSucceeded
		}
		if pod.Spec.RestartPolicy == corev1.RestartPolicyNever {
			return corev1.PodFailed
		}
		for _, c := range pod.Spec.Containers {
			if cs := st.ctrs[c.Name]; !cs.finished {
				return corev1.PodRunning
			}
		}
		return corev1.PodFailed
	}
	return corev1.PodPending
}

func (k *Kubelet) containerStatus(c *ctrState) corev1.ContainerStatus {
	cs := corev1.ContainerStatus{
		Name: c.spec.Name, Image: normalizeImage(c.spec.Image), ImageID: c.imageID,
		RestartCount: c.restarts, Ready: c.running && c.ready,
	}
	if c.id != "" && (c.running || c.term != nil) {
		cs.ContainerID = k.cfg.ContainerIDPrefix + c.id
	}
	started := c.running && c.started
	cs.Started = &started
	switch {
	case c.running:
		cs.State.Running = &corev1.ContainerStateRunning{StartedAt: metaTime(c.startedAt)}
	case c.term != nil && (c.finished || c.waitReason == ""):
		t := *c.term
		cs.State.Terminated = &t
	default:
		reason := c.waitReason
		if reason == "" {
			reason = "ContainerCreating"
		}
		cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: c.waitMessage}
	}
	if cs.State.Terminated == nil && c.term != nil {
		// Exited and waiting to restart: the exit is the last state.
		t := *c.term
		cs.LastTerminationState.Terminated = &t
	} else if c.lastTerm != nil {
		t := *c.lastTerm
		cs.LastTerminationState.Terminated = &t
	}
	if c.init {
		cs.Started = boolp(c.running)
	}
	return cs
}

func boolp(b bool) *bool { return &b }

// normalizeImage writes the image the way container runtimes report it
// (docker.io/library/nginx:latest).
func normalizeImage(image string) string {
	name, tag := image, ""
	if i := strings.LastIndex(image, "@"); i >= 0 {
		return image
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		name, tag = image[:i], image[i+1:]
	}
	if tag == "" {
		tag = "latest"
	}
	first := strings.SplitN(name, "/", 2)[0]
	if !strings.Contains(name, "/") {
		name = "docker.io/library/" + name
	} else if !strings.ContainsAny(first, ".:") && first != "localhost" {
		name = "docker.io/" + name
	}
	return name + ":" + tag
}

// qosClass is Guaranteed when every container has equal requests and
// limits for cpu and memory, BestEffort when none sets any, else Burstable.
func qosClass(pod *corev1.Pod) corev1.PodQOSClass {
	all := append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...)
	any, guaranteed := false, true
	for _, c := range all {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, hasReq := c.Resources.Requests[r]
			lim, hasLim := c.Resources.Limits[r]
			if hasReq || hasLim {
				any = true
			}
			if !hasLim || (hasReq && req.Cmp(lim) != 0) {
				guaranteed = false
			}
		}
	}
	switch {
	case !any:
		return corev1.PodQOSBestEffort
	case guaranteed:
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}
