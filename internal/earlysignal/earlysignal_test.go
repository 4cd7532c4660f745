package earlysignal

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Outside PID 1 the package listens to nothing until asked, and Notify
// then delivers what it was asked for.
func TestNotifyOutsidePID1(t *testing.T) {
	if early != nil {
		t.Fatal("listening early in a process that is not PID 1")
	}
	c := Notify(syscall.SIGUSR1)
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-c:
		if s != syscall.SIGUSR1 {
			t.Fatalf("got %v", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SIGUSR1 never arrived")
	}
}
