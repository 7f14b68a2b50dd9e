package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/configitem"
	"github.com/aiguard/aiguard/rules"
)

// process decodes and judges one record; it runs on a worker.
func (rs *ruleSet) process(opts *Options, c *chunk, rec *record, out *Result) {
	out.Pos, out.Input = rec.pos, rec.input
	if rec.problem != nil {
		out.Problem = rec.problem
		return
	}
	item := rec.item
	if item == nil {
		var err error
		if item, err = decodeItem(c.buf[rec.off:rec.off+rec.n], rec.quoted); err != nil {
			out.Problem = &Problem{Pos: rec.pos, Err: err}
			return
		}
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
	out.Resource = Identity{
		AccountID: item.AccountID,
		Region:    item.Region,
		Partition: partitionOf(item.ARN, item.Region),
		ARN:       item.ARN,
		Type:      item.ResourceType,
		ID:        item.ResourceID,
		Name:      item.ResourceName,
		Template:  rec.item != nil,
	}
	bound := rs.byType[item.ResourceType]
	if len(bound) == 0 {
		return
	}
	out.Evaluations = make([]rules.Evaluation, len(bound))
	for i, b := range bound {
		ev := b.rule.Evaluate(item, b.params)
		if len(rec.unresolved) > 0 {
			ev = qualify(ev, b.rule, rec.unresolved)
		}
		out.Evaluations[i] = ev
	}
}

// decodeItem decodes a CI's bytes; quoted bytes are a JSON string holding
// the CI (select-resource-config results).
func decodeItem(data []byte, quoted bool) (*configitem.Item, error) {
	if quoted {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("result string: %w", err)
		}
		data = []byte(s)
	}
	item, err := configitem.Decode(data)
	if err == nil {
		return item, nil
	}
	// Advanced queries (select-resource-config) return tags as a list of
	// {"key", "value"} objects rather than a map; accept that shape too.
	if fixed, ok := tagListToMap(data); ok {
		if item, err2 := configitem.Decode(fixed); err2 == nil {
			return item, nil
		}
	}
	return nil, err
}

// tagListToMap rewrites a "tags" list of key/value objects into a map.
func tagListToMap(data []byte) ([]byte, bool) {
	if !bytes.Contains(data, []byte(`"tags"`)) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	raw, ok := m["tags"]
	if !ok || len(raw) == 0 || raw[0] != '[' {
		return nil, false
	}
	var list []struct {
		Key   *string `json:"key"`
		Value *string `json:"value"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return nil, false
	}
	tags := make(map[string]string, len(list))
	for _, t := range list {
		if t.Key == nil {
			return nil, false
		}
		v := ""
		if t.Value != nil {
			v = *t.Value
		}
		tags[*t.Key] = v
	}
	enc, err := json.Marshal(tags)
	if err != nil {
		return nil, false
	}
	m["tags"] = enc
	out, err := json.Marshal(m)
	return out, err == nil
}

// qualify adjusts the verdict of a template resource whose rule read a
// field holding an unresolved intrinsic function: a failure cannot be
// confirmed before deployment, so it becomes NOT_APPLICABLE with the reason,
// and a pass says what it assumed.
func qualify(ev rules.Evaluation, r *rules.Rule, unresolved []unresolvedField) rules.Evaluation {
	var hit []string
	for _, u := range unresolved {
		for _, f := range r.Fields {
			if pathsOverlap(u.path, f) {
				hit = append(hit, fmt.Sprintf("%s (%s)", u.display(), u.expr))
				break
			}
		}
	}
	if len(hit) == 0 {
		return ev
	}
	what := strings.Join(hit, ", ")
	switch ev.Compliance {
	case rules.NonCompliant:
		ev.Compliance = rules.NotApplicable
		ev.Annotation = rules.Annotation("Not judged before deployment: the verdict depends on " + what +
			", left unresolved. As written: " + ev.Annotation)
	case rules.Compliant:
		ev.Annotation = rules.Annotation("Compliant if " + what + ", left unresolved, resolves to a suitable value.")
	}
	return ev
}

// pathsOverlap reports whether two dotted CI paths name the same field or
// one contains the other (case-insensitively, as CI field names vary).
func pathsOverlap(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if !strings.EqualFold(a, b[:len(a)]) {
		return false
	}
	return len(a) == len(b) || b[len(a)] == '.'
}

// partitionOf returns the partition from an ARN, or from the Region name.
func partitionOf(arn, region string) string {
	if rest, ok := strings.CutPrefix(arn, "arn:"); ok {
		if p, _, ok := strings.Cut(rest, ":"); ok && p != "" {
			return p
		}
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	}
	return "aws"
}

func jsonUnmarshalString(data []byte, s *string) error { return json.Unmarshal(data, s) }
