package shell

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"kubetour/engine/apps"
)

func TestScripts(t *testing.T) {
	tests := map[string]struct {
		image   string
		script  string
		out     string
		err     string
		code    int
		elapsed time.Duration
	}{
		"job command of the course": {
			image: "kubetm/init", script: "echo 'job start';sleep 20; echo 'job end'",
			out: "job start\njob end\n", elapsed: 20 * time.Second,
		},
		"variables and defaults": {
			image: "busybox", script: `A=1; B=""; echo $A ${B:-def} "${A}x" '$A' ${#HOSTNAME}`,
			out: "1 def 1x $A 5\n",
		},
		"for loop": {
			image: "busybox", script: "for i in a b c; do echo -n $i; done; echo",
			out: "abc\n",
		},
		"while with arithmetic": {
			image: "busybox", script: "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); sleep 1; done",
			out: "0\n1\n2\n", elapsed: 3 * time.Second,
		},
		"if elif else": {
			image: "busybox", script: "if [ -f /nope ]; then echo a; elif [ -d /etc ]; then echo b; else echo c; fi",
			out: "b\n",
		},
		"and or": {
			image: "busybox", script: "false && echo a || echo b; true || echo c; true && echo d",
			out: "b\nd\n",
		},
		"pipeline": {
			image: "busybox", script: "printf 'a\\nbb\\nab\\n' | grep a | wc -l",
			out: "2\n",
		},
		"redirections": {
			image: "busybox", script: "echo hi > /tmp/x; echo more >> /tmp/x; cat /tmp/x; cat /nope 2>&1; echo $?",
			out: "hi\nmore\ncat: /nope: No such file or directory\n1\n",
		},
		"command substitution with date": {
			image: "busybox", script: `echo "now: $(date) on $(hostname)"; echo "$(date +%Y-%m-%dT%H:%M:%S)"`,
			out: "now: Thu Jan  1 00:00:00 UTC 2026 on pod-1\n2026-01-01T00:00:00\n",
		},
		"date follows the clock": {
			image: "busybox", script: "sleep 90; date +%T",
			out: "00:01:30\n", elapsed: 90 * time.Second,
		},
		"exit code": {
			image: "busybox", script: "echo bye; exit 3; echo never",
			out: "bye\n", code: 3,
		},
		"set -e stops at the first failure": {
			image: "busybox", script: "set -e; echo a; false; echo b",
			out: "a\n", code: 1,
		},
		"unknown command in busybox": {
			image: "busybox", script: "foo", err: "sh: foo: not found\n", code: 127,
		},
		"unknown command in centos": {
			image: "kubetm/init", script: "foo", err: "sh: foo: command not found\n", code: 127,
		},
		"unknown command in debian": {
			image: "nginx", script: "foo", err: "sh: 1: foo: not found\n", code: 127,
		},
		"curl is not in busybox": {
			image: "busybox", script: "curl localhost", err: "sh: curl: not found\n", code: 127,
		},
		"syntax error in bash": {
			image: "kubetm/init", script: "while true; do; done", code: 2,
			err: "sh: -c: line 0: syntax error near unexpected token `;'\nsh: -c: line 0: `while true; do; done'\n",
		},
		"syntax error in ash": {
			image: "busybox", script: "if true; then echo", code: 2,
			err: "sh: syntax error: unexpected end of file\n",
		},
		"env shows the environment": {
			image: "busybox", script: "export SSH=false; env",
			out: "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=pod-1\nHOME=/root\nSSH=false\n",
		},
		"mounted configmap file": {
			image: "kubetm/init", script: "cat /mount/file-c.txt; echo x > /mount/new",
			out: "Content\n", err: "sh: /mount/new: Read-only file system\n", code: 1,
		},
		"files": {
			image: "busybox", script: "mkdir -p /data/a/b && touch /data/a/f && ls /data/a; rm /data/a; rm -r /data/a && ls /data",
			out: "b\nf\n", err: "rm: '/data/a' is a directory\n",
		},
		"gnu messages": {
			image: "debian", script: "ls /nope; mkdir /tmp; rm /nope",
			err: "ls: cannot access '/nope': No such file or directory\nmkdir: cannot create directory '/tmp': File exists\nrm: cannot remove '/nope': No such file or directory\n", code: 1,
		},
		"uname and id": {
			image: "kubetm/init", script: "uname; uname -r; id; whoami",
			out: "Linux\n6.8.0-test\nuid=0(root) gid=0(root) groups=0(root)\nroot\n",
		},
		"hostname -i reads /etc/hosts": {
			image: "busybox", script: "hostname -i", out: "10.244.1.5\n",
		},
		"glob": {
			image: "busybox", script: "cd /etc && echo host* && echo /etc/res*.conf && echo nomatch*",
			out: "hostname hosts\n/etc/resolv.conf\nnomatch*\n",
		},
		"mount lists the volumes": {
			image: "kubetm/init", script: "mount | grep mount",
			out: "/dev/sda1 on /mount type ext4 (ro,relatime)\n",
		},
		"tail -f /dev/null blocks": {
			image: "busybox", script: "echo up; tail -f /dev/null", out: "up\n",
		},
		"break and continue": {
			image: "busybox", script: "for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done",
			out: "1\n3\n",
		},
		"parameter trimming": {
			image: "busybox", script: `f=/mount/file-c.txt; echo ${f##*/} ${f%.txt} ${f#/}`,
			out: "file-c.txt /mount/file-c mount/file-c.txt\n",
		},
		"printf": {
			image: "busybox", script: `printf '%s=%03d|%-4s|\n' a 7 b c 9 d`,
			out: "a=007|b   |\nc=009|d   |\n",
		},
		"nested sh -c": {
			image: "busybox", script: `sh -c 'echo inner $0 $1' name arg; echo outer`,
			out: "inner name arg\nouter\n",
		},
		"exit in subshell": {
			image: "busybox", script: `(exit 4); echo $?; x=$(echo a; exit 2); echo "$x $?"`,
			out: "4\na 2\n",
		},
		"ps in busybox": {
			image: "busybox", script: "ps",
			out: "PID   USER     TIME  COMMAND\n    1 root      0:00 sleep infinity\n    2 root      0:00 ps\n",
		},
		"ps -ef in centos": {
			image: "kubetm/init", script: "ps -ef",
			out: "UID        PID  PPID  C STIME TTY          TIME CMD\nroot         1     0  0 00:00 ?        00:00:00 sleep infinity\nroot         2     1  0 00:00 ?        00:00:00 ps -ef\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img := image(t, tc.image)
			sys := newFakeSys(t, img)
			r := run(t, sys, img, []string{"sh", "-c", tc.script}, false)
			if r.out != tc.out || r.err != tc.err || r.code != tc.code || r.elapsed != tc.elapsed {
				t.Errorf("got out=%q err=%q code=%d elapsed=%v\nwant out=%q err=%q code=%d elapsed=%v",
					r.out, r.err, r.code, r.elapsed, tc.out, tc.err, tc.code, tc.elapsed)
			}
		})
	}
}

func TestNetworkTools(t *testing.T) {
	app := image(t, "kubetm/app:v2")
	tests := map[string]struct {
		image  string
		script string
		out    string
		err    string
		code   int
	}{
		"curl a pod by ip": {
			image: "kubetm/init", script: "curl 10.244.1.7:8080/hostname",
			out: "Hostname : pod-2\n",
		},
		"curl a service by name": {
			image: "kubetm/init", script: "curl -s web:80/version",
			out: "Version : v2\n",
		},
		"curl localhost on another port": {
			image: "nginx", script: "curl -s -o /dev/null -w '%{http_code}' localhost:8080/health",
			out: "200",
		},
		"curl refused in centos 7 wording": {
			image: "kubetm/init", script: "curl 10.244.1.9:80",
			err: "curl: (7) Failed connect to 10.244.1.9:80; Connection refused\n", code: 7,
		},
		"curl refused in modern wording": {
			image: "nginx", script: "curl 10.96.0.5:81",
			err: "curl: (7) Failed to connect to 10.96.0.5 port 81 after 0 ms: Couldn't connect to server\n", code: 7,
		},
		"curl cannot resolve": {
			image: "nginx", script: "curl http://nope/",
			err: "curl: (6) Could not resolve host: nope\n", code: 6,
		},
		"curl cannot resolve in centos 7 wording": {
			image: "kubetm/init", script: "curl nope",
			err: "curl: (6) Could not resolve host: nope; Unknown error\n", code: 6,
		},
		"curl -s hides errors": {
			image: "nginx", script: "curl -s nope; echo $?", out: "6\n",
		},
		"curl -f on a 500": {
			image: "nginx", script: "curl -sSf localhost:8080/status500 >/dev/null; curl -sf localhost:8080/health; echo $?",
			out: "22\n",
		},
		"curl loop with sleep": {
			image: "kubetm/init", script: "for i in 1 2; do curl -s web/version; sleep 1; done",
			out: "Version : v2\nVersion : v2\n",
		},
		"wget in busybox": {
			image: "busybox", script: "wget -qO- http://10.244.1.7:8080/hostname; wget -qO- nope",
			out: "Hostname : pod-2\n", err: "wget: bad address 'nope'\n", code: 1,
		},
		"nslookup in centos": {
			image: "kubetm/init", script: "nslookup web",
			out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.0.5\n\n",
		},
		"nslookup failure in busybox": {
			image: "busybox", script: "nslookup nope",
			out: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope: NXDOMAIN\n\n", code: 1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			img := image(t, tc.image)
			sys := newFakeSys(t, img)
			pod2 := apps.NewServer(app, apps.AppEnv{Hostname: "pod-2", Now: func() time.Time { return t0 }})
			self := apps.NewServer(app, apps.AppEnv{Hostname: "pod-1", Now: func() time.Time { return t0 }})
			sys.servers["10.244.1.7:8080"] = pod2
			sys.servers["10.96.0.5:80"] = pod2
			sys.servers["10.244.1.5:8080"] = self
			r := run(t, sys, img, []string{"sh", "-c", tc.script}, false)
			if r.out != tc.out || r.err != tc.err || r.code != tc.code {
				t.Errorf("got out=%q err=%q code=%d\nwant out=%q err=%q code=%d", r.out, r.err, r.code, tc.out, tc.err, tc.code)
			}
		})
	}
}

func TestCurlVerbose(t *testing.T) {
	img := image(t, "nginx:1.25")
	sys := newFakeSys(t, img)
	var h http.Handler = apps.NewServer(img, apps.AppEnv{Hostname: "pod-1", Now: func() time.Time { return t0 }, Files: sys.fs})
	sys.servers["10.244.1.5:80"] = h
	r := run(t, sys, img, []string{"curl", "-sv", "localhost/x"}, true)
	want := "*   Trying localhost:80...\n* Connected to localhost (10.244.1.5) port 80\n> GET /x HTTP/1.1\n> Host: localhost\n> User-Agent: curl/7.88.1\n> Accept: */*\n> \n" +
		"< HTTP/1.1 404 Not Found\r\n< Content-Length: 153\r\n< Content-Type: text/html\r\n< Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n< Server: nginx/1.25.5\n< \n* Connection #0 to host localhost left intact\n"
	if r.err != strings.ReplaceAll(want, "\r", "") {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.err, want)
	}
	if !strings.Contains(r.out, "<center><h1>404 Not Found</h1></center>") || r.code != 0 {
		t.Errorf("out %q code %d", r.out, r.code)
	}
}
