package apps

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// mapFiles adapts fstest.MapFS to FileReader (absolute paths).
type mapFiles fstest.MapFS

func (m mapFiles) ReadFile(name string) ([]byte, error) {
	return fs.ReadFile(fstest.MapFS(m), name[1:])
}
func (m mapFiles) Stat(name string) (fs.FileInfo, error) {
	if name == "/" {
		name = "/."
	}
	return fs.Stat(fstest.MapFS(m), name[1:])
}

func TestServers(t *testing.T) {
	files := mapFiles{}
	for _, img := range []string{"nginx:1.25", "httpd"} {
		b, _ := Resolve(img)
		for p, c := range b.Files {
			files[p[1:]] = &fstest.MapFile{Data: []byte(c), ModTime: t0}
		}
	}
	tests := map[string]struct {
		image    string
		requests []string // paths, in order
		status   int      // of the last
		body     string   // of the last
		header   string   // Server header of the last
		stdout   string
	}{
		"hostname":       {image: "kubetm/app:v1", requests: []string{"/hostname"}, status: 200, body: "Hostname : pod-1\n"},
		"version v2":     {image: "kubetm/app:v2", requests: []string{"/version"}, status: 200, body: "Version : v2\n"},
		"health":         {image: "kubetm/app", requests: []string{"/health"}, status: 200, body: "pod-1 is Running\n"},
		"status500":      {image: "kubetm/app", requests: []string{"/status500"}, status: 200, body: "Status Code has Changed to 500\n"},
		"health after":   {image: "kubetm/app", requests: []string{"/status500", "/health"}, status: 500, body: "pod-1 is Unhealthy\n"},
		"healed":         {image: "kubetm/app", requests: []string{"/status500", "/status200", "/health"}, status: 200, body: "pod-1 is Running\n"},
		"p8000":          {image: "kubetm/p8000", requests: []string{"/"}, status: 200, body: "containerPort : 8000\n"},
		"hello":          {image: "kubetm/hello", requests: []string{"/"}, status: 200, body: "Hello Kubernetes!\n"},
		"hello-app":      {image: "gcr.io/google-samples/hello-app:2.0", requests: []string{"/"}, status: 200, body: "Hello, world!\nVersion: 2.0.0\nHostname: pod-1\n"},
		"httpd it works": {image: "httpd", requests: []string{"/"}, status: 200, body: "<html><body><h1>It works!</h1></body></html>\n", header: "Apache/2.4.63 (Unix)", stdout: "10.244.0.1 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 45\n"},
		"nginx welcome": {image: "nginx:1.25", requests: []string{"/"}, status: 200, body: nginxWelcome, header: "nginx/1.25.5",
			stdout: "10.244.0.1 - - [01/Jan/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\" \"-\"\n"},
		"nginx 404": {image: "nginx:1.25", requests: []string{"/nope"}, status: 404,
			body:   "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.5</center>\r\n</body>\r\n</html>\r\n",
			header: "nginx/1.25.5", stdout: "10.244.0.1 - - [01/Jan/2026:00:00:00 +0000] \"GET /nope HTTP/1.1\" 404 153 \"-\" \"curl/8.5.0\" \"-\"\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, ok := Resolve(tc.image)
			if !ok {
				t.Fatal("not found")
			}
			var stdout bytes.Buffer
			h := NewServer(b, AppEnv{Hostname: "pod-1", IP: "10.244.0.5", Now: func() time.Time { return t0 }, Files: files, Stdout: &stdout})
			var rec *httptest.ResponseRecorder
			for _, p := range tc.requests {
				stdout.Reset()
				req := httptest.NewRequest("GET", p, nil)
				req.RemoteAddr = "10.244.0.1:40000"
				req.Header.Set("User-Agent", "curl/8.5.0")
				rec = httptest.NewRecorder()
				h.ServeHTTP(rec, req)
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body || rec.Header().Get("Server") != tc.header || stdout.String() != tc.stdout {
				t.Errorf("got %d %q server=%q log=%q", rec.Code, rec.Body.String(), rec.Header().Get("Server"), stdout.String())
			}
			if d := rec.Header().Get("Date"); d != "Thu, 01 Jan 2026 00:00:00 GMT" {
				t.Errorf("Date %q does not follow the cluster clock", d)
			}
		})
	}
}

func TestHealthSwitch(t *testing.T) {
	b, _ := Resolve("nginx")
	s := NewServer(b, AppEnv{}).(*Server)
	s.SetHealthy(false)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusInternalServerError || s.Healthy() {
		t.Errorf("got %d", rec.Code)
	}
}

func TestStartLogs(t *testing.T) {
	b, _ := Resolve("httpd:2.4.62")
	var errb bytes.Buffer
	s := NewServer(b, AppEnv{IP: "10.244.0.5", Now: func() time.Time { return t0 }, Stderr: &errb}).(*Server)
	s.Start()
	s.Stop()
	want := "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.0.5. Set the 'ServerName' directive globally to suppress this message\n" +
		"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.0.5. Set the 'ServerName' directive globally to suppress this message\n" +
		"[Thu Jan 01 00:00:00.000000 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations\n" +
		"[Thu Jan 01 00:00:00.000000 2026] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'\n" +
		"[Thu Jan 01 00:00:00.000000 2026] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, shutting down gracefully\n"
	if errb.String() != want {
		t.Errorf("got:\n%s", errb.String())
	}
}
