package openapi

import (
	"reflect"
	"strings"
)

// builder turns Go types into component schemas, each type once. Structs become
// named components referenced with $ref; strings, numbers, slices and maps are
// written in place, as upstream does.
type builder struct {
	names  map[reflect.Type]string
	defs   map[string]*definition
	shapes *shapes
}

// definition is one component schema and the components it refers to directly,
// from which each document collects the closure it needs.
type definition struct {
	schema *schema
	refs   []string
}

func newBuilder() *builder {
	return &builder{
		names:  map[reflect.Type]string{},
		defs:   map[string]*definition{},
		shapes: knownShapes(),
	}
}

// leafType is implemented by the types that marshal to a JSON scalar (Quantity,
// IntOrString, Time, Duration); upstream's generator asks the same methods.
type leafType interface {
	OpenAPISchemaType() []string
	OpenAPISchemaFormat() string
}

// oneOfType is implemented by the leaf types that accept several JSON types.
type oneOfType interface {
	OpenAPIV3OneOfTypes() []string
}

// isComponent reports whether t (not a pointer) gets a named schema of its own.
func isComponent(t reflect.Type) bool {
	if t.Name() == "" {
		return false
	}
	if t.Kind() == reflect.Struct {
		return true
	}
	_, ok := reflect.Zero(t).Interface().(leafType)
	return ok
}

// component returns the model name of t, building its schema on first use.
func (b *builder) component(t reflect.Type) string {
	if name, ok := b.names[t]; ok {
		return name
	}
	name := modelName(t)
	b.names[t] = name
	def := &definition{}
	// Registered before its fields are built, so a type reachable from itself ends
	// the recursion instead of looping.
	b.defs[name] = def
	def.schema = b.componentSchema(t, name, def)
	return name
}

func (b *builder) componentSchema(t reflect.Type, name string, def *definition) *schema {
	docs := docsOf(t)
	if leaf, ok := reflect.Zero(t).Interface().(leafType); ok {
		s := &schema{Description: docs[""], Format: leaf.OpenAPISchemaFormat()}
		if one, ok := leaf.(oneOfType); ok {
			for _, typ := range one.OpenAPIV3OneOfTypes() {
				s.OneOf = append(s.OneOf, &schema{Type: typ})
			}
		} else if types := leaf.OpenAPISchemaType(); len(types) > 0 {
			s.Type = types[0]
		}
		return s
	}
	s := &schema{Description: docs[""], Type: "object"}
	if b.shapes.atomic[name] {
		s.MapType = "atomic"
	}
	b.addFields(s, t, name, docs, def)
	return s
}

// addFields adds t's JSON fields to s. Embedded structs without a JSON name
// (`json:",inline"`, e.g. TypeMeta, VolumeSource) contribute their own fields,
// described by their own docs, as encoding/json flattens them.
func (b *builder) addFields(s *schema, t reflect.Type, owner string, docs map[string]string, def *definition) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			if et := deref(f.Type); et.Kind() == reflect.Struct {
				b.addFields(s, et, owner, docsOf(et), def)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if s.Properties == nil {
			s.Properties = map[string]*schema{}
		}
		s.Properties[name] = b.property(f, owner, name, docs[name], def)
		if required(owner, name, opts) {
			s.Required = append(s.Required, name)
		}
	}
}

// property is the schema of one struct field, with its description and the
// merge extensions that kubectl's strategic merge reads.
func (b *builder) property(f reflect.StructField, owner, name, description string, def *definition) *schema {
	p := b.valueSchema(f.Type, def)
	if p.Ref != "" {
		// A description next to a $ref is ignored by OpenAPI 3.0 readers, so the
		// reference goes inside allOf, as upstream writes it.
		p = &schema{AllOf: []*schema{p}}
		if f.Type.Kind() != reflect.Pointer {
			p.Default = emptyObject
		}
	}
	p.Description = description
	p.PatchStrategy = f.Tag.Get("patchStrategy")
	p.PatchMergeKey = f.Tag.Get("patchMergeKey")
	if shape, ok := b.shapes.fields[owner][name]; ok {
		p.ListType, p.ListMapKeys, p.MapType = shape.listType, shape.listKeys, shape.mapType
	} else if p.PatchMergeKey != "" && p.Type == "array" {
		// A type client-go does not know: a merge key names the list's key.
		p.ListType, p.ListMapKeys = "map", []string{p.PatchMergeKey}
	}
	return p
}

// valueSchema is the schema of a value of type t: a $ref for components, the
// JSON type otherwise.
func (b *builder) valueSchema(t reflect.Type, def *definition) *schema {
	t = deref(t)
	if isComponent(t) {
		name := b.component(t)
		def.refs = append(def.refs, name)
		return refTo(name)
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &schema{Type: "string", Format: "byte"} // base64, as encoding/json writes []byte
		}
		return &schema{Type: "array", Items: b.elementSchema(t.Elem(), def)}
	case reflect.Map:
		return &schema{Type: "object", AdditionalProperties: b.elementSchema(t.Elem(), def)}
	case reflect.Struct: // an unnamed struct type: no name to file it under
		s := &schema{Type: "object"}
		b.addFields(s, t, "", nil, def)
		return s
	case reflect.String:
		return &schema{Type: "string"}
	case reflect.Bool:
		return &schema{Type: "boolean"}
	case reflect.Int64, reflect.Uint64, reflect.Uint32:
		return &schema{Type: "integer", Format: "int64"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16:
		return &schema{Type: "integer", Format: "int32"}
	case reflect.Float64:
		return &schema{Type: "number", Format: "double"}
	case reflect.Float32:
		return &schema{Type: "number", Format: "float"}
	}
	// Interfaces and anything else: any JSON value.
	return &schema{}
}

// elementSchema is the schema of list items and map values: components of a
// non-pointer type are wrapped like fields, with the empty default upstream gives.
func (b *builder) elementSchema(t reflect.Type, def *definition) *schema {
	s := b.valueSchema(t, def)
	if s.Ref != "" && t.Kind() != reflect.Pointer {
		return &schema{Default: emptyObject, AllOf: []*schema{s}}
	}
	return s
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func hasOption(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}
