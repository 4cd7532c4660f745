package kubelet

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"kubetour/engine/apiserver"
	"kubetour/engine/kinds"
	"kubetour/engine/runtime"
)

var _ apiserver.Streams = (*Kubelet)(nil)

// target is what a logs or exec request resolved to on the loop.
type target struct {
	id, prevID string
	running    bool
	err        error
}

// onLoop runs fn on the engine loop and waits: kubelet state belongs to
// the loop, while logs and exec are served from HTTP goroutines.
func (k *Kubelet) onLoop(fn func()) {
	done := make(chan struct{})
	k.cfg.Loop.Post(func() { defer close(done); fn() })
	<-done
}

func badRequest(format string, a ...any) error {
	return apierrors.NewBadRequest(fmt.Sprintf(format, a...))
}

// resolve finds the container a request names, with the API server's
// errors for a missing pod or container and a container not yet started.
func (k *Kubelet) resolve(ns, name, container string, previous bool) target {
	var t target
	k.onLoop(func() {
		obj, err := k.store.Get(kinds.Core("pods"), ns, name)
		if err != nil {
			t.err = err
			return
		}
		pod := obj.(*corev1.Pod)
		if container == "" {
			if len(pod.Spec.Containers) != 1 {
				var names []string
				for _, c := range pod.Spec.Containers {
					names = append(names, c.Name)
				}
				msg := fmt.Sprintf("a container name must be specified for pod %s, choose one of: [%s]", name, strings.Join(names, " "))
				if len(pod.Spec.InitContainers) > 0 {
					var inits []string
					for _, c := range pod.Spec.InitContainers {
						inits = append(inits, c.Name)
					}
					msg += " or one of the init containers: [" + strings.Join(inits, " ") + "]"
				}
				t.err = badRequest("%s", msg)
				return
			}
			container = pod.Spec.Containers[0].Name
		}
		st := k.pods[pod.UID]
		var c *ctrState
		if st != nil {
			c = st.ctrs[container]
		}
		if c == nil {
			known := false
			for _, sc := range append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...) {
				known = known || sc.Name == container
			}
			if !known {
				t.err = badRequest("container %s is not valid for pod %s", container, name)
				return
			}
			reason := "ContainerCreating"
			if pod.Spec.NodeName == "" {
				reason = "ContainerCreating"
			}
			t.err = badRequest("container %q in pod %q is waiting to start: %s", container, name, reason)
			return
		}
		if previous {
			prev := c.prevID
			if c.term != nil && !c.running && c.id != "" {
				prev = c.id // exited and waiting: its last run is the previous one
			}
			if prev == "" || (c.restarts == 0 && c.term == nil) {
				t.err = badRequest("previous terminated container %q in pod %q not found", container, name)
				return
			}
			t.id = prev
			return
		}
		if c.id == "" {
			reason := c.waitReason
			switch reason {
			case "ErrImagePull", "ImagePullBackOff":
				reason = "trying and failing to pull image"
			case "":
				reason = "ContainerCreating"
			}
			t.err = badRequest("container %q in pod %q is waiting to start: %s", container, name, reason)
			return
		}
		t.id, t.running = c.id, c.running
	})
	return t
}

// PodLogs writes a container's log.
func (k *Kubelet) PodLogs(ctx context.Context, ns, name string, opts *corev1.PodLogOptions, w io.Writer) error {
	t := k.resolve(ns, name, opts.Container, opts.Previous)
	if t.err != nil {
		return t.err
	}
	lo := runtime.LogOptions{Follow: opts.Follow && !opts.Previous, TailLines: -1, Timestamps: opts.Timestamps}
	if opts.TailLines != nil {
		lo.TailLines = *opts.TailLines
	}
	if opts.LimitBytes != nil {
		lo.LimitBytes = *opts.LimitBytes
	}
	if opts.SinceSeconds != nil {
		lo.SinceTime = k.cfg.Loop.Now().Add(-time.Duration(*opts.SinceSeconds) * time.Second)
	}
	if opts.SinceTime != nil {
		lo.SinceTime = opts.SinceTime.Time
	}
	return k.cfg.Runtime.Logs(ctx, t.id, lo, w)
}

// PodExec runs a command in a running container.
func (k *Kubelet) PodExec(ctx context.Context, ns, name, container string, cmd []string, s apiserver.ExecStreams) (int, error) {
	t := k.resolve(ns, name, container, false)
	if t.err != nil {
		return 0, t.err
	}
	if !t.running {
		return 0, badRequest("container %s is not running", container)
	}
	return k.cfg.Runtime.Exec(ctx, t.id, runtime.ExecOptions{Cmd: cmd, Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr, TTY: s.TTY, Resize: s.Resize})
}

// attacher is what a runtime offers to attach to a container's main
// process. It is optional and checked at run time so the runtime
// interface need not change until a runtime implements it; opts.Cmd is
// unused (the process is already running).
type attacher interface {
	Attach(ctx context.Context, id string, opts runtime.ExecOptions) error
}

// PodAttach connects to the main process of a running container.
func (k *Kubelet) PodAttach(ctx context.Context, ns, name, container string, s apiserver.ExecStreams) error {
	t := k.resolve(ns, name, container, false)
	if t.err != nil {
		return t.err
	}
	if !t.running {
		return badRequest("container %s is not running", container)
	}
	a, ok := k.cfg.Runtime.(attacher)
	if !ok {
		return badRequest("attach is not supported by this runtime yet")
	}
	return a.Attach(ctx, t.id, runtime.ExecOptions{Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr, TTY: s.TTY, Resize: s.Resize})
}

// Isolation reports the namespace and cgroup facts of a pod's sandbox.
func (k *Kubelet) Isolation(ctx context.Context, ns, name string) (*runtime.Isolation, error) {
	var sandboxID string
	var err error
	k.onLoop(func() {
		obj, gerr := k.store.Get(kinds.Core("pods"), ns, name)
		if gerr != nil {
			err = gerr
			return
		}
		st := k.pods[obj.(*corev1.Pod).UID]
		if st == nil || st.sandboxID == "" {
			err = badRequest("pod %s has no running sandbox", name)
			return
		}
		sandboxID = st.sandboxID
	})
	if err != nil {
		return nil, err
	}
	return k.cfg.Runtime.Isolation(ctx, sandboxID)
}
