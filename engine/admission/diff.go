package admission

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/diff"
)

// specDiff renders the unified diff the API server appends to "pod updates
// may not change fields ..." and "spec is immutable after creation ...".
// Upstream diffs its internal types, which have no JSON tags, so the text
// shows Go field names with every field present ("AccessModes",
// "Selector": null). internalJSON reproduces that rendering from the v1
// types so the diff reads the same.
func specDiff(oldSpec, newSpec any) string {
	return diff.Diff(internalJSON{oldSpec}, internalJSON{newSpec})
}

// internalJSON marshals a k8s.io/api value the way encoding/json marshals
// the matching internal type, which is what the API server puts in error
// details: structs of the API packages have no JSON tags internally (Go
// field names, declaration order, no omitempty), the internal types embed
// ObjectMeta (so "labels" etc. appear inline, with ObjectMeta's own tags),
// and types from apimachinery (ObjectMeta, LabelSelector, Time, Quantity,
// IntOrString) marshal normally. A Job's immutable template therefore reads
// {"labels":{...},"Spec":{"Volumes":null,...}} as on a real cluster.
type internalJSON struct{ v any }

func (j internalJSON) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	if err := writeInternal(&buf, reflect.ValueOf(j.v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fieldsNotInInternal are v1-only mirrors of another field that the
// internal type does not have.
var fieldsNotInInternal = map[string]bool{"DeprecatedServiceAccount": true}

var marshalerType = reflect.TypeOf((*json.Marshaler)(nil)).Elem()

func writeInternal(buf *bytes.Buffer, v reflect.Value) error {
	if !v.IsValid() {
		buf.WriteString("null")
		return nil
	}
	if v.Kind() == reflect.Struct && !isAPIType(v.Type()) {
		return writeStd(buf, v)
	}
	if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.Type().Implements(marshalerType) {
		return writeMarshaler(buf, v)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		return writeInternal(buf, v.Elem())
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		if err := writeStructFields(buf, v, &first); err != nil {
			return err
		}
		buf.WriteByte('}')
	case reflect.Map:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.Quote(k.String()))
			buf.WriteByte(':')
			if err := writeInternal(buf, v.MapIndex(k)); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case reflect.Slice:
		if v.IsNil() {
			buf.WriteString("null")
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b, err := json.Marshal(v.Interface())
			buf.Write(b)
			return err
		}
		fallthrough
	case reflect.Array:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeInternal(buf, v.Index(i)); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	return nil
}

func writeStructFields(buf *bytes.Buffer, v reflect.Value, first *bool) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || fieldsNotInInternal[f.Name] {
			continue
		}
		if f.Type.Kind() == reflect.Struct && !isAPIType(f.Type) && (f.Anonymous || f.Name == "ObjectMeta") {
			// Embedded in the internal type: splice its tagged fields in.
			b, err := json.Marshal(v.Field(i).Interface())
			if err != nil {
				return err
			}
			if inner := bytes.TrimSuffix(bytes.TrimPrefix(b, []byte("{")), []byte("}")); len(inner) > 0 {
				if !*first {
					buf.WriteByte(',')
				}
				*first = false
				buf.Write(inner)
			}
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if err := writeStructFields(buf, v.Field(i), first); err != nil {
				return err
			}
			continue
		}
		if !*first {
			buf.WriteByte(',')
		}
		*first = false
		buf.WriteString(strconv.Quote(f.Name))
		buf.WriteByte(':')
		if err := writeInternal(buf, v.Field(i)); err != nil {
			return err
		}
	}
	return nil
}

// isAPIType is true for types of the k8s.io/api packages, whose internal
// twins carry no JSON tags.
func isAPIType(t reflect.Type) bool {
	return strings.HasPrefix(t.PkgPath(), "k8s.io/api/")
}

func writeStd(buf *bytes.Buffer, v reflect.Value) error {
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}

func writeMarshaler(buf *bytes.Buffer, v reflect.Value) error {
	b, err := v.Interface().(json.Marshaler).MarshalJSON()
	if err != nil {
		return err
	}
	buf.Write(b)
	return nil
}
