package domain

import (
	"reflect"
	"testing"
	"time"
)

// fill gives every exported field reachable from v a non-zero value: one element in each
// slice and map, a value behind each pointer, so that any field Clone forgets is seen.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

// shared names the first slice, map or pointer that a and b both point into.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer, reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
		if a.Kind() == reflect.Pointer && !a.IsNil() {
			return shared(a.Elem(), b.Elem(), path)
		}
		if a.Kind() == reflect.Map {
			for _, k := range a.MapKeys() {
				if p := shared(a.MapIndex(k), b.MapIndex(k), path+"["+k.String()+"]"); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"[]"); p != "" {
				return p
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// cloneSharesNothing checks clone on a T with every field filled: the copy is equal and
// shares no slice, map or pointer with the original; and an empty T clones to itself.
func cloneSharesNothing[T any](t *testing.T, clone func(T) T) {
	t.Helper()
	var a T
	fill(reflect.ValueOf(&a).Elem())
	c := clone(a)
	if !reflect.DeepEqual(a, c) {
		t.Fatalf("the clone differs:\n%+v\n%+v", a, c)
	}
	name := reflect.TypeFor[T]().Name()
	if p := shared(reflect.ValueOf(a), reflect.ValueOf(c), name); p != "" {
		t.Fatalf("the clone shares %s with the original: copy it in %s.Clone", p, name)
	}
	var empty T
	if c := clone(empty); !reflect.DeepEqual(empty, c) {
		t.Fatalf("an empty %s's clone is %+v", name, c)
	}
}

func TestApplicationCloneSharesNothing(t *testing.T) { cloneSharesNothing(t, Application.Clone) }

func TestCertificateCloneSharesNothing(t *testing.T) { cloneSharesNothing(t, Certificate.Clone) }
