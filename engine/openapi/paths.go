package openapi

import (
	"reflect"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
)

// Media types of request and response bodies, as the API server lists them.
var (
	objectMedia = []string{"application/json", "application/vnd.kubernetes.protobuf", "application/yaml"}
	streamMedia = []string{"application/json", "application/json;stream=watch",
		"application/vnd.kubernetes.protobuf", "application/vnd.kubernetes.protobuf;stream=watch", "application/yaml"}
	// Listing the strategic merge patch type is what tells kubectl apply that the
	// kind merges by patch strategy rather than by JSON merge.
	patchMedia = []string{"application/apply-patch+yaml", "application/json-patch+json",
		"application/merge-patch+json", "application/strategic-merge-patch+json"}
	anyMedia = []string{"*/*"}
)

// Subresources whose body is another kind than the resource's own.
var (
	scaleKind    = subKind{reflect.TypeFor[autoscalingv1.Scale](), gvk{Group: "autoscaling", Version: "v1", Kind: "Scale"}}
	evictionKind = subKind{reflect.TypeFor[policyv1.Eviction](), gvk{Group: "policy", Version: "v1", Kind: "Eviction"}}
	bindingKind  = subKind{reflect.TypeFor[corev1.Binding](), gvk{Version: "v1", Kind: "Binding"}}
	tokenKind    = subKind{reflect.TypeFor[authenticationv1.TokenRequest](), gvk{Group: "authentication.k8s.io", Version: "v1", Kind: "TokenRequest"}}
	// postKinds are the subresources that only create: pods/eviction,
	// pods/binding, serviceaccounts/token.
	postKinds = map[string]subKind{"eviction": evictionKind, "binding": bindingKind, "token": tokenKind}
	// connectOptions are the query options of the streaming subresources, keyed
	// by subresource, then by the kind that has it (proxy differs per kind).
	connectOptions = map[string]map[string]reflect.Type{
		"exec":        {"Pod": reflect.TypeFor[corev1.PodExecOptions]()},
		"attach":      {"Pod": reflect.TypeFor[corev1.PodAttachOptions]()},
		"portforward": {"Pod": reflect.TypeFor[corev1.PodPortForwardOptions]()},
		"proxy": {
			"Pod":     reflect.TypeFor[corev1.PodProxyOptions](),
			"Service": reflect.TypeFor[corev1.ServiceProxyOptions](),
			"Node":    reflect.TypeFor[corev1.NodeProxyOptions](),
		},
	}
)

type subKind struct {
	typ reflect.Type
	gvk gvk
}

// pathsBuilder writes the paths of one group-version's document.
type pathsBuilder struct {
	b      *builder
	params *paramSets
	prefix string // "/api/v1", "/apis/apps/v1"
	tag    string // "core_v1"
	id     string // "CoreV1", the group-version part of operation IDs
	paths  map[string]*pathItem
	roots  map[string]bool // components the operations refer to
}

func newPathsBuilder(b *builder, params *paramSets, gv runtimeschema.GroupVersion) *pathsBuilder {
	group := "core"
	if gv.Group != "" {
		group = strings.TrimSuffix(gv.Group, ".k8s.io")
	}
	var id strings.Builder
	for _, label := range strings.Split(group, ".") {
		id.WriteString(upperFirst(label))
	}
	p := &pathsBuilder{
		b:      b,
		params: params,
		prefix: "/" + gvPath(gv),
		tag:    lowerFirst(id.String()) + "_" + gv.Version,
		id:     id.String() + upperFirst(gv.Version),
		paths:  map[string]*pathItem{},
		roots:  map[string]bool{},
	}
	p.item(p.prefix+"/", nil).Get = &operation{
		Tags:        []string{p.tag},
		Description: "get available resources",
		OperationID: "get" + p.id + "APIResources",
		Responses:   ok(p.ref(reflect.TypeFor[metav1.APIResourceList]()), objectMedia),
	}
	return p
}

// gvPath is a group-version's key in the /openapi/v3 index: "api/v1", "apis/apps/v1".
func gvPath(gv runtimeschema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}
	return "apis/" + gv.Group + "/" + gv.Version
}

// ref returns the component name of t and records it as used by this document.
func (p *pathsBuilder) ref(t reflect.Type) string {
	name := p.b.component(deref(t))
	p.roots[name] = true
	return name
}

// item returns the path item at path, creating it with the given path-level
// parameters.
func (p *pathsBuilder) item(path string, params []*parameter) *pathItem {
	it, ok := p.paths[path]
	if !ok {
		it = &pathItem{Parameters: params}
		p.paths[path] = it
	}
	return it
}

// op is one operation; every operation of a resource carries its GVK, since
// that is how kubectl finds them.
func (p *pathsBuilder) op(action, id, description string, k gvk, params []*parameter, body *requestBody, responses map[string]*response) *operation {
	return &operation{
		Tags:        []string{p.tag},
		Description: description,
		OperationID: id,
		Parameters:  params,
		RequestBody: body,
		Responses:   responses,
		Action:      action,
		GVK:         &k,
	}
}

// addResource writes every path and operation the resource's verbs and
// subresources allow, laid out as the API server lays them out.
func (p *pathsBuilder) addResource(r Resource) {
	kind := r.GVK.Kind
	k := gvk{Group: r.GVK.Group, Version: r.GVK.Version, Kind: kind}
	obj := p.ref(reflect.TypeOf(r.Object))
	scope, rel := "", r.Plural
	pathParams := []*parameter{p.params.pretty}
	if r.Namespaced {
		scope, rel = "Namespaced", "namespaces/{namespace}/"+r.Plural
		pathParams = []*parameter{p.params.namespace, p.params.pretty}
	}
	itemParams := append([]*parameter{p.params.name}, pathParams...)
	coll, item := p.prefix+"/"+rel, p.prefix+"/"+rel+"/{name}"
	watchColl, watchItem := p.prefix+"/watch/"+rel, p.prefix+"/watch/"+rel+"/{name}"
	listParams := sortParams(append(append([]*parameter{}, p.params.list...), pathParams...))
	watchItemParams := sortParams(append(append([]*parameter{}, p.params.list...), itemParams...))
	allNSParams := sortParams(append(append([]*parameter{}, p.params.list...), p.params.pretty))

	if r.List != nil && r.has("list") {
		list := p.ref(reflect.TypeOf(r.List))
		p.item(coll, pathParams).Get = p.op("list", "list"+p.id+scope+kind,
			"list or watch objects of kind "+kind, k, p.params.list, nil, ok(list, streamMedia))
		if r.Namespaced {
			p.item(p.prefix+"/"+r.Plural, allNSParams).Get = p.op("list", "list"+p.id+kind+"ForAllNamespaces",
				"list or watch objects of kind "+kind, k, nil, nil, ok(list, streamMedia))
		}
	}
	if r.has("watch") {
		event := p.ref(reflect.TypeFor[metav1.WatchEvent]())
		p.item(watchColl, listParams).Get = p.op("watchlist", "watch"+p.id+scope+kind+"List",
			"watch individual changes to a list of "+kind+"; deprecated: use the 'watch' parameter with a list operation instead",
			k, nil, nil, ok(event, streamMedia))
		p.item(watchItem, watchItemParams).Get = p.op("watch", "watch"+p.id+scope+kind,
			"watch changes to an object of kind "+kind+"; deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter",
			k, nil, nil, ok(event, streamMedia))
		if r.Namespaced {
			p.item(p.prefix+"/watch/"+r.Plural, allNSParams).Get = p.op("watchlist", "watch"+p.id+kind+"ListForAllNamespaces",
				"watch individual changes to a list of "+kind+"; deprecated: use the 'watch' parameter with a list operation instead",
				k, nil, nil, ok(event, streamMedia))
		}
	}
	if r.has("create") {
		p.item(coll, pathParams).Post = p.op("post", "create"+p.id+scope+kind, "create a "+kind, k,
			p.params.create, body(obj, anyMedia), created(obj, "200", "201", "202"))
	}
	if r.has("deletecollection") {
		p.item(coll, pathParams).Delete = p.op("deletecollection", "delete"+p.id+"Collection"+scope+kind,
			"delete collection of "+kind, k, p.params.deleteCollection,
			body(p.ref(reflect.TypeFor[metav1.DeleteOptions]()), anyMedia), ok(p.ref(reflect.TypeFor[metav1.Status]()), objectMedia))
	}
	if r.has("delete") {
		p.item(item, itemParams).Delete = p.op("delete", "delete"+p.id+scope+kind, "delete a "+kind, k,
			p.params.delete, body(p.ref(reflect.TypeFor[metav1.DeleteOptions]()), anyMedia),
			created(p.ref(reflect.TypeFor[metav1.Status]()), "200", "202"))
	}
	p.addObjectOps(r, item, itemParams, "", obj, k)
	for _, sub := range r.Subresources {
		p.addSubresource(r, sub, item, itemParams, obj, k)
	}
}

// addObjectOps adds read, replace and patch of an object, under the resource's
// item path (suffix "") or a subresource of it ("status", "scale").
func (p *pathsBuilder) addObjectOps(r Resource, item string, params []*parameter, sub, obj string, k gvk) {
	path, name, what := item, p.id+scopeOf(r)+r.GVK.Kind+upperFirst(sub), "the specified "+r.GVK.Kind
	if sub != "" {
		path += "/" + sub
		what = sub + " of " + what
	}
	if r.has("get") {
		p.item(path, params).Get = p.op("get", "read"+name, "read "+what, k, nil, nil, ok(obj, objectMedia))
	}
	if r.has("update") {
		p.item(path, params).Put = p.op("put", "replace"+name, "replace "+what, k,
			p.params.update, body(obj, anyMedia), created(obj, "200", "201"))
	}
	if r.has("patch") {
		p.item(path, params).Patch = p.op("patch", "patch"+name, "partially update "+what, k,
			p.params.patch, body(p.ref(reflect.TypeFor[metav1.Patch]()), patchMedia), created(obj, "200", "201"))
	}
}

func (p *pathsBuilder) addSubresource(r Resource, sub, item string, params []*parameter, obj string, k gvk) {
	name := p.id + scopeOf(r) + r.GVK.Kind + upperFirst(sub)
	path := item + "/" + sub
	switch sub {
	case "status", "ephemeralcontainers", "resize":
		p.addObjectOps(r, item, params, sub, obj, k)
	case "scale":
		p.addObjectOps(r, item, params, sub, p.ref(scaleKind.typ), scaleKind.gvk)
	case "finalize":
		// namespaces/finalize is replaced whole, never read or patched.
		if r.has("update") {
			p.item(path, params).Put = p.op("put", "replace"+name, "replace finalize of the specified "+r.GVK.Kind, k,
				p.params.update, body(obj, anyMedia), created(obj, "200", "201"))
		}
	case "eviction", "binding", "token":
		sk := postKinds[sub]
		target := p.ref(sk.typ)
		p.item(path, params).Post = p.op("post", "create"+name, "create "+sub+" of a "+r.GVK.Kind, sk.gvk,
			p.params.create, body(target, anyMedia), created(target, "200", "201", "202"))
	case "log":
		p.item(path, params).Get = p.op("get", "read"+name, "read log of the specified "+r.GVK.Kind, k,
			queryParams(reflect.TypeFor[corev1.PodLogOptions]()), nil, text("application/json", "application/yaml",
				"application/vnd.kubernetes.protobuf", "text/plain"))
	case "exec", "attach", "portforward", "proxy":
		opts := connectOptions[sub][r.GVK.Kind]
		if opts == nil {
			return
		}
		ck := gvk{Group: r.GVK.Group, Version: r.GVK.Version, Kind: opts.Name()}
		q := queryParams(opts)
		it := p.item(path, params)
		it.Get = p.op("connect", "connectGet"+name, "connect GET requests to "+sub+" of "+r.GVK.Kind, ck, q, nil, text("*/*"))
		it.Post = p.op("connect", "connectPost"+name, "connect POST requests to "+sub+" of "+r.GVK.Kind, ck, q, nil, text("*/*"))
	}
	// Other subresources have no operations we could describe.
}

func scopeOf(r Resource) string {
	if r.Namespaced {
		return "Namespaced"
	}
	return ""
}

func content(name string, media []string) map[string]mediaType {
	c := make(map[string]mediaType, len(media))
	for _, m := range media {
		c[m] = mediaType{Schema: refTo(name)}
	}
	return c
}

func body(name string, media []string) *requestBody {
	return &requestBody{Content: content(name, media), Required: true}
}

var statusText = map[string]string{"200": "OK", "201": "Created", "202": "Accepted"}

// ok is the response set of a read: 200 with the object, 401 for a missing token.
func ok(name string, media []string) map[string]*response {
	return responses(name, media, "200")
}

// created is the response set of a write, which answers with one of codes.
func created(name string, codes ...string) map[string]*response {
	return responses(name, objectMedia, codes...)
}

func responses(name string, media []string, codes ...string) map[string]*response {
	rs := map[string]*response{"401": {Description: "Unauthorized"}}
	for _, c := range codes {
		rs[c] = &response{Description: statusText[c], Content: content(name, media)}
	}
	return rs
}

// text is the response of log and the streaming subresources: a plain string.
func text(media ...string) map[string]*response {
	c := make(map[string]mediaType, len(media))
	for _, m := range media {
		c[m] = mediaType{Schema: &schema{Type: "string"}}
	}
	return map[string]*response{"200": {Description: "OK", Content: c}, "401": {Description: "Unauthorized"}}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
