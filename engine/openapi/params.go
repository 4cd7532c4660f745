package openapi

import (
	"reflect"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// paramSets are the query parameters of each kind of operation. The API server
// derives them from its option types (ListOptions, PatchOptions, ...); so do we,
// descriptions included. PatchOptions' fieldValidation is the parameter kubectl
// looks for before it leaves validation to the server.
type paramSets struct {
	list, create, update, patch, delete, deleteCollection []*parameter
	pretty, name, namespace                               *parameter
}

func newParamSets() *paramSets {
	p := &paramSets{
		list:   queryParams(reflect.TypeFor[metav1.ListOptions]()),
		create: queryParams(reflect.TypeFor[metav1.CreateOptions]()),
		update: queryParams(reflect.TypeFor[metav1.UpdateOptions]()),
		patch:  queryParams(reflect.TypeFor[metav1.PatchOptions]()),
		delete: queryParams(reflect.TypeFor[metav1.DeleteOptions]()),
		pretty: &parameter{Name: "pretty", In: "query", Schema: &schema{Type: "string", UniqueItems: true},
			Description: "If 'true', the output is indented for reading."},
		name: &parameter{Name: "name", In: "path", Required: true, Schema: &schema{Type: "string", UniqueItems: true},
			Description: "name of the object"},
		namespace: &parameter{Name: "namespace", In: "path", Required: true, Schema: &schema{Type: "string", UniqueItems: true},
			Description: "object name and auth scope, such as for teams and projects"},
	}
	// Deleting a collection selects like a list but never watches.
	for _, q := range p.list {
		if q.Name != "watch" && q.Name != "allowWatchBookmarks" {
			p.deleteCollection = append(p.deleteCollection, q)
		}
	}
	p.deleteCollection = sortParams(append(p.deleteCollection, p.delete...))
	return p
}

// queryParams lists the scalar JSON fields of an options type as query
// parameters, sorted by name as upstream lists them. Struct-valued fields
// (DeleteOptions.preconditions) travel only in the body and are left out.
func queryParams(t reflect.Type) []*parameter {
	docs := docsOf(t)
	var out []*parameter
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || !f.IsExported() || name == "" || name == "-" {
			continue
		}
		typ := queryType(f.Type)
		if typ == "" {
			continue
		}
		out = append(out, &parameter{
			Name:        name,
			In:          "query",
			Description: docs[name],
			Schema:      &schema{Type: typ, UniqueItems: true},
		})
	}
	return sortParams(out)
}

// queryType is the JSON type of one query value; a repeated parameter
// (dryRun=All&dryRun=...) has its element's type, as upstream writes it.
func queryType(t reflect.Type) string {
	t = deref(t)
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		t = deref(t.Elem())
	}
	if leaf, ok := reflect.Zero(t).Interface().(leafType); ok {
		if types := leaf.OpenAPISchemaType(); len(types) > 0 {
			return types[0]
		}
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	}
	return ""
}

func sortParams(ps []*parameter) []*parameter {
	slices.SortFunc(ps, func(a, b *parameter) int { return strings.Compare(a.Name, b.Name) })
	return slices.CompactFunc(ps, func(a, b *parameter) bool { return a.Name == b.Name })
}
