package apps

import (
	"fmt"
	"strings"
)

// Userland is what an image ships besides its main program: the shell
// that /bin/sh is, the tools on its PATH and how they word things. It is
// why `kubectl exec busybox -- curl` fails while wget works, and why the
// course's kubetm/init prompt reads "[root@pod-1 /]#".
type Userland struct {
	ID string // "centos", "debian", "ubuntu", "alpine", "busybox"
	// Sh is the dialect of /bin/sh: "bash" (CentOS), "dash" (Debian,
	// Ubuntu) or "ash" (BusyBox, Alpine). Error messages follow it.
	Sh string
	// Bash says whether /bin/bash exists.
	Bash bool
	// BashVersion is printed in the sh-as-bash prompt ("sh-4.2# ").
	BashVersion string
	// PS1Bash and PS1Sh are the interactive prompts, in bash's escapes
	// (\u user, \h host, \w cwd, \W its last element, \$ '#' for root).
	PS1Bash, PS1Sh string
	// Curl is the curl version on the PATH, "" if the image has no curl.
	// Its wording changed over the years; the shell follows the version.
	Curl string
	// Wget, Nslookup and Ps name the flavour of those tools: "busybox",
	// "gnu"/"bind"/"procps", or "" when the image lacks them.
	Wget, Nslookup, Ps string
	// Coreutils is "gnu" or "busybox": ls, rm, cat … word errors after it.
	Coreutils string
	// OSRelease is /etc/os-release ("" when the image has none, as busybox).
	OSRelease string
	// Path is the default PATH.
	Path string
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func centos(major string) Userland {
	bash, curl := "4.2", "7.29.0"
	if major == "8" {
		bash, curl = "4.4", "7.61.1"
	}
	return Userland{
		ID: "centos", Sh: "bash", Bash: true, BashVersion: bash,
		PS1Bash: `[\u@\h \W]\$ `, PS1Sh: `\s-\v\$ `,
		Curl: curl, Ps: "procps", Coreutils: "gnu",
		OSRelease: fmt.Sprintf(`NAME="CentOS Linux"
VERSION="%[1]s (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="%[1]s"
PRETTY_NAME="CentOS Linux %[1]s (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:%[1]s"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"
`, major),
		Path: defaultPath,
	}
}

// debianNames maps Debian releases to their code names.
var debianNames = map[string]string{"9": "stretch", "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie"}

func debian(release string) Userland {
	name := debianNames[release]
	return Userland{
		ID: "debian", Sh: "dash", Bash: true, BashVersion: "5.2",
		PS1Bash: `\u@\h:\w\$ `, PS1Sh: `\$ `,
		Coreutils: "gnu",
		OSRelease: fmt.Sprintf(`PRETTY_NAME="Debian GNU/Linux %[1]s (%[2]s)"
NAME="Debian GNU/Linux"
VERSION_ID="%[1]s"
VERSION="%[1]s (%[2]s)"
VERSION_CODENAME=%[2]s
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`, release, name),
		Path: defaultPath,
	}
}

// ubuntuNames maps Ubuntu LTS releases to code name, full name and point release.
var ubuntuNames = map[string][3]string{
	"16.04": {"xenial", "Xenial Xerus", "16.04.7"},
	"18.04": {"bionic", "Bionic Beaver", "18.04.6"},
	"20.04": {"focal", "Focal Fossa", "20.04.6"},
	"22.04": {"jammy", "Jammy Jellyfish", "22.04.5"},
	"24.04": {"noble", "Noble Numbat", "24.04.2"},
}

func ubuntu(release string) Userland {
	n := ubuntuNames[release]
	return Userland{
		ID: "ubuntu", Sh: "dash", Bash: true, BashVersion: "5.2",
		PS1Bash: `\u@\h:\w\$ `, PS1Sh: `\$ `,
		Ps: "procps", Coreutils: "gnu",
		OSRelease: fmt.Sprintf(`PRETTY_NAME="Ubuntu %[3]s LTS"
NAME="Ubuntu"
VERSION_ID="%[1]s"
VERSION="%[3]s LTS (%[4]s)"
VERSION_CODENAME=%[2]s
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
UBUNTU_CODENAME=%[2]s
`, release, n[0], n[2], n[1]),
		Path: defaultPath,
	}
}

func alpine(version string) Userland {
	minor := version
	if parts := strings.Split(version, "."); len(parts) >= 2 {
		minor = parts[0] + "." + parts[1]
	}
	return Userland{
		ID: "alpine", Sh: "ash",
		PS1Sh: `\w \$ `,
		Wget:  "busybox", Nslookup: "busybox", Ps: "busybox", Coreutils: "busybox",
		OSRelease: fmt.Sprintf(`NAME="Alpine Linux"
ID=alpine
VERSION_ID=%s
PRETTY_NAME="Alpine Linux v%s"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`, version, minor),
		Path: defaultPath,
	}
}

func busybox() Userland {
	return Userland{
		ID: "busybox", Sh: "ash",
		PS1Sh: `\w \$ `,
		Wget:  "busybox", Nslookup: "busybox", Ps: "busybox", Coreutils: "busybox",
		Path: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	}
}

// with returns u with curl (and wget/ps/nslookup when non-empty) installed,
// for images built on a base that add tools (the node images, nginx).
func (u Userland) with(curl, wget, ps, nslookup string) Userland {
	if curl != "" {
		u.Curl = curl
	}
	if wget != "" {
		u.Wget = wget
	}
	if ps != "" {
		u.Ps = ps
	}
	if nslookup != "" {
		u.Nslookup = nslookup
	}
	return u
}

// Has reports whether the image ships the named optional tool.
func (u Userland) Has(tool string) bool {
	switch tool {
	case "bash":
		return u.Bash
	case "curl":
		return u.Curl != ""
	case "wget":
		return u.Wget != ""
	case "nslookup":
		return u.Nslookup != ""
	case "ps":
		return u.Ps != ""
	}
	return true
}
