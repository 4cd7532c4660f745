package shell

import (
	"path"
	"strings"

	"kubetour/engine/apps"
	"kubetour/engine/apps/memfs"
)

// programPaths are where images keep their main programs.
var programPaths = map[string]string{
	"node":             "/usr/local/bin/node",
	"nginx":            "/usr/sbin/nginx",
	"httpd":            "/usr/local/apache2/bin/httpd",
	"httpd-foreground": "/usr/local/bin/httpd-foreground",
	"stress":           "/usr/bin/stress",
}

// PopulateRootFS writes an image's file system into t: the usual
// directories, /etc files, the image's files, and an executable stub for
// every tool and program the image has, where a real image keeps it.
func PopulateRootFS(t *memfs.Tree, b apps.Behaviour) {
	for _, d := range []string{"/bin", "/dev", "/etc", "/home", "/lib", "/media", "/mnt", "/opt",
		"/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr/bin", "/usr/lib",
		"/usr/local/bin", "/usr/sbin", "/usr/share", "/var/log", "/var/tmp"} {
		t.MkdirAll(d)
	}
	t.SetNull("/dev/null")
	u := b.Userland
	if u.OSRelease != "" {
		t.WriteFile("/etc/os-release", []byte(u.OSRelease), 0o644)
	}
	switch u.ID {
	case "centos":
		t.WriteFile("/etc/centos-release", []byte("CentOS Linux release "+map[bool]string{true: "8.4.2105", false: "7.9.2009"}[strings.Contains(u.OSRelease, `VERSION_ID="8"`)]+" (Core)\n"), 0o644)
	case "alpine":
		t.WriteFile("/etc/alpine-release", []byte(b.Version+"\n"), 0o644)
	}
	login := "/bin/bash"
	if !u.Bash {
		login = "/bin/sh"
	}
	t.WriteFile("/etc/passwd", []byte("root:x:0:0:root:/root:"+login+"\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"), 0o644)
	t.WriteFile("/etc/group", []byte("root:x:0:\n"), 0o644)

	place := func(tool, dir string) {
		if u.Coreutils == "busybox" {
			dir = "/bin"
		}
		t.WriteFile(path.Join(dir, tool), Stub(tool), 0o755)
	}
	for tool, dir := range coreTools {
		place(tool, dir)
	}
	for tool, dir := range optionalTools {
		if u.Has(tool) {
			place(tool, dir)
		}
	}
	place("sh", "/bin")
	if u.Bash {
		place("bash", "/bin")
	}
	if u.Sh == "ash" {
		place("ash", "/bin")
	}
	for _, p := range b.Programs {
		file := p
		if !strings.HasPrefix(p, "/") {
			if file = programPaths[p]; file == "" {
				file = "/usr/local/bin/" + p
			}
		}
		t.WriteFile(file, Stub(strings.TrimPrefix(p, "/")), 0o755)
	}
	for name, content := range b.Files {
		t.WriteFile(name, []byte(content), 0o644)
	}
	if b.WorkingDir != "" {
		t.MkdirAll(b.WorkingDir)
	}
}
