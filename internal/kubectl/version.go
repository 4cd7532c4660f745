package kubectl

import (
	"sync/atomic"
	_ "unsafe" // for go:linkname

	_ "k8s.io/client-go/pkg/version"
	_ "k8s.io/component-base/version"
)

// kubectl reports its version from variables the Kubernetes build sets
// with -ldflags. kubetour is built with plain `go build`, so it sets them
// itself: the kubectl compiled in is the one of the Kubernetes release the
// module requires.

//go:linkname clientGitVersion k8s.io/client-go/pkg/version.gitVersion
var clientGitVersion string

//go:linkname clientGitMajor k8s.io/client-go/pkg/version.gitMajor
var clientGitMajor string

//go:linkname clientGitMinor k8s.io/client-go/pkg/version.gitMinor
var clientGitMinor string

//go:linkname clientGitTreeState k8s.io/client-go/pkg/version.gitTreeState
var clientGitTreeState string

//go:linkname baseGitVersion k8s.io/component-base/version.gitVersion
var baseGitVersion string

//go:linkname baseGitMajor k8s.io/component-base/version.gitMajor
var baseGitMajor string

//go:linkname baseGitMinor k8s.io/component-base/version.gitMinor
var baseGitMinor string

//go:linkname baseDynamicGitVersion k8s.io/component-base/version.dynamicGitVersion
var baseDynamicGitVersion atomic.Value

func init() {
	clientGitVersion, clientGitMajor, clientGitMinor, clientGitTreeState = "v1.37.2", "1", "37", "clean"
	baseGitVersion, baseGitMajor, baseGitMinor = "v1.37.2", "1", "37"
	// The package's own init has already copied the placeholder here.
	baseDynamicGitVersion.Store(baseGitVersion)
}
