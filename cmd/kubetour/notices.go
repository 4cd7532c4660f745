package main

import (
	"sync"

	"kubetour/lessonsrun"
)

// notices holds what the lesson's environment told the student while the
// session was busy with a step (a kept file, a setup set up again). The
// session is locked then, so its language is read afterwards, when the
// notices are said.
type notices struct {
	mu   sync.Mutex
	list []lessonsrun.Notice
}

func (q *notices) push(n lessonsrun.Notice) {
	q.mu.Lock()
	q.list = append(q.list, n)
	q.mu.Unlock()
}

// drain returns the queued notices in lang, as console lines, and forgets
// them.
func (q *notices) drain(lang string) []string {
	q.mu.Lock()
	list := q.list
	q.list = nil
	q.mu.Unlock()
	out := make([]string, 0, len(list))
	for _, n := range list {
		out = append(out, "kubetour: "+n.In(lang))
	}
	return out
}
