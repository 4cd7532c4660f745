package apiserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"

	"kubetour/engine/kinds"
)

// serveWatch streams changes as the API server does: one JSON WatchEvent
// per line. Without a resourceVersion the watch starts with the current
// objects as ADDED; with sendInitialEvents it ends those with a BOOKMARK
// annotated k8s.io/initial-events-end, which `rollout status` and `wait`
// wait for.
func (s *Server) serveWatch(w http.ResponseWriter, r *http.Request, ri *requestInfo, k *kinds.Kind) {
	o, err := listOptions(r, ri, k)
	if err != nil {
		writeError(w, err)
		return
	}
	if ri.Name != "" {
		name := ri.Name
		prev := o.Field
		o.Field = func(obj runtime.Object) bool {
			m, _ := meta.Accessor(obj)
			return m.GetName() == name && (prev == nil || prev(obj))
		}
	}
	q := r.URL.Query()
	rv := q.Get("resourceVersion")
	sendInitial := q.Get("sendInitialEvents") == "true"
	bookmarks := q.Get("allowWatchBookmarks") == "true"
	var from uint64
	if rv != "" && rv != "0" {
		from, err = strconv.ParseUint(rv, 10, 64)
		if err != nil {
			writeError(w, badRV(rv))
			return
		}
	}
	initial := sendInitial || rv == "" || rv == "0"
	watcher, startRV, err := s.API.Store.Watch(k, o, from, initial)
	if err != nil {
		writeError(w, err)
		return
	}
	defer watcher.Stop()
	defer s.track()()

	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	if flusher != nil {
		flusher.Flush()
	}
	table := wantsTable(r)
	include := q.Get("includeObject")
	enc := json.NewEncoder(w)
	send := func(typ watch.EventType, obj runtime.Object) bool {
		var payload runtime.Object = obj
		if table && typ != watch.Bookmark {
			t, err := toTable(k, []runtime.Object{obj}, "", s.API.Now(), include)
			if err != nil {
				return false
			}
			payload = t
		} else {
			setGVK(obj, k.GVK)
		}
		if err := enc.Encode(&metav1.WatchEvent{Type: string(typ), Object: runtime.RawExtension{Object: payload}}); err != nil {
			return false
		}
		s.wrote()
		return true
	}
	timeout := durationParam(q.Get("timeoutSeconds"))
	var deadline <-chan time.Time
	if timeout > 0 {
		// timeoutSeconds is wall time for the client's connection, not
		// cluster time.
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	initialPending := sendInitial && bookmarks
	for {
		changes := watcher.Take()
		for _, c := range changes {
			if !send(c.Type, c.Object) {
				return
			}
		}
		if initialPending {
			// The initial events were queued at Watch time, so the first
			// batch holds them all.
			initialPending = false
			bm := k.New()
			m, _ := meta.Accessor(bm)
			m.SetResourceVersion(strconv.FormatUint(startRV, 10))
			m.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
			if !send(watch.Bookmark, bm) {
				return
			}
		}
		if flusher != nil {
			flusher.Flush()
		}
		s.wrote()
		select {
		case <-r.Context().Done():
			return
		case <-deadline:
			return
		case <-watcher.Ready():
		}
	}
}

func badRV(rv string) error {
	return &statusErr{metav1.Status{Status: metav1.StatusFailure, Code: 400, Reason: metav1.StatusReasonBadRequest,
		Message: "invalid resource version: " + rv}}
}

type statusErr struct{ s metav1.Status }

func (e *statusErr) Error() string         { return e.s.Message }
func (e *statusErr) Status() metav1.Status { return e.s }
