package appmode

import (
	"io"
	"sync"
	"time"
)

// streamGap is how long a write to one stream waits after a write to the
// other. Docker reads a container's stdout and stderr on two goroutines
// and stamps each line when it reads it, so `echo one; echo two >&2`
// written a microsecond apart could reach the log in either order; a short
// gap keeps `kubectl logs` in the order the process wrote.
const streamGap = 2 * time.Millisecond

// streams are a process's stdout and stderr, ordered for the log.
type streams struct {
	mu     sync.Mutex
	last   int // 1 stdout, 2 stderr
	lastAt time.Time

	stdout, stderr io.Writer
}

func newStreams(stdout, stderr io.Writer) *streams {
	s := &streams{}
	s.stdout = &streamWriter{s: s, n: 1, w: stdout}
	s.stderr = &streamWriter{s: s, n: 2, w: stderr}
	return s
}

type streamWriter struct {
	s *streams
	n int
	w io.Writer
}

func (w *streamWriter) Write(p []byte) (int, error) {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last != 0 && s.last != w.n {
		if d := streamGap - time.Since(s.lastAt); d > 0 {
			time.Sleep(d)
		}
	}
	n, err := w.w.Write(p)
	s.last, s.lastAt = w.n, time.Now()
	return n, err
}
