// Package apps is what container images do in kubetour: the catalogue of
// images it can run (the course's kubetm/* apps, nginx, httpd, busybox,
// alpine, ubuntu, debian, centos, and kubetour's own demo programs), with
// Docker's reference normalisation, and the HTTP behaviour of the server
// images as real net/http handlers.
//
// The package is pure Go and knows nothing of the engine: the simulated
// runtime serves these handlers over in-memory connections, and kubetour's
// static binary serves the same ones inside real Docker containers, so
// that `curl` answers alike on both runtimes. What runs as a container's
// command (sh -c, sleep, curl …) is package apps/shell; the file systems of
// simulated containers are package apps/memfs.
//
// Facts carried over from the course: kubetm/app answers /hostname with
// "Hostname : <pod>", /version with "Version : v1", /health with
// "<pod> is Running" until /status500 ("Status Code has Changed to 500"),
// after which /health answers 500; kubetm/p8000 and p8080 answer
// "containerPort : 8000"; kubetm/hello answers "Hello Kubernetes!". The
// exact bytes of those node apps are not known; kubetour ends each answer
// with a newline so that a `while true; do curl …; done` loop prints lines.
package apps
