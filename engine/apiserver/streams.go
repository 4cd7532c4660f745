package apiserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/streaming/pkg/httpstream"
	"k8s.io/streaming/pkg/httpstream/wsstream"

	kruntime "kubetour/engine/runtime"
)

// flushWriter flushes after every write, so `logs -f` shows each line as
// it is written.
type flushWriter struct {
	w http.ResponseWriter
	f http.Flusher
}

func (fw flushWriter) Write(p []byte) (int, error) {
	n, err := fw.w.Write(p)
	if fw.f != nil {
		fw.f.Flush()
	}
	return n, err
}

func (s *Server) serveLog(w http.ResponseWriter, r *http.Request, ri *requestInfo) {
	if s.Streams == nil {
		writeError(w, apierrors.NewServiceUnavailable("no kubelet"))
		return
	}
	q := r.URL.Query()
	opts := &corev1.PodLogOptions{
		Container:  q.Get("container"),
		Follow:     q.Get("follow") == "true",
		Previous:   q.Get("previous") == "true",
		Timestamps: q.Get("timestamps") == "true",
	}
	if v := q.Get("tailLines"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			writeError(w, apierrors.NewBadRequest("invalid tailLines"))
			return
		}
		opts.TailLines = &n
	}
	if v := q.Get("limitBytes"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		opts.LimitBytes = &n
	}
	if v := q.Get("sinceSeconds"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		opts.SinceSeconds = &n
	}
	// Errors found before any output (no such pod or container, container
	// not started) are returned as Status; the kubelet checks them first.
	if opts.Follow {
		defer s.track()()
	}
	pw := &pendingWriter{w: w, wrote: s.wrote}
	err := s.Streams.PodLogs(r.Context(), ri.Namespace, ri.Name, opts, pw)
	if err != nil && !pw.started {
		writeError(w, err)
	}
}

// pendingWriter sends the 200 header with the first byte of output, so an
// error found before any output can still become a proper Status answer.
type pendingWriter struct {
	w       http.ResponseWriter
	started bool
	wrote   func()
}

func (p *pendingWriter) Write(b []byte) (int, error) {
	if !p.started {
		p.started = true
		p.w.Header().Set("Content-Type", "text/plain")
		p.w.WriteHeader(http.StatusOK)
	}
	f, _ := p.w.(http.Flusher)
	n, err := flushWriter{p.w, f}.Write(b)
	if p.wrote != nil {
		p.wrote()
	}
	return n, err
}

// Channel numbers of the remotecommand protocol.
const (
	chStdin = iota
	chStdout
	chStderr
	chError
	chResize
)

// serveExec runs `kubectl exec` and `kubectl attach`. kubectl tries
// WebSocket first (the remotecommand v5/v4 channel protocols, served here)
// and falls back to SPDY (spdy.go), which older clients and
// KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false use.
func (s *Server) serveExec(w http.ResponseWriter, r *http.Request, ri *requestInfo) {
	rc, err := s.remoteCommandRequest(r, ri)
	if err != nil {
		writeError(w, err)
		return
	}
	if !wsstream.IsWebSocketRequest(r) {
		if httpstream.IsUpgradeRequest(r) {
			s.serveSPDYExec(w, r, ri, rc)
			return
		}
		writeError(w, apierrors.NewBadRequest("Upgrade request required"))
		return
	}
	stdin, stdout, stderr, tty := rc.stdin, rc.stdout, rc.stderr, rc.tty
	channels := []wsstream.ChannelType{wsstream.ReadChannel, wsstream.WriteChannel, wsstream.WriteChannel, wsstream.WriteChannel, wsstream.ReadChannel}
	if !stdin {
		channels[chStdin] = wsstream.IgnoreChannel
	}
	if !stdout {
		channels[chStdout] = wsstream.IgnoreChannel
	}
	if !stderr || tty {
		channels[chStderr] = wsstream.IgnoreChannel
	}
	protocols := map[string]wsstream.ChannelProtocolConfig{}
	for _, p := range []string{"v5.channel.k8s.io", "v4.channel.k8s.io"} {
		protocols[p] = wsstream.ChannelProtocolConfig{Binary: true, Channels: channels}
	}
	defer s.track()()
	conn := wsstream.NewConn(protocols)
	_, streams, err := conn.Open(w, r)
	if err != nil {
		return
	}
	defer conn.Close()
	es := ExecStreams{TTY: tty}
	if stdin {
		es.Stdin = streams[chStdin]
	}
	if stdout {
		es.Stdout = streams[chStdout]
	}
	if stderr && !tty {
		es.Stderr = streams[chStderr]
	}
	if tty {
		resize := make(chan kruntime.TermSize, 4)
		es.Resize = resize
		go readResize(streams[chResize], resize)
	}
	code, err := s.runRemoteCommand(r.Context(), ri, rc, es)
	writeExecStatus(streams[chError], code, err)
}

func readResize(rd io.Reader, out chan<- kruntime.TermSize) {
	defer close(out)
	dec := json.NewDecoder(rd)
	for {
		var sz struct{ Width, Height uint16 }
		if err := dec.Decode(&sz); err != nil {
			return
		}
		select {
		case out <- kruntime.TermSize{Width: sz.Width, Height: sz.Height}:
		default:
		}
	}
}

// writeExecStatus ends an exec with the Status the kubelet sends: Success,
// or NonZeroExitCode carrying the code kubectl exits with.
func writeExecStatus(ch io.Writer, code int, err error) {
	data, _ := json.Marshal(execStatus(code, err))
	ch.Write(data)
}

// execStatus is how a finished exec or attach is reported.
func execStatus(code int, err error) metav1.Status {
	var st metav1.Status
	switch {
	case err != nil:
		if se, ok := err.(apierrors.APIStatus); ok {
			st = se.Status()
		} else {
			st = metav1.Status{Status: metav1.StatusFailure, Message: err.Error()}
		}
	case code == 0:
		st = metav1.Status{Status: metav1.StatusSuccess}
	default:
		st = metav1.Status{
			Status:  metav1.StatusFailure,
			Reason:  "NonZeroExitCode",
			Message: fmt.Sprintf("command terminated with non-zero exit code: error executing command [...], exit code %d", code),
			Details: &metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: "ExitCode", Message: strconv.Itoa(code)}}},
		}
	}
	st.Kind, st.APIVersion = "Status", "v1"
	return st
}
