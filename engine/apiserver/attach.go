package apiserver

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"kubetour/engine/kinds"
)

// This file holds what `pods/exec` and `pods/attach` share whatever the
// stream protocol (WebSocket in streams.go, SPDY in spdy.go): reading the
// request, the checks the API server makes before it upgrades, and handing
// the session to the kubelet.

// remoteCommand is one exec or attach request, read from its query.
type remoteCommand struct {
	attach                     bool
	container                  string
	command                    []string
	stdin, stdout, stderr, tty bool
}

// queryBool reads a PodExecOptions/PodAttachOptions flag. client-go sends
// "true"; the kubelet's own API uses "1", so both are accepted.
func queryBool(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b
}

// remoteCommandRequest reads an exec or attach request and makes the API
// server's checks, all before any upgrade: once the connection is
// upgraded an error can only travel on the error stream, where kubectl
// reports it differently. The pod must exist, the container must be one of
// its own (the only container when none is named) and the pod must be
// scheduled, as the API server's ExecLocation/AttachLocation require.
func (s *Server) remoteCommandRequest(r *http.Request, ri *requestInfo) (*remoteCommand, error) {
	if s.Streams == nil {
		return nil, apierrors.NewServiceUnavailable("no kubelet")
	}
	q := r.URL.Query()
	rc := &remoteCommand{
		attach:    ri.Subresource == "attach",
		container: q.Get("container"),
		command:   q["command"],
		stdin:     queryBool(q.Get("stdin")),
		stdout:    queryBool(q.Get("stdout")),
		stderr:    queryBool(q.Get("stderr")),
		tty:       queryBool(q.Get("tty")),
	}
	// A terminal merges stderr into stdout; the kubelet drops the stream
	// rather than refusing the request, and clients do not open it.
	if rc.tty {
		rc.stderr = false
	}
	if !rc.stdin && !rc.stdout && !rc.stderr {
		return nil, apierrors.NewBadRequest("you must specify at least 1 of stdin, stdout, stderr")
	}
	obj, err := s.API.Store.Get(kinds.Core("pods"), ri.Namespace, ri.Name)
	if err != nil {
		return nil, err
	}
	pod := obj.(*corev1.Pod)
	if rc.container == "" {
		switch len(pod.Spec.Containers) {
		case 1:
			rc.container = pod.Spec.Containers[0].Name
		case 0:
			return nil, apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s", ri.Name))
		default:
			msg := fmt.Sprintf("a container name must be specified for pod %s, choose one of: [%s]", ri.Name, containerNames(pod.Spec.Containers))
			if len(pod.Spec.InitContainers) > 0 {
				msg += fmt.Sprintf(" or one of the init containers: [%s]", containerNames(pod.Spec.InitContainers))
			}
			return nil, apierrors.NewBadRequest(msg)
		}
	} else if !podHasContainer(pod, rc.container) {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", rc.container, ri.Name))
	}
	if pod.Spec.NodeName == "" {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("pod %s does not have a host assigned", ri.Name))
	}
	return rc, nil
}

func containerNames(cs []corev1.Container) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, " ")
}

func podHasContainer(pod *corev1.Pod, name string) bool {
	for _, c := range pod.Spec.InitContainers {
		if c.Name == name {
			return true
		}
	}
	for _, c := range pod.Spec.Containers {
		if c.Name == name {
			return true
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// runRemoteCommand hands an upgraded session to the kubelet. An attach has
// no exit code of its own: the kubelet reports success or an error, and
// the main process's exit shows in the pod's status instead.
func (s *Server) runRemoteCommand(ctx context.Context, ri *requestInfo, rc *remoteCommand, es ExecStreams) (int, error) {
	if rc.attach {
		return 0, s.Streams.PodAttach(ctx, ri.Namespace, ri.Name, rc.container, es)
	}
	return s.Streams.PodExec(ctx, ri.Namespace, ri.Name, rc.container, rc.command, es)
}
