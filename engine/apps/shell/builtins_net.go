package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// fetch is a plain GET for wget.
func (c *cmd) fetch(u httpURL, timeout time.Duration) (int, string, []byte, string, error) {
	ctx := c.m().ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	conn, err := c.dial(ctx, u.host, u.port)
	if err != nil {
		return 0, "", nil, "", err
	}
	defer conn.Close()
	ip := u.host
	if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		ip = ta.IP.String()
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n", u.path, u.hostHeader())
	req, _ := http.NewRequest("GET", "http://"+u.hostHeader()+u.path, nil)
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return 0, ip, nil, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, ip, body, resp.Status, nil
}

func utilWget(c *cmd) int {
	flags, ops := splitFlags(c.args, "OT")
	quiet := has(flags, 'q')
	for _, a := range ops {
		if a == "--quiet" {
			quiet = true
		}
	}
	var url string
	for _, a := range ops {
		if !strings.HasPrefix(a, "--") {
			url = a
		}
	}
	if url == "" {
		c.errf("missing URL")
		return 1
	}
	u, ok := parseURL(url)
	if !ok {
		c.errf("bad address '%s'", url)
		return 1
	}
	var timeout time.Duration
	if v, ok := flags['T']; ok {
		f, _ := strconv.ParseFloat(v, 64)
		timeout = time.Duration(f * float64(time.Second))
	}
	out, hasOut := flags['O']
	if !hasOut {
		out = path.Base(u.path)
		if out == "/" || out == "." || strings.HasSuffix(u.path, "/") {
			out = "index.html"
		}
	}
	busybox := c.m().img.Userland.Wget == "busybox"
	code, ip, body, status, err := c.fetch(u, timeout)
	if !quiet && busybox && ip != "" {
		fmt.Fprintf(c.io.err, "Connecting to %s (%s:%d)\n", u.hostHeader(), ip, u.port)
	}
	if err != nil {
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr) && busybox:
			c.errf("bad address '%s'", u.host)
			return 1
		case errors.As(err, &dnsErr):
			c.errf("unable to resolve host address '%s'", u.host)
			return 4
		case isTimeout(err):
			c.errf("download timed out")
			return 1
		}
		reason := "Connection refused"
		if errno, ok := dialErrno(err); ok && errno == syscall.EHOSTUNREACH {
			reason = "No route to host"
		}
		if busybox {
			c.errf("can't connect to remote host (%s): %s", u.host, reason)
			return 1
		}
		fmt.Fprintf(c.io.err, "Connecting to %s|%s|:%d... failed: %s.\n", u.host, u.host, u.port, reason)
		return 4
	}
	if code >= 400 {
		if busybox {
			c.errf("server returned error: HTTP/1.1 %s", status)
			return 1
		}
		fmt.Fprintf(c.io.err, "%s ERROR %s.\n", c.m().sys.Now().UTC().Format("2006-01-02 15:04:05"), status)
		return 8
	}
	if out == "-" {
		if !quiet && busybox {
			fmt.Fprintln(c.io.err, "writing to stdout")
		}
		c.io.out.Write(body)
		if !quiet && busybox {
			fmt.Fprintln(c.io.err, "written to stdout")
		}
		return 0
	}
	w, err := c.sh.fs().OpenWriter(c.sh.abs(out), false)
	if err != nil {
		c.errf("can't open '%s': %s", out, errnoText(err))
		return 1
	}
	defer w.Close()
	w.Write(body)
	if !quiet {
		if busybox {
			fmt.Fprintf(c.io.err, "saving to '%s'\n", out)
			fmt.Fprintf(c.io.err, "%-20s 100%% |********************************| %5d  0:00:00 ETA\n", out, len(body))
			fmt.Fprintf(c.io.err, "'%s' saved\n", out)
		} else {
			fmt.Fprintf(c.io.err, "Saving to: '%s'\n\n'%s' saved [%d/%d]\n", out, out, len(body), len(body))
		}
	}
	return 0
}

func utilNslookup(c *cmd) int {
	_, ops := splitFlags(c.args, "")
	if len(ops) == 0 {
		c.errf("usage: nslookup HOST [SERVER]")
		return 1
	}
	host := ops[0]
	server := "10.96.0.10"
	if data, err := c.sh.fs().ReadFile("/etc/resolv.conf"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[0] == "nameserver" {
				server = f[1]
				break
			}
		}
	}
	sep := "#"
	if c.m().img.Userland.Nslookup == "busybox" {
		sep = ":"
	}
	fmt.Fprintf(c.io.out, "Server:\t\t%s\nAddress:\t%s%s53\n\n", server, server, sep)
	name, addrs, err := c.m().sys.LookupHost(c.m().ctx, host)
	if err != nil || len(addrs) == 0 {
		fmt.Fprintf(c.io.out, "** server can't find %s: NXDOMAIN\n\n", host)
		return 1
	}
	for _, a := range addrs {
		fmt.Fprintf(c.io.out, "Name:\t%s\nAddress: %s\n", name, a)
	}
	fmt.Fprintln(c.io.out)
	return 0
}
