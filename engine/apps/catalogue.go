package apps

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind says what an image's main program is.
type Kind string

const (
	// KindServer images listen on ports and answer HTTP (kubetm/app, nginx).
	KindServer Kind = "server"
	// KindShell images run a shell or a command and nothing else (busybox,
	// kubetm/init): what they do is their command.
	KindShell Kind = "shell"
	// KindDemo images are kubetour's lesson props (memory and CPU hogs).
	KindDemo Kind = "demo"
)

// App names the program an image runs, for servers and demos.
const (
	AppKubetm   = "kubetm-app" // kubetm/app: hostname, version, health toggle
	AppPort     = "port"       // kubetm/p8000, p8080: "containerPort : N"
	AppHello    = "hello"      // kubetm/hello: "Hello Kubernetes!"
	AppHelloApp = "hello-app"  // gcr.io/google-samples/hello-app
	AppNginx    = "nginx"
	AppHttpd    = "httpd"
	AppMemhog   = "memhog"  // allocates memory, then sleeps
	AppCPUBurn  = "cpuburn" // keeps CPUs busy
	AppStress   = "stress"  // polinux/stress: --vm-bytes, --cpu
)

// EnvVar is one environment variable of an image (Dockerfile ENV).
type EnvVar struct{ Name, Value string }

// Behaviour is everything kubetour knows about an image: what runs when a
// container starts, what it listens on, and the userland an exec finds.
type Behaviour struct {
	Ref  Ref
	Kind Kind
	// App is the program behind Programs (see the App… constants); "" for
	// plain shell images.
	App string
	// Entrypoint and Cmd are the image's ENTRYPOINT and CMD.
	Entrypoint, Cmd []string
	// Ports the App listens on, whatever the pod's containerPort says.
	Ports []int
	// Version of the App (or the distribution for shell images).
	Version    string
	Env        []EnvVar
	WorkingDir string
	Userland   Userland
	// Programs are the executables on the PATH that start App ("node",
	// "nginx", "/docker-entrypoint.sh" …).
	Programs []string
	// Size is the image size in bytes, for `kubectl describe` and pulls.
	Size int64
	// MemoryBase is the resident memory of the idle main program.
	MemoryBase int64
	// Files are image files beyond the userland's (web roots, configs).
	Files map[string]string
	// Emulated is always true here: the behaviour stands in for the image.
	Emulated bool
}

// Argv is the process a container runs, with Kubernetes' rules: command
// replaces ENTRYPOINT (and drops CMD), args replace CMD.
func (b Behaviour) Argv(command, args []string) []string {
	var argv []string
	switch {
	case len(command) > 0:
		argv = append(argv, command...)
		argv = append(argv, args...)
	case len(args) > 0:
		argv = append(argv, b.Entrypoint...)
		argv = append(argv, args...)
	default:
		argv = append(argv, b.Entrypoint...)
		argv = append(argv, b.Cmd...)
	}
	return argv
}

// IsProgram reports whether name (or its base name) starts the image's App.
func (b Behaviour) IsProgram(name string) bool {
	base := name[strings.LastIndex(name, "/")+1:]
	for _, p := range b.Programs {
		if p == name || p == base || strings.TrimPrefix(p, "/") == strings.TrimPrefix(name, "/") {
			return true
		}
	}
	return false
}

// Resolve finds the behaviour of an image. Unknown repositories and unknown
// tags of known ones are not found: the kubelet reports ErrImagePull, as a
// real cluster does for `nginx:1.161`.
func Resolve(image string) (Behaviour, bool) {
	ref, err := ParseRef(image)
	if err != nil {
		return Behaviour{}, false
	}
	fam, ok := families[ref.Repository()]
	if !ok {
		return Behaviour{}, false
	}
	tag := ref.Tag
	if tag == "" {
		tag = "latest" // digest-only references pin the latest behaviour
	}
	b, ok := fam(tag)
	if !ok {
		return Behaviour{}, false
	}
	b.Ref = ref
	b.Emulated = true
	return b, true
}

// KnownRepository reports whether the repository exists at all, so that a
// pull failure can say "not found" (bad tag) rather than "pull access
// denied" (no such repository), as registries answer.
func KnownRepository(image string) bool {
	ref, err := ParseRef(image)
	if err != nil {
		return false
	}
	_, ok := families[ref.Repository()]
	return ok
}

// PullFailure is the reason a registry gives for an image Resolve does not
// know, worded like containerd's through the CRI.
func PullFailure(image string) string {
	ref, err := ParseRef(image)
	if err != nil {
		return err.Error()
	}
	full := ref.String()
	if KnownRepository(image) {
		return fmt.Sprintf("rpc error: code = NotFound desc = failed to pull and unpack image %q: failed to resolve reference %q: %s: not found", full, full, full)
	}
	return fmt.Sprintf("rpc error: code = Unknown desc = failed to pull and unpack image %q: failed to resolve reference %q: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed", full, full)
}

type family func(tag string) (Behaviour, bool)

// families is the catalogue, keyed by familiar repository name.
var families = map[string]family{}

func init() {
	for _, prefix := range []string{"kubetm", "tmkube"} {
		families[prefix+"/app"] = kubetmApp
		families[prefix+"/p8000"] = portApp(8000)
		families[prefix+"/p8080"] = portApp(8080)
		families[prefix+"/hello"] = kubetmHello
		families[prefix+"/init"] = kubetmInit
	}
	families["nginx"] = nginxFamily
	families["httpd"] = httpdFamily
	families["busybox"] = busyboxFamily
	families["alpine"] = alpineFamily
	families["ubuntu"] = ubuntuFamily
	families["debian"] = debianFamily
	families["centos"] = centosFamily
	families["curlimages/curl"] = curlFamily
	families["gcr.io/google-samples/hello-app"] = helloAppFamily
	families["kubetour/memhog"] = demo(AppMemhog, []string{"memhog"}, []string{"200Mi"})
	families["kubetour/cpuburn"] = demo(AppCPUBurn, []string{"cpuburn"}, []string{"1"})
	families["polinux/stress"] = stressFamily
}

const mib = 1 << 20

// nodeUserland is the Debian of the node images the course's apps are
// built on: curl and wget are there, ps too.
func nodeUserland() Userland { return debian("9").with("7.52.1", "gnu", "procps", "") }

func kubetmApp(tag string) (Behaviour, bool) {
	version := map[string]string{"v1": "v1", "v2": "v2", "v3": "v3", "latest": "v1"}[tag]
	if version == "" {
		return Behaviour{}, false
	}
	return nodeServer(AppKubetm, 8080, version), true
}

func portApp(port int) family {
	return func(tag string) (Behaviour, bool) {
		if tag != "latest" {
			return Behaviour{}, false
		}
		return nodeServer(AppPort, port, "latest"), true
	}
}

func kubetmHello(tag string) (Behaviour, bool) {
	if tag != "latest" {
		return Behaviour{}, false
	}
	return nodeServer(AppHello, 8000, "latest"), true
}

func nodeServer(app string, port int, version string) Behaviour {
	return Behaviour{
		Kind: KindServer, App: app,
		Cmd:   []string{"node", "app.js"},
		Ports: []int{port}, Version: version,
		Env: []EnvVar{
			{"PATH", defaultPath},
			{"NODE_VERSION", "8.17.0"},
			{"YARN_VERSION", "1.22.4"},
		},
		Userland: nodeUserland(), Programs: []string{"node"},
		Size: 660 * mib, MemoryBase: 30 * mib,
	}
}

// kubetmInit is the course's CentOS utility image: it keeps running so
// that students can exec into it, and Jobs give it a command.
func kubetmInit(tag string) (Behaviour, bool) {
	if tag != "latest" {
		return Behaviour{}, false
	}
	return Behaviour{
		Kind:     KindShell,
		Cmd:      []string{"sleep", "infinity"},
		Version:  "7",
		Env:      []EnvVar{{"PATH", defaultPath}},
		Userland: centos("7").with("", "", "", "bind"),
		Size:     280 * mib, MemoryBase: mib / 2,
	}, true
}

// versionTable maps a release series ("1.25") to its last patch release.
type versionTable map[string]int

// resolveVersion turns a tag like "1", "1.25" or "1.25.3" into a full
// version the table knows, or "" if no such release exists.
func (t versionTable) resolveVersion(tag, latestSeries string) string {
	parts := strings.Split(tag, ".")
	switch len(parts) {
	case 1:
		if parts[0] != strings.Split(latestSeries, ".")[0] {
			return ""
		}
		return fmt.Sprintf("%s.%d", latestSeries, t[latestSeries])
	case 2:
		last, ok := t[tag]
		if !ok {
			return ""
		}
		return fmt.Sprintf("%s.%d", tag, last)
	case 3:
		last, ok := t[parts[0]+"."+parts[1]]
		n, err := strconv.Atoi(parts[2])
		if !ok || err != nil || n > last || strconv.Itoa(n) != parts[2] {
			return ""
		}
		return tag
	}
	return ""
}

var nginxVersions = versionTable{
	"1.7": 12, "1.8": 1, "1.9": 15, "1.10": 3, "1.11": 13, "1.12": 2, "1.13": 12,
	"1.14": 2, "1.15": 12, "1.16": 1, "1.17": 10, "1.18": 0, "1.19": 10, "1.20": 2,
	"1.21": 6, "1.22": 1, "1.23": 4, "1.24": 0, "1.25": 5, "1.26": 3, "1.27": 5,
	"1.28": 0, "1.29": 1,
}

var versionTagRE = regexp.MustCompile(`^([0-9][0-9.]*)(?:-(.+))?$`)

// splitVariant separates "1.25-alpine" into "1.25" and "alpine"; a bare
// word tag ("alpine", "stable") comes back as variant with no version.
func splitVariant(tag string) (version, variant string) {
	if m := versionTagRE.FindStringSubmatch(tag); m != nil {
		return strings.TrimSuffix(m[1], "."), m[2]
	}
	return "", tag
}

func nginxFamily(tag string) (Behaviour, bool) {
	version, variant := splitVariant(tag)
	switch version {
	case "":
		version, variant = "1.29.1", tag
		switch {
		case tag == "latest" || tag == "mainline":
			variant = ""
		case tag == "stable":
			version, variant = "1.28.0", ""
		case strings.HasPrefix(tag, "stable-"):
			version, variant = "1.28.0", strings.TrimPrefix(tag, "stable-")
		case strings.HasPrefix(tag, "mainline-"):
			variant = strings.TrimPrefix(tag, "mainline-")
		}
	default:
		version = nginxVersions.resolveVersion(version, "1.29")
	}
	if version == "" {
		return Behaviour{}, false
	}
	var u Userland
	switch variant {
	case "", "perl", "bookworm", "bullseye", "bookworm-perl", "bullseye-perl", "otel":
		u = debian("12").with("7.88.1", "", "", "")
		if variant == "bullseye" || variant == "bullseye-perl" {
			u = debian("11").with("7.74.0", "", "", "")
		}
	case "alpine", "alpine-slim", "alpine-perl", "alpine-otel":
		u = alpine("3.21.3").with("8.12.1", "", "", "")
	default:
		return Behaviour{}, false
	}
	return Behaviour{
		Kind: KindServer, App: AppNginx,
		Entrypoint: []string{"/docker-entrypoint.sh"},
		Cmd:        []string{"nginx", "-g", "daemon off;"},
		Ports:      []int{80}, Version: version,
		Env: []EnvVar{
			{"PATH", defaultPath},
			{"NGINX_VERSION", version},
			{"NJS_VERSION", "0.8.4"},
			{"PKG_RELEASE", "1~bookworm"},
		},
		Userland: u,
		Programs: []string{"/docker-entrypoint.sh", "nginx"},
		Size:     188 * mib, MemoryBase: 3 * mib,
		Files: nginxFiles(version),
	}, true
}

var httpdVersions = versionTable{"2.2": 34, "2.4": 63}

func httpdFamily(tag string) (Behaviour, bool) {
	version, variant := splitVariant(tag)
	if version == "" {
		version, variant = "2.4.63", ""
		switch tag {
		case "latest":
		case "alpine":
			variant = "alpine"
		default:
			return Behaviour{}, false
		}
	} else if version = httpdVersions.resolveVersion(version, "2.4"); version == "" {
		return Behaviour{}, false
	}
	u := debian("12")
	switch variant {
	case "", "bookworm":
	case "alpine":
		u = alpine("3.21.3")
	default:
		return Behaviour{}, false
	}
	return Behaviour{
		Kind: KindServer, App: AppHttpd,
		Cmd:   []string{"httpd-foreground"},
		Ports: []int{80}, Version: version,
		Env: []EnvVar{
			{"PATH", "/usr/local/apache2/bin:" + defaultPath},
			{"HTTPD_PREFIX", "/usr/local/apache2"},
			{"HTTPD_VERSION", version},
		},
		WorkingDir: "/usr/local/apache2",
		Userland:   u, Programs: []string{"httpd-foreground", "httpd"},
		Size: 148 * mib, MemoryBase: 5 * mib,
		Files: map[string]string{
			"/usr/local/apache2/htdocs/index.html": "<html><body><h1>It works!</h1></body></html>\n",
		},
	}, true
}

var busyboxVersions = versionTable{
	"1.27": 2, "1.28": 4, "1.29": 3, "1.30": 1, "1.31": 1, "1.32": 1, "1.33": 1,
	"1.34": 1, "1.35": 0, "1.36": 1, "1.37": 0,
}

func busyboxFamily(tag string) (Behaviour, bool) {
	version, variant := splitVariant(tag)
	switch {
	case version == "" && (tag == "latest" || tag == "musl" || tag == "glibc" || tag == "uclibc"):
		version = "1.37.0"
	case version == "" && (tag == "stable" || strings.HasPrefix(tag, "stable-")):
		version = "1.36.1"
	case version != "":
		if variant != "" && variant != "musl" && variant != "glibc" && variant != "uclibc" {
			return Behaviour{}, false
		}
		version = busyboxVersions.resolveVersion(version, "1.37")
	}
	if version == "" {
		return Behaviour{}, false
	}
	return shellImage([]string{"sh"}, version, busybox(), 4*mib), true
}

func alpineFamily(tag string) (Behaviour, bool) {
	version := ""
	switch {
	case tag == "latest":
		version = "3.21.3"
	case tag == "edge":
		version = "3.22_alpha20250108"
	default:
		m := regexp.MustCompile(`^3\.([0-9]|1[0-9]|2[0-2])(?:\.([0-9]|1[0-9]))?$`).FindStringSubmatch(tag)
		if m == nil {
			return Behaviour{}, false
		}
		version = tag
		if m[2] == "" {
			version = tag + ".0"
		}
	}
	return shellImage([]string{"/bin/sh"}, version, alpine(version), 8*mib), true
}

var ubuntuAliases = map[string]string{
	"latest": "24.04", "rolling": "24.04", "xenial": "16.04", "bionic": "18.04",
	"focal": "20.04", "jammy": "22.04", "noble": "24.04",
}

func ubuntuFamily(tag string) (Behaviour, bool) {
	release := tag
	if a, ok := ubuntuAliases[tag]; ok {
		release = a
	}
	if _, ok := ubuntuNames[release]; !ok {
		return Behaviour{}, false
	}
	return shellImage([]string{"/bin/bash"}, release, ubuntu(release), 78*mib), true
}

func debianFamily(tag string) (Behaviour, bool) {
	release := strings.TrimSuffix(tag, "-slim")
	switch release {
	case "latest", "stable":
		release = "12"
	}
	for n, name := range debianNames {
		if release == name {
			release = n
		}
	}
	if _, ok := debianNames[release]; !ok {
		return Behaviour{}, false
	}
	return shellImage([]string{"bash"}, release, debian(release), 117*mib), true
}

func centosFamily(tag string) (Behaviour, bool) {
	major := map[string]string{
		"latest": "8", "8": "8", "centos8": "8", "8.4.2105": "8",
		"7": "7", "centos7": "7", "7.9.2009": "7",
	}[tag]
	if major == "" {
		return Behaviour{}, false
	}
	return shellImage([]string{"/bin/bash"}, major, centos(major), 204*mib), true
}

func shellImage(cmd []string, version string, u Userland, size int64) Behaviour {
	return Behaviour{
		Kind: KindShell, Cmd: cmd, Version: version,
		Env:      []EnvVar{{"PATH", u.Path}},
		Userland: u, Size: size, MemoryBase: mib / 2,
	}
}

func curlFamily(tag string) (Behaviour, bool) {
	if tag != "latest" && !regexp.MustCompile(`^8\.[0-9]+\.[0-9]+$`).MatchString(tag) {
		return Behaviour{}, false
	}
	version := "8.12.1"
	if tag != "latest" {
		version = tag
	}
	b := shellImage([]string{"curl"}, version, alpine("3.21.3").with(version, "", "", ""), 22*mib)
	b.Entrypoint = []string{"/entrypoint.sh"}
	b.Programs = []string{"/entrypoint.sh"}
	return b, true
}

func helloAppFamily(tag string) (Behaviour, bool) {
	version := map[string]string{"1.0": "1.0.0", "2.0": "2.0.0"}[tag]
	if version == "" {
		return Behaviour{}, false
	}
	return Behaviour{
		Kind: KindServer, App: AppHelloApp,
		Entrypoint: []string{"/hello-app"},
		Ports:      []int{8080}, Version: version,
		Env:      []EnvVar{{"PATH", defaultPath}},
		Userland: alpine("3.21.3"), Programs: []string{"/hello-app"},
		Size: 10 * mib, MemoryBase: 5 * mib,
	}, true
}

func demo(app string, entry, cmd []string) family {
	return func(tag string) (Behaviour, bool) {
		if tag != "latest" {
			return Behaviour{}, false
		}
		return Behaviour{
			Kind: KindDemo, App: app, Entrypoint: entry, Cmd: cmd, Version: "latest",
			Env:      []EnvVar{{"PATH", defaultPath}},
			Userland: busybox(), Programs: entry,
			Size: 12 * mib, MemoryBase: mib,
		}, true
	}
}

func stressFamily(tag string) (Behaviour, bool) {
	if tag != "latest" {
		return Behaviour{}, false
	}
	return Behaviour{
		Kind: KindDemo, App: AppStress, Cmd: []string{"stress", "--help"}, Version: "1.0.4",
		Env:      []EnvVar{{"PATH", defaultPath}},
		Userland: alpine("3.8.5"), Programs: []string{"stress"},
		Size: 9 * mib, MemoryBase: mib / 2,
	}, true
}
