package scan

// Stage 5, evaluate: judge an item with the rules of its profile, on a
// worker, through the rules' one entry point (exemptions included), and
// mark what --skip-rule and a template's metadata suppress.

import (
	"errors"
	"strings"
	"unsafe"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/cfnjudge"
)

// process turns one record into its result; it runs on a worker.
func (rs *ruleSet) process(opts *Options, c *chunk, rec *record, out *Result) {
	out.Pos, out.Input = rec.pos, rec.input
	switch {
	case rec.problem != nil:
		out.Problem = rec.problem
		return
	case rec.unit != nil:
		rec.unit.Judge(rs.base, out)
		return
	case rec.uncovered != "":
		out.Resource = Identity{Type: rec.uncovered}
		return
	}
	// The item is decoded in place, from the chunk's buffer, which is
	// reused once the chunk is released: copying each item out of it cost
	// a twentieth of a scan. So nothing of the item may reach the result
	// uncopied. Its identity is its own (the decoder copies the item's
	// fields), and an annotation taken from its configuration is copied
	// below.
	item, err := decodeItem(&c.dec, c.buf[rec.off:rec.off+rec.n], rec.quoted, true)
	if err != nil {
		out.Problem = &Problem{Pos: rec.pos, Err: err}
		return
	}
	if item.ResourceType == "" || item.ResourceID == "" {
		out.Problem = &Problem{Pos: rec.pos, Err: errors.New("configuration item has no resourceType or resourceId")}
		return
	}
	if item.AccountID == "" {
		item.AccountID = opts.AccountID
	}
	if item.Region == "" {
		item.Region = opts.Region
	}
	out.Resource = identityOf(item)
	list := rs.forAccount(item.AccountID).ByType[item.ResourceType]
	if len(list) == 0 {
		return
	}
	if len(item.MLReferences) == 0 {
		item.MLReferences = rs.refs.lookup(item)
	}
	out.Evaluations, out.Details = c.slots(len(list))
	for i, b := range list {
		ev, ex := b.Judge.EvaluateChange(item, false, opts.Now)
		ev.Annotation, ev.ResourceID, ev.ResourceType = c.own(ev.Annotation), c.own(ev.ResourceID), c.own(ev.ResourceType)
		out.Evaluations[i] = ev
		out.Details[i] = Detail{Where: rec.pos, Suppressed: b.Suppression(ev, ex, item.ResourceID)}
	}
}

// own returns s, or a copy of it when it is in the chunk's buffer.
func (c *chunk) own(s string) string {
	if s == "" || cap(c.buf) == 0 {
		return s
	}
	p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.SliceData(c.buf)))
	if p >= start && p < start+uintptr(cap(c.buf)) {
		return strings.Clone(s)
	}
	return s
}

// identityOf names the resource a CI describes.
func identityOf(item *configitem.Item) Identity {
	return Identity{
		AccountID: item.AccountID,
		Region:    item.Region,
		Partition: cfnjudge.PartitionOf(item.ARN, item.Region),
		ARN:       item.ARN,
		Type:      item.ResourceType,
		ID:        item.ResourceID,
		Name:      item.ResourceName,
	}
}
