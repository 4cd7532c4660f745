package appmode

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"earlysignal"
)

// Pause is the pod sandbox's process, as Kubernetes' pause.c: it holds the
// pod's namespaces, reaps the children that a shared PID namespace hands
// it, and exits 0 on SIGTERM or SIGINT.
func Pause(w io.Writer) int {
	sigs := earlysignal.Notify(syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	if os.Getpid() != 1 {
		fmt.Fprintln(w, "Warning: pause should be the first process")
	}
	for s := range sigs {
		if s == syscall.SIGCHLD {
			reap()
			continue
		}
		fmt.Fprintln(w, "Shutting down, got signal")
		return 0
	}
	return 0
}

// reap collects every exited child.
func reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
