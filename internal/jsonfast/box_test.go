package jsonfast

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// TestBoxedValues: strings and lists boxed from slabs are ordinary values:
// equal to encoding/json's, of the same dynamic types, comparable, and
// kept alive by the values alone, across collections and later documents
// decoded with the same Decoder.
func TestBoxedValues(t *testing.T) {
	var kept []any
	var want []any
	d := NewDecoder("")
	for i := range 200 {
		doc := fmt.Sprintf(`{"name":"item-%d","tags":["a","b%d",{"k":"v%d"}],"list":[%d,"x",[["deep-%d"]]],"n":%d}`, i, i, i, i, i, i)
		d.Reset(doc)
		v, err := d.Value()
		if err != nil {
			t.Fatal(err)
		}
		var std any
		if err := json.Unmarshal([]byte(doc), &std); err != nil {
			t.Fatal(err)
		}
		kept, want = append(kept, v), append(want, std)
		if i%50 == 0 {
			runtime.GC()
		}
	}
	garbage := make([][]byte, 0, 1000)
	for range 1000 {
		garbage = append(garbage, make([]byte, 1024))
	}
	runtime.GC()
	runtime.GC()
	_ = garbage
	for i := range kept {
		if !reflect.DeepEqual(kept[i], want[i]) {
			t.Fatalf("document %d: %#v, want %#v", i, kept[i], want[i])
		}
		m := kept[i].(map[string]any)
		if s, ok := m["name"].(string); !ok || s != fmt.Sprintf("item-%d", i) || m["name"] != any(s) {
			t.Errorf("document %d: name %#v", i, m["name"])
		}
		if l, ok := m["tags"].([]any); !ok || len(l) != 3 || reflect.TypeOf(m["tags"]) != reflect.TypeOf([]any(nil)) {
			t.Errorf("document %d: tags %#v", i, m["tags"])
		}
	}
}

// TestSharedSlabsFreeWhatIsDropped: with ShareSlabs, documents whose values
// are dropped are collected, even though each new document's values go
// into slabs older documents used: a generation of slabs must never keep
// the one before it alive.
func TestSharedSlabsFreeWhatIsDropped(t *testing.T) {
	for _, compact := range []bool{false, true} {
		t.Run(fmt.Sprintf("compact=%v", compact), func(t *testing.T) {
			d := &Decoder{ShareSlabs: true, Compact: compact}
			var freed atomic.Int64
			const docs = 20000
			for i := range docs {
				text := fmt.Sprintf(`{"name":"item-%d","tags":["a","b%d",{"k":"v%d"}],"list":[%d,"x",[["deep-%d"]]],"o":{"p":{"q":"r%d"}}}`,
					i, i, i, i, i, i)
				buf := []byte(text)
				runtime.AddCleanup(&buf[0], func(*atomic.Int64) { freed.Add(1) }, &freed)
				d.Reset(unsafe.String(&buf[0], len(buf)))
				if _, err := d.Value(); err != nil {
					t.Fatal(err)
				}
			}
			for range 5 {
				runtime.GC()
				time.Sleep(10 * time.Millisecond)
			}
			// The current generation's documents are alive, the rest not.
			if n := freed.Load(); n < docs-generationSlabs {
				t.Errorf("%d of %d documents collected: shared slabs keep the rest alive", n, docs)
			}
			runtime.KeepAlive(d) // its slabs must not be what keeps them
		})
	}
}

// TestRecycle: a recycling Decoder decodes each batch right into the slabs
// of the batch before, allocating nothing for them, and the slabs it keeps
// hold nothing of the documents recycled.
func TestRecycle(t *testing.T) {
	d := &Decoder{ShareSlabs: true, Compact: true}
	doc := func(i int) string {
		return fmt.Sprintf(`{"name":"item-%d","tags":["a","b%d",{"k":"v%d"}],"n":%d,"o":{"p":{"q":"r%d"}}}`, i, i, i, i, i)
	}
	d.Recycle()
	for round := range 3 { // values decoded into recycled slabs are right
		for i := range 500 {
			text := doc(round*1000 + i)
			d.Reset(text)
			v, err := d.Value()
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal([]byte(text), &want); err != nil {
				t.Fatal(err)
			}
			if got := Plain(v); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: %s decodes as %#v", round, text, got)
			}
		}
		d.Reset("")
		d.Recycle()
	}

	docs := make([]string, 500)
	for i := range docs {
		docs[i] = doc(i)
	}
	decodeAll := func() { decodeBatch(t, d, docs...) }
	if allocs := testing.AllocsPerRun(3, decodeAll); allocs > 5 {
		t.Errorf("a batch of 500 documents makes %.0f allocations once the slabs exist, want none", allocs)
	}

	var freed atomic.Int64
	for i := range 500 {
		buf := []byte(doc(i))
		runtime.AddCleanup(&buf[0], func(*atomic.Int64) { freed.Add(1) }, &freed)
		d.Reset(unsafe.String(&buf[0], len(buf)))
		if _, err := d.Value(); err != nil {
			t.Fatal(err)
		}
	}
	d.Reset("") // the last document read is the Decoder's until the next
	d.Recycle()
	for range 5 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := freed.Load(); n < 500 {
		t.Errorf("%d of 500 recycled documents collected: the kept slabs still refer to them", n)
	}
	runtime.KeepAlive(d)
}

// TestRecycleLetsAPeakGo: a batch with one huge document takes many slabs,
// which a recycling Decoder keeps for the next batch, but not for ever:
// once its batches are small again it lets the surplus go. A scan's chunk
// decoders would otherwise each keep the memory of the largest item they
// ever read (tens of megabytes for a 6 MB CI) for the rest of the scan.
func TestRecycleLetsAPeakGo(t *testing.T) {
	many := func(format string, n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, format, i)
		}
		return b.String()
	}
	for name, huge := range map[string]string{
		"objects": "[" + many(`{"a":"b%d"}`, 200_000) + "]",
		"strings": "[" + many(`"s%d"`, 400_000) + "]",
		"numbers": "[" + many(`%d`, 400_000) + "]",
		"lists":   "[" + many(`[%d]`, 200_000) + "]",
		"keys":    "{" + many(`"k%d":1`, 200_000) + "}",
	} {
		t.Run(name, func(t *testing.T) {
			d := &Decoder{ShareSlabs: true, Compact: true}
			decodeBatch(t, d)
			decodeBatch(t, d, huge)
			for range 2 {
				decodeBatch(t, d, `{"name":"item","tags":["a","b",{"k":"v"}],"n":1}`, `{"o":{"p":{"q":"r"}}}`)
			}
			if n := keptEntries(d.pool); n > 64<<10 {
				t.Errorf("after small batches, the Decoder keeps %d slab entries of the huge one's", n)
			}
			if d.seen != nil && name == "keys" {
				t.Error("the Decoder keeps the key set of a huge object")
			}
		})
	}
}

// decodeBatch decodes docs with d, then recycles its slabs.
func decodeBatch(t *testing.T, d *Decoder, docs ...string) {
	t.Helper()
	for _, s := range docs {
		d.Reset(s)
		if _, err := d.Value(); err != nil {
			t.Fatal(err)
		}
	}
	d.Reset("")
	d.Recycle()
}

// keptEntries counts the entries of the slabs a pool keeps for reuse.
func keptEntries(p *slabPool) int {
	return freeEntries(&p.strs) + freeEntries(&p.nums) + freeEntries(&p.lists) +
		freeEntries(&p.elems) + freeEntries(&p.objs) + freeEntries(&p.mems)
}

func freeEntries[T any](s *slabs[T]) int {
	n := 0
	for _, slab := range s.free {
		n += cap(slab)
	}
	return n
}
