package apps

import (
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileReader is the part of a container's file system a web server reads:
// nginx and httpd serve files, so that a volume shared with another
// container changes what `curl` returns.
type FileReader interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
}

// AppEnv is the world an app sees from inside its container.
type AppEnv struct {
	Hostname string // the pod name, unless spec.hostname says otherwise
	IP       string // the pod IP
	Getenv   func(name string) string
	Now      func() time.Time // the cluster clock: logs and Date headers follow it
	Files    FileReader       // nil: static servers answer 404
	Stdout   io.Writer        // access logs, startup lines
	Stderr   io.Writer        // error logs
}

// Server is a running app: an http.Handler plus the switches lessons and
// probes use. One Server serves all the ports of one container.
type Server struct {
	b   Behaviour
	env AppEnv

	mu      sync.Mutex
	healthy bool
	logMu   sync.Mutex // keeps log lines of concurrent requests whole
}

// NewServer returns the HTTP behaviour of b. The value is a *Server.
func NewServer(b Behaviour, env AppEnv) http.Handler {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	return &Server{b: b, env: env, healthy: true}
}

// SetHealthy switches the app between answering normally and answering 500
// (kubetm/app: only /health, as after /status500; other apps: every path).
func (s *Server) SetHealthy(ok bool) {
	s.mu.Lock()
	s.healthy = ok
	s.mu.Unlock()
}

// Healthy reports the health switch.
func (s *Server) Healthy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.healthy
}

// Start writes what the app prints when it comes up.
func (s *Server) Start() {
	now := s.env.Now().UTC()
	switch s.b.App {
	case AppNginx:
		for _, l := range []string{
			"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
			"/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
			"10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
			"10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
			"/docker-entrypoint.sh: Configuration complete; ready for start up",
		} {
			s.line(s.env.Stdout, l)
		}
		ts := now.Format("2006/01/02 15:04:05")
		for _, l := range []string{
			`[notice] 1#1: using the "epoll" event method`,
			"[notice] 1#1: nginx/" + s.b.Version,
			"[notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14)",
			"[notice] 1#1: OS: Linux",
			"[notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
			"[notice] 1#1: start worker processes",
			"[notice] 1#1: start worker process 29",
		} {
			s.line(s.env.Stderr, ts+" "+l)
		}
	case AppHttpd:
		msg := fmt.Sprintf("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using %s. Set the 'ServerName' directive globally to suppress this message", s.env.IP)
		s.line(s.env.Stderr, msg)
		s.line(s.env.Stderr, msg)
		ts := now.Format("Mon Jan 02 15:04:05.000000 2006")
		s.line(s.env.Stderr, fmt.Sprintf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/%s (Unix) configured -- resuming normal operations", ts, s.b.Version))
		s.line(s.env.Stderr, fmt.Sprintf("[%s] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'", ts))
	case AppHelloApp:
		s.line(s.env.Stderr, now.Format("2006/01/02 15:04:05")+" Server listening on port 8080")
	}
}

// Stop writes what the app prints when it shuts down on its stop signal
// (nginx's image stops with SIGQUIT, httpd's with SIGWINCH: containerd
// honours the image's STOPSIGNAL).
func (s *Server) Stop() {
	now := s.env.Now().UTC()
	switch s.b.App {
	case AppNginx:
		ts := now.Format("2006/01/02 15:04:05")
		for _, l := range []string{
			"[notice] 1#1: signal 3 (SIGQUIT) received, shutting down",
			"[notice] 29#29: gracefully shutting down",
			"[notice] 29#29: exiting",
			"[notice] 29#29: exit",
			"[notice] 1#1: signal 17 (SIGCHLD) received from 29",
			"[notice] 1#1: worker process 29 exited with code 0",
			"[notice] 1#1: exit",
		} {
			s.line(s.env.Stderr, ts+" "+l)
		}
	case AppHttpd:
		ts := now.Format("Mon Jan 02 15:04:05.000000 2006")
		s.line(s.env.Stderr, fmt.Sprintf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, shutting down gracefully", ts))
	}
}

func (s *Server) line(w io.Writer, text string) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	io.WriteString(w, text+"\n")
}

// ServeHTTP answers as the image's app does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Date follows the cluster clock, so transcripts are reproducible.
	w.Header().Set("Date", s.env.Now().UTC().Format(http.TimeFormat))
	switch s.b.App {
	case AppKubetm:
		s.kubetm(w, r)
	case AppPort:
		s.plain(w, http.StatusOK, fmt.Sprintf("containerPort : %d\n", s.b.Ports[0]))
	case AppHello:
		s.plain(w, http.StatusOK, "Hello Kubernetes!\n")
	case AppHelloApp:
		s.line(s.env.Stderr, s.env.Now().UTC().Format("2006/01/02 15:04:05")+" Serving request: "+r.URL.Path)
		s.plain(w, http.StatusOK, fmt.Sprintf("Hello, world!\nVersion: %s\nHostname: %s\n", s.b.Version, s.env.Hostname))
	case AppNginx:
		s.nginx(w, r)
	case AppHttpd:
		s.httpd(w, r)
	default:
		http.NotFound(w, r)
	}
}

// plain answers the way the course's node apps do: a body and no
// Content-Type (node's res.end sends none, so nothing is sniffed either).
func (s *Server) plain(w http.ResponseWriter, code int, body string) {
	w.Header()["Content-Type"] = nil
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// kubetm is kubetm/app: its routes are the ones the course curls. /status500
// flips /health to 500 (the liveness-probe lesson); /status200 flips it back
// (a kubetour addition, so a lesson can heal a pod without a restart).
func (s *Server) kubetm(w http.ResponseWriter, r *http.Request) {
	host := s.env.Hostname
	switch r.URL.Path {
	case "/hostname":
		s.plain(w, http.StatusOK, "Hostname : "+host+"\n")
	case "/version":
		s.plain(w, http.StatusOK, "Version : "+s.b.Version+"\n")
	case "/health":
		if s.Healthy() {
			s.plain(w, http.StatusOK, host+" is Running\n")
		} else {
			s.plain(w, http.StatusInternalServerError, host+" is Unhealthy\n")
		}
	case "/status500":
		s.SetHealthy(false)
		s.plain(w, http.StatusOK, "Status Code has Changed to 500\n")
	case "/status200":
		s.SetHealthy(true)
		s.plain(w, http.StatusOK, "Status Code has Changed to 200\n")
	case "/":
		s.plain(w, http.StatusOK, fmt.Sprintf("kubetm/app %s on %s\nTry /hostname, /version, /health, /status500, /status200\n", s.b.Version, host))
	default:
		s.plain(w, http.StatusNotFound, "Not Found\n")
	}
}

// staticFile finds the file a web server sends for urlPath under root:
// the file itself, or a directory's index.html.
func (s *Server) staticFile(root, urlPath string) (data []byte, mod time.Time, status int) {
	if s.env.Files == nil {
		return nil, time.Time{}, http.StatusNotFound
	}
	name := path.Join(root, path.Clean("/"+urlPath))
	info, err := s.env.Files.Stat(name)
	if err != nil {
		return nil, time.Time{}, http.StatusNotFound
	}
	if info.IsDir() {
		name = path.Join(name, "index.html")
		if info, err = s.env.Files.Stat(name); err != nil {
			return nil, time.Time{}, http.StatusForbidden
		}
	}
	data, err = s.env.Files.ReadFile(name)
	if err != nil {
		return nil, time.Time{}, http.StatusForbidden
	}
	return data, info.ModTime(), http.StatusOK
}

func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func requestLine(r *http.Request) string {
	return fmt.Sprintf("%s %s %s", r.Method, r.URL.RequestURI(), r.Proto)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (s *Server) nginx(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "nginx/"+s.b.Version)
	const root = "/usr/share/nginx/html"
	var body []byte
	status := http.StatusOK
	if !s.Healthy() {
		status = http.StatusInternalServerError
	} else {
		var mod time.Time
		body, mod, status = s.staticFile(root, r.URL.Path)
		if status == http.StatusOK {
			w.Header().Set("Content-Type", contentType(r.URL.Path))
			w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
			w.Header()["ETag"] = []string{fmt.Sprintf(`"%x-%x"`, mod.Unix(), len(body))}
			w.Header().Set("Accept-Ranges", "bytes")
		}
	}
	if status != http.StatusOK {
		if status == http.StatusNotFound {
			s.line(s.env.Stderr, fmt.Sprintf(`%s [error] 29#29: *1 open() "%s" failed (2: No such file or directory), client: %s, server: localhost, request: "%s", host: "%s"`,
				s.env.Now().UTC().Format("2006/01/02 15:04:05"), path.Join(root, path.Clean("/"+r.URL.Path)), clientIP(r), requestLine(r), r.Host))
		}
		text := fmt.Sprintf("%d %s", status, http.StatusText(status))
		body = []byte(fmt.Sprintf("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx/%s</center>\r\n</body>\r\n</html>\r\n", text, text, s.b.Version))
		w.Header().Set("Content-Type", "text/html")
	}
	// The access line is written before the response, so that whoever
	// reads the response can already find it in the log.
	s.line(s.env.Stdout, fmt.Sprintf(`%s - - [%s] "%s" %d %d "%s" "%s" "-"`,
		clientIP(r), s.env.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"), requestLine(r), status, len(body),
		orDash(r.Referer()), orDash(r.UserAgent())))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func (s *Server) httpd(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "Apache/"+s.b.Version+" (Unix)")
	var body []byte
	status := http.StatusOK
	if !s.Healthy() {
		status = http.StatusInternalServerError
	} else {
		var mod time.Time
		body, mod, status = s.staticFile("/usr/local/apache2/htdocs", r.URL.Path)
		if status == http.StatusOK {
			w.Header().Set("Content-Type", contentType(r.URL.Path))
			w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
			w.Header().Set("Accept-Ranges", "bytes")
		}
	}
	if status != http.StatusOK {
		title := fmt.Sprintf("%d %s", status, http.StatusText(status))
		explain := map[int]string{
			http.StatusNotFound:            "The requested URL was not found on this server.",
			http.StatusForbidden:           "You don't have permission to access this resource.",
			http.StatusInternalServerError: "The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.",
		}[status]
		body = []byte(fmt.Sprintf("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>%s</title>\n</head><body>\n<h1>%s</h1>\n<p>%s</p>\n</body></html>\n", title, http.StatusText(status), explain))
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
	}
	s.line(s.env.Stdout, fmt.Sprintf(`%s - - [%s] "%s" %d %d`,
		clientIP(r), s.env.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"), requestLine(r), status, len(body)))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// contentType is the MIME type the two web servers' default configs give.
func contentType(p string) string {
	switch {
	case strings.HasSuffix(p, ".txt"):
		return "text/plain"
	case strings.HasSuffix(p, ".json"):
		return "application/json"
	case strings.HasSuffix(p, ".css"):
		return "text/css"
	case strings.HasSuffix(p, ".js"):
		return "application/javascript"
	case strings.HasSuffix(p, ".png"):
		return "image/png"
	case strings.HasSuffix(p, ".html"), strings.HasSuffix(p, ".htm"), strings.HasSuffix(p, "/"), path.Ext(p) == "":
		return "text/html"
	}
	return "application/octet-stream"
}
