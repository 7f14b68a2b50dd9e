package jsonfast

import "unsafe"

// Boxing values into interfaces in bulk. Converting a string (or a slice)
// to an any allocates a copy of its header on the heap, one small
// allocation per value: a third of the allocations of decoding a
// configuration item. A Decoder instead stores the headers of a document's
// strings and lists in slabs and makes each interface point at its slot,
// one allocation for many values. An interface holding a string or a slice
// is a pair of words, its type and a pointer to the value, which is what
// the runtime itself builds when it converts one (runtime.convTstring); a
// pointer into a slab keeps the slab alive as long as the value is used,
// like any pointer into an array. Slabs are not shared between documents
// (Reset drops them), so one document's values keep no other's alive,
// unless the Decoder's ShareSlabs asks for it.

// eface is the layout of an empty interface.
type eface struct {
	typ, data unsafe.Pointer
}

var (
	stringType = typeOf("")
	floatType  = typeOf(float64(0))
	listType   = typeOf([]any(nil))
)

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// box makes an interface of type typ whose value is at p.
func box(typ unsafe.Pointer, p unsafe.Pointer) any {
	var v any
	*(*eface)(unsafe.Pointer(&v)) = eface{typ: typ, data: p}
	return v
}

// Slab sizes: the first slab of a document is small (most documents are),
// each next one twice the last, up to maxSlab.
const (
	firstSlab = 16
	maxSlab   = 256
)

// boxes are the slabs of one document, or of several read in turn (a
// Decoder's ShareSlabs). Shared slabs form generations: a document's values
// may refer to every slab of its generation, so a generation is dropped
// whole, between documents, once its slabs add up to generationSlabs
// entries. Were slabs dropped one by one instead, each new slab would
// refer to older ones still in use, which would refer to older ones still,
// and nothing read would ever be freed.
type boxes struct {
	strs  []string
	nums  []float64
	lists [][]any
	elems []any // the elements of lists
	objs  []Object
	mems  []Member // the members of objs
	// shared slabs start at their largest size; entries counts the
	// entries of the generation's slabs.
	shared  bool
	entries int
	// first is the size of a first slab: smaller for a small document
	// (the policy held in a string, say), whose few values would leave
	// most of a full-size one empty.
	first int
	// pool, once the Decoder recycles, gives the slabs out and takes them
	// back.
	pool *slabPool
}

// newBoxes returns the slabs for a document of n bytes.
func newBoxes(n int, shared bool, pool *slabPool) boxes {
	return boxes{shared: shared, first: min(max(n/64, 2), firstSlab), pool: pool}
}

// slabPool keeps the slabs a recycling Decoder handed out since it last
// recycled, and those it may hand out again.
type slabPool struct {
	strs  slabs[string]
	nums  slabs[float64]
	lists slabs[[]any]
	elems slabs[any]
	objs  slabs[Object]
	mems  slabs[Member]
}

// The slabs of each kind; nil without a pool.
func (p *slabPool) strsOf() *slabs[string] {
	if p == nil {
		return nil
	}
	return &p.strs
}

func (p *slabPool) numsOf() *slabs[float64] {
	if p == nil {
		return nil
	}
	return &p.nums
}

func (p *slabPool) listsOf() *slabs[[]any] {
	if p == nil {
		return nil
	}
	return &p.lists
}

func (p *slabPool) elemsOf() *slabs[any] {
	if p == nil {
		return nil
	}
	return &p.elems
}

func (p *slabPool) objsOf() *slabs[Object] {
	if p == nil {
		return nil
	}
	return &p.objs
}

func (p *slabPool) memsOf() *slabs[Member] {
	if p == nil {
		return nil
	}
	return &p.mems
}

func (p *slabPool) recycle() {
	p.strs.recycle()
	p.nums.recycle()
	p.lists.recycle()
	p.elems.recycle()
	p.objs.recycle()
	p.mems.recycle()
}

// slabs of one kind: those handed out, and those free again.
type slabs[T any] struct {
	out, free [][]T
}

// get returns an empty slab of capacity n, free or new: with no pool (nil),
// new.
func get[T any](s *slabs[T], n int) []T {
	if s == nil {
		return make([]T, 0, n)
	}
	var slab []T
	if k := len(s.free); k > 0 && cap(s.free[k-1]) >= n {
		slab, s.free = s.free[k-1], s.free[:k-1]
	} else {
		slab = make([]T, 0, n)
	}
	s.out = append(s.out, slab)
	return slab
}

// recycle frees the slabs handed out, cleared (so that they keep nothing
// alive); those larger than usual (a large object's) are let go, and so
// are the free slabs beyond twice what this batch took: a batch with a
// huge document must not make the Decoder keep its slabs for ever.
func (s *slabs[T]) recycle() {
	used := len(s.out)
	for _, slab := range s.out {
		if cap(slab) <= 4*maxSlab {
			clear(slab[:cap(slab)])
			s.free = append(s.free, slab[:0])
		}
	}
	clear(s.out)
	s.out = s.out[:0]
	if keep := 2*used + 8; len(s.free) > keep {
		clear(s.free[keep:])
		s.free = s.free[:keep]
	}
}

// generationSlabs is the number of entries (of 16 to 32 bytes) of a
// generation of shared slabs: a few hundred configuration items.
const generationSlabs = 16384

// full reports whether the generation is over.
func (b *boxes) full() bool { return b.entries >= generationSlabs }

// slab returns the size of a new slab of cap prev.
func (b *boxes) slab(prev int) int {
	n := slabSize(prev)
	switch {
	case b.shared:
		n = maxSlab
	case prev == 0 && b.first > 0:
		n = b.first
	}
	b.entries += n
	return n
}

// str boxes s.
func (b *boxes) str(s string) any {
	if len(b.strs) == cap(b.strs) {
		b.strs = get(b.pool.strsOf(), b.slab(cap(b.strs)))
	}
	b.strs = append(b.strs, s)
	return box(stringType, unsafe.Pointer(&b.strs[len(b.strs)-1]))
}

// float boxes f.
func (b *boxes) float(f float64) any {
	if len(b.nums) == cap(b.nums) {
		b.nums = get(b.pool.numsOf(), b.slab(cap(b.nums)))
	}
	b.nums = append(b.nums, f)
	return box(floatType, unsafe.Pointer(&b.nums[len(b.nums)-1]))
}

// elements returns a copy of elems in the document's slab, with no room to
// append in place.
func (b *boxes) elements(elems []any) []any {
	n := len(elems)
	if n == 0 {
		return []any{}
	}
	if len(b.elems)+n > cap(b.elems) {
		b.elems = get(b.pool.elemsOf(), max(b.slab(cap(b.elems)/4)*4, n))
	}
	i := len(b.elems)
	b.elems = append(b.elems, elems...)
	return b.elems[i : i+n : i+n]
}

// list boxes l.
func (b *boxes) list(l []any) any {
	if len(b.lists) == cap(b.lists) {
		b.lists = get(b.pool.listsOf(), b.slab(cap(b.lists)))
	}
	b.lists = append(b.lists, l)
	return box(listType, unsafe.Pointer(&b.lists[len(b.lists)-1]))
}

func slabSize(prev int) int {
	if prev == 0 {
		return firstSlab
	}
	return min(2*prev, maxSlab)
}
