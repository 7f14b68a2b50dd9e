package scan

// Stage 3, split: find the boundaries of the items in a stream without
// decoding them (internal/jsonsplit), noting each item's resourceType on
// the way; the workers decode, in parallel. The reader goroutine does this
// and decompression, nothing else.

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/jsonsplit"
)

// maxItem is the largest CI the splitter hands on. configitem.Decode refuses
// anything above MaxSize; a select-resource-config result is a JSON string,
// whose escaping can add a little more.
const maxItem = configitem.MaxSize + configitem.MaxSize/4

// errTooLarge marks a value the splitter skipped because of its size.
var errTooLarge = fmt.Errorf("larger than the %d-byte limit for a configuration item", configitem.MaxSize)

// newSplitter returns the splitter of an input, noting each item's
// top-level resourceType (matched as the decoder matches it: exactly, then
// in any case).
func newSplitter(r io.Reader) *jsonsplit.Splitter {
	sp := jsonsplit.New(r, maxItem, errTooLarge)
	sp.Watch(true, "resourceType")
	return sp
}

// itemType is the resourceType the splitter saw, nil when it could not tell
// (absent, not a plain string, escaped, or given twice): the item is then
// decoded, and the decoder decides.
func itemType(el *jsonsplit.Element) []byte {
	typ, ok := el.Fields.Get(el.Data, 0)
	if !ok || bytes.IndexByte(typ, '\\') >= 0 {
		return nil
	}
	return typ
}

// split walks an input of a streamed kind and calls emit for each of its
// items, with the array it is in (configurationItems, Results…) when there
// is one. An error is a break in the structure.
func split(sp *jsonsplit.Splitter, kind Kind, emit func(array string, el jsonsplit.Element) error) error {
	one := func(el jsonsplit.Element) error { return emit("", el) }
	switch kind {
	case KindConfigItems, KindBatchGet, KindSelect:
		return sp.ObjectArrays(containerKey(kind), emit)
	case KindArray:
		if err := sp.Array(one); err != nil {
			return err
		}
		return sp.Trailing()
	case KindNDJSON:
		return sp.Lines(one)
	case KindStream:
		return sp.Stream(one)
	}
	return nil
}

// containerKey reports whether key names the array of CIs in an input of
// the given kind (keys match in any case, as the AWS CLI and SDKs differ).
func containerKey(kind Kind) func(string) bool {
	var want string
	switch kind {
	case KindConfigItems:
		want = "configurationItems"
	case KindBatchGet:
		want = "baseConfigurationItems"
	case KindSelect:
		want = "Results"
	}
	return func(key string) bool { return strings.EqualFold(key, want) }
}
