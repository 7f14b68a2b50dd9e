package localaws

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// fixtureFS holds response fixtures: fixtures/sagemaker/<Operation>.<case>.json
// is the body of one Describe response, with the API reference's member
// names (the package tests check them against the SDK's response
// snapshots).
//
//go:embed fixtures
var fixtureFS embed.FS

// Doc is a decoded JSON response body that a test may change before it
// registers it. Numbers are json.Number, so that values pass through as
// the service wrote them.
type Doc map[string]any

// Fixture returns a fresh copy of a response fixture, named by its path
// under fixtures/ without ".json" ("sagemaker/DescribeTrainingJob.hardened").
func Fixture(name string) (Doc, error) {
	data, err := fixtureFS.ReadFile("fixtures/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("localaws: fixture %s: %w", name, err)
	}
	d, err := decodeDoc(data)
	if err != nil {
		return nil, fmt.Errorf("localaws: fixture %s: %w", name, err)
	}
	return d, nil
}

// FixtureNames lists the fixtures under dir ("sagemaker"), as Fixture
// names them.
func FixtureNames(dir string) ([]string, error) {
	entries, err := fixtureFS.ReadDir("fixtures/" + dir)
	if err != nil {
		return nil, fmt.Errorf("localaws: fixtures %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			out = append(out, dir+"/"+name)
		}
	}
	return out, nil
}

// Set sets the member at a dotted path ("ResourceConfig.VolumeKmsKeyId"),
// creating objects on the way, and returns d.
func (d Doc) Set(path string, v any) Doc {
	parts := strings.Split(path, ".")
	m := map[string]any(d)
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
	return d
}

// Delete removes the member at a dotted path, if present, and returns d.
func (d Doc) Delete(path string) Doc {
	parts := strings.Split(path, ".")
	m := map[string]any(d)
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return d
		}
		m = next
	}
	delete(m, parts[len(parts)-1])
	return d
}

// Apply sets each member of changes at its dotted path (Set), or deletes
// it when its value is nil (Delete), and returns d.
func (d Doc) Apply(changes map[string]any) Doc {
	for path, v := range changes {
		if v == nil {
			d.Delete(path)
		} else {
			d.Set(path, v)
		}
	}
	return d
}

// JSON encodes d.
func (d Doc) JSON() []byte {
	data, err := json.Marshal(d)
	if err != nil {
		// A Doc holds only what JSON decoding and Set put there.
		return []byte("{}")
	}
	return data
}

// AddSageMakerDoc registers d as a resource of kind, like AddSageMaker.
func (s *Server) AddSageMakerDoc(kind string, d Doc) error {
	return s.AddSageMaker(kind, d.JSON())
}
