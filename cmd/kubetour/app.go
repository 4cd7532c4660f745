package main

import (
	"os"

	"kubetour/internal/appmode"
)

// runAppMode handles `kubetour app …`: the hidden modes kubetour's binary
// runs as a container's command on the Docker runtime (pod sandbox, a
// container's process, an exec session, a Service proxy). It runs before
// cobra, like kubectl, so that a container's argv reaches it untouched,
// and it is not listed in help: students never type it. It does not
// return when it handled the command.
func runAppMode() {
	if len(os.Args) > 1 && os.Args[1] == "app" {
		os.Exit(appmode.Main(os.Args[2:]))
	}
}
