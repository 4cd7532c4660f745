package apiserver

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/streaming/pkg/httpstream"
	"k8s.io/streaming/pkg/httpstream/spdy"

	kruntime "kubetour/engine/runtime"
)

// pods/exec and pods/attach over SPDY/3.1, as the kubelet's streaming
// server speaks them. kubectl falls back to this when the WebSocket
// upgrade fails, and uses only this with
// KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false.
//
// After the upgrade the client opens one SPDY stream per channel, naming
// it in a streamType header (error, stdin, stdout, stderr, resize). The
// protocol versions differ only in the error stream and resizing:
//
//	v4: error carries a JSON metav1.Status (with the exit code); resize
//	v3: error carries the message text of a failure; resize
//	v2: as v3, without resize
//
// v5 is the WebSocket protocol (it adds a stdin close signal that SPDY has
// natively), and v1 (channel.k8s.io) predates negotiation; no client we
// serve needs either, so they are not offered.
const (
	spdyV4 = "v4.channel.k8s.io"
	spdyV3 = "v3.channel.k8s.io"
	spdyV2 = "v2.channel.k8s.io"
)

// spdyProtocols are offered in preference order; the client's order
// decides in the end (httpstream.Handshake takes its first match).
var spdyProtocols = []string{spdyV4, spdyV3, spdyV2}

// spdyStreamTimeout bounds the wait for the client to open its streams
// after the upgrade, the kubelet's default stream creation timeout. A
// client that upgrades and then stalls must not hold the session forever.
const spdyStreamTimeout = 30 * time.Second

// spdySession is an upgraded connection with the streams the request
// asked for.
type spdySession struct {
	conn     httpstream.Connection
	protocol string
	errorS   httpstream.Stream
	stdin    httpstream.Stream
	stdout   httpstream.Stream
	stderr   httpstream.Stream
	resize   httpstream.Stream
}

// spdyArrival is a stream the client opened, delivered once its reply is
// on the wire.
type spdyArrival struct {
	kind   string
	stream httpstream.Stream
}

// serveSPDYExec runs an exec or attach over SPDY. rc has been checked, so
// every failure from here on is a protocol one, answered as the kubelet
// does (plain HTTP errors before the upgrade, a dropped connection after).
func (s *Server) serveSPDYExec(w http.ResponseWriter, r *http.Request, ri *requestInfo, rc *remoteCommand) {
	protocol, err := httpstream.Handshake(r, w, spdyProtocols)
	if err != nil {
		return // Handshake has answered the client.
	}
	defer s.track()()

	// The handler runs on the connection's frame loop, so it must not
	// block: it hands each stream to a goroutine that waits until the
	// stream's reply has been sent. Only then is the stream counted,
	// because a session that ends at once (a command that exits
	// immediately) would otherwise close the connection before the client
	// heard its stream was accepted, and the client would fail to set up.
	arrivals := make(chan spdyArrival)
	done := make(chan struct{})
	defer close(done)
	conn := spdy.NewResponseUpgrader().UpgradeResponse(w, r, func(st httpstream.Stream, replySent <-chan struct{}) error {
		go func() {
			select {
			case <-replySent:
				select {
				case arrivals <- spdyArrival{st.Headers().Get(corev1.StreamType), st}:
				case <-done:
				}
			case <-done:
			}
		}()
		return nil
	})
	if conn == nil {
		return // The upgrader has answered the client.
	}
	sess := &spdySession{conn: conn, protocol: protocol}
	defer conn.Close()
	if !sess.waitForStreams(rc, arrivals) {
		return
	}

	// After a hijack net/http no longer notices the client going away, so
	// the session's end comes from the SPDY connection closing.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-conn.CloseChan():
			cancel()
		case <-ctx.Done():
		}
	}()

	// A stream the request did not ask for is a nil interface, and stays
	// nil (not a typed nil) in ExecStreams, which is how it says "absent".
	es := ExecStreams{Stdin: sess.stdin, Stdout: sess.stdout, Stderr: sess.stderr, TTY: rc.tty}
	if sess.resize != nil {
		resize := make(chan kruntime.TermSize, 4)
		es.Resize = resize
		go readResize(sess.resize, resize)
	}
	code, err := s.runRemoteCommand(ctx, ri, rc, es)
	sess.finish(code, err)
}

// waitForStreams collects the streams rc needs: error always, stdin,
// stdout and stderr as asked, and resize for a TTY on protocols that have
// it. Streams the request did not ask for, of unknown types or opened
// twice are reset: the client and server disagree, and the client should
// see it rather than hang.
func (ss *spdySession) waitForStreams(rc *remoteCommand, arrivals <-chan spdyArrival) bool {
	want := map[string]bool{corev1.StreamTypeError: true}
	want[corev1.StreamTypeStdin] = rc.stdin
	want[corev1.StreamTypeStdout] = rc.stdout
	want[corev1.StreamTypeStderr] = rc.stderr
	want[corev1.StreamTypeResize] = rc.tty && ss.protocol != spdyV2
	missing := 0
	for _, w := range want {
		if w {
			missing++
		}
	}
	timer := time.NewTimer(spdyStreamTimeout)
	defer timer.Stop()
	for missing > 0 {
		select {
		case a := <-arrivals:
			slot := ss.slot(a.kind)
			if slot == nil || !want[a.kind] || *slot != nil {
				a.stream.Reset()
				continue
			}
			*slot = a.stream
			missing--
		case <-timer.C:
			return false
		case <-ss.conn.CloseChan():
			return false
		}
	}
	return true
}

func (ss *spdySession) slot(kind string) *httpstream.Stream {
	switch kind {
	case corev1.StreamTypeError:
		return &ss.errorS
	case corev1.StreamTypeStdin:
		return &ss.stdin
	case corev1.StreamTypeStdout:
		return &ss.stdout
	case corev1.StreamTypeStderr:
		return &ss.stderr
	case corev1.StreamTypeResize:
		return &ss.resize
	}
	return nil
}

// finish reports how the session ended and half-closes the streams the
// server writes, so the client's copies end with EOF and it reads the
// error stream to the end. v4 sends the Status as JSON (it carries the
// exit code); v2 and v3 send only a failure's message, which the client
// turns into "error executing remote command: ...".
func (ss *spdySession) finish(code int, err error) {
	st := execStatus(code, err)
	if ss.protocol == spdyV4 {
		data, _ := json.Marshal(st)
		ss.errorS.Write(data)
	} else if st.Status != metav1.StatusSuccess {
		ss.errorS.Write([]byte(st.Message))
	}
	for _, st := range []httpstream.Stream{ss.stdout, ss.stderr, ss.errorS} {
		if st != nil {
			st.Close()
		}
	}
}
