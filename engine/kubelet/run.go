package kubelet

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"kubetour/engine/record"
	"kubetour/engine/runtime"
	"kubetour/internal/ko"
)

func (k *Kubelet) now() time.Time { return k.cfg.Loop.Now() }

func fieldPath(c *ctrState) string {
	if c.init {
		return "spec.initContainers{" + c.spec.Name + "}"
	}
	return "spec.containers{" + c.spec.Name + "}"
}

func (k *Kubelet) event(st *podState, c *ctrState, typ, reason, msg, en, ko string) {
	d := record.Decision{Source: "kubelet", Host: st.pod.Spec.NodeName, Object: st.pod, Type: typ,
		Reason: reason, Message: msg, EN: en, KO: ko}
	if c != nil {
		d.FieldPath = fieldPath(c)
		d.Fields = map[string]string{"container": c.spec.Name}
	}
	k.cfg.Rec.Record(d)
}

// run advances a live pod: sandbox, then init containers one by one, then
// all containers together, then status.
func (k *Kubelet) run(st *podState) {
	now := k.now()
	if st.startTime.IsZero() {
		st.startTime = now
	}
	if !k.ensureSandbox(st) {
		k.writeStatus(st)
		return
	}
	for _, ic := range st.pod.Spec.InitContainers {
		c := st.ctrs[ic.Name]
		if c.finished {
			if c.term != nil && c.term.ExitCode != 0 {
				k.writeStatus(st) // failed for good: the pod fails
				return
			}
			continue
		}
		k.step(st, c)
		if !c.finished || (c.term != nil && c.term.ExitCode != 0) {
			k.writeStatus(st)
			return
		}
	}
	for _, mc := range st.pod.Spec.Containers {
		k.step(st, st.ctrs[mc.Name])
	}
	k.writeStatus(st)
}

// ensureSandbox prepares volumes and the sandbox; false while not ready.
func (k *Kubelet) ensureSandbox(st *podState) bool {
	pod := st.pod
	switch st.phase {
	case sandboxReady:
		return true
	case sandboxWaiting:
		if k.now().Before(st.readyAt) {
			return false
		}
		st.phase = sandboxReady
		k.scheduleConfigSync(st)
		return true
	}
	if err := k.prepareVolumes(st); err != nil {
		msg := err.Error()
		if msg != st.mountErr {
			st.mountErr = msg
			k.event(st, nil, corev1.EventTypeWarning, "FailedMount", msg,
				"The kubelet cannot mount a volume yet, so the pod stays ContainerCreating: "+msg,
				"볼륨을 아직 마운트할 수 없어 파드가 ContainerCreating 상태로 머뭅니다: "+msg)
		}
		k.requeue(st, 2*time.Second)
		return false
	}
	st.mountErr = ""
	var ip string
	var err error
	if pod.Spec.HostNetwork {
		// A host-network pod has the node's address and takes none from
		// the pod range.
		ip = k.nodeIP(pod.Spec.NodeName)
	} else {
		ip, err = k.ipam[pod.Spec.NodeName].allocate()
	}
	if err != nil {
		k.event(st, nil, corev1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: "+err.Error(), "", "")
		k.requeue(st, 10*time.Second)
		return false
	}
	cfg := &runtime.SandboxConfig{
		PodUID: string(pod.UID), Name: pod.Name, Namespace: pod.Namespace, Node: pod.Spec.NodeName,
		Hostname: hostname(pod), IP: ip,
		DNSSearch:             []string{pod.Namespace + ".svc." + k.cfg.ClusterDomain, "svc." + k.cfg.ClusterDomain, k.cfg.ClusterDomain},
		DNSServers:            []string{k.cfg.ClusterDNS},
		Labels:                map[string]string{"io.kubernetes.pod.name": pod.Name, "io.kubernetes.pod.namespace": pod.Namespace, "io.kubernetes.pod.uid": string(pod.UID)},
		ShareProcessNamespace: pod.Spec.ShareProcessNamespace != nil && *pod.Spec.ShareProcessNamespace,
		HostNetwork:           pod.Spec.HostNetwork,
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				cfg.Ports = append(cfg.Ports, runtime.PortMapping{ContainerPort: p.ContainerPort, HostPort: p.HostPort, Protocol: string(p.Protocol), HostIP: p.HostIP})
			}
		}
	}
	if k.cfg.Async {
		k.offLoop(st, func() func() {
			sb, err := k.cfg.Runtime.RunSandbox(k.ctx(), cfg)
			return func() { k.sandboxCreated(st, ip, sb, err) }
		})
		return false
	}
	sb, err := k.cfg.Runtime.RunSandbox(k.ctx(), cfg)
	return k.sandboxCreated(st, ip, sb, err)
}

// sandboxCreated records the outcome of RunSandbox; true when the sandbox
// is ready for containers.
func (k *Kubelet) sandboxCreated(st *podState, ip string, sb *runtime.Sandbox, err error) bool {
	pod := st.pod
	if err != nil {
		if !pod.Spec.HostNetwork {
			k.ipam[pod.Spec.NodeName].release(ip)
		}
		k.event(st, nil, corev1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: "+err.Error(), "", "")
		k.requeue(st, 10*time.Second)
		return false
	}
	st.sandboxID, st.ip = sb.ID, sb.IP
	if st.ip == "" {
		st.ip = ip
	} else if st.ip != ip && !pod.Spec.HostNetwork {
		k.ipam[pod.Spec.NodeName].release(ip)
	}
	st.phase = sandboxWaiting
	st.readyAt = k.now().Add(k.cfg.Latency.Sandbox)
	if k.cfg.Latency.Sandbox > 0 {
		k.requeue(st, k.cfg.Latency.Sandbox)
		return false
	}
	st.phase = sandboxReady
	k.scheduleConfigSync(st)
	return true
}

func hostname(pod *corev1.Pod) string {
	if pod.Spec.Hostname != "" {
		return pod.Spec.Hostname
	}
	if len(pod.Name) > 63 {
		return strings.TrimRight(pod.Name[:63], "-.")
	}
	return pod.Name
}

// step moves one container one step towards running.
func (k *Kubelet) step(st *podState, c *ctrState) {
	if c.running || c.finished {
		return
	}
	now := k.now()
	if c.term != nil {
		if now.Before(c.nextStart) {
			if c.waitReason != "CrashLoopBackOff" {
				c.waitReason = "CrashLoopBackOff"
				c.waitMessage = fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)",
					c.backoff, c.spec.Name, st.pod.Name, st.pod.Namespace, st.pod.UID)
				k.event(st, c, corev1.EventTypeWarning, "BackOff",
					fmt.Sprintf("Back-off restarting failed container %s in pod %s_%s(%s)", c.spec.Name, st.pod.Name, st.pod.Namespace, st.pod.UID),
					fmt.Sprintf("Container %s keeps exiting; the kubelet waits %s before starting it again (CrashLoopBackOff), doubling the wait each time up to 5 minutes.", c.spec.Name, c.backoff),
					fmt.Sprintf("컨테이너 %s 계속 종료되어 kubelet이 %s 기다린 뒤 다시 시작합니다(CrashLoopBackOff). 대기 시간은 매번 두 배로 늘어 최대 5분까지 갑니다.", ko.With(c.spec.Name, "이/가"), c.backoff))
			}
			return
		}
	}
	if !k.pullImage(st, c) {
		return
	}
	k.startContainer(st, c)
}

// pullImage follows imagePullPolicy; false while the image is not there yet.
func (k *Kubelet) pullImage(st *podState, c *ctrState) bool {
	now := k.now()
	node := st.pod.Spec.NodeName
	image := c.spec.Image
	if c.pulled && c.spec.ImagePullPolicy != corev1.PullAlways {
		return true
	}
	if now.Before(c.nextPull) {
		if c.waitReason != "ImagePullBackOff" {
			c.waitReason, c.waitMessage = "ImagePullBackOff", fmt.Sprintf("Back-off pulling image %q: ErrImagePull: %s", image, c.waitMessage)
			k.event(st, c, corev1.EventTypeNormal, "BackOff", fmt.Sprintf("Back-off pulling image %q", image),
				fmt.Sprintf("The image %q could not be pulled; the kubelet waits before trying again (ImagePullBackOff).", image),
				fmt.Sprintf("이미지 %q%s 받지 못해 kubelet이 잠시 기다렸다가 다시 시도합니다(ImagePullBackOff).", image, ko.Particle(image, "을/를")))
			k.event(st, c, corev1.EventTypeWarning, "Failed", "Error: ImagePullBackOff", "", "")
		}
		return false
	}
	present := k.images[node][image]
	if c.spec.ImagePullPolicy == corev1.PullNever && !present {
		msg := fmt.Sprintf("Container image %q is not present with pull policy of Never", image)
		if c.waitReason != "ErrImageNeverPull" {
			k.event(st, c, corev1.EventTypeWarning, "ErrImageNeverPull", msg,
				"imagePullPolicy Never forbids pulling, and the image is not on the node.",
				"imagePullPolicy가 Never라서 이미지를 받을 수 없는데, 노드에 그 이미지가 없습니다.")
		}
		c.waitReason, c.waitMessage = "ErrImageNeverPull", msg
		return false
	}
	if present && c.spec.ImagePullPolicy != corev1.PullAlways {
		info, _ := k.cfg.Runtime.PullImage(k.ctx(), image)
		if info != nil {
			c.imageID = info.ID
		}
		c.pulled = true
		k.event(st, c, corev1.EventTypeNormal, "Pulled", fmt.Sprintf("Container image %q already present on machine", image),
			fmt.Sprintf("The image %q is already on node %s, so nothing is downloaded (imagePullPolicy %s).", image, node, c.spec.ImagePullPolicy),
			fmt.Sprintf("이미지 %q%s 이미 노드 %s에 있어 새로 받지 않습니다(imagePullPolicy %s).", image, ko.Particle(image, "이/가"), node, c.spec.ImagePullPolicy))
		return true
	}
	if !c.pulling {
		c.pulling = true
		// A restart keeps the reason it waits with (CrashLoopBackOff): the
		// kubelet pulls within the sync that restarts the container, and
		// the status it reports meanwhile is the last one.
		if c.term == nil {
			c.waitReason = containerCreatingReason(st, c)
		}
		k.event(st, c, corev1.EventTypeNormal, "Pulling", fmt.Sprintf("Pulling image %q", image),
			fmt.Sprintf("Node %s does not have %q yet (or the policy is Always): the kubelet pulls it.", node, image),
			fmt.Sprintf("노드 %s에 %q 이미지가 없거나 정책이 Always라서 kubelet이 이미지를 받습니다.", node, image))
		d := k.cfg.Latency.Pull
		if present {
			d /= 4 // a re-pull of a present image only checks the digest
		}
		if d > 0 {
			c.nextPull = time.Time{}
			c.startDue = now.Add(d)
			k.requeue(st, d)
			return false
		}
	}
	if now.Before(c.startDue) {
		return false
	}
	c.pulling = false
	info, err := k.cfg.Runtime.PullImage(k.ctx(), image)
	if err != nil {
		c.pullFails++
		c.pullBackoff = nextBackoff(c.pullBackoff)
		c.nextPull = now.Add(c.pullBackoff)
		msg := err.Error()
		c.waitReason, c.waitMessage = "ErrImagePull", msg
		k.event(st, c, corev1.EventTypeWarning, "Failed", "Failed to pull image \""+image+"\": "+msg,
			fmt.Sprintf("The image %q does not exist or cannot be reached, so the container cannot start (ErrImagePull). Check the image name and tag.", image),
			fmt.Sprintf("이미지 %q%s 없거나 받을 수 없어 컨테이너를 시작하지 못합니다(ErrImagePull). 이미지 이름과 태그를 확인하세요.", image, ko.Particle(image, "이/가")))
		k.event(st, c, corev1.EventTypeWarning, "Failed", "Error: ErrImagePull", "", "")
		// The next sync shows the back-off; the one after the back-off pulls again.
		k.requeue(st, 2*time.Second)
		k.requeue(st, c.pullBackoff)
		return false
	}
	// The pull back-off is the image's, apart from the crash back-off, which
	// a successful pull (every restart under imagePullPolicy Always) must
	// not reset.
	c.pullFails, c.pullBackoff = 0, 0
	c.pulled = true
	c.imageID = info.ID
	k.images[node][image] = true
	took := k.cfg.Latency.Pull
	if present {
		took /= 4
	}
	k.event(st, c, corev1.EventTypeNormal, "Pulled",
		fmt.Sprintf("Successfully pulled image %q in %s (%s including waiting). Image size: %d bytes.", image, took, took, info.Size),
		fmt.Sprintf("The image %q is now on node %s.", image, node),
		fmt.Sprintf("이미지 %q%s 노드 %s에 받았습니다.", image, ko.Particle(image, "을/를"), node))
	return true
}

func containerCreatingReason(st *podState, c *ctrState) string {
	if c.init || len(st.pod.Spec.InitContainers) == 0 {
		return "ContainerCreating"
	}
	return "PodInitializing"
}

// startContainer creates and starts a container whose image is present.
func (k *Kubelet) startContainer(st *podState, c *ctrState) {
	if st.busy {
		return // one runtime call at a time per pod; this one comes next
	}
	env, err := k.envFor(st, &c.spec)
	if err != nil {
		msg := err.Error()
		if c.waitReason != "CreateContainerConfigError" || c.waitMessage != msg {
			k.event(st, c, corev1.EventTypeWarning, "Failed", "Error: "+msg,
				"The container cannot be configured: "+msg+". It starts as soon as the missing object exists.",
				"컨테이너 설정을 만들 수 없습니다: "+msg+". 빠진 오브젝트가 생기면 바로 시작합니다.")
		}
		c.waitReason, c.waitMessage = "CreateContainerConfigError", msg
		k.requeue(st, 10*time.Second)
		return
	}
	cfg := &runtime.ContainerConfig{
		Name: c.spec.Name, Image: c.spec.Image, Command: c.spec.Command, Args: c.spec.Args,
		Env: env, WorkingDir: c.spec.WorkingDir, Mounts: k.mountsFor(st, &c.spec),
		TTY: c.spec.TTY, Stdin: c.spec.Stdin, StdinOnce: c.spec.StdinOnce, Attempt: int(c.restarts),
		Labels: map[string]string{"io.kubernetes.container.name": c.spec.Name, "io.kubernetes.pod.name": st.pod.Name,
			"io.kubernetes.pod.namespace": st.pod.Namespace, "io.kubernetes.pod.uid": string(st.pod.UID)},
	}
	for _, p := range c.spec.Ports {
		cfg.Ports = append(cfg.Ports, p.ContainerPort)
	}
	if q, ok := c.spec.Resources.Limits[corev1.ResourceMemory]; ok {
		cfg.MemoryLimit = q.Value()
	}
	if q, ok := c.spec.Resources.Limits[corev1.ResourceCPU]; ok {
		cfg.CPULimit = q.MilliValue()
	}
	if q, ok := c.spec.Resources.Requests[corev1.ResourceCPU]; ok {
		cfg.CPURequest = q.MilliValue()
	}
	// Keep the last instance for `logs --previous`; drop the one before.
	drop := ""
	if c.id != "" {
		drop = c.prevID
	}
	sandboxID := st.sandboxID
	createAndStart := func() (string, error, error) {
		if drop != "" {
			k.cfg.Runtime.RemoveContainer(k.ctx(), drop)
		}
		id, err := k.cfg.Runtime.CreateContainer(k.ctx(), sandboxID, cfg)
		if err != nil {
			return "", err, nil
		}
		return id, nil, k.cfg.Runtime.StartContainer(k.ctx(), id)
	}
	if k.cfg.Async {
		k.offLoop(st, func() func() {
			id, createErr, startErr := createAndStart()
			return func() {
				k.containerStarted(st, c, id, createErr, startErr)
				k.catchEarlyExit(st, c, id)
			}
		})
		return
	}
	id, createErr, startErr := createAndStart()
	k.containerStarted(st, c, id, createErr, startErr)
	// A process that ended while it was started (echo) is reported ended
	// by this sync, as the kubelet reads the runtime's state after
	// SyncPod: it is never seen Running.
	k.catchEarlyExit(st, c, id)
}

// containerStarted records the outcome of creating and starting a
// container.
func (k *Kubelet) containerStarted(st *podState, c *ctrState, id string, err, startErr error) {
	now := k.now()
	if err != nil {
		c.waitReason, c.waitMessage = "CreateContainerError", err.Error()
		k.event(st, c, corev1.EventTypeWarning, "Failed", "Error: "+err.Error(), "", "")
		k.requeue(st, 10*time.Second)
		return
	}
	k.event(st, c, corev1.EventTypeNormal, "Created", "Created container: "+c.spec.Name,
		fmt.Sprintf("The kubelet on %s created container %s from image %s.", st.pod.Spec.NodeName, c.spec.Name, c.spec.Image),
		fmt.Sprintf("%s 노드의 kubelet이 %s 이미지로 컨테이너 %s 만들었습니다.", st.pod.Spec.NodeName, c.spec.Image, ko.With(c.spec.Name, "을/를")))
	if c.id != "" {
		if c.prevID != "" {
			delete(k.byCtr, c.prevID)
		}
		c.prevID = c.id
	}
	c.id = id
	k.byCtr[id] = &ctrRef{uid: st.pod.UID, name: c.spec.Name}
	if err := startErr; err != nil {
		c.term = &corev1.ContainerStateTerminated{ExitCode: 128, Reason: "StartError", Message: err.Error(),
			StartedAt: metaTime(now), FinishedAt: metaTime(now), ContainerID: k.cfg.ContainerIDPrefix + id}
		k.event(st, c, corev1.EventTypeWarning, "Failed", "Error: "+err.Error(), "", "")
		k.afterExit(st, c)
		return
	}
	if c.term != nil {
		c.lastTerm = c.term
		c.term = nil
		c.restarts++
	}
	c.running, c.everRan, c.startedAt = true, true, now
	c.waitReason, c.waitMessage = "", ""
	c.generation++
	c.started = c.spec.StartupProbe == nil
	c.ready = c.spec.ReadinessProbe == nil && c.started
	c.liveFails, c.readyFails, c.readyOK, c.startupFails = 0, 0, 0, 0
	k.event(st, c, corev1.EventTypeNormal, "Started", "Started container "+c.spec.Name,
		fmt.Sprintf("Container %s is running in pod %s.", c.spec.Name, st.pod.Name),
		fmt.Sprintf("컨테이너 %s 파드 %s 안에서 실행 중입니다.", ko.With(c.spec.Name, "이/가"), st.pod.Name))
	k.startProbes(st, c)
}

// observeExit records a container's termination as the runtime reports it.
func (k *Kubelet) observeExit(st *podState, c *ctrState, ev runtime.Event) {
	if !c.running {
		return
	}
	status, err := k.cfg.Runtime.ContainerStatus(k.ctx(), c.id)
	term := &corev1.ContainerStateTerminated{ExitCode: int32(ev.ExitCode), ContainerID: k.cfg.ContainerIDPrefix + c.id,
		StartedAt: metaTime(c.startedAt), FinishedAt: metaTime(k.now())}
	if err == nil && status.State == runtime.StateExited {
		term.ExitCode = int32(status.ExitCode)
		term.Reason = status.Reason
		term.Message = status.Message
		if !status.FinishedAt.IsZero() {
			term.FinishedAt = metaTime(status.FinishedAt)
		}
	}
	if ev.Type == runtime.EventOOM {
		term.Reason = "OOMKilled"
		if term.ExitCode == 0 {
			term.ExitCode = 137
		}
	}
	if term.Reason == "" {
		term.Reason = "Error"
		if term.ExitCode == 0 {
			term.Reason = "Completed"
		}
	}
	c.running, c.ready = false, false
	c.term = term
	k.stopProbes(c)
	if st.killing {
		return
	}
	k.afterExit(st, c)
}

// afterExit decides what happens to an exited container.
func (k *Kubelet) afterExit(st *podState, c *ctrState) {
	now := k.now()
	policy := st.pod.Spec.RestartPolicy
	if c.init && policy == corev1.RestartPolicyAlways {
		policy = corev1.RestartPolicyOnFailure // init containers never restart on success
	}
	code := int(c.term.ExitCode)
	if c.init && code == 0 {
		c.finished = true
		k.event(st, c, corev1.EventTypeNormal, "Completed", "",
			fmt.Sprintf("Init container %s finished successfully; the next step of the pod can begin.", c.spec.Name),
			fmt.Sprintf("초기화 컨테이너 %s 성공적으로 끝나 파드의 다음 단계로 넘어갑니다.", ko.With(c.spec.Name, "이/가")))
		return
	}
	if !restartable(policy, code) {
		c.finished = true
		en := fmt.Sprintf("Container %s exited with code %d (%s); restartPolicy %s means it is not started again.", c.spec.Name, code, c.term.Reason, st.pod.Spec.RestartPolicy)
		kr := fmt.Sprintf("컨테이너 %s 종료 코드 %d(%s)%s 끝났고, restartPolicy가 %s 다시 시작하지 않습니다.", ko.With(c.spec.Name, "이/가"), code, c.term.Reason, ko.Particle(fmt.Sprint(code), "으로/로"), ko.With(string(st.pod.Spec.RestartPolicy), "이라서/라서"))
		k.cfg.Rec.Record(record.Decision{Source: "kubelet", Host: st.pod.Spec.NodeName, Object: st.pod, Reason: "ContainerExited",
			EN: en, KO: kr, NoEvent: true, Fields: map[string]string{"container": c.spec.Name, "exitCode": fmt.Sprint(code), "reason": c.term.Reason}})
		return
	}
	if !c.startedAt.IsZero() && now.Sub(c.startedAt) >= backoffReset {
		c.backoff = 0
	}
	if c.restarts == 0 && c.backoff == 0 && c.lastTerm == nil {
		// The first restart is immediate; back-off starts with the second.
		c.nextStart = now
		c.backoff = 0
	} else {
		c.backoff = nextBackoff(c.backoff)
		c.nextStart = now.Add(c.backoff)
		k.requeue(st, c.backoff)
	}
	k.cfg.Rec.Record(record.Decision{Source: "kubelet", Host: st.pod.Spec.NodeName, Object: st.pod, Reason: "ContainerExited",
		EN:      fmt.Sprintf("Container %s exited with code %d (%s); restartPolicy %s restarts it.", c.spec.Name, code, c.term.Reason, st.pod.Spec.RestartPolicy),
		KO:      fmt.Sprintf("컨테이너 %s 종료 코드 %d(%s)%s 끝났고, restartPolicy %s에 따라 다시 시작합니다.", ko.With(c.spec.Name, "이/가"), code, c.term.Reason, ko.Particle(fmt.Sprint(code), "으로/로"), st.pod.Spec.RestartPolicy),
		NoEvent: true, Fields: map[string]string{"container": c.spec.Name, "exitCode": fmt.Sprint(code), "reason": c.term.Reason}})
}

// catchEarlyExit looks once at a container started off the loop: if it
// has already exited (a Job's echo), its exit event came before the
// kubelet knew the container and was dropped.
func (k *Kubelet) catchEarlyExit(st *podState, c *ctrState, id string) {
	if !c.running || c.id != id {
		return
	}
	s, err := k.cfg.Runtime.ContainerStatus(k.ctx(), id)
	if err != nil || s.State != runtime.StateExited {
		return
	}
	typ := runtime.EventExited
	if s.Reason == "OOMKilled" {
		typ = runtime.EventOOM
	}
	k.observeExit(st, c, runtime.Event{Type: typ, ContainerID: id, SandboxID: st.sandboxID, ExitCode: s.ExitCode, Time: s.FinishedAt})
}
