package iampolicy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadReference reads the reduced Service Authorization Reference extract
// (the "iam-reference/v1" files: one <service>.json per service and
// global-condition-keys.json) from dir into a Table whose services are all
// complete. The extract is made from the AWS Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/) and
// the IAM User Guide's list of global condition context keys; it is not part
// of the repository (internal/testenv/refdata locates it). internal/gen turns it
// into the built-in table, and tests use it to cross-check the built-in
// table and generated policies (Linter{Table: ref}).
func LoadReference(dir string) (*Table, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("IAM reference: no JSON files in %s", dir)
	}
	t := newTable()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("IAM reference: %w", err)
		}
		if filepath.Base(f) == "global-condition-keys.json" {
			err = t.readGlobalReference(data)
		} else {
			err = t.readServiceReference(data)
		}
		if err != nil {
			return nil, fmt.Errorf("IAM reference %s: %w", filepath.Base(f), err)
		}
	}
	sort.Slice(t.global, func(i, j int) bool { return t.global[i].Name < t.global[j].Name })
	if err := t.link(); err != nil {
		return nil, err
	}
	return t, nil
}

type refService struct {
	Meta struct {
		SnapshotDate string `json:"snapshot_date"`
	} `json:"_meta"`
	Prefix        string `json:"service_prefix"`
	ConditionKeys map[string]struct {
		Type string `json:"type"`
	} `json:"condition_keys"`
	ResourceTypes map[string]struct {
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"condition_keys"`
	} `json:"resource_types"`
	Actions map[string]struct {
		AccessLevel   string `json:"access_level"`
		ResourceTypes []struct {
			ResourceType string `json:"resource_type"`
		} `json:"resource_types"`
		ActionConditionKeys []string `json:"action_condition_keys"`
	} `json:"actions"`
}

func (t *Table) readServiceReference(data []byte) error {
	var ref refService
	if err := json.Unmarshal(data, &ref); err != nil {
		return err
	}
	p := strings.ToLower(ref.Prefix)
	if p == "" {
		return fmt.Errorf("no service_prefix")
	}
	if t.services[p] != nil {
		return fmt.Errorf("service %s read twice", p)
	}
	s := &Service{Prefix: p, Complete: true, AsOf: ref.Meta.SnapshotDate,
		resources: map[string]*ResourceType{}, actions: map[string]*Action{}}
	for name, k := range ref.ConditionKeys {
		key := &Key{Name: name, Type: KeyType(k.Type), pattern: newPattern(name)}
		if !key.Type.valid() {
			return fmt.Errorf("condition key %s: unknown type %q", name, k.Type)
		}
		s.keys = append(s.keys, key)
	}
	for name, r := range ref.ResourceTypes {
		if strings.ContainsAny(name, " ,") || strings.ContainsAny(r.ARN, " ") {
			return fmt.Errorf("resource type %q: names and ARNs must not hold spaces or commas", name)
		}
		s.resources[name] = &ResourceType{Name: name, ARN: r.ARN, Keys: dedupe(r.ConditionKeys)}
	}
	for name, a := range ref.Actions {
		access := AccessLevel(a.AccessLevel)
		if accessLetter(access) == "-" {
			return fmt.Errorf("action %s: unknown access level %q", name, a.AccessLevel)
		}
		act := &Action{Service: p, Name: name, Access: access, Keys: dedupe(a.ActionConditionKeys)}
		var res []string
		for _, r := range a.ResourceTypes {
			if r.ResourceType != "" {
				res = append(res, r.ResourceType)
			}
		}
		act.ResourceTypes = dedupe(res)
		s.actions[strings.ToLower(name)] = act
	}
	t.services[p] = s
	t.prefixes[p] = true
	return nil
}

// dedupe drops repeated names, keeping the first occurrence's order.
func dedupe(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func (t *Table) readGlobalReference(data []byte) error {
	var ref struct {
		Keys map[string]struct {
			DataType  string `json:"data_type"`
			ValueType string `json:"value_type"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		return err
	}
	for name, k := range ref.Keys {
		typ := KeyType(k.DataType)
		if k.ValueType == "multivalued" && !typ.Multivalued() {
			typ = "ArrayOf" + typ
		}
		key := &Key{Name: name, Type: typ, pattern: newPattern(name)}
		if !key.Type.valid() {
			return fmt.Errorf("global key %s: unknown type %q", name, k.DataType)
		}
		t.global = append(t.global, key)
	}
	return nil
}
