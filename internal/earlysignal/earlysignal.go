// Package earlysignal takes the stop signals of a container's PID 1 from
// the moment the process starts.
//
// A container's main process is kubetour's own binary, and before its main
// runs, Go initialises every package compiled in: the kubectl and
// client-go packages take about a tenth of a second, and seconds on a
// loaded machine. A SIGTERM in that window would meet the Go runtime's
// default action, which for PID 1 (whose default actions the kernel
// ignores) ends in exit status 2. A real PID 1 shell would not even notice
// the signal, and a server would shut down cleanly.
//
// Go initialises packages in the order of their import paths (the Go 1.21
// rule), after their own imports; this package is its own module, named
// so that it sorts before every module kubetour depends on, and needs only
// the standard library. So it starts listening before anything slow runs,
// and the app modes take over its channel.
package earlysignal

import (
	"os"
	"os/signal"
	"syscall"
)

// early has received SIGTERM and SIGINT since the process began, when the
// process is PID 1; otherwise nil.
var early chan os.Signal

func init() {
	if os.Getpid() != 1 {
		return
	}
	early = make(chan os.Signal, 16)
	signal.Notify(early, syscall.SIGTERM, syscall.SIGINT)
}

// Notify returns a channel that receives sigs. For PID 1 it is the channel
// that has held SIGTERM and SIGINT since the process started, so none sent
// before is lost; sigs should then include them.
func Notify(sigs ...os.Signal) chan os.Signal {
	c := early
	if c == nil {
		c = make(chan os.Signal, 16)
	}
	signal.Notify(c, sigs...)
	return c
}
