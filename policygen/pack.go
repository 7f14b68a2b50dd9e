package policygen

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/aiguard/aiguard/iampolicy"
)

// packedDoc is one SCP produced by pack.
type packedDoc struct {
	doc  *iampolicy.Document
	body []byte // minified JSON, exactly what is deployed
	size int    // len(body), what Organizations counts
}

// pack distributes statements over as few policies of at most maxChars
// characters (minified) as it can, first-fit decreasing. A statement is
// never split: each one keeps its whole meaning in one policy. Within a
// policy, statements keep the order they were given in.
func pack(sts []iampolicy.Statement, maxChars int) ([]packedDoc, error) {
	return packAfter(sts, len(sts), maxChars)
}

// packAfter packs the first n statements as pack does, then the others
// into the room those policies leave and into new ones, first-fit
// decreasing: the first n are arranged as pack would arrange them alone.
func packAfter(sts []iampolicy.Statement, n int, maxChars int) ([]packedDoc, error) {
	room := maxChars - frameSize()
	sizes := make([]int, len(sts))
	for i, s := range sts {
		n, err := statementSize(s)
		if err != nil {
			return nil, err
		}
		if n > room {
			return nil, fmt.Errorf("statement %s alone takes %d characters, more than the %d left by an SCP of "+
				"at most %d characters (scpMaxChars); shorten the lists it is built from", s.Sid, n, room, maxChars)
		}
		sizes[i] = n
	}
	bins := firstFitDecreasing(sizes, room, n)
	out := make([]packedDoc, 0, len(bins))
	for _, members := range bins {
		doc := &iampolicy.Document{Version: iampolicy.CurrentVersion}
		for _, i := range members {
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

// frameSize is the length of an SCP without statements.
func frameSize() int {
	frame, _ := (&iampolicy.Document{Version: iampolicy.CurrentVersion}).Minified() // a constant document
	return len(frame)
}

// firstFitDecreasing puts items of the given sizes into as few bins of
// room characters as it can (statements joined by commas), the largest
// first, and returns each bin's item indexes in their original order. The
// items from index after on go in only once the others are placed. Every
// size must fit room.
func firstFitDecreasing(sizes []int, room, after int) [][]int {
	var used []int
	var bins [][]int
	for _, part := range [][2]int{{0, min(after, len(sizes))}, {min(after, len(sizes)), len(sizes)}} {
		var order []int
		for i := part[0]; i < part[1]; i++ {
			order = append(order, i)
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[b], sizes[a]) })
		for _, i := range order {
			placed := false
			for b := range bins {
				if used[b]+1+sizes[i] <= room {
					used[b] += 1 + sizes[i]
					bins[b] = append(bins[b], i)
					placed = true
					break
				}
			}
			if !placed {
				used = append(used, sizes[i])
				bins = append(bins, []int{i})
			}
		}
	}
	for _, b := range bins {
		slices.Sort(b)
	}
	return bins
}
