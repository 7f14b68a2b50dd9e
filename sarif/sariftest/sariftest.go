// Package sariftest checks SARIF logs in tests: against the SARIF 2.1.0
// JSON Schema (testdata/sarif-schema-2.1.0.json, with its origin in the
// README beside it) and against what GitHub code scanning needs on top.
package sariftest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/sarif-schema-2.1.0.json
var schemaJSON []byte

const schemaURL = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("read the SARIF schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// Validate checks a SARIF log: valid JSON, valid against the SARIF 2.1.0
// schema, and usable by GitHub code scanning (a driver name; every result
// with a ruleId naming a rule of the driver, a message, and a relative or
// file URI with a start line when it has a physical location).
func Validate(data []byte) error {
	s, err := schema()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("not valid SARIF 2.1.0: %w", err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex *int
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           *struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		return err
	}
	for i, run := range log.Runs {
		if run.Tool.Driver.Name == "" {
			return fmt.Errorf("run %d: no tool.driver.name", i)
		}
		for j, r := range run.Results {
			if r.RuleID == "" || r.Message.Text == "" {
				return fmt.Errorf("run %d result %d: no ruleId or message text", i, j)
			}
			if r.RuleIndex == nil || *r.RuleIndex < 0 || *r.RuleIndex >= len(run.Tool.Driver.Rules) ||
				run.Tool.Driver.Rules[*r.RuleIndex].ID != r.RuleID {
				return fmt.Errorf("run %d result %d: ruleIndex does not point at rule %s", i, j, r.RuleID)
			}
			for _, l := range r.Locations {
				p := l.PhysicalLocation
				if p == nil {
					continue
				}
				uri := p.ArtifactLocation.URI
				if strings.HasPrefix(uri, "/") || (p.ArtifactLocation.URIBaseID == "" && !strings.HasPrefix(uri, "file://")) {
					return fmt.Errorf("run %d result %d: artifact URI %q is neither relative to a base nor a file URI", i, j, uri)
				}
				if p.Region != nil && p.Region.StartLine < 1 {
					return fmt.Errorf("run %d result %d: region without a start line", i, j)
				}
			}
		}
	}
	return nil
}
