package openapi

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	runtimeschema "k8s.io/apimachinery/pkg/runtime/schema"
)

// Spec holds the served documents, built once: kubectl fetches one on nearly
// every create, apply and explain.
type Spec struct {
	index   servedDoc            // GET /openapi/v3
	docs    map[string]servedDoc // by index key, "api/v1"
	swagger swaggerSource        // GET /openapi/v2, built on first request
	builtAt time.Time
}

// servedDoc is one response body and its hash, which is also its ETag and the
// ?hash= in its URL, so clients may cache it for good.
type servedDoc struct {
	body []byte
	hash string
	url  string
}

// New builds the documents of every group-version the resources belong to. Each
// document is self-contained: it holds every schema its operations reach, the
// shared meta/v1 ones included. The v2 document is left for its first request,
// from the schemas built here.
func New(resources []Resource) *Spec {
	b := newBuilder()
	params := newParamSets()

	byGV := map[runtimeschema.GroupVersion]*pathsBuilder{}
	for _, r := range resources {
		gv := r.GVK.GroupVersion()
		pb := byGV[gv]
		if pb == nil {
			pb = newPathsBuilder(b, params, gv)
			byGV[gv] = pb
		}
		pb.addResource(r)
	}
	tagKinds(b, resources, byGV)

	s := &Spec{docs: map[string]servedDoc{}, builtAt: time.Now()}
	index := map[string]map[string]string{}
	for gv, pb := range byGV {
		key := gvPath(gv)
		doc := document{
			OpenAPI:    "3.0.0",
			Info:       info{Title: "Kubernetes", Version: "kubetour"},
			Paths:      pb.paths,
			Components: components{Schemas: closure(b, pb.roots)},
		}
		served := newServedDoc(doc)
		served.url = "/openapi/v3/" + key + "?hash=" + served.hash
		s.docs[key] = served
		index[key] = map[string]string{"serverRelativeURL": served.url}
	}
	s.index = newServedDoc(map[string]any{"paths": index})
	s.swagger.build = func() (swaggerDocs, error) { return buildSwagger(b, byGV) }
	return s
}

func newServedDoc(v any) servedDoc {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Descriptions are full of <, > and &: keep them readable and the body small.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only strings, bools, maps, slices and valid raw JSON go in; encoding
		// cannot fail short of a bug here.
		panic(fmt.Sprintf("openapi: encoding a document: %v", err))
	}
	return newServedBytes(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func newServedBytes(body []byte) servedDoc {
	return servedDoc{body: body, hash: fmt.Sprintf("%X", sha512.Sum512(body))}
}

// closure collects the schemas reachable from roots.
func closure(b *builder, roots map[string]bool) map[string]*schema {
	out := map[string]*schema{}
	var visit func(string)
	visit = func(name string) {
		if _, seen := out[name]; seen {
			return
		}
		def := b.defs[name]
		out[name] = def.schema
		for _, r := range def.refs {
			visit(r)
		}
	}
	for name := range roots {
		visit(name)
	}
	return out
}

// tagKinds sets x-kubernetes-group-version-kind on the schemas of top-level
// kinds: explain and client-side apply find a kind's schema by it.
func tagKinds(b *builder, resources []Resource, byGV map[runtimeschema.GroupVersion]*pathsBuilder) {
	kinds := map[string][]gvk{}
	add := func(t reflect.Type, k gvk) {
		if t == nil {
			return
		}
		name, ok := b.names[deref(t)]
		if ok {
			kinds[name] = append(kinds[name], k)
		}
	}
	for _, r := range resources {
		add(reflect.TypeOf(r.Object), gvk{Group: r.GVK.Group, Version: r.GVK.Version, Kind: r.GVK.Kind})
		if r.List != nil {
			lt := deref(reflect.TypeOf(r.List))
			add(lt, gvk{Group: r.GVK.Group, Version: r.GVK.Version, Kind: lt.Name()})
		}
	}
	for _, sk := range []subKind{scaleKind, evictionKind, bindingKind, tokenKind} {
		add(sk.typ, sk.gvk)
	}
	add(reflect.TypeFor[metav1.Status](), gvk{Version: "v1", Kind: "Status"})
	// The meta/v1 option and event kinds are registered in every group-version.
	for gv := range byGV {
		for _, t := range []reflect.Type{reflect.TypeFor[metav1.DeleteOptions](), reflect.TypeFor[metav1.WatchEvent]()} {
			add(t, gvk{Group: gv.Group, Version: gv.Version, Kind: t.Name()})
		}
	}
	for name, ks := range kinds {
		slices.SortFunc(ks, func(a, b gvk) int {
			return strings.Compare(a.Group+"/"+a.Version+"/"+a.Kind, b.Group+"/"+b.Version+"/"+b.Kind)
		})
		b.defs[name].schema.GVK = slices.Compact(ks)
	}
}
