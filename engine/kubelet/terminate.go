package kubelet

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubetour/engine/kinds"
	"kubetour/engine/runtime"
	"kubetour/engine/store"
)

func metaTime(t time.Time) metav1.Time { return metav1.NewTime(t.Truncate(time.Second)) }

// terminate stops a pod marked for deletion: SIGTERM to each container,
// SIGKILL when the grace period ends, then the pod object is removed.
func (k *Kubelet) terminate(st *podState) {
	now := k.now()
	if !st.killing {
		st.killing = true
		grace := int64(30)
		if g := st.pod.DeletionGracePeriodSeconds; g != nil {
			grace = *g
		}
		st.killDue = now.Add(time.Duration(grace) * time.Second)
		var stopping []string
		for _, c := range st.orderedCtrs() {
			if !c.running {
				continue
			}
			k.event(st, c, corev1.EventTypeNormal, "Killing", "Stopping container "+c.spec.Name,
				fmt.Sprintf("The pod is being deleted: container %s gets SIGTERM and has %ds to exit before SIGKILL.", c.spec.Name, grace),
				fmt.Sprintf("파드를 삭제하는 중입니다. 컨테이너 %s에 SIGTERM을 보내고, %d초 안에 끝나지 않으면 SIGKILL로 종료합니다.", c.spec.Name, grace))
			k.stopProbes(c)
			stopping = append(stopping, c.id)
		}
		stop := func() {
			for _, id := range stopping {
				k.cfg.Runtime.StopContainer(k.ctx(), id, time.Duration(grace)*time.Second)
			}
		}
		if grace > 0 {
			k.requeue(st, time.Duration(grace)*time.Second)
		}
		if k.cfg.Async && len(stopping) > 0 {
			// A container may take its whole grace period to stop.
			k.offLoop(st, func() func() { stop(); return nil })
			k.writeStatus(st)
			return
		}
		stop()
	}
	// Containers that have exited by now are recorded as terminated.
	allDone := true
	for _, c := range st.orderedCtrs() {
		if !c.running {
			continue
		}
		s, err := k.cfg.Runtime.ContainerStatus(k.ctx(), c.id)
		if err == nil && s.State == runtime.StateExited {
			c.running = false
			c.term = &corev1.ContainerStateTerminated{ExitCode: int32(s.ExitCode), Reason: exitReason(s),
				StartedAt: metaTime(c.startedAt), FinishedAt: metaTime(now), ContainerID: k.cfg.ContainerIDPrefix + c.id}
			continue
		}
		allDone = false
	}
	if !allDone && now.Before(st.killDue) {
		k.writeStatus(st)
		return
	}
	k.teardown(st)
	k.finalDelete(st.pod)
}

func exitReason(s *runtime.ContainerStatus) string {
	if s.Reason != "" {
		return s.Reason
	}
	if s.ExitCode == 0 {
		return "Completed"
	}
	return "Error"
}

// finalDelete removes the pod object once nothing of it runs any more.
func (k *Kubelet) finalDelete(pod *corev1.Pod) {
	zero := int64(0)
	k.store.Delete(kinds.Core("pods"), pod.Namespace, pod.Name, store.DeleteOptions{GracePeriod: &zero})
}

// teardown removes every runtime object of a pod and forgets it.
func (k *Kubelet) teardown(st *podState) {
	if st == nil || st.phase == sandboxGone {
		return
	}
	if st.busy {
		st.dropAfter = true // when the call under way returns
		return
	}
	var ctrs []string
	for _, c := range st.orderedCtrs() {
		k.stopProbes(c)
		for _, id := range []string{c.id, c.prevID} {
			if id == "" {
				continue
			}
			ctrs = append(ctrs, id)
			delete(k.byCtr, id)
		}
	}
	sandboxID, volumes := st.sandboxID, st.ownVolumes
	remove := func() {
		for _, id := range ctrs {
			k.cfg.Runtime.StopContainer(k.ctx(), id, 0)
			k.cfg.Runtime.RemoveContainer(k.ctx(), id)
		}
		if sandboxID != "" {
			k.cfg.Runtime.StopSandbox(k.ctx(), sandboxID)
			k.cfg.Runtime.RemoveSandbox(k.ctx(), sandboxID)
		}
		for _, v := range volumes {
			k.cfg.Runtime.RemoveVolume(k.ctx(), v)
		}
	}
	release := func() {
		if st.ip != "" && !st.pod.Spec.HostNetwork {
			if p := k.ipam[st.pod.Spec.NodeName]; p != nil {
				p.release(st.ip)
			}
		}
	}
	if k.cfg.Async {
		// The address is free again only once the sandbox holding it is gone.
		k.cfg.Loop.Go(func() func() { remove(); return release })
	} else {
		remove()
		release()
	}
	k.cfg.Loop.Cancel(st.configSync)
	st.phase = sandboxGone
	delete(k.pods, st.pod.UID)
	if k.byKey[podKey(st.pod.Namespace, st.pod.Name)] == st.pod.UID {
		delete(k.byKey, podKey(st.pod.Namespace, st.pod.Name))
	}
}

// orderedCtrs lists init containers then containers, in spec order.
func (st *podState) orderedCtrs() []*ctrState {
	var out []*ctrState
	for _, c := range st.pod.Spec.InitContainers {
		if cs := st.ctrs[c.Name]; cs != nil {
			out = append(out, cs)
		}
	}
	for _, c := range st.pod.Spec.Containers {
		if cs := st.ctrs[c.Name]; cs != nil {
			out = append(out, cs)
		}
	}
	return out
}
