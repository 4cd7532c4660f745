package shell

import (
	"bytes"
	"context"
	"io"
	"time"
)

// Interrupt is ^C typed on the machine's terminal while it runs a command:
// the terminal echoes it and the foreground gets SIGINT.
func (m *Machine) Interrupt() (Yield, bool) {
	if m.cfg.TTY && !m.done {
		io.WriteString(m.out, "^C")
	}
	return m.Signal(SIGINT)
}

// RunSync drives the machine to its end on the calling goroutine: the
// driver for `kubectl exec` and for kubetour's binary inside a real
// container. sleep waits for d (on the cluster clock in the simulation, on
// the wall clock in a container) and returns early with ctx's error.
// Config.Stdin is read in the background; with a TTY, ^C typed while a
// command sleeps interrupts it. When ctx ends, the process is killed and
// RunSync returns 137 and ctx's error.
func (m *Machine) RunSync(ctx context.Context, sleep func(ctx context.Context, d time.Duration) error) (int, error) {
	m.ctx = ctx
	feed := make(chan []byte)
	input := feed // set to nil once closed; the reader keeps its own copy
	if m.cfg.Stdin != nil {
		go func() {
			defer close(feed)
			buf := make([]byte, 4096)
			for {
				n, err := m.cfg.Stdin.Read(buf)
				if n > 0 {
					select {
					case feed <- append([]byte(nil), buf[:n]...):
					case <-ctx.Done():
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	} else {
		close(feed)
	}
	y := m.Step()
	for {
		switch y.State {
		case Exited:
			return y.Code, nil
		case WaitingInput:
			select {
			case b, ok := <-input:
				if !ok {
					input = nil
					y = m.CloseInput()
				} else {
					y = m.Feed(b)
				}
			case <-ctx.Done():
				m.Kill(137)
				return 137, ctx.Err()
			}
			if input == nil && y.State == WaitingInput {
				y = m.CloseInput()
			}
		case Sleeping, Blocked:
			var err error
			y, input, err = m.waitAsleep(ctx, y, input, sleep)
			if err != nil {
				m.Kill(137)
				return 137, err
			}
		}
	}
}

// waitAsleep waits out a sleep (or a block), taking typed-ahead input
// meanwhile; ^C on a terminal interrupts.
func (m *Machine) waitAsleep(ctx context.Context, y Yield, input chan []byte, sleep func(context.Context, time.Duration) error) (Yield, chan []byte, error) {
	if input == nil && y.State == Sleeping {
		// Nothing can arrive meanwhile: sleep on this goroutine, so the
		// wake-up is scheduled before RunSync's caller sees it waiting.
		if err := sleep(ctx, y.Sleep); err != nil {
			return y, input, err
		}
		return m.Step(), input, nil
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var woke chan error
	if y.State == Sleeping {
		woke = make(chan error, 1)
		go func() { woke <- sleep(sctx, y.Sleep) }()
	}
	// stopTimer cancels the pending sleep and waits for its goroutine, so
	// that no wake-up is left behind when the machine moves on.
	stopTimer := func() {
		cancel()
		if woke != nil {
			<-woke
		}
	}
	for {
		select {
		case <-woke:
			if ctx.Err() != nil {
				return y, input, ctx.Err()
			}
			return m.Step(), input, nil
		case b, ok := <-input:
			if !ok {
				input = nil
				m.CloseInput()
				continue
			}
			if !m.cfg.TTY {
				m.Feed(b)
				continue
			}
			i := bytes.IndexByte(b, 0x03)
			if i < 0 {
				m.Feed(b)
				continue
			}
			m.Feed(b[:i])
			ny, reacted := m.Interrupt()
			m.in = append(m.in, b[i+1:]...)
			if reacted {
				stopTimer()
				return ny, input, nil
			}
		case <-ctx.Done():
			stopTimer()
			return y, input, ctx.Err()
		}
	}
}
