package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"kubetour/script"
	"kubetour/tui/shell"
)

// job is one console command running off the UI thread. It is the writer
// the runner prints into: output is buffered and handed to Update one
// frame's worth at a time (jobOutputMsg), so `kubectl get pods -w` streams
// line by line without a message per write.
type job struct {
	id     int
	marker string // KUBETOUR_JOB=…, in the command's environment, to find it for ctrl+c
	text   string
	cancel context.CancelFunc

	mu     sync.Mutex
	buf    []byte
	done   bool
	ok     bool
	notify chan struct{}
}

func newJob(id int, text string) *job {
	return &job{id: id, text: text, notify: make(chan struct{}, 1),
		marker: fmt.Sprintf("KUBETOUR_JOB=%d-%08x", id, rand.Uint32())}
}

// Write implements io.Writer for the runner; it never blocks on the UI.
func (j *job) Write(p []byte) (int, error) {
	j.mu.Lock()
	j.buf = append(j.buf, p...)
	j.mu.Unlock()
	j.signal()
	return len(p), nil
}

func (j *job) signal() {
	select {
	case j.notify <- struct{}{}:
	default:
	}
}

func (j *job) finish(ok bool) {
	j.mu.Lock()
	j.done, j.ok = true, ok
	j.mu.Unlock()
	j.signal()
}

// jobOutputMsg is a frame's worth of a job's output.
type jobOutputMsg struct {
	id      int
	lines   []string
	partial string // an unfinished last line (a prompt with no newline yet)
	done    bool
	ok      bool
}

// next waits for output or the end of the job, then lets a frame pass so
// that a burst of lines arrives as one message.
func (j *job) next() tea.Cmd {
	return func() tea.Msg {
		<-j.notify
		time.Sleep(frame)
		j.mu.Lock()
		defer j.mu.Unlock()
		msg := jobOutputMsg{id: j.id, done: j.done, ok: j.ok}
		var raw string
		if j.done {
			raw, j.buf = string(j.buf), j.buf[:0]
		} else if i := strings.LastIndexByte(string(j.buf), '\n'); i >= 0 {
			raw = string(j.buf[:i+1])
			j.buf = append(j.buf[:0], j.buf[i+1:]...)
		}
		if raw != "" {
			msg.lines = strings.Split(strings.TrimSuffix(raw, "\n"), "\n")
		}
		msg.partial = string(j.buf)
		return msg
	}
}

// run executes the step through the runner, then ends the job.
func (j *job) run(r CommandRunner, st script.Step) tea.Cmd {
	return func() tea.Msg {
		ok := r.Run(st, j, []string{j.marker})
		j.finish(ok)
		return nil
	}
}

// sleep waits d of cluster time, as the runner's sleep does, but stops on
// ctrl+c. On a manual clock it advances the cluster instead.
func (j *job) sleep(c Cluster, d time.Duration, ctx context.Context) tea.Cmd {
	return func() tea.Msg {
		defer j.finish(true)
		if c.ClockInfo().Manual {
			c.Step(d)
			return nil
		}
		end := c.ClockInfo().Now.Add(d)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for c.ClockInfo().Now.Before(end) {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
		return nil
	}
}

// killMsg follows ctrl+c: a command still running after a grace period is
// killed.
type killMsg struct{ id int }

// interrupt stops the job's kubectl as ctrl+c would in a terminal.
func (j *job) interrupt() tea.Cmd {
	if j.cancel != nil {
		j.cancel()
	}
	marker, id := j.marker, j.id
	return tea.Batch(
		func() tea.Msg { shell.Interrupt(marker, syscall.SIGINT); return nil },
		tea.Tick(2*time.Second, func(time.Time) tea.Msg { return killMsg{id: id} }),
	)
}

func (j *job) kill() tea.Cmd {
	marker := j.marker
	return func() tea.Msg { shell.Interrupt(marker, syscall.SIGKILL); return nil }
}
