package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// curlAtLeast compares the image's curl with major.minor: its messages
// changed over the years and students see the one their image prints.
func curlAtLeast(v string, major, minor int) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return true
	}
	a, _ := strconv.Atoi(parts[0])
	b, _ := strconv.Atoi(parts[1])
	return a > major || (a == major && b >= minor)
}

// target of an HTTP client.
type httpURL struct {
	scheme, host, path string
	port               int
	explicitPort       bool
}

func parseURL(raw string) (httpURL, bool) {
	u := httpURL{scheme: "http"}
	rest := raw
	if i := strings.Index(rest, "://"); i >= 0 {
		u.scheme, rest = strings.ToLower(rest[:i]), rest[i+3:]
	}
	hostport, p, found := strings.Cut(rest, "/")
	u.path = "/" + p
	if !found {
		u.path = "/"
	}
	if i := strings.IndexAny(hostport, "?#"); i >= 0 && !found {
		u.path = "/" + hostport[i:]
		hostport = hostport[:i]
	}
	u.port = 80
	if u.scheme == "https" {
		u.port = 443
	}
	u.host = hostport
	if h, ps, ok := strings.Cut(hostport, ":"); ok {
		n, err := strconv.Atoi(ps)
		if err != nil || n <= 0 || n > 65535 {
			return u, false
		}
		u.host, u.port, u.explicitPort = h, n, true
	}
	if u.host == "" {
		return u, false
	}
	return u, true
}

func (u httpURL) hostHeader() string {
	if u.explicitPort {
		return u.host + ":" + strconv.Itoa(u.port)
	}
	return u.host
}

// dial connects as a process does: /etc/hosts first, then cluster DNS.
func (c *cmd) dial(ctx context.Context, host string, port int) (net.Conn, error) {
	if ip := c.sh.hostsIP(host); ip != "" {
		host = ip
	}
	return c.m().sys.Dial(ctx, host, port)
}

// dialErrno is the errno behind a connection failure.
func dialErrno(err error) (syscall.Errno, bool) {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno, true
	}
	return 0, false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

type curlOpts struct {
	silent, showErr, verbose, include, head, fail bool
	output, writeOut, method, data                string
	headers                                       []string
	maxTime                                       time.Duration
	url                                           string
	remoteName                                    bool
}

func utilCurl(c *cmd) int {
	version := c.m().img.Userland.Curl
	if version == "" {
		version = "8.5.0"
	}
	o := curlOpts{}
	args := c.args
	needValue := func(i *int, name string) (string, bool) {
		if *i+1 >= len(args) {
			fmt.Fprintf(c.io.err, "curl: option %s: requires parameter\n", name)
			return "", false
		}
		*i++
		return args[*i], true
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--silent":
			o.silent = true
		case a == "--show-error":
			o.showErr = true
		case a == "--verbose":
			o.verbose = true
		case a == "--include":
			o.include = true
		case a == "--head":
			o.head = true
		case a == "--fail":
			o.fail = true
		case a == "--location", a == "--insecure", a == "--compressed", a == "--no-progress-meter":
		case a == "--output", a == "--write-out", a == "--max-time", a == "--connect-timeout", a == "--request", a == "--header", a == "--data", a == "--user-agent", a == "--url":
			v, ok := needValue(&i, a)
			if !ok {
				return 2
			}
			switch a {
			case "--output":
				o.output = v
			case "--write-out":
				o.writeOut = v
			case "--max-time", "--connect-timeout":
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					fmt.Fprintf(c.io.err, "curl: option %s: expected a proper numerical parameter\n", a)
					return 2
				}
				o.maxTime = time.Duration(f * float64(time.Second))
			case "--request":
				o.method = v
			case "--header":
				o.headers = append(o.headers, v)
			case "--data":
				o.data = v
			case "--url":
				o.url = v
			}
		case strings.HasPrefix(a, "-") && len(a) > 1 && !strings.HasPrefix(a, "--"):
			for j := 1; j < len(a); j++ {
				f := a[j]
				if strings.IndexByte("owmXHdAe", f) >= 0 {
					v := a[j+1:]
					if v == "" {
						var ok bool
						if v, ok = needValue(&i, "-"+string(f)); !ok {
							return 2
						}
					}
					switch f {
					case 'o':
						o.output = v
					case 'w':
						o.writeOut = v
					case 'm':
						fv, err := strconv.ParseFloat(v, 64)
						if err != nil {
							fmt.Fprintln(c.io.err, "curl: option -m: expected a proper numerical parameter")
							return 2
						}
						o.maxTime = time.Duration(fv * float64(time.Second))
					case 'X':
						o.method = v
					case 'H':
						o.headers = append(o.headers, v)
					case 'd':
						o.data = v
					}
					break
				}
				switch f {
				case 's':
					o.silent = true
				case 'S':
					o.showErr = true
				case 'v':
					o.verbose = true
				case 'i':
					o.include = true
				case 'I':
					o.head = true
				case 'f':
					o.fail = true
				case 'O':
					o.remoteName = true
				case 'L', 'k', 'N', 'g':
				default:
					fmt.Fprintf(c.io.err, "curl: option -%c: is unknown\n", f)
					fmt.Fprintln(c.io.err, "curl: try 'curl --help' or 'curl --manual' for more information")
					return 2
				}
			}
		default:
			if o.url == "" {
				o.url = a
			}
		}
	}
	if o.url == "" {
		fmt.Fprintln(c.io.err, "curl: try 'curl --help' or 'curl --manual' for more information")
		return 2
	}
	return c.curl(o, version)
}

func (c *cmd) curl(o curlOpts, version string) int {
	fail := func(code int, msg string) int {
		if !o.silent || o.showErr {
			fmt.Fprintf(c.io.err, "curl: (%d) %s\n", code, msg)
		}
		if o.writeOut != "" {
			c.writeOut(o, 0, "", 0)
		}
		return code
	}
	u, ok := parseURL(o.url)
	if !ok {
		return fail(3, "URL using bad/illegal format or missing URL")
	}
	if u.scheme != "http" && u.scheme != "https" {
		return fail(1, fmt.Sprintf("Protocol \"%s\" not supported or disabled in libcurl", u.scheme))
	}
	ctx := c.m().ctx
	if o.maxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.maxTime)
		defer cancel()
	}
	if o.verbose {
		fmt.Fprintf(c.io.err, "*   Trying %s:%d...\n", u.host, u.port)
	}
	conn, err := c.dial(ctx, u.host, u.port)
	if err != nil {
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr):
			if !curlAtLeast(version, 7, 50) {
				return fail(6, fmt.Sprintf("Could not resolve host: %s; Unknown error", u.host))
			}
			return fail(6, "Could not resolve host: "+u.host)
		case isTimeout(err):
			ms := o.maxTime.Milliseconds()
			if !curlAtLeast(version, 7, 78) {
				return fail(28, fmt.Sprintf("Connection timed out after %d milliseconds", ms))
			}
			return fail(28, fmt.Sprintf("Failed to connect to %s port %d after %d ms: Timeout was reached", u.host, u.port, ms))
		}
		reason := "Connection refused"
		if errno, ok := dialErrno(err); ok {
			reason = errnoText(errno)
			switch errno {
			case syscall.ECONNREFUSED:
				reason = "Connection refused"
			case syscall.EHOSTUNREACH:
				reason = "No route to host"
			case syscall.ENETUNREACH:
				reason = "Network is unreachable"
			}
		}
		switch {
		case !curlAtLeast(version, 7, 50):
			return fail(7, fmt.Sprintf("Failed connect to %s:%d; %s", u.host, u.port, reason))
		case !curlAtLeast(version, 7, 78):
			return fail(7, fmt.Sprintf("Failed to connect to %s port %d: %s", u.host, u.port, reason))
		case !curlAtLeast(version, 7, 87):
			return fail(7, fmt.Sprintf("Failed to connect to %s port %d after 0 ms: %s", u.host, u.port, reason))
		}
		return fail(7, fmt.Sprintf("Failed to connect to %s port %d after 0 ms: Couldn't connect to server", u.host, u.port))
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	remoteIP, remotePort := u.host, u.port
	if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		remoteIP, remotePort = ta.IP.String(), ta.Port
	}
	if o.verbose {
		fmt.Fprintf(c.io.err, "* Connected to %s (%s) port %d\n", u.host, remoteIP, remotePort)
	}
	if u.scheme == "https" {
		// kubetour's servers speak plain HTTP, as a TLS client finds out.
		return fail(35, "error:0A00010B:SSL routines::wrong version number")
	}
	method := "GET"
	switch {
	case o.method != "":
		method = o.method
	case o.head:
		method = "HEAD"
	case o.data != "":
		method = "POST"
	}
	reqLines := []string{
		fmt.Sprintf("%s %s HTTP/1.1", method, u.path),
		"Host: " + u.hostHeader(),
		"User-Agent: curl/" + version,
		"Accept: */*",
	}
	reqLines = append(reqLines, o.headers...)
	if o.data != "" {
		reqLines = append(reqLines, "Content-Length: "+strconv.Itoa(len(o.data)), "Content-Type: application/x-www-form-urlencoded")
	}
	if o.verbose {
		for _, l := range reqLines {
			fmt.Fprintf(c.io.err, "> %s\n", l)
		}
		fmt.Fprintln(c.io.err, "> ")
	}
	if _, err := io.WriteString(conn, strings.Join(reqLines, "\r\n")+"\r\n\r\n"+o.data); err != nil {
		return fail(55, "Send failure: Broken pipe")
	}
	br := bufio.NewReader(conn)
	var rawHead strings.Builder
	for {
		line, err := br.ReadString('\n')
		rawHead.WriteString(line)
		if err != nil {
			if rawHead.Len() == 0 {
				if isTimeout(err) {
					return fail(28, fmt.Sprintf("Operation timed out after %d milliseconds with 0 bytes received", o.maxTime.Milliseconds()))
				}
				return fail(52, "Empty reply from server")
			}
			return fail(56, "Recv failure: Connection reset by peer")
		}
		if line == "\r\n" || line == "\n" {
			break
		}
	}
	req, _ := http.NewRequest(method, "http://"+u.hostHeader()+u.path, nil)
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader(rawHead.String()), br)), req)
	if err != nil {
		return fail(8, "Weird server reply")
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if o.verbose {
		for _, l := range strings.Split(strings.TrimRight(rawHead.String(), "\r\n"), "\r\n") {
			fmt.Fprintf(c.io.err, "< %s\n", l)
		}
		fmt.Fprintln(c.io.err, "< ")
	}
	if o.fail && resp.StatusCode >= 400 {
		if o.verbose {
			fmt.Fprintf(c.io.err, "* Closing connection\n")
		}
		if curlAtLeast(version, 7, 75) {
			return fail(22, fmt.Sprintf("The requested URL returned error: %d", resp.StatusCode))
		}
		return fail(22, fmt.Sprintf("The requested URL returned error: %s", resp.Status))
	}
	out := c.io.out
	switch {
	case o.output == "-" || (o.output == "" && !o.remoteName):
	case o.output == "/dev/null":
		out = io.Discard
	default:
		name := o.output
		if name == "" {
			name = path.Base(u.path)
			if name == "/" || name == "." {
				return fail(23, "Remote file name has no length")
			}
		}
		w, err := c.sh.fs().OpenWriter(c.sh.abs(name), false)
		if err != nil {
			return fail(23, fmt.Sprintf("Failure writing output to destination, passed %d returned 0", len(body)))
		}
		defer w.Close()
		out = w
	}
	if o.include || o.head {
		io.WriteString(out, rawHead.String())
	}
	out.Write(body)
	if o.verbose {
		fmt.Fprintf(c.io.err, "* Connection #0 to host %s left intact\n", u.host)
	}
	if o.writeOut != "" {
		c.writeOut(o, resp.StatusCode, remoteIP, len(body))
	}
	return 0
}

// writeOut expands curl's -w variables.
func (c *cmd) writeOut(o curlOpts, code int, ip string, size int) {
	s := o.writeOut
	repl := map[string]string{
		"http_code": fmt.Sprintf("%03d", code), "response_code": fmt.Sprintf("%03d", code),
		"size_download": strconv.Itoa(size), "remote_ip": ip, "url_effective": o.url,
		"time_total": "0.000000", "time_connect": "0.000000", "exitcode": "0",
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "%{"):
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				b.WriteString(s[i:])
				i = len(s)
				continue
			}
			b.WriteString(repl[s[i+2:i+end]])
			i += end
		case s[i] == '\\' && i+1 < len(s):
			esc, _ := unescapeEcho(s[i : i+2])
			b.WriteString(esc)
			i++
		default:
			b.WriteByte(s[i])
		}
	}
	io.WriteString(c.io.out, b.String())
}
