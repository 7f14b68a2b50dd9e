package policygen

import (
	"cmp"
	"fmt"
	"slices"
)

// packedDoc is one SCP produced by pack.
type packedDoc struct {
	doc  Document
	body []byte // minified JSON, exactly what is deployed
	size int    // len(body), what Organizations counts
}

// pack distributes statements over as few policies of at most maxChars
// characters (minified) as it can, first-fit decreasing. A statement is
// never split: each one keeps its whole meaning in one policy. Within a
// policy, statements keep the order they were given in.
func pack(sts []Statement, maxChars int) ([]packedDoc, error) {
	frame, err := Document{Version: PolicyVersion, Statement: []Statement{}}.Minified()
	if err != nil {
		return nil, err
	}
	room := maxChars - len(frame)
	type item struct {
		index, size int
	}
	items := make([]item, len(sts))
	for i, s := range sts {
		n, err := statementSize(s)
		if err != nil {
			return nil, err
		}
		if n > room {
			return nil, fmt.Errorf("statement %s alone takes %d characters, more than the %d left by an SCP of "+
				"at most %d characters (scpMaxChars); shorten the lists it is built from", s.Sid, n, room, maxChars)
		}
		items[i] = item{i, n}
	}
	order := slices.Clone(items)
	slices.SortStableFunc(order, func(a, b item) int { return cmp.Compare(b.size, a.size) })
	type bin struct {
		used    int // characters of statements and the commas between them
		members []int
	}
	var bins []*bin
	for _, it := range order {
		placed := false
		for _, b := range bins {
			if b.used+1+it.size <= room {
				b.used += 1 + it.size
				b.members = append(b.members, it.index)
				placed = true
				break
			}
		}
		if !placed {
			bins = append(bins, &bin{used: it.size, members: []int{it.index}})
		}
	}
	out := make([]packedDoc, 0, len(bins))
	for _, b := range bins {
		slices.Sort(b.members)
		doc := Document{Version: PolicyVersion}
		for _, i := range b.members {
			doc.Statement = append(doc.Statement, sts[i])
		}
		body, err := doc.Minified()
		if err != nil {
			return nil, err
		}
		if len(body) > maxChars { // cannot happen: the sizes above are exact
			return nil, fmt.Errorf("internal error: packed SCP of %d characters exceeds %d", len(body), maxChars)
		}
		out = append(out, packedDoc{doc: doc, body: body, size: len(body)})
	}
	return out, nil
}
