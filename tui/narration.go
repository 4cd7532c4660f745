package tui

import (
	"strings"

	"kubetour/engine/events"
)

// maxNarration is how many decisions the timeline keeps.
const maxNarration = 5000

// narration is the decisions the UI has seen, oldest first: the controller
// actions pane draws it, the objects view reads one object's share of it.
// It is shared by pointer between panes; only Update touches it.
type narration struct {
	all     []events.Event
	lastSeq uint64
	// firstSeq is the first event seen live: history older than it is
	// merged in front.
	firstSeq uint64
	version  int // bumped on every change, so views know to redraw
}

// add appends the decisions of a batch, skipping anything already seen
// (the retained history and the live subscription overlap at start).
func (n *narration) add(evs []events.Event) bool {
	added := false
	if n.all == nil {
		// One allocation for the life of the timeline: trimming copies in place.
		n.all = make([]events.Event, 0, maxNarration+maxNarration/4)
	}
	for i := range evs {
		e := &evs[i]
		if e.Seq != 0 && e.Seq <= n.lastSeq {
			continue
		}
		if e.Seq > n.lastSeq {
			n.lastSeq = e.Seq
		}
		if n.firstSeq == 0 {
			n.firstSeq = e.Seq
		}
		if e.Kind != events.Decision {
			continue
		}
		if len(n.all) >= maxNarration {
			// Drop the oldest quarter at once, so appends stay cheap.
			k := copy(n.all, n.all[len(n.all)-maxNarration*3/4:])
			clear(n.all[k:])
			n.all = n.all[:k]
		}
		n.all = append(n.all, *e)
		added = true
	}
	if added {
		n.version++
	}
	return added
}

// addHistory merges the retained history, which may arrive after the
// first live batch: only events older than everything seen are prepended.
func (n *narration) addHistory(evs []events.Event) {
	if n.firstSeq == 0 {
		n.add(evs)
		return
	}
	first := n.firstSeq
	var older []events.Event
	for _, e := range evs {
		if e.Kind == events.Decision && e.Seq < first {
			older = append(older, e)
		}
	}
	if room := maxNarration - len(n.all); len(older) > room {
		older = older[len(older)-max(room, 0):]
	}
	if len(older) > 0 {
		all := make([]events.Event, 0, maxNarration+maxNarration/4)
		n.all = append(append(all, older...), n.all...)
		n.version++
	}
}

// about returns the decisions about one object, by UID, or by kind,
// namespace and name when the UID is not known.
func (n *narration) about(uid, kind, ns, name string) []events.Event {
	var out []events.Event
	for _, e := range n.all {
		for _, r := range e.Objects {
			if (uid != "" && r.UID == uid) || (r.Kind == kind && r.Namespace == ns && r.Name == name) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// filter is a parsed timeline query: `ns:default src:scheduler kind:Pod
// web` keeps events in namespace default, from a source containing
// "scheduler", about a Pod, mentioning "web".
type filter struct {
	ns, src, kind, obj string
	words              []string
}

func parseFilter(q string) filter {
	var f filter
	for _, w := range strings.Fields(strings.ToLower(q)) {
		k, v, ok := strings.Cut(w, ":")
		switch {
		case ok && (k == "ns" || k == "namespace"):
			f.ns = v
		case ok && (k == "src" || k == "source" || k == "controller"):
			f.src = v
		case ok && k == "kind":
			f.kind = v
		case ok && (k == "obj" || k == "object" || k == "uid"):
			f.obj = v
		default:
			f.words = append(f.words, w)
		}
	}
	return f
}

func (f filter) empty() bool {
	return f.ns == "" && f.src == "" && f.kind == "" && f.obj == "" && len(f.words) == 0
}

// match reports whether e passes the filter; lang picks which sentence the
// free words search.
func (f filter) match(e *events.Event, lang Lang) bool {
	if f.src != "" && !strings.Contains(strings.ToLower(e.Source), f.src) {
		return false
	}
	if f.ns != "" || f.kind != "" || f.obj != "" {
		hit := false
		for _, r := range e.Objects {
			if (f.ns == "" || strings.ToLower(r.Namespace) == f.ns) &&
				(f.kind == "" || strings.ToLower(r.Kind) == f.kind || shortNames[r.Kind] == f.kind) &&
				(f.obj == "" || r.UID == f.obj || strings.ToLower(r.Name) == f.obj) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	if len(f.words) > 0 {
		var b strings.Builder
		b.WriteString(strings.ToLower(e.Source + " " + e.Reason + " " + lang.pick(e.EN, e.KO) + " " + e.Message))
		for _, r := range e.Objects {
			b.WriteString(" " + strings.ToLower(r.Kind+"/"+r.Name+" "+r.Namespace))
		}
		hay := b.String()
		for _, w := range f.words {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}
