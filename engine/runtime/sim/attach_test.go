package sim_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"kubetour/engine/runtime"
)

// kubectl run -it: the client's keys reach the main shell, which answers
// on the terminal; the prompt printed before the client came is not sent
// again (hence kubectl's "If you don't see a command prompt").
func TestAttachToAShellOnATerminal(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"sh"},
		TTY: true, Stdin: true, StdinOnce: true})
	var out bytes.Buffer
	err := c.rt.Attach(ctx, id, runtime.ExecOptions{Stdin: strings.NewReader("echo hi\rexit 3\r"), Stdout: &out, TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "echo hi\r\nhi\r\n/ # exit 3\r\n"; out.String() != want {
		t.Errorf("terminal %q, want %q", out.String(), want)
	}
	if st := c.status(id); st.State != runtime.StateExited || st.ExitCode != 3 {
		t.Errorf("status %+v", st)
	}
}

// kubectl run -i without a terminal: stdin is the process's input, and with
// stdinOnce its end is the process's end of input; stdout and stderr stay
// apart.
func TestAttachPipesInputOnce(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "busybox",
		Command: []string{"sh", "-c", "cat; echo bye >&2"}, Stdin: true, StdinOnce: true})
	var out, errOut bytes.Buffer
	if err := c.rt.Attach(ctx, id, runtime.ExecOptions{Stdin: strings.NewReader("a\nb\n"), Stdout: &out, Stderr: &errOut}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a\nb\n" || errOut.String() != "bye\n" {
		t.Errorf("stdout %q stderr %q", out.String(), errOut.String())
	}
	if st := c.status(id); st.State != runtime.StateExited || st.ExitCode != 0 {
		t.Errorf("status %+v", st)
	}
	if err := c.rt.Attach(ctx, id, runtime.ExecOptions{Stdout: &out}); err == nil || !strings.Contains(err.Error(), "is not running") {
		t.Errorf("attach to an exited container: %v", err)
	}
}

// Without stdinOnce, a client that leaves does not end the process's
// input: the shell waits for the next one.
func TestAttachLeavesInputOpen(t *testing.T) {
	c := newCluster(t)
	id := c.run(c.pod("pod-1"), runtime.ContainerConfig{Name: "c", Image: "busybox", Command: []string{"sh"}, Stdin: true})
	ctx, cancel := context.WithCancel(ctx)
	echoed := make(chan []byte, 1)
	r, w := io.Pipe()
	done := make(chan error)
	go func() { done <- c.rt.Attach(ctx, id, runtime.ExecOptions{Stdin: r, Stdout: chanWriter(echoed)}) }()
	w.Write([]byte("echo one\n"))
	if got := string(<-echoed); got != "one\n" {
		t.Errorf("the client got %q", got)
	}
	w.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := c.status(id); st.State != runtime.StateRunning {
		t.Errorf("sh ended when its client left: %+v", st)
	}
	if got := c.logs(id, all()); got != "one\n" {
		t.Errorf("logs %q", got)
	}
}

// chanWriter hands each write to a channel, so a test can wait for output
// without sleeping.
type chanWriter chan []byte

func (w chanWriter) Write(p []byte) (int, error) {
	w <- append([]byte(nil), p...)
	return len(p), nil
}
