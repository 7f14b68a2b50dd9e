package cfnschema

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// extraJSON holds, in the goformation schema's form, the resource types
// that the goformation release in use does not have yet, taken from their
// CloudFormation registry schemas (AWS CloudFormation Template Reference):
// AWS::CloudFormation::LambdaHook. A type the goformation schema has is
// never replaced.
//
//go:embed extra.json
var extraJSON []byte

// addExtra adds the extra definitions that defs lacks.
func addExtra(defs map[string]json.RawMessage) error {
	var extra map[string]json.RawMessage
	if err := json.Unmarshal(extraJSON, &extra); err != nil {
		return fmt.Errorf("decode the extra CloudFormation schemas: %w", err)
	}
	for name, d := range extra {
		if _, ok := defs[name]; !ok {
			defs[name] = d
		}
	}
	return nil
}
