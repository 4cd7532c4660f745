// Package equal compares API objects the way equality.Semantic.DeepEqual
// does (quantities by value, times by instant, nil and empty slices and maps
// alike), several times faster: the upstream walker calls each semantic
// function through reflect.Value.Call and boxes every scalar it compares,
// which made comparisons the largest cost of a store write.
package equal

import (
	"reflect"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
)

var (
	quantityType  = reflect.TypeFor[resource.Quantity]()
	timeType      = reflect.TypeFor[metav1.Time]()
	microTimeType = reflect.TypeFor[metav1.MicroTime]()
	fieldsV1Type  = reflect.TypeFor[metav1.FieldsV1]()
	labelSelType  = reflect.TypeFor[labels.Selector]()
	fieldSelType  = reflect.TypeFor[fields.Selector]()
)

// Semantic reports whether a and b are semantically equal, with the rules
// of k8s.io/apimachinery/pkg/api/equality.Semantic.DeepEqual.
func Semantic(a, b any) bool {
	if a == nil || b == nil {
		return a == b
	}
	return values(reflect.ValueOf(a), reflect.ValueOf(b), 0)
}

func values(v1, v2 reflect.Value, depth int) bool {
	if !v1.IsValid() || !v2.IsValid() {
		return v1.IsValid() == v2.IsValid()
	}
	t := v1.Type()
	if t != v2.Type() {
		return false
	}
	if depth > 200 {
		// API objects are trees far shallower than this; a cycle is not.
		panic("equal: value too deep (a cycle?)")
	}
	switch t {
	case quantityType, timeType, microTimeType, fieldsV1Type, labelSelType, fieldSelType:
		if eq, ok := special(v1, v2); ok {
			return eq
		}
	}
	switch v1.Kind() {
	case reflect.Struct:
		if v1.CanAddr() && v2.CanAddr() && v1.UnsafeAddr() == v2.UnsafeAddr() {
			return true
		}
		for i, n := 0, v1.NumField(); i < n; i++ {
			if !values(v1.Field(i), v2.Field(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if v1.Pointer() == v2.Pointer() {
			return true
		}
		return values(v1.Elem(), v2.Elem(), depth+1)
	case reflect.Slice:
		n1, n2 := v1.Len(), v2.Len()
		if n1 != n2 {
			return false
		}
		if n1 == 0 || v1.Pointer() == v2.Pointer() {
			return true
		}
		for i := 0; i < n1; i++ {
			if !values(v1.Index(i), v2.Index(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := 0; i < v1.Len(); i++ {
			if !values(v1.Index(i), v2.Index(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Map:
		if v1.Len() != v2.Len() {
			return false
		}
		if v1.Len() == 0 || v1.Pointer() == v2.Pointer() {
			return true
		}
		it := v1.MapRange()
		for it.Next() {
			other := v2.MapIndex(it.Key())
			if !other.IsValid() || !values(it.Value(), other, depth+1) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if v1.IsNil() || v2.IsNil() {
			return v1.IsNil() == v2.IsNil()
		}
		return values(v1.Elem(), v2.Elem(), depth+1)
	case reflect.Func:
		return v1.IsNil() && v2.IsNil()
	case reflect.String:
		return v1.String() == v2.String()
	case reflect.Bool:
		return v1.Bool() == v2.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v1.Int() == v2.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v1.Uint() == v2.Uint()
	case reflect.Float32, reflect.Float64:
		return v1.Float() == v2.Float()
	case reflect.Complex64, reflect.Complex128:
		return v1.Complex() == v2.Complex()
	default:
		return v1.Interface() == v2.Interface()
	}
}

// special applies the semantic rules for the types that have one. ok is
// false for a value that cannot be read out (an unexported field), which
// is then compared field by field.
func special(v1, v2 reflect.Value) (eq, ok bool) {
	if !v1.CanInterface() || !v2.CanInterface() {
		return false, false
	}
	switch v1.Type() {
	case quantityType:
		a, b := quantity(v1), quantity(v2)
		return a.Cmp(*b) == 0, true
	case timeType:
		a, b := metaTime(v1), metaTime(v2)
		return a.UTC() == b.UTC(), true
	case microTimeType:
		a, b := v1.Interface().(metav1.MicroTime), v2.Interface().(metav1.MicroTime)
		return a.UTC() == b.UTC(), true
	case fieldsV1Type:
		a, b := v1.Interface().(metav1.FieldsV1), v2.Interface().(metav1.FieldsV1)
		return a.Equal(b), true
	case labelSelType:
		if v1.IsNil() || v2.IsNil() {
			return false, false // the upstream function would panic; compare as values
		}
		return v1.Interface().(labels.Selector).String() == v2.Interface().(labels.Selector).String(), true
	case fieldSelType:
		if v1.IsNil() || v2.IsNil() {
			return false, false
		}
		return v1.Interface().(fields.Selector).String() == v2.Interface().(fields.Selector).String(), true
	}
	return false, false
}

// metaTime reads a Time without boxing it when it is addressable.
func metaTime(v reflect.Value) *metav1.Time {
	if v.CanAddr() {
		return v.Addr().Interface().(*metav1.Time)
	}
	t := v.Interface().(metav1.Time)
	return &t
}

// quantity reads a Quantity without boxing it when it is addressable.
func quantity(v reflect.Value) *resource.Quantity {
	if v.CanAddr() {
		return v.Addr().Interface().(*resource.Quantity)
	}
	q := v.Interface().(resource.Quantity)
	return &q
}
