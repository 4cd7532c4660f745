package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"kubetour/engine/runtime"
	"kubetour/internal/appmode"
)

// timestampFormat is the kubelet's RFC3339NanoFixed: always nine digits.
const timestampFormat = "2006-01-02T15:04:05.000000000Z07:00"

// Logs writes a container's output as `kubectl logs` shows it: stdout and
// stderr in the order written, tail applied before the since filter,
// timestamps in the kubelet's fixed-width form. Docker stamps every line;
// the runtime asks for the stamps always and keeps or drops them.
func (r *Runtime) Logs(ctx context.Context, id string, opts runtime.LogOptions, w io.Writer) error {
	c, err := r.container(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	neverStarted := c.startErr != nil
	c.mu.Unlock()
	if neverStarted {
		return nil // no process, no output (and nothing to follow)
	}
	lo := container.LogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true, Follow: opts.Follow, Tail: "all"}
	if opts.TailLines >= 0 {
		lo.Tail = strconv.FormatInt(opts.TailLines, 10)
	}
	if !opts.SinceTime.IsZero() {
		lo.Since = fmt.Sprintf("%d.%09d", opts.SinceTime.Unix(), opts.SinceTime.Nanosecond())
	}
	rc, err := r.cli.ContainerLogs(ctx, id, lo)
	if err != nil {
		return notFound("container", id, err)
	}
	defer rc.Close()
	lw := &logWriter{w: w, opts: opts, remain: opts.LimitBytes}
	if c.cfg.TTY {
		_, err = io.Copy(lw, rc)
	} else {
		_, err = stdcopy.StdCopy(lw, lw, rc)
	}
	if err == nil || errors.Is(err, errLimitReached) || ctx.Err() != nil {
		err = lw.flush()
	}
	if errors.Is(err, errLimitReached) || ctx.Err() != nil {
		return nil
	}
	return err
}

var errLimitReached = errors.New("log limit reached")

// logWriter turns Docker's stamped lines into kubectl's.
type logWriter struct {
	w       io.Writer
	opts    runtime.LogOptions
	remain  int64
	partial []byte
}

func (l *logWriter) Write(p []byte) (int, error) {
	n := len(p)
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			return n, nil
		}
		line := l.partial[:i+1]
		l.partial = l.partial[i+1:]
		if err := l.line(line); err != nil {
			return 0, err
		}
	}
}

// flush writes a last line that has no newline.
func (l *logWriter) flush() error {
	if len(l.partial) == 0 {
		return nil
	}
	line := l.partial
	l.partial = nil
	return l.line(line)
}

func (l *logWriter) line(line []byte) error {
	stamp, text, ok := bytes.Cut(line, []byte(" "))
	t, err := time.Parse(time.RFC3339Nano, string(stamp))
	if !ok || err != nil {
		text, t = line, time.Time{}
	}
	if !l.opts.SinceTime.IsZero() && !t.IsZero() && t.Before(l.opts.SinceTime) {
		return nil
	}
	out := text
	if l.opts.Timestamps && !t.IsZero() {
		out = append([]byte(t.UTC().Format(timestampFormat)+" "), text...)
	}
	if l.opts.LimitBytes > 0 {
		if l.remain <= 0 {
			return errLimitReached
		}
		if int64(len(out)) > l.remain {
			out = out[:l.remain]
		}
		l.remain -= int64(len(out))
	}
	if _, err := l.w.Write(out); err != nil {
		return err
	}
	if l.opts.LimitBytes > 0 && l.remain <= 0 {
		return errLimitReached
	}
	return nil
}

// Exec runs a command in a running container and returns its exit code.
// In an emulated container the command goes through kubetour's shell
// (`kubetour app exec`); a command the image does not have fails as runc
// fails it, with exit code 126 and an error.
func (r *Runtime) Exec(ctx context.Context, id string, opts runtime.ExecOptions) (int, error) {
	c, err := r.container(id)
	if err != nil {
		return -1, err
	}
	return r.exec(ctx, c, opts, c.img.emulated)
}

func (r *Runtime) exec(ctx context.Context, c *ctr, opts runtime.ExecOptions, emulate bool) (int, error) {
	id := c.id
	cmd := opts.Cmd
	var env []string
	if emulate {
		cmd = appmode.ExecArgv(c.cfg.Image, opts.TTY, opts.Cmd)
		if opts.TTY {
			env = []string{"TERM=dumb", appmode.TermEnv + "=xterm"}
		}
	}
	resp, err := r.cli.ContainerExecCreate(ctx, id, container.ExecOptions{
		Cmd: cmd, Env: env, Tty: opts.TTY, AttachStdin: opts.Stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		if strings.Contains(err.Error(), "is not running") {
			return -1, fmt.Errorf("failed to exec in container: container is in CONTAINER_EXITED state")
		}
		return -1, notFound("container", id, err)
	}
	hj, err := r.cli.ContainerExecAttach(ctx, resp.ID, container.ExecAttachOptions{Tty: opts.TTY})
	if err != nil {
		return -1, fmt.Errorf("failed to exec in container: %w", err)
	}
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	sniffed := &execSniffer{w: stderr}
	if opts.TTY {
		sniffed.w = stdout
	}
	streamErr := r.pump(ctx, hj, opts, func(resize runtime.TermSize) {
		r.cli.ContainerExecResize(context.Background(), resp.ID, container.ResizeOptions{Height: uint(resize.Height), Width: uint(resize.Width)})
	}, stdout, sniffed)
	if ctx.Err() != nil {
		r.killExec(resp.ID)
		return 137, ctx.Err()
	}
	code := -1
	for i := 0; i < 100; i++ {
		ins, err := r.cli.ContainerExecInspect(context.Background(), resp.ID)
		if err != nil {
			return -1, notFound("container", id, err)
		}
		if !ins.Running {
			code = ins.ExitCode
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if msg, ok := sniffed.failure(); ok {
		return appmode.ExecErrorCode, fmt.Errorf("failed to exec in container: failed to start exec %q: OCI runtime exec failed: exec failed: unable to start container process: %s: unknown", resp.ID, msg)
	}
	if streamErr != nil && code < 0 {
		return -1, streamErr
	}
	return code, nil
}

// killExec ends an exec session whose caller went away.
func (r *Runtime) killExec(execID string) {
	ins, err := r.cli.ContainerExecInspect(context.Background(), execID)
	if err == nil && ins.Running && ins.Pid > 0 {
		syscall.Kill(ins.Pid, syscall.SIGKILL)
	}
}

// pump connects a hijacked exec or attach stream to the caller's streams
// until the process's output ends or ctx does.
func (r *Runtime) pump(ctx context.Context, hj types.HijackedResponse, opts runtime.ExecOptions, resize func(runtime.TermSize), stdout io.Writer, stderr io.Writer) error {
	defer hj.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			hj.Close()
		case <-done:
		}
	}()
	if opts.Resize != nil {
		go func() {
			for {
				select {
				case s, ok := <-opts.Resize:
					if !ok {
						return
					}
					resize(s)
				case <-done:
					return
				}
			}
		}()
	}
	if opts.Stdin != nil {
		go func() {
			io.Copy(hj.Conn, opts.Stdin)
			if opts.TTY {
				// Docker ends a terminal session's output when its input
				// closes: at the end of input, type ^D as a terminal does.
				hj.Conn.Write([]byte{0x04})
				return
			}
			hj.CloseWrite()
		}()
	}
	var err error
	if opts.TTY {
		_, err = io.Copy(stderr, hj.Reader) // the sniffer, which writes to stdout
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, hj.Reader)
	}
	if err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// execSniffer passes a stream through unless it starts with the exec
// error marker, whose line it keeps as the failure.
type execSniffer struct {
	w       io.Writer
	head    []byte
	decided bool
	failed  bool
}

func (s *execSniffer) Write(p []byte) (int, error) {
	n := len(p)
	if s.decided {
		if s.failed {
			s.head = append(s.head, p...)
			return n, nil
		}
		_, err := s.w.Write(p)
		return n, err
	}
	s.head = append(s.head, p...)
	m := []byte(appmode.ExecErrorMarker)
	if len(s.head) < len(m) && bytes.HasPrefix(m, s.head) {
		return n, nil
	}
	s.decided = true
	if bytes.HasPrefix(s.head, m) {
		s.failed = true
		return n, nil
	}
	_, err := s.w.Write(s.head)
	s.head = nil
	return n, err
}

func (s *execSniffer) failure() (string, bool) {
	if !s.decided && len(s.head) > 0 {
		s.w.Write(s.head) // a short stream that only looked like the marker
		s.head = nil
		return "", false
	}
	if !s.failed {
		return "", false
	}
	line, _, _ := strings.Cut(strings.TrimPrefix(string(s.head), appmode.ExecErrorMarker), "\n")
	return strings.TrimRight(line, "\r"), true
}

// Attach connects to a running container's main process (kubectl attach,
// kubectl run -it): its output from now on, and its stdin if it has one.
func (r *Runtime) Attach(ctx context.Context, id string, opts runtime.ExecOptions) error {
	c, err := r.container(id)
	if err != nil {
		return err
	}
	hj, err := r.cli.ContainerAttach(ctx, id, container.AttachOptions{
		Stream: true, Stdin: opts.Stdin != nil && c.cfg.Stdin, Stdout: true, Stderr: true,
	})
	if err != nil {
		return notFound("container", id, err)
	}
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	if !c.cfg.Stdin {
		opts.Stdin = nil
	}
	if c.cfg.TTY {
		stderr = stdout
	}
	opts.TTY = c.cfg.TTY
	return r.pump(ctx, hj, opts, func(s runtime.TermSize) {
		r.cli.ContainerResize(context.Background(), id, container.ResizeOptions{Height: uint(s.Height), Width: uint(s.Width)})
	}, stdout, stderr)
}
