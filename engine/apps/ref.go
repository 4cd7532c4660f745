package apps

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Ref is an image reference normalised the way Docker and containerd do it:
// "nginx" is "docker.io/library/nginx:latest", so two spellings of one image
// compare equal and the kubelet can print the form the student typed.
type Ref struct {
	Domain string // "docker.io", "gcr.io", "localhost:5000"
	Path   string // "library/nginx", "kubetm/app"
	Tag    string // "latest" when none was given and there is no digest
	Digest string // "sha256:…", optional
}

// ErrInvalidReference is wrapped by every ParseRef failure; the kubelet
// turns it into InvalidImageName.
var ErrInvalidReference = errors.New("invalid reference format")

var (
	componentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	tagRE       = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestRE    = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	domainRE    = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?$`)
)

// ParseRef normalises an image reference. Errors are worded like the
// distribution/reference library's, which is what kubectl describe shows.
func ParseRef(s string) (Ref, error) {
	if s == "" || strings.TrimSpace(s) != s {
		return Ref{}, ErrInvalidReference
	}
	var r Ref
	rest := s
	if i := strings.Index(rest, "@"); i >= 0 {
		r.Digest = rest[i+1:]
		rest = rest[:i]
		if !digestRE.MatchString(r.Digest) {
			return Ref{}, ErrInvalidReference
		}
	}
	// A tag follows the last colon that comes after the last slash; a colon
	// before it belongs to a registry port.
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		r.Tag = rest[i+1:]
		rest = rest[:i]
		if !tagRE.MatchString(r.Tag) {
			return Ref{}, ErrInvalidReference
		}
	}
	// The first component is a registry when it looks like a host name.
	first, remainder, hasSlash := strings.Cut(rest, "/")
	if hasSlash && (strings.ContainsAny(first, ".:") || first == "localhost" || first != strings.ToLower(first)) {
		if !domainRE.MatchString(first) {
			return Ref{}, ErrInvalidReference
		}
		r.Domain, rest = first, remainder
	} else {
		r.Domain = "docker.io"
	}
	if r.Domain == "index.docker.io" {
		r.Domain = "docker.io"
	}
	if r.Domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	for _, c := range strings.Split(rest, "/") {
		if !componentRE.MatchString(c) {
			if strings.ToLower(c) != c && componentRE.MatchString(strings.ToLower(c)) {
				return Ref{}, fmt.Errorf("%w: repository name (%s) must be lowercase", ErrInvalidReference, rest)
			}
			return Ref{}, ErrInvalidReference
		}
	}
	r.Path = rest
	if r.Tag == "" && r.Digest == "" {
		r.Tag = "latest"
	}
	return r, nil
}

// String is the fully qualified form: docker.io/library/nginx:1.25.
func (r Ref) String() string {
	s := r.Domain + "/" + r.Path
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Repository is the familiar repository name: "nginx", "kubetm/app",
// "gcr.io/google-samples/hello-app".
func (r Ref) Repository() string {
	if r.Domain == "docker.io" {
		return strings.TrimPrefix(r.Path, "library/")
	}
	return r.Domain + "/" + r.Path
}

// Familiar is the short form Docker prints: nginx:1.25, kubetm/app:v1.
func (r Ref) Familiar() string {
	s := r.Repository()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}
