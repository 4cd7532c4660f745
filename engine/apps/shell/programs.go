package shell

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"kubetour/engine/apps"
)

// programs are the main programs of server and demo images. Images whose
// Programs are not listed here run progServe.
var programs map[string]func(c *cmd) int

func init() {
	programs = map[string]func(c *cmd) int{
		"memhog":  progMemhog,
		"cpuburn": progCPUBurn,
		"stress":  progStress,
	}
}

// progServe runs the image's app: it binds its ports (failing like a Go
// server when a sibling container holds one) and serves until its stop
// signal, then exits 0. Entry-point scripts hand over to their arguments.
func progServe(c *cmd) int {
	img := c.m().img
	switch strings.TrimPrefix(c.tool, "/") {
	case "docker-entrypoint.sh":
		if len(c.args) == 0 {
			return 0
		}
		return c.sh.execArgv(c.args, nil, c.io, true)
	case "entrypoint.sh":
		args := c.args
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			args = append([]string{"curl"}, args...)
		}
		return c.sh.execArgv(args, nil, c.io, true)
	case "nginx":
		if len(c.args) > 0 {
			switch c.args[0] {
			case "-v", "-V":
				fmt.Fprintf(c.io.err, "nginx version: nginx/%s\n", img.Version)
				return 0
			case "-t", "-T":
				fmt.Fprintln(c.io.err, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok")
				fmt.Fprintln(c.io.err, "nginx: configuration file /etc/nginx/nginx.conf test is successful")
				return 0
			}
		}
	case "node":
		if len(c.args) > 0 && (c.args[0] == "-v" || c.args[0] == "--version") {
			fmt.Fprintln(c.io.out, "v8.17.0")
			return 0
		}
	case "httpd", "httpd-foreground":
		if len(c.args) > 0 && c.args[0] == "-v" {
			fmt.Fprintf(c.io.out, "Server version: Apache/%s (Unix)\n", img.Version)
			return 0
		}
	}
	if img.Kind != apps.KindServer {
		return 0
	}
	stop, err := c.m().sys.Serve(img.Ports)
	if err != nil {
		fmt.Fprintln(c.io.err, err)
		return 1
	}
	stopped := false
	defer func() {
		// Killed (SIGKILL, OOM): the ports go without a goodbye.
		if !stopped {
			stop(false)
		}
	}()
	c.m().block(fgServer)
	stopped = true
	stop(true)
	return 0
}

// parseSize reads 200Mi, 256M, 1G, 4096: binary multiples, as stress does.
func parseSize(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "i")
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
		if mult > 1 {
			s = s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return int64(f * float64(mult)), true
}

// allocate takes n bytes in 8Mi steps, one step per 100ms of cluster
// time, so that memory climbs visibly before the OOM killer strikes.
func (c *cmd) allocate(n int64) {
	const step = 8 << 20
	for done := int64(0); done < n; {
		chunk := min(int64(step), n-done)
		if err := c.m().sys.Alloc(chunk); err != nil {
			// The kernel killed us: nothing more is printed.
			panic(killPanic{code: 137})
		}
		done += chunk
		if done < n {
			if sig := c.m().sleep(100 * time.Millisecond); sig != 0 {
				return
			}
		}
	}
}

// progMemhog is kubetour's memory demo: memhog SIZE allocates SIZE and
// holds it until stopped.
func progMemhog(c *cmd) int {
	size := "200Mi"
	if len(c.args) > 0 {
		size = c.args[0]
	}
	n, ok := parseSize(size)
	if !ok {
		c.errf("invalid size %q (try 200Mi)", size)
		return 2
	}
	fmt.Fprintf(c.io.out, "memhog: allocating %s\n", size)
	c.allocate(n)
	fmt.Fprintf(c.io.out, "memhog: holding %s\n", size)
	c.m().block(fgServer)
	return 0
}

// progCPUBurn keeps CPUs busy: the cgroup throttles it at its limit.
func progCPUBurn(c *cmd) int {
	cpus := 1.0
	if len(c.args) > 0 {
		f, err := strconv.ParseFloat(c.args[0], 64)
		if err != nil || f <= 0 {
			c.errf("invalid CPU count %q", c.args[0])
			return 2
		}
		cpus = f
	}
	fmt.Fprintf(c.io.out, "cpuburn: keeping %s CPU busy\n", strconv.FormatFloat(cpus, 'f', -1, 64))
	c.m().sys.SetCPU(int64(cpus * 1000))
	defer c.m().sys.SetCPU(0)
	c.m().block(fgServer)
	return 0
}

// progStress is polinux/stress, the image the Kubernetes docs use for the
// memory and CPU limit tasks.
func progStress(c *cmd) int {
	var vm, cpu int
	vmBytes := int64(256 << 20)
	var timeout time.Duration
	args := c.args
	if len(args) == 0 || args[0] == "--help" || args[0] == "-?" {
		fmt.Fprintln(c.io.out, "`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n -c, --cpu N        spawn N workers spinning on sqrt()\n -m, --vm N         spawn N workers spinning on malloc()/free()\n     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)\n     --vm-hang N    sleep N secs before free (default none, 0 is inf)\n -t, --timeout N    timeout after N seconds")
		if len(args) == 0 {
			return 1
		}
		return 0
	}
	for i := 0; i < len(args); i++ {
		val := ""
		if i+1 < len(args) {
			val = args[i+1]
		}
		switch args[i] {
		case "--vm", "-m":
			vm, _ = strconv.Atoi(val)
			i++
		case "--cpu", "-c":
			cpu, _ = strconv.Atoi(val)
			i++
		case "--vm-bytes":
			if n, ok := parseSize(val); ok {
				vmBytes = n
			}
			i++
		case "--timeout", "-t":
			d, _, _ := parseDuration(val)
			timeout = d
			i++
		case "--vm-hang", "--io", "-i", "--hdd", "-d", "--backoff":
			i++
		}
	}
	fmt.Fprintf(c.io.out, "stress: info: [1] dispatching hogs: %d cpu, 0 io, %d vm, 0 hdd\n", cpu, vm)
	c.m().sys.SetCPU(int64(cpu+vm) * 1000)
	defer c.m().sys.SetCPU(0)
	c.allocate(int64(vm) * vmBytes)
	if timeout > 0 {
		if sig := c.m().sleep(timeout); sig != 0 {
			return 128 + int(sig)
		}
		fmt.Fprintf(c.io.out, "stress: info: [1] successful run completed in %ds\n", int(timeout.Seconds()))
		return 0
	}
	return 128 + int(c.m().block(fgSleep))
}
