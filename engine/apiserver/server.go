package apiserver

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"

	"kubetour/engine/kinds"
	kruntime "kubetour/engine/runtime"
)

// Streams are the kubelet's side of logs, exec and attach.
type Streams interface {
	PodLogs(ctx context.Context, ns, name string, opts *corev1.PodLogOptions, w io.Writer) error
	PodExec(ctx context.Context, ns, name, container string, cmd []string, s ExecStreams) (int, error)
	// PodAttach connects s to the running main process of a container,
	// as `kubectl attach` (and `kubectl run -it`) do: stdin feeds the
	// process's stdin (if it was started with one) and its output from
	// then on is copied to Stdout/Stderr. It returns when the process
	// exits or the client goes away (ctx ends). An attach has no exit
	// code; errors should be API errors (BadRequest for a container that
	// cannot be attached to), since the client is sent them as a Status.
	PodAttach(ctx context.Context, ns, name, container string, s ExecStreams) error
}

// ExecStreams are the streams of one exec or attach session.
type ExecStreams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	TTY            bool
	Resize         <-chan kruntime.TermSize
}

// Server is the HTTP face of the API.
type Server struct {
	API     *API
	Streams Streams
	OpenAPI http.Handler
	Version version.Info
	// Host is the address clients reach the server at (for exec URLs and
	// cluster-info); set by whoever starts the listener.
	Host string

	// active counts open long-running requests (watches, followed logs,
	// exec sessions): a script on a manual clock moves time forward only
	// while a command is waiting on one of them.
	active atomic.Int64
	// Serialize, when set, runs every write on the engine's loop, so that
	// writes from clients and from controllers happen in one order and a
	// seeded cluster generates the same names and addresses every run.
	Serialize func(func())

	// lastWrite is when a long-running request last sent something (unix
	// nanoseconds): a client that was just sent data is not yet waiting.
	lastWrite atomic.Int64

	// Metrics, when set, serves metrics.k8s.io (metrics.go): the
	// metrics-server a real cluster aggregates under /apis.
	Metrics *MetricsServer
}

// LastStreamWrite is when a watch or followed log last sent data.
func (s *Server) LastStreamWrite() time.Time { return time.Unix(0, s.lastWrite.Load()) }

func (s *Server) wrote() { s.lastWrite.Store(time.Now().UnixNano()) }

// ActiveStreams is the number of open watch, log-follow and exec requests.
func (s *Server) ActiveStreams() int64 { return s.active.Load() }

func (s *Server) track() func() {
	s.active.Add(1)
	return func() { s.active.Add(-1) }
}

// ServerVersion is what /version reports: the Kubernetes release whose
// kubectl is compiled into kubetour, so kubectl sees no version skew.
var ServerVersion = version.Info{
	Major: "1", Minor: "37", GitVersion: "v1.37.2", GitCommit: "kubetour", GitTreeState: "clean",
	BuildDate: "2026-11-01T00:00:00Z", GoVersion: "go1.26.8", Compiler: "gc", Platform: "linux/amd64",
}

// NewServer returns the HTTP API for api.
func NewServer(api *API, streams Streams, openapi http.Handler) *Server {
	return &Server{API: api, Streams: streams, OpenAPI: openapi, Version: ServerVersion}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// A handler bug must answer 500, not kill the cluster.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			writeError(w, apierrors.NewInternalError(panicError{p}))
		}
	}()
	p := r.URL.Path
	switch {
	case p == "/version" || p == "/version/":
		writeJSON(w, http.StatusOK, s.Version)
		return
	case p == "/healthz" || p == "/livez" || p == "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
		return
	case strings.HasPrefix(p, "/openapi/"):
		if s.OpenAPI != nil {
			s.OpenAPI.ServeHTTP(w, r)
			return
		}
	case p == crdListPath && r.Method == http.MethodGet:
		serveEmptyCRDList(w)
		return
	case p == "/api" || p == "/api/":
		s.serveCoreVersions(w, r)
		return
	case p == "/apis" || p == "/apis/":
		s.serveGroups(w, r)
		return
	case s.Metrics != nil && isMetricsPath(p): // metrics.k8s.io, see metrics.go
		s.serveMetrics(w, r)
		return
	}
	if gv, ok := discoveryPath(p); ok {
		s.serveResources(w, r, gv)
		return
	}
	if g, ok := groupPath(p); ok {
		s.serveGroup(w, r, g)
		return
	}
	ri, ok := parseRequest(r)
	if !ok {
		writeError(w, notFoundPath(r))
		return
	}
	kd, found := kinds.Lookup(ri.GV.WithResource(ri.Resource))
	if !found {
		writeError(w, notFoundPath(r))
		return
	}
	s.serveResource(w, r, ri, kd)
}

type panicError struct{ v any }

func (p panicError) Error() string { return "internal error: " + strings.TrimSpace(stringOf(p.v)) }

func stringOf(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "panic"
}

// notFoundPath is the API server's answer for a path it does not serve.
func notFoundPath(r *http.Request) error {
	return apierrors.NewGenericServerResponse(http.StatusNotFound, "get", schema.GroupResource{}, "", "the server could not find the requested resource", 0, false)
}

func discoveryPath(p string) (schema.GroupVersion, bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "api":
		return schema.GroupVersion{Version: parts[1]}, true
	case len(parts) == 3 && parts[0] == "apis":
		return schema.GroupVersion{Group: parts[1], Version: parts[2]}, true
	}
	return schema.GroupVersion{}, false
}

func groupPath(p string) (string, bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) == 2 && parts[0] == "apis" {
		return parts[1], true
	}
	return "", false
}

// durationParam reads timeoutSeconds-style parameters.
func durationParam(v string) time.Duration {
	if v == "" {
		return 0
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return time.Duration(n) * time.Second
}

// crdListPath is answered with an empty list: kubetour serves no custom
// resources, but kubectl lists CRDs before validating some kinds.
const crdListPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"

func serveEmptyCRDList(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"kind": "CustomResourceDefinitionList", "apiVersion": "apiextensions.k8s.io/v1",
		"metadata": map[string]any{"resourceVersion": "1"}, "items": []any{},
	})
}

// write runs a mutation through Serialize.
func (s *Server) write(fn func()) {
	if s.Serialize == nil {
		fn()
		return
	}
	s.Serialize(fn)
}
