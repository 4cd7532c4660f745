package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"kubetour/engine/apps/shell"
	"kubetour/engine/runtime"
)

// Attach connects to the main process of a running container, as
// `kubectl attach` and `kubectl run -i` do: the output written from now on
// reaches opts.Stdout and opts.Stderr (one stream on a terminal), and, when
// the container keeps stdin open, what the client types is the process's
// input. It returns when the container exits, or when the client goes
// (ctx). A container with stdinOnce sees end of input when the client's
// stdin ends; others keep their input open for the next client.
func (r *Runtime) Attach(ctx context.Context, id string, opts runtime.ExecOptions) error {
	r.mu.Lock()
	c, err := r.container(id)
	if err == nil && c.state != runtime.StateRunning {
		err = fmt.Errorf("container %s is not running", id)
	}
	r.mu.Unlock()
	if err != nil {
		return err
	}
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	if c.cfg.TTY {
		stderr = stdout // a terminal has one output
	}
	detach := c.logs.attach(stdout, stderr)
	defer detach()
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	if c.cfg.Stdin && opts.Stdin != nil {
		go r.pumpInput(actx, c, opts.Stdin)
	}
	if opts.Resize != nil {
		go drainResizes(actx, opts.Resize)
	}
	for {
		closed, more := c.logs.done()
		if closed {
			return nil
		}
		select {
		case <-more:
		case <-ctx.Done():
			return nil // the client detached; the container runs on
		}
	}
}

// pumpInput hands what the client types to the main process until the
// client's input ends.
func (r *Runtime) pumpInput(ctx context.Context, c *container, in io.Reader) {
	buf := make([]byte, 4096)
	for {
		n, err := in.Read(buf)
		if ctx.Err() != nil {
			return
		}
		if n > 0 {
			r.input(c, buf[:n])
		}
		if err != nil {
			if c.cfg.StdinOnce {
				r.closeInput(c)
			}
			return
		}
	}
}

// input feeds typed bytes to the main process. On a terminal, ^C is the
// line discipline's: the foreground process gets SIGINT.
func (r *Runtime) input(c *container, data []byte) {
	c.mmu.Lock()
	defer c.mmu.Unlock()
	for len(data) > 0 {
		if c.main == nil || c.main.Done() {
			return
		}
		chunk, rest, intr := data, []byte(nil), false
		if c.cfg.TTY {
			if i := bytes.IndexByte(data, 0x03); i >= 0 {
				chunk, rest, intr = data[:i], data[i+1:], true
			}
		}
		if len(chunk) > 0 {
			waiting := c.main.Last().State == shell.WaitingInput
			y := c.main.Feed(append([]byte(nil), chunk...))
			if waiting {
				r.advance(c, y)
			}
		}
		if intr && c.main != nil && !c.main.Done() {
			if y, reacted := c.main.Interrupt(); reacted {
				c.gen++ // a pending wake-up belongs to the interrupted sleep
				r.advance(c, y)
			}
		}
		data = rest
	}
}

// closeInput ends the main process's input (stdinOnce after the client
// left).
func (r *Runtime) closeInput(c *container) {
	c.mmu.Lock()
	defer c.mmu.Unlock()
	if c.main == nil || c.main.Done() {
		return
	}
	waiting := c.main.Last().State == shell.WaitingInput
	y := c.main.CloseInput()
	if waiting {
		r.advance(c, y)
	}
}

// drainResizes takes a terminal session's sizes until it ends: they are
// accepted, and the shell does not lay out by width.
func drainResizes(ctx context.Context, sizes <-chan runtime.TermSize) {
	for {
		select {
		case _, ok := <-sizes:
			if !ok {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
