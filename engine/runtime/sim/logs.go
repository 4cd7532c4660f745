package sim

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"

	"kubetour/engine/runtime"
)

type stream int

const (
	streamStdout stream = iota
	streamStderr
)

// maxLogLines bounds a container's log, as the kubelet's rotation does
// (by size there); the oldest lines go first.
const maxLogLines = 20000

// logEntry is one line of a container's output, stamped with the cluster
// time its first byte was written.
type logEntry struct {
	t      time.Time
	stream stream
	text   string // with its "\n", except a last partial line
}

// logBuffer is a container's log, like the CRI log file the kubelet reads.
type logBuffer struct {
	mu        sync.Mutex
	now       func() time.Time
	entries   []logEntry
	dropped   int // entries cut from the front
	partial   [2][]byte
	partialAt [2]time.Time
	closed    bool
	notify    chan struct{} // closed and replaced on every change
	// taps receive the output as it is written, partial lines (a
	// prompt) included: attached clients.
	taps map[*tap]bool
}

// tap is one attached client's stdout and stderr.
type tap struct{ out [2]io.Writer }

// attach adds a tap until the returned function is called.
func (b *logBuffer) attach(stdout, stderr io.Writer) func() {
	t := &tap{out: [2]io.Writer{stdout, stderr}}
	b.mu.Lock()
	if b.taps == nil {
		b.taps = map[*tap]bool{}
	}
	b.taps[t] = true
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.taps, t)
		b.mu.Unlock()
	}
}

func newLogBuffer(now func() time.Time) *logBuffer {
	return &logBuffer{now: now, notify: make(chan struct{})}
}

type logWriter struct {
	b *logBuffer
	s stream
}

func (b *logBuffer) writer(s stream) io.Writer { return logWriter{b, s} }

func (w logWriter) Write(p []byte) (int, error) {
	b := w.b
	b.mu.Lock()
	taps := make([]*tap, 0, len(b.taps))
	for t := range b.taps {
		taps = append(taps, t)
	}
	n := w.record(p)
	b.mu.Unlock()
	// Attached clients get the bytes outside the lock: a slow client must
	// not hold up the log's readers.
	for _, t := range taps {
		t.out[w.s].Write(p)
	}
	return n, nil
}

// record appends p to the log; callers hold b.mu.
func (w logWriter) record(p []byte) int {
	b := w.b
	n := len(p)
	added := false
	for len(p) > 0 {
		if len(b.partial[w.s]) == 0 {
			b.partialAt[w.s] = b.now()
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			b.partial[w.s] = append(b.partial[w.s], p...)
			break
		}
		line := append(b.partial[w.s], p[:i+1]...)
		b.entries = append(b.entries, logEntry{t: b.partialAt[w.s], stream: w.s, text: string(line)})
		b.partial[w.s] = nil
		p = p[i+1:]
		added = true
	}
	if over := len(b.entries) - maxLogLines; over > 0 {
		b.entries = append([]logEntry(nil), b.entries[over:]...)
		b.dropped += over
	}
	if added {
		b.changed()
	}
	return n
}

// changed wakes followers; callers hold b.mu.
func (b *logBuffer) changed() {
	close(b.notify)
	b.notify = make(chan struct{})
}

// close flushes unfinished lines: the process is gone.
func (b *logBuffer) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	for s := range b.partial {
		if len(b.partial[s]) > 0 {
			b.entries = append(b.entries, logEntry{t: b.partialAt[s], stream: stream(s), text: string(b.partial[s])})
			b.partial[s] = nil
		}
	}
	b.closed = true
	b.changed()
}

// done reports whether the log is closed (its process is gone), and the
// channel that signals a change.
func (b *logBuffer) done() (bool, chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed, b.notify
}

// since returns entries from absolute index i on, whether the log is
// closed, and the channel that signals more.
func (b *logBuffer) since(i int) ([]logEntry, int, bool, chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i < b.dropped {
		i = b.dropped
	}
	out := append([]logEntry(nil), b.entries[i-b.dropped:]...)
	return out, b.dropped + len(b.entries), b.closed, b.notify
}

// timestampFormat is the kubelet's RFC3339NanoFixed: always nine digits.
const timestampFormat = "2006-01-02T15:04:05.000000000Z07:00"

// Logs writes a container's output as `kubectl logs` gets it from the
// kubelet: stdout and stderr interleaved in order, tail applied before the
// since filter, timestamps in the kubelet's fixed-width RFC 3339.
// TailLines < 0 means all lines; LimitBytes <= 0 means no limit.
func (r *Runtime) Logs(ctx context.Context, id string, opts runtime.LogOptions, w io.Writer) error {
	r.mu.Lock()
	c, err := r.container(id)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	entries, next, closed, notify := c.logs.since(0)
	if opts.TailLines >= 0 && int64(len(entries)) > opts.TailLines {
		entries = entries[int64(len(entries))-opts.TailLines:]
	}
	remain := opts.LimitBytes
	write := func(es []logEntry) (bool, error) {
		for _, e := range es {
			if !opts.SinceTime.IsZero() && e.t.Before(opts.SinceTime) {
				continue
			}
			line := e.text
			if opts.Timestamps {
				line = e.t.UTC().Format(timestampFormat) + " " + line
			}
			if opts.LimitBytes > 0 {
				if remain <= 0 {
					return true, nil
				}
				if int64(len(line)) > remain {
					line = line[:remain]
				}
				remain -= int64(len(line))
			}
			if _, err := io.WriteString(w, line); err != nil {
				return true, err
			}
		}
		return opts.LimitBytes > 0 && remain <= 0, nil
	}
	if done, err := write(entries); done || err != nil || !opts.Follow {
		return err
	}
	for !closed {
		select {
		case <-ctx.Done():
			return nil
		case <-notify:
		}
		var more []logEntry
		more, next, closed, notify = c.logs.since(next)
		if done, err := write(more); done || err != nil {
			return err
		}
	}
	return nil
}
