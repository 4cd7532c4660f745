package apiserver

import (
	"net/http"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"kubetour/engine/kinds"
)

// Discovery answers in the legacy (unaggregated) form; kubectl asks for the
// aggregated form first and falls back to this, as it does against older
// API servers.

func (s *Server) serveCoreVersions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, &metav1.APIVersions{
		TypeMeta: metav1.TypeMeta{Kind: "APIVersions"},
		Versions: []string{"v1"},
		ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{
			{ClientCIDR: "0.0.0.0/0", ServerAddress: s.Host},
		},
	})
}

func (s *Server) groups() []metav1.APIGroup {
	var out []metav1.APIGroup
	idx := map[string]int{}
	for _, gv := range kinds.GroupVersions() {
		if gv.Group == "" {
			continue
		}
		gvd := metav1.GroupVersionForDiscovery{GroupVersion: gv.String(), Version: gv.Version}
		if i, ok := idx[gv.Group]; ok {
			out[i].Versions = append(out[i].Versions, gvd)
			continue
		}
		idx[gv.Group] = len(out)
		out = append(out, metav1.APIGroup{Name: gv.Group, Versions: []metav1.GroupVersionForDiscovery{gvd}, PreferredVersion: gvd})
	}
	return append(out, s.metricsGroups()...) // metrics.k8s.io, see metrics.go
}

func (s *Server) serveGroups(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, &metav1.APIGroupList{
		TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"},
		Groups:   s.groups(),
	})
}

func (s *Server) serveGroup(w http.ResponseWriter, r *http.Request, name string) {
	for _, g := range s.groups() {
		if g.Name == name {
			g.TypeMeta = metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
			writeJSON(w, http.StatusOK, &g)
			return
		}
	}
	writeError(w, notFoundPath(r))
}

// subresourceKinds are the kinds the API server reports for subresources.
var subresourceKinds = map[string]struct {
	group, version, kind string
	verbs                []string
}{
	"scale":               {"autoscaling", "v1", "Scale", []string{"get", "patch", "update"}},
	"log":                 {"", "", "Pod", []string{"get"}},
	"exec":                {"", "", "PodExecOptions", []string{"create", "get"}},
	"attach":              {"", "", "PodAttachOptions", []string{"create", "get"}},
	"portforward":         {"", "", "PodPortForwardOptions", []string{"create", "get"}},
	"binding":             {"", "", "Binding", []string{"create"}},
	"eviction":            {"policy", "v1", "Eviction", []string{"create"}},
	"ephemeralcontainers": {"", "", "Pod", []string{"get", "patch", "update"}},
	"finalize":            {"", "", "Namespace", []string{"update"}},
	"token":               {"authentication.k8s.io", "v1", "TokenRequest", []string{"create"}},
	"proxy":               {"", "", "ServiceProxyOptions", []string{"create", "delete", "get", "patch", "update"}},
}

func (s *Server) serveResources(w http.ResponseWriter, r *http.Request, gv schema.GroupVersion) {
	ks := kinds.InGroupVersion(gv)
	if len(ks) == 0 {
		writeError(w, notFoundPath(r))
		return
	}
	list := &metav1.APIResourceList{
		TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: gv.String(),
	}
	for _, k := range ks {
		list.APIResources = append(list.APIResources, metav1.APIResource{
			Name: k.Plural, SingularName: k.Singular, Namespaced: k.Namespaced, Kind: k.GVK.Kind,
			Verbs: k.Verbs, ShortNames: k.ShortNames, Categories: k.Categories,
		})
		for _, sub := range k.Subresources {
			res := metav1.APIResource{Name: k.Plural + "/" + sub, Namespaced: k.Namespaced, Kind: k.GVK.Kind,
				Verbs: []string{"get", "patch", "update"}}
			if sk, ok := subresourceKinds[sub]; ok {
				res.Group, res.Version, res.Verbs = sk.group, sk.version, sk.verbs
				if sk.kind != "" {
					res.Kind = sk.kind
				}
			}
			list.APIResources = append(list.APIResources, res)
		}
	}
	writeJSON(w, http.StatusOK, list)
}
