package shell

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"kubetour/engine/apps"
)

// utilities are the programs every kubetour image has on its PATH (as
// stubs). Optional tools (curl, wget, nslookup, ps, bash) exist only in
// images whose Userland lists them.
var utilities map[string]func(c *cmd) int

func init() {
	utilities = map[string]func(c *cmd) int{
		"echo":     utilEcho,
		"printf":   utilPrintf,
		"true":     func(*cmd) int { return 0 },
		"false":    func(*cmd) int { return 1 },
		"sleep":    utilSleep,
		"date":     utilDate,
		"test":     utilTest,
		"[":        utilTest,
		"pwd":      func(c *cmd) int { fmt.Fprintln(c.io.out, c.sh.cwd); return 0 },
		"seq":      utilSeq,
		"env":      utilEnv,
		"printenv": utilPrintenv,
		"hostname": utilHostname,
		"whoami":   func(c *cmd) int { fmt.Fprintln(c.io.out, "root"); return 0 },
		"id":       utilID,
		"uname":    utilUname,
		"kill":     utilKill,
		"which":    utilWhich,
		"cat":      utilCat,
		"ls":       utilLs,
		"mkdir":    utilMkdir,
		"touch":    utilTouch,
		"rm":       utilRm,
		"cp":       utilCp,
		"mv":       utilMv,
		"head":     utilHead,
		"tail":     utilTail,
		"wc":       utilWc,
		"grep":     utilGrep,
		"tee":      utilTee,
		"mount":    utilMount,
		"ps":       utilPs,
		"curl":     utilCurl,
		"wget":     utilWget,
		"nslookup": utilNslookup,
		"memhog":   progMemhog,
	}
}

// coreTools are the utilities every image has, and where they live.
var coreTools = map[string]string{
	"echo": "/bin", "printf": "/usr/bin", "true": "/bin", "false": "/bin", "sleep": "/bin",
	"date": "/bin", "test": "/usr/bin", "[": "/usr/bin", "pwd": "/bin", "seq": "/usr/bin",
	"env": "/usr/bin", "printenv": "/usr/bin", "hostname": "/bin", "whoami": "/usr/bin",
	"id": "/usr/bin", "uname": "/bin", "kill": "/bin", "which": "/usr/bin", "cat": "/bin",
	"ls": "/bin", "mkdir": "/bin", "touch": "/bin", "rm": "/bin", "cp": "/bin", "mv": "/bin",
	"head": "/usr/bin", "tail": "/usr/bin", "wc": "/usr/bin", "grep": "/bin", "tee": "/usr/bin",
	"mount": "/bin", "memhog": "/usr/local/bin",
}

// optionalTools live only in images that ship them.
var optionalTools = map[string]string{
	"curl": "/usr/bin", "wget": "/usr/bin", "nslookup": "/usr/bin", "ps": "/bin",
}

func utilEcho(c *cmd) int {
	args := c.args
	newline, escapes := true, c.sh.dialect == "dash"
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		if c.sh.dialect == "dash" && args[0] != "-n" {
			break
		}
		for _, f := range args[0][1:] {
			switch f {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		var stop bool
		s, stop = unescapeEcho(s)
		if stop {
			newline = false
		}
	}
	if newline {
		s += "\n"
	}
	fmt.Fprint(c.io.out, s)
	return 0
}

// unescapeEcho interprets \n, \t, \\, \0NNN and \c (stop).
func unescapeEcho(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'e':
			b.WriteByte(0x1b)
		case '\\':
			b.WriteByte('\\')
		case 'c':
			return b.String(), true
		case '0':
			n, j := 0, i+1
			for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

// parseDuration reads sleep's operands: seconds with optional fraction and
// an s/m/h/d suffix, or "infinity".
func parseDuration(s string) (time.Duration, bool, bool) {
	if s == "infinity" || s == "inf" {
		return 0, true, true
	}
	mult := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, mult = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, mult = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, mult = s[:len(s)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP") {
		return 0, false, false
	}
	d := f * float64(mult)
	if d > float64(math.MaxInt64/2) {
		return 0, true, true // longer than the cluster will live
	}
	return time.Duration(d), false, true
}

func utilSleep(c *cmd) int {
	if len(c.args) == 0 {
		if c.busybox() {
			c.errf("missing operand")
		} else {
			c.errf("missing operand\nTry 'sleep --help' for more information.")
		}
		return 1
	}
	var total time.Duration
	forever := false
	for _, a := range c.args {
		d, inf, ok := parseDuration(a)
		if !ok {
			if c.busybox() {
				c.errf("invalid number '%s'", a)
			} else {
				c.errf("invalid time interval '%s'\nTry 'sleep --help' for more information.", a)
			}
			return 1
		}
		forever = forever || inf
		total += d
	}
	if forever {
		return 128 + int(c.m().block(fgSleep))
	}
	if total <= 0 {
		return 0
	}
	if sig := c.m().sleep(total); sig != 0 {
		return 128 + int(sig)
	}
	return 0
}

func utilSeq(c *cmd) int {
	nums := make([]float64, 0, 3)
	for _, a := range c.args {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil {
			c.errf("invalid floating point argument: '%s'", a)
			return 1
		}
		nums = append(nums, f)
	}
	first, incr, last := 1.0, 1.0, 0.0
	switch len(nums) {
	case 1:
		last = nums[0]
	case 2:
		first, last = nums[0], nums[1]
	case 3:
		first, incr, last = nums[0], nums[1], nums[2]
	default:
		c.errf("missing operand")
		return 1
	}
	if incr == 0 {
		c.errf("invalid Zero increment value: '0'")
		return 1
	}
	for n, x := 0, first; (incr > 0 && x <= last) || (incr < 0 && x >= last); n, x = n+1, x+incr {
		if n > 100000 {
			break
		}
		fmt.Fprintln(c.io.out, strconv.FormatFloat(x, 'f', -1, 64))
	}
	return 0
}

func utilEnv(c *cmd) int {
	env := append(c.env[:0:0], c.env...)
	args := c.args
	for len(args) > 0 {
		a := args[0]
		if a == "-i" || a == "-" {
			env = nil
		} else if name, val, ok := strings.Cut(a, "="); ok && isName(name) {
			replaced := false
			for i := range env {
				if env[i].Name == name {
					env[i].Value, replaced = val, true
				}
			}
			if !replaced {
				env = append(env, envVar(name, val))
			}
		} else {
			break
		}
		args = args[1:]
	}
	if len(args) == 0 {
		for _, e := range env {
			fmt.Fprintf(c.io.out, "%s=%s\n", e.Name, e.Value)
		}
		return 0
	}
	t, err := c.sh.resolveExec(args[0])
	if err != nil {
		c.errf("'%s': No such file or directory", args[0])
		return 127
	}
	saved := c.sh.fork()
	saved.vars, saved.order = map[string]*variable{}, nil
	for _, e := range env {
		saved.setVar(e.Name, e.Value)
		saved.vars[e.Name].exported = true
	}
	return saved.runTarget(t, args, nil, c.io)
}

func utilPrintenv(c *cmd) int {
	if len(c.args) == 0 {
		for _, e := range c.env {
			fmt.Fprintf(c.io.out, "%s=%s\n", e.Name, e.Value)
		}
		return 0
	}
	st := 0
	for _, n := range c.args {
		found := false
		for _, e := range c.env {
			if e.Name == n {
				fmt.Fprintln(c.io.out, e.Value)
				found = true
				break
			}
		}
		if !found {
			st = 1
		}
	}
	return st
}

// hostsIP finds a name in /etc/hosts.
func (sh *shell) hostsIP(name string) string {
	data, err := sh.fs().ReadFile("/etc/hosts")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		for _, n := range f[1:] {
			if n == name && !strings.Contains(f[0], ":") {
				return f[0]
			}
		}
	}
	return ""
}

func utilHostname(c *cmd) int {
	host := c.m().sys.Hostname()
	if len(c.args) > 0 {
		switch c.args[0] {
		case "-i", "--ip-address", "-I", "--all-ip-addresses":
			ip := c.sh.hostsIP(host)
			if c.args[0] == "-I" || c.args[0] == "--all-ip-addresses" {
				ip += " "
			}
			fmt.Fprintln(c.io.out, ip)
			return 0
		case "-s", "--short":
			host, _, _ = strings.Cut(host, ".")
		case "-f", "--fqdn", "--long":
		default:
			c.errf("you must be root to change the host name")
			return 1
		}
	}
	fmt.Fprintln(c.io.out, host)
	return 0
}

func utilID(c *cmd) int {
	if len(c.args) > 0 {
		switch c.args[0] {
		case "-u", "-g":
			fmt.Fprintln(c.io.out, "0")
			return 0
		case "-un", "-gn", "-nu", "-ng":
			fmt.Fprintln(c.io.out, "root")
			return 0
		}
	}
	groups := "0(root)"
	if c.busybox() {
		groups = "0(root),10(wheel)"
	}
	fmt.Fprintf(c.io.out, "uid=0(root) gid=0(root) groups=%s\n", groups)
	return 0
}

func machineArch() string {
	switch runtime.GOARCH {
	case "arm64":
		return "aarch64"
	case "386":
		return "i686"
	}
	return "x86_64"
}

func utilUname(c *cmd) int {
	sys := c.m().sys
	var parts []string
	flags := ""
	for _, a := range c.args {
		switch a {
		case "--all":
			flags += "a"
		case "--kernel-release":
			flags += "r"
		case "--nodename":
			flags += "n"
		case "--machine":
			flags += "m"
		default:
			flags += strings.TrimPrefix(a, "-")
		}
	}
	if flags == "" {
		flags = "s"
	}
	if strings.Contains(flags, "a") {
		flags = "snrvmo"
	}
	order := []struct {
		f   byte
		val string
	}{
		{'s', "Linux"}, {'n', sys.Hostname()}, {'r', sys.KernelRelease()},
		{'v', "#1 SMP PREEMPT_DYNAMIC"}, {'m', machineArch()}, {'p', "unknown"},
		{'i', "unknown"}, {'o', "GNU/Linux"},
	}
	for _, o := range order {
		if strings.IndexByte(flags, o.f) >= 0 {
			if (o.f == 'p' || o.f == 'i') && strings.Contains(flags, "a") {
				continue
			}
			parts = append(parts, o.val)
		}
	}
	fmt.Fprintln(c.io.out, strings.Join(parts, " "))
	return 0
}

func utilKill(c *cmd) int {
	sig := SIGTERM
	args := c.args
	if len(args) > 0 && args[0] == "-l" {
		fmt.Fprintln(c.io.out, "HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM")
		return 0
	}
	if len(args) > 0 && args[0] == "-s" && len(args) > 1 {
		args = append([]string{"-" + args[1]}, args[2:]...)
	}
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		s, ok := signalNames[strings.ToUpper(args[0][1:])]
		if !ok {
			s2, ok2 := signalNames["SIG"+strings.ToUpper(args[0][1:])]
			if !ok2 {
				c.errf("%s: invalid signal specification", args[0][1:])
				return 1
			}
			s = s2
		}
		sig, args = s, args[1:]
	}
	if len(args) == 0 {
		c.errf("usage: kill [-s sigspec | -n signum | -sigspec] pid")
		return 2
	}
	st := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			c.errf("%s: arguments must be process or job IDs", a)
			st = 1
			continue
		}
		if err := c.m().sys.Kill(pid, sig); err != nil {
			c.errf("(%d) - No such process", pid)
			st = 1
		}
	}
	return st
}

func utilWhich(c *cmd) int {
	st := 0
	for _, n := range c.args {
		t, err := c.sh.resolveExec(n)
		if err != nil {
			st = 1
			continue
		}
		fmt.Fprintln(c.io.out, t.path)
	}
	return st
}

func envVar(name, value string) apps.EnvVar { return apps.EnvVar{Name: name, Value: value} }
