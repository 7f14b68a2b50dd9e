package orgspec

import (
	"fmt"
	"reflect"
	"strings"
)

// inherit copies into every team the settings it leaves unset, from
// defaults. Blocks merge key by key; a list the team sets, even empty,
// replaces the default list. Positions of the copied values point at
// defaults, so later checks report where the value was written.
func (s *Spec) inherit() {
	defaults := reflect.ValueOf(&s.Defaults.Settings).Elem()
	// The defaults' positions are collected once: copying them per team
	// stays proportional to the size of defaults, not of the whole file.
	var vals, keys []posEntry
	for p, pos := range s.pos.val {
		if strings.HasPrefix(p, "defaults.") {
			vals = append(vals, posEntry{p, pos})
		}
	}
	for p, pos := range s.pos.key {
		if strings.HasPrefix(p, "defaults.") {
			keys = append(keys, posEntry{p, pos})
		}
	}
	for i, t := range s.Teams {
		m := merger{pos: s.pos, vals: vals, keys: keys}
		m.merge(reflect.ValueOf(&t.Settings).Elem(), defaults, teamPath(i), "defaults")
	}
}

type posEntry struct {
	path string
	pos  Pos
}

type merger struct {
	pos        positions
	vals, keys []posEntry
}

// merge fills the unset fields of dst (a struct) from src.
func (m merger) merge(dst, src reflect.Value, dstPath, srcPath string) {
	fields, _ := structFields(dst.Type())
	for _, f := range fields {
		df, sf := dst.FieldByIndex(f.index), src.FieldByIndex(f.index)
		dp, sp := join(dstPath, f.name), join(srcPath, f.name)
		switch df.Kind() {
		case reflect.Pointer:
			switch {
			case sf.IsNil():
			case df.IsNil():
				df.Set(clone(sf))
				m.copied(dp, sp)
			case df.Elem().Kind() == reflect.Struct:
				m.merge(df.Elem(), sf.Elem(), dp, sp)
			}
		case reflect.Slice:
			if df.IsNil() && !sf.IsNil() {
				df.Set(clone(sf))
				m.copied(dp, sp)
			}
		case reflect.Struct:
			m.merge(df, sf, dp, sp)
		default:
			if df.IsZero() && !sf.IsZero() {
				df.Set(sf)
				m.copied(dp, sp)
			}
		}
	}
}

// copied records that dst now holds the value written at src.
func (m merger) copied(dst, src string) {
	m.pos.inherited[dst] = src
	for _, e := range m.vals {
		if rest, ok := under(e.path, src); ok {
			m.pos.val[dst+rest] = e.pos
		}
	}
	for _, e := range m.keys {
		if rest, ok := under(e.path, src); ok {
			m.pos.key[dst+rest] = e.pos
		}
	}
}

// under reports whether path is prefix or inside it, and returns the rest.
func under(path, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(path, prefix)
	if !ok || (rest != "" && rest[0] != '.' && rest[0] != '[') {
		return "", false
	}
	return rest, true
}

// clone deep-copies the pointers, structs and slices of a settings value,
// so that teams never share (and so never change) each other's lists.
func clone(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(clone(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(clone(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(clone(v.Index(i)))
		}
		return out
	}
	return v
}

func teamPath(i int) string { return fmt.Sprintf("teams[%d]", i) }
