package apps

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseRef(t *testing.T) {
	tests := map[string]struct {
		in       string
		full     string
		familiar string
		err      string
	}{
		"short name":         {in: "nginx", full: "docker.io/library/nginx:latest", familiar: "nginx:latest"},
		"qualified library":  {in: "docker.io/library/nginx:1.25", full: "docker.io/library/nginx:1.25", familiar: "nginx:1.25"},
		"index host":         {in: "index.docker.io/library/busybox", full: "docker.io/library/busybox:latest", familiar: "busybox:latest"},
		"user repository":    {in: "kubetm/app:v1", full: "docker.io/kubetm/app:v1", familiar: "kubetm/app:v1"},
		"other registry":     {in: "gcr.io/google-samples/hello-app:1.0", full: "gcr.io/google-samples/hello-app:1.0", familiar: "gcr.io/google-samples/hello-app:1.0"},
		"registry with port": {in: "localhost:5000/app", full: "localhost:5000/app:latest", familiar: "localhost:5000/app:latest"},
		"digest": {in: "nginx@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			full:     "docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			familiar: "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		"uppercase":  {in: "NGINX", err: "invalid reference format: repository name (library/NGINX) must be lowercase"},
		"empty":      {in: "", err: "invalid reference format"},
		"bad tag":    {in: "nginx:-x", err: "invalid reference format"},
		"spaces":     {in: "nginx latest", err: "invalid reference format"},
		"double dot": {in: "ngi..nx", err: "invalid reference format"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := ParseRef(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err || !errors.Is(err, ErrInvalidReference) {
					t.Fatalf("got %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil || r.String() != tc.full || r.Familiar() != tc.familiar {
				t.Fatalf("got %q %q %v", r.String(), r.Familiar(), err)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	tests := map[string]struct {
		image   string
		found   bool
		kind    Kind
		version string
		ports   []int
		argv    []string
		curl    string
	}{
		"kubetm/app v1":       {image: "kubetm/app:v1", found: true, kind: KindServer, version: "v1", ports: []int{8080}, argv: []string{"node", "app.js"}, curl: "7.52.1"},
		"kubetm/app untagged": {image: "kubetm/app", found: true, kind: KindServer, version: "v1", ports: []int{8080}, argv: []string{"node", "app.js"}, curl: "7.52.1"},
		"old tmkube name":     {image: "tmkube/app:v2", found: true, kind: KindServer, version: "v2", ports: []int{8080}, argv: []string{"node", "app.js"}, curl: "7.52.1"},
		"p8080":               {image: "kubetm/p8080", found: true, kind: KindServer, version: "latest", ports: []int{8080}, argv: []string{"node", "app.js"}, curl: "7.52.1"},
		"kubetm/init":         {image: "docker.io/kubetm/init:latest", found: true, kind: KindShell, version: "7", argv: []string{"sleep", "infinity"}, curl: "7.29.0"},
		"nginx minor":         {image: "nginx:1.25", found: true, kind: KindServer, version: "1.25.5", ports: []int{80}, argv: []string{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}, curl: "7.88.1"},
		"nginx docs version":  {image: "nginx:1.14.2", found: true, kind: KindServer, version: "1.14.2", ports: []int{80}, argv: []string{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}, curl: "7.88.1"},
		"nginx alpine":        {image: "nginx:1.27-alpine", found: true, kind: KindServer, version: "1.27.5", ports: []int{80}, argv: []string{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}, curl: "8.12.1"},
		"nginx typo tag":      {image: "nginx:1.161"},
		"nginx future patch":  {image: "nginx:1.25.99"},
		"httpd":               {image: "httpd:2.4", found: true, kind: KindServer, version: "2.4.63", ports: []int{80}, argv: []string{"httpd-foreground"}},
		"busybox docs tag":    {image: "busybox:1.28", found: true, kind: KindShell, version: "1.28.4", argv: []string{"sh"}},
		"alpine":              {image: "alpine:3.19", found: true, kind: KindShell, version: "3.19.0", argv: []string{"/bin/sh"}},
		"ubuntu code name":    {image: "ubuntu:jammy", found: true, kind: KindShell, version: "22.04", argv: []string{"/bin/bash"}},
		"debian slim":         {image: "debian:bookworm-slim", found: true, kind: KindShell, version: "12", argv: []string{"bash"}},
		"centos 7":            {image: "centos:7", found: true, kind: KindShell, version: "7", argv: []string{"/bin/bash"}, curl: "7.29.0"},
		"memhog":              {image: "kubetour/memhog", found: true, kind: KindDemo, version: "latest", argv: []string{"memhog", "200Mi"}},
		"unknown repository":  {image: "example/nothing"},
		"invalid":             {image: "NGINX"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b, ok := Resolve(tc.image)
			if ok != tc.found {
				t.Fatalf("found=%v", ok)
			}
			if !ok {
				return
			}
			if b.Kind != tc.kind || b.Version != tc.version || !reflect.DeepEqual(b.Ports, tc.ports) ||
				!reflect.DeepEqual(b.Argv(nil, nil), tc.argv) || b.Userland.Curl != tc.curl || !b.Emulated {
				t.Errorf("got kind=%s version=%s ports=%v argv=%q curl=%q", b.Kind, b.Version, b.Ports, b.Argv(nil, nil), b.Userland.Curl)
			}
		})
	}
}

func TestArgv(t *testing.T) {
	b, _ := Resolve("nginx")
	tests := map[string]struct {
		command, args, want []string
	}{
		"image defaults":       {want: []string{"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}},
		"args replace CMD":     {args: []string{"nginx", "-v"}, want: []string{"/docker-entrypoint.sh", "nginx", "-v"}},
		"command replaces all": {command: []string{"sh", "-c"}, args: []string{"echo hi"}, want: []string{"sh", "-c", "echo hi"}},
		"command alone":        {command: []string{"sleep", "10"}, want: []string{"sleep", "10"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := b.Argv(tc.command, tc.args); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestPullFailure(t *testing.T) {
	tests := map[string]struct{ image, want string }{
		"bad tag": {"nginx:1.161", `rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": docker.io/library/nginx:1.161: not found`},
		"no repo": {"kubetm/nope", `rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/kubetm/nope:latest": failed to resolve reference "docker.io/kubetm/nope:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := PullFailure(tc.image); got != tc.want {
				t.Errorf("got %s", got)
			}
		})
	}
}
