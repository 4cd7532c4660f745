// Command appbin is a small stand-in for kubetour's binary in the Docker
// runtime's tests, for when cmd/kubetour does not build (it is being
// edited): it answers only `app …`.
package main

import (
	"os"

	"kubetour/internal/appmode"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "app" {
		os.Exit(appmode.Main(os.Args[2:]))
	}
	os.Stderr.WriteString("appbin: only `app …` is served\n")
	os.Exit(2)
}
