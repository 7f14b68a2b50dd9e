package scan

// ML scope across a snapshot: with the organization spec (--config), a scan
// first reads the AI resources of its inputs for the S3 buckets and KMS
// keys they use (S3 URIs and ARNs, KMS key IDs and ARNs in their
// configuration), so that those buckets and keys are judged as ML data
// even without the ml-data tag, as in a template. Standard input cannot be
// read twice and is left out of that first pass.

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/internal/cfnjudge"
	"github.com/aiguard/aiguard/internal/jsonsplit"
)

// mlRefs are the buckets (by name) and keys (by key ID) AI resources use,
// with who uses them.
type mlRefs struct {
	buckets map[string]map[string]bool
	keys    map[string]map[string]bool
}

// kmsKeyID returns the key ID a KMS key ARN names.
func kmsKeyID(s string) (string, bool) {
	a, err := awsid.ParseARN(s)
	if err != nil || a.Service != "kms" || a.Region == "" || !awsid.IsAccountID(a.AccountID) {
		return "", false
	}
	id, ok := strings.CutPrefix(a.Resource, "key/")
	return id, ok && id != "" && !strings.ContainsAny(id, "/:")
}

// collectMLRefs reads the inputs (files only) for the references of their
// AI resources.
func collectMLRefs(srcs []*Source) (*mlRefs, []string) {
	refs := &mlRefs{buckets: map[string]map[string]bool{}, keys: map[string]map[string]bool{}}
	var notes []string
	for _, src := range srcs {
		if src.Kind == KindTemplate || src.Kind == KindPlan || src.Kind == KindEmpty {
			continue
		}
		if !src.closed {
			notes = append(notes, fmt.Sprintf("%s: standard input is read once: the buckets and keys its AI resources use "+
				"are not brought into ML scope", src.Name))
			continue
		}
		refs.read(src)
	}
	return refs, notes
}

// read walks one input; a break in it is reported by the main pass.
func (m *mlRefs) read(src *Source) {
	probe := *src
	if err := probe.reopen(nil); err != nil {
		return
	}
	defer probe.Close()
	var dec configitem.Decoder
	split(newSplitter(probe.r), probe.Kind, func(_ string, el jsonsplit.Element) error {
		if el.Err != nil || len(el.Data) == 0 {
			return nil
		}
		if typ := itemType(&el); typ != nil && !cfnjudge.IsAIType(string(typ)) {
			return nil
		}
		item, err := decodeItem(&dec, el.Data, el.Data[0] == '"', false)
		if err == nil && cfnjudge.IsAIType(item.ResourceType) {
			m.add(item)
		}
		return nil
	})
}

// add records what an AI resource's configuration refers to.
func (m *mlRefs) add(item *configitem.Item) {
	var walk func(v configitem.Value, path string)
	walk = func(v configitem.Value, path string) {
		switch t, isString := v.Text(); {
		case isString:
			by := fmt.Sprintf("%s %s (%s)", item.ResourceType, item.ResourceID, strings.TrimPrefix(path, "."))
			// The names are kept for the whole scan: copies, so that they do
			// not keep each item's input alive.
			if b := cfnjudge.BucketInString(t); b != "" {
				addRef(m.buckets, strings.Clone(b), by)
			}
			if k, ok := kmsKeyID(t); ok {
				addRef(m.keys, strings.Clone(k), by)
			} else if strings.Contains(strings.ToLower(path), "kms") && !strings.ContainsAny(t, ":/ ") && t != "" {
				addRef(m.keys, strings.Clone(t), by) // a bare key ID
			}
		case v.IsObject():
			type member struct {
				key string
				v   configitem.Value
			}
			var members []member
			for k, x := range v.Members() {
				members = append(members, member{k, x})
			}
			sort.Slice(members, func(i, j int) bool { return members[i].key < members[j].key })
			for _, e := range members {
				walk(e.v, path+"."+e.key)
			}
		case v.IsList():
			i := 0
			for x := range v.Elements() {
				walk(x, fmt.Sprintf("%s[%d]", path, i))
				i++
			}
		}
	}
	walk(item.Config(), "")
}

func addRef(m map[string]map[string]bool, key, by string) {
	if m[key] == nil {
		m[key] = map[string]bool{}
	}
	m[key][by] = true
}

// lookup returns who uses a bucket or key CI, listed for an annotation.
func (m *mlRefs) lookup(item *configitem.Item) []string {
	if m == nil {
		return nil
	}
	var set map[string]bool
	switch item.ResourceType {
	case cfnjudge.TypeS3Bucket:
		for _, n := range []string{item.ResourceName, item.ResourceID} {
			if set = m.buckets[n]; set != nil {
				break
			}
		}
	case cfnjudge.TypeKMSKey:
		set = m.keys[item.ResourceID]
		if k, ok := kmsKeyID(item.ARN); set == nil && ok {
			set = m.keys[k]
		}
	}
	if len(set) == 0 {
		return nil
	}
	list := slices.Sorted(maps.Keys(set))
	if len(list) > 3 {
		list = append(list[:3], fmt.Sprintf("%d more", len(set)-3))
	}
	return list
}
