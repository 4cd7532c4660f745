package kubelet

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kubetour/engine/record"
	"kubetour/engine/runtime"
	"kubetour/internal/ko"
)

type probeKind string

const (
	probeStartup   probeKind = "Startup"
	probeLiveness  probeKind = "Liveness"
	probeReadiness probeKind = "Readiness"
)

func recordPhase(st *podState, en, ko, phase string) record.Decision {
	return record.Decision{Source: "kubelet", Host: st.pod.Spec.NodeName, Object: st.pod, Reason: "PodPhase",
		EN: en, KO: ko, NoEvent: true, Fields: map[string]string{"phase": phase}}
}

// startProbes arms the container's probes: startup first; liveness and
// readiness once it has started, each after initialDelaySeconds and then
// every periodSeconds, as the kubelet's prober workers do.
func (k *Kubelet) startProbes(st *podState, c *ctrState) {
	if c.init {
		return
	}
	if p := c.spec.StartupProbe; p != nil {
		k.armProbe(st, c, probeStartup, p, delay(p.InitialDelaySeconds))
		return
	}
	k.armRunningProbes(st, c)
}

func (k *Kubelet) armRunningProbes(st *podState, c *ctrState) {
	if p := c.spec.LivenessProbe; p != nil {
		k.armProbe(st, c, probeLiveness, p, delay(p.InitialDelaySeconds))
	}
	if p := c.spec.ReadinessProbe; p != nil {
		k.armProbe(st, c, probeReadiness, p, delay(p.InitialDelaySeconds))
	}
}

func delay(s int32) time.Duration { return time.Duration(s) * time.Second }

func period(p *corev1.Probe) time.Duration {
	if p.PeriodSeconds <= 0 {
		return 10 * time.Second
	}
	return delay(p.PeriodSeconds)
}

func threshold(v, def int32) int {
	if v <= 0 {
		return int(def)
	}
	return int(v)
}

func (k *Kubelet) armProbe(st *podState, c *ctrState, kind probeKind, p *corev1.Probe, after time.Duration) {
	uid, gen := st.pod.UID, c.generation
	t := k.cfg.Loop.After(after, func() {
		cur := k.pods[uid]
		if cur == nil || cur != st || !c.running || c.generation != gen || st.killing {
			return
		}
		k.probeOnce(st, c, kind, p)
	})
	c.probeTimers = append(c.probeTimers, t)
}

func (k *Kubelet) stopProbes(c *ctrState) {
	for _, t := range c.probeTimers {
		k.cfg.Loop.Cancel(t)
	}
	c.probeTimers = nil
}

// probeOnce runs one probe and acts on the thresholds. Exec probes run off
// the loop: the command may wait for cluster time, which only the loop moves.
func (k *Kubelet) probeOnce(st *podState, c *ctrState, kind probeKind, p *corev1.Probe) {
	if p.Exec != nil {
		gen := c.generation
		t := probeTarget{ip: st.ip, id: c.id, spec: c.spec}
		k.cfg.Loop.Go(func() func() {
			ok, detail := k.runProbe(t, p)
			return func() {
				if k.pods[st.pod.UID] != st || !c.running || c.generation != gen || st.killing {
					return
				}
				k.probeResult(st, c, kind, p, ok, detail)
			}
		})
		return
	}
	ok, detail := k.runProbe(probeTarget{ip: st.ip, id: c.id, spec: c.spec}, p)
	k.probeResult(st, c, kind, p, ok, detail)
}

func (k *Kubelet) probeResult(st *podState, c *ctrState, kind probeKind, p *corev1.Probe, ok bool, detail string) {
	success := threshold(p.SuccessThreshold, 1)
	failure := threshold(p.FailureThreshold, 3)
	changed := false
	if !ok {
		k.event(st, c, corev1.EventTypeWarning, "Unhealthy", fmt.Sprintf("%s probe failed: %s", kind, detail),
			fmt.Sprintf("The %s probe of container %s failed: %s", lower(kind), c.spec.Name, detail),
			fmt.Sprintf("컨테이너 %s의 %s 프로브가 실패했습니다: %s", c.spec.Name, koProbe(kind), detail))
	}
	switch kind {
	case probeStartup:
		if ok {
			c.started = true
			c.ready = c.spec.ReadinessProbe == nil
			changed = true
			k.armRunningProbes(st, c)
			k.writeStatus(st)
			return
		}
		c.startupFails++
		if c.startupFails >= failure {
			k.killUnhealthy(st, c, "startup")
			return
		}
	case probeLiveness:
		if ok {
			c.liveFails = 0
		} else {
			c.liveFails++
			if c.liveFails >= failure {
				k.killUnhealthy(st, c, "liveness")
				return
			}
		}
	case probeReadiness:
		if ok {
			c.readyFails = 0
			c.readyOK++
			if !c.ready && c.readyOK >= success {
				c.ready, changed = true, true
			}
		} else {
			c.readyOK = 0
			c.readyFails++
			if c.ready && c.readyFails >= failure {
				c.ready, changed = false, true
			}
		}
	}
	if changed {
		k.writeStatus(st)
	}
	k.armProbe(st, c, kind, p, period(p))
}

func lower(k probeKind) string {
	switch k {
	case probeStartup:
		return "startup"
	case probeLiveness:
		return "liveness"
	}
	return "readiness"
}

func koProbe(k probeKind) string {
	switch k {
	case probeStartup:
		return "startup"
	case probeLiveness:
		return "liveness"
	}
	return "readiness"
}

// killUnhealthy restarts a container whose liveness or startup probe failed
// too often.
func (k *Kubelet) killUnhealthy(st *podState, c *ctrState, which string) {
	k.event(st, c, corev1.EventTypeNormal, "Killing", fmt.Sprintf("Container %s failed %s probe, will be restarted", c.spec.Name, which),
		fmt.Sprintf("Container %s failed its %s probe too many times: the kubelet kills it and starts it again.", c.spec.Name, which),
		fmt.Sprintf("컨테이너 %s %s 프로브에 여러 번 실패해 kubelet이 종료하고 다시 시작합니다.", ko.With(c.spec.Name, "이/가"), which))
	k.stopProbes(c)
	grace := int64(30)
	if g := st.pod.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = *g
	}
	k.cfg.Runtime.StopContainer(k.ctx(), c.id, time.Duration(grace)*time.Second)
	k.cfg.Runtime.StopContainer(k.ctx(), c.id, 0)
	code := 137
	if s, err := k.cfg.Runtime.ContainerStatus(k.ctx(), c.id); err == nil && s.State == runtime.StateExited {
		code = s.ExitCode
	}
	c.running, c.ready = false, false
	reason := "Error"
	if code == 0 {
		reason = "Completed"
	}
	c.term = &corev1.ContainerStateTerminated{ExitCode: int32(code), Reason: reason, StartedAt: metaTime(c.startedAt),
		FinishedAt: metaTime(k.now()), ContainerID: k.cfg.ContainerIDPrefix + c.id}
	k.afterExit(st, c)
	k.Sync(st.pod.Namespace, st.pod.Name)
}

// probeTarget is what a probe needs, copied so it can run off the loop.
type probeTarget struct {
	ip, id string
	spec   corev1.Container
}

// runProbe performs one HTTP, TCP or exec check against the container.
func (k *Kubelet) runProbe(t probeTarget, p *corev1.Probe) (bool, string) {
	timeout := delay(p.TimeoutSeconds)
	if timeout <= 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	switch {
	case p.HTTPGet != nil:
		port, err := resolvePort(p.HTTPGet.Port, &t.spec)
		if err != nil {
			return false, err.Error()
		}
		host := p.HTTPGet.Host
		if host == "" {
			host = t.ip
		}
		path := p.HTTPGet.Path
		if path == "" {
			path = "/"
		}
		url := fmt.Sprintf("http://%s%s", net.JoinHostPort(host, strconv.Itoa(port)), path)
		conn, err := k.cfg.Runtime.Dial(ctx, net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return false, fmt.Sprintf("Get %q: dial tcp %s: connect: connection refused", url, net.JoinHostPort(host, strconv.Itoa(port)))
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(timeout))
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("User-Agent", "kube-probe/1.37")
		for _, h := range p.HTTPGet.HTTPHeaders {
			req.Header.Set(h.Name, h.Value)
		}
		if err := req.Write(conn); err != nil {
			return false, err.Error()
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), req)
		if err != nil {
			return false, fmt.Sprintf("Get %q: context deadline exceeded (Client.Timeout exceeded while awaiting headers)", url)
		}
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 400 {
			return true, ""
		}
		return false, fmt.Sprintf("HTTP probe failed with statuscode: %d", resp.StatusCode)
	case p.TCPSocket != nil:
		port, err := resolvePort(p.TCPSocket.Port, &t.spec)
		if err != nil {
			return false, err.Error()
		}
		addr := net.JoinHostPort(t.ip, strconv.Itoa(port))
		conn, err := k.cfg.Runtime.Dial(ctx, addr)
		if err != nil {
			return false, fmt.Sprintf("dial tcp %s: connect: connection refused", addr)
		}
		conn.Close()
		return true, ""
	case p.Exec != nil:
		var out bytes.Buffer
		code, err := k.cfg.Runtime.Exec(ctx, t.id, runtime.ExecOptions{Cmd: p.Exec.Command, Stdout: &out, Stderr: &out})
		if err != nil {
			return false, err.Error()
		}
		if code != 0 {
			return false, fmt.Sprintf("command %q exited with %d: %s", joinCmd(p.Exec.Command), code, out.String())
		}
		return true, ""
	case p.GRPC != nil:
		return false, "gRPC probes are not supported by kubetour"
	}
	return true, ""
}

func joinCmd(cmd []string) string {
	var b bytes.Buffer
	for i, c := range cmd {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c)
	}
	return b.String()
}

// resolvePort turns a named port into its number using the container's ports.
func resolvePort(p intstr.IntOrString, c *corev1.Container) (int, error) {
	if p.Type == intstr.Int {
		return p.IntValue(), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("couldn't find port: %s in %s", p.StrVal, c.Name)
}
