// Package appmode is what kubetour's own binary does inside a Docker
// container: the hidden `kubetour app …` modes the Docker runtime
// (engine/runtime/docker) starts as a container's command.
//
//	kubetour app pause                                   the pod sandbox
//	kubetour app run  --image REF [--tty] -- ARGV…        a container's main process
//	kubetour app exec --image REF [--tty] -- ARGV…        a `kubectl exec` process
//	kubetour app proxy --config FILE                     a Service's TCP proxy
//	kubetour app probe                                   isolation facts as JSON
//	kubetour app cleanup DIR…                            removes root-owned host folders
//
// run and exec do what the image REF would: a server image (nginx,
// kubetm/app …) serves its HTTP app from package apps on real ports; a shell
// image runs ARGV with kubetour's shell (package apps/shell) over the real
// OS: real sleeps, real files, real environment, real DNS and sockets, real
// memory for memhog. The image's userland (its /bin and /usr/bin tools as
// stub files, /etc/os-release …) is written into the container's own root
// file system when it starts, so `ls /bin` and PATH lookups behave as in the
// image.
//
// Signals follow the process they stand for: pause, proxy and the server
// apps exit 0 on SIGTERM; a shell running as PID 1 ignores it unless it
// traps it (the runtime kills it after the grace period), as a real one
// does.
//
// This file is the protocol shared with the runtime: argv layouts, the exec
// error marker and the proxy configuration.
package appmode

import (
	"path"
	"strings"
)

// Binary is where the image keeps kubetour.
const Binary = "/kubetour"

// ExecErrorMarker starts the one stderr line `app exec` writes, and nothing
// else, when its command cannot be started (no such executable): the
// runtime turns that line into an Exec error, as runc's failure reaches the
// kubelet through the CRI.
const ExecErrorMarker = "\x00kubetour-exec-error:"

// TermEnv carries a terminal's TERM past the binary's start. Some package
// of the binary (bubbletea) asks the terminal for its background colour
// while initialising, and waits seconds for an answer no container
// terminal gives, unless TERM is "dumb": the runtime starts TTY processes
// with TERM=dumb and the real value here, and run and exec put it back.
const TermEnv = "KUBETOUR_TERM"

// ExecErrorCode is the exit code that goes with ExecErrorMarker (runc's 126).
const ExecErrorCode = 126

// RootfsMarker is written once the image's userland is in place.
const RootfsMarker = "/.kubetour-rootfs"

// ProxyConfigDir is where a Service proxy container finds its
// configuration, a host folder the runtime rewrites.
const ProxyConfigDir = "/run/kubetour/proxy"

// ProxyConfigFile is the configuration's file name in ProxyConfigDir.
const ProxyConfigFile = "endpoints.json"

// ProxyConfig is what a Service proxy forwards: for each port, the ready
// endpoints. A port with no endpoint refuses connections, as kube-proxy's
// REJECT rule makes it.
type ProxyConfig struct {
	Service string      `json:"service"` // namespace/name, for logs
	Ports   []ProxyPort `json:"ports"`
	// DNS, when set, makes this proxy the cluster's DNS server (the
	// kube-dns Service): it answers port 53 itself, over UDP and TCP.
	DNS *DNSZone `json:"dns,omitempty"`
}

// DNSZone is the cluster's DNS data, as CoreDNS's kubernetes plugin would
// serve it. Names are lower case and fully qualified without the final dot.
type DNSZone struct {
	Domain string              `json:"domain"` // cluster.local
	A      map[string][]string `json:"a,omitempty"`
	CNAME  map[string]string   `json:"cname,omitempty"`
	// Upstream answers every name outside Domain (Docker's embedded DNS).
	Upstream string `json:"upstream,omitempty"`
}

// ProxyPort is one Service port.
type ProxyPort struct {
	Name      string   `json:"name,omitempty"`
	Port      int      `json:"port"`
	NodePort  int      `json:"nodePort,omitempty"`
	Endpoints []string `json:"endpoints"` // ip:port
}

// PauseArgv is the sandbox container's command (after the entry point).
func PauseArgv() []string { return []string{"app", "pause"} }

// RunArgv is the command of a container running image with argv.
func RunArgv(image string, tty bool, argv []string) []string {
	return modeArgv("run", image, tty, argv)
}

// ExecArgv is the command of an exec session in an emulated container.
func ExecArgv(image string, tty bool, argv []string) []string {
	return append([]string{Binary}, modeArgv("exec", image, tty, argv)...)
}

// ProxyArgv is a Service proxy container's command.
func ProxyArgv() []string {
	return []string{"app", "proxy", "--config", path.Join(ProxyConfigDir, ProxyConfigFile)}
}

// ProbeArgv is the exec command that reports isolation facts from inside.
func ProbeArgv() []string { return []string{Binary, "app", "probe"} }

// CleanupArgv removes dirs (mounted into a helper container).
func CleanupArgv(dirs ...string) []string { return append([]string{"app", "cleanup"}, dirs...) }

func modeArgv(mode, image string, tty bool, argv []string) []string {
	out := []string{"app", mode, "--image", image}
	if tty {
		out = append(out, "--tty")
	}
	out = append(out, "--")
	return append(out, argv...)
}

// DisplayArgv turns a process's command line into what it stands for: the
// image's command for run and exec, /pause for the sandbox. Other command
// lines come back unchanged.
func DisplayArgv(cmdline []string) []string {
	if len(cmdline) < 3 || path.Base(cmdline[0]) != path.Base(Binary) || cmdline[1] != "app" {
		return cmdline
	}
	switch cmdline[2] {
	case "pause":
		return []string{"/pause"}
	case "run", "exec":
		for i, a := range cmdline {
			if a == "--" {
				return cmdline[i+1:]
			}
		}
	}
	return cmdline
}

// DisplayCommand is DisplayArgv joined by spaces, as ps prints it.
func DisplayCommand(cmdline []string) string { return strings.Join(DisplayArgv(cmdline), " ") }
