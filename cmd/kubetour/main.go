// Command kubetour is a terminal learning environment for Kubernetes: a
// live mini-cluster that speaks the Kubernetes API, the real kubectl, and
// lessons that explain every decision the cluster takes.
package main

import (
	"fmt"
	"os"
)

func main() {
	runAppMode() // `kubetour app …`, the in-container modes of the Docker runtime (app.go)
	// `kubetour kubectl …` is the real kubectl, compiled in. It is handled
	// before kubetour's own flag parsing so every kubectl flag reaches it.
	if len(os.Args) > 1 && (os.Args[1] == "kubectl" || os.Args[1] == "k") {
		os.Exit(runKubectl(os.Args[2:]))
	}
	// Library logs of the cluster's own components (klog) are not for the
	// student's terminal.
	quietLibraryLogs()
	if err := newRootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "kubetour:", err)
		os.Exit(exitCode(err))
	}
}

// exitError carries a process exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitCode(err error) int {
	if e, ok := err.(exitError); ok {
		return e.code
	}
	return 1
}
