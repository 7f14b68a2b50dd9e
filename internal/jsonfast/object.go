package jsonfast

import "unsafe"

// Object is a JSON object as a Decoder with Compact set returns it: its
// members in the order written, each key once (the last value of a
// repeated key, as encoding/json keeps it). Most objects in the documents
// aiguard reads have a handful of keys, and a Go map of a handful of keys
// costs two allocations and a hash per key to build; an Object is a slice
// of a slab the whole document shares.
type Object []Member

// Member is one key of an Object and its value.
type Member struct {
	Key   string
	Value any
}

// Get returns the value of key, matched exactly.
func (o Object) Get(key string) (any, bool) {
	for i := range o {
		if o[i].Key == key {
			return o[i].Value, true
		}
	}
	return nil, false
}

var objectType = typeOf(Object(nil))

// object boxes the members of an object (copied into the document's slab).
func (b *boxes) object(members []Member) any {
	n := len(members)
	if len(b.mems)+n > cap(b.mems) {
		b.mems = get(b.pool.memsOf(), max(b.slab(cap(b.mems)/4)*4, n))
	}
	i := len(b.mems)
	b.mems = append(b.mems, members...)
	if len(b.objs) == cap(b.objs) {
		b.objs = get(b.pool.objsOf(), b.slab(cap(b.objs)))
	}
	b.objs = append(b.objs, Object(b.mems[i:i+n:i+n]))
	return box(objectType, unsafe.Pointer(&b.objs[len(b.objs)-1]))
}

// smallObject is the size up to which duplicate keys are found by
// comparing every pair: cheaper than a map for the few keys of most
// objects, while a larger (perhaps hostile) object costs linear time.
const smallObject = 16

// compact turns the members of an object just read into an Object. A
// repeated key is an error with UniqueKeys; otherwise its last value wins,
// in the place of its first occurrence.
func (d *Decoder) compact(members []Member) (any, error) {
	if dup := d.firstRepeat(members); dup >= 0 {
		if d.UniqueKeys {
			return nil, &DuplicateKeyError{Key: members[dup].Key}
		}
		members = keepLast(members)
	}
	return d.boxes.object(members), nil
}

// firstRepeat returns the index of the first member whose key an earlier
// member has, or -1.
func (d *Decoder) firstRepeat(members []Member) int {
	if len(members) <= smallObject {
		for i := 1; i < len(members); i++ {
			for j := range i {
				if members[j].Key == members[i].Key {
					return i
				}
			}
		}
		return -1
	}
	if d.seen == nil {
		d.seen = make(map[string]struct{}, len(members))
	}
	defer func() {
		if len(d.seen) > maxScratch { // a huge object's: not kept for the next
			d.seen = nil
		} else {
			clear(d.seen)
		}
	}()
	for i, m := range members {
		if _, ok := d.seen[m.Key]; ok {
			return i
		}
		d.seen[m.Key] = struct{}{}
	}
	return -1
}

// keepLast removes repeated keys from members in place, each key keeping
// the value of its last occurrence at the place of its first.
func keepLast(members []Member) []Member {
	at := make(map[string]int, len(members))
	out := members[:0]
	for _, m := range members {
		if i, ok := at[m.Key]; ok {
			out[i].Value = m.Value
			continue
		}
		at[m.Key] = len(out)
		out = append(out, m)
	}
	clear(members[len(out):])
	return out
}

// Plain returns v with every Object in it turned into a map[string]any,
// as encoding/json would have decoded it. Values without an Object are
// returned as they are; those with one are copied.
func Plain(v any) any {
	switch x := v.(type) {
	case Object:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = Plain(e.Value)
		}
		return m
	case []any:
		if !hasObject(x) {
			return x
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	case map[string]any:
		for _, e := range x {
			if _, ok := e.(Object); ok || isList(e) {
				out := make(map[string]any, len(x))
				for k, e := range x {
					out[k] = Plain(e)
				}
				return out
			}
		}
	}
	return v
}

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}

// hasObject reports whether an Object is anywhere inside list.
func hasObject(list []any) bool {
	for _, e := range list {
		switch x := e.(type) {
		case Object:
			return true
		case []any:
			if hasObject(x) {
				return true
			}
		case map[string]any:
			return true // rare: copy rather than walk it twice
		}
	}
	return false
}
