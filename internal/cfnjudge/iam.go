package cfnjudge

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// AWS::IAM::Role, User and Group are legacy Config types: their CIs use
// IAM's describe names, and the managed policies attached to a principal
// are attachedManagedPolicies[] objects ({policyArn, policyName}) where a
// template lists ManagedPolicyArns. The rest of a template's properties
// reach the rules as they are: the rules read AssumeRolePolicyDocument,
// RoleName and Path under their camelCase names, which match the template's
// PascalCase ones (lookups flip the first letter).
const (
	typeIAMRole  = "AWS::IAM::Role"
	typeIAMUser  = "AWS::IAM::User"
	typeIAMGroup = "AWS::IAM::Group"
)

// iamPrincipal converts an IAM role, user or group.
func (c *converter) iamPrincipal(id, typ string, props map[string]any) (*configitem.Item, error) {
	item, err := c.generic(id, typ, props)
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if err := json.Unmarshal(item.Configuration, &cfg); err != nil {
		return nil, fmt.Errorf("decode configuration: %w", err)
	}
	if arns, ok := cfg["ManagedPolicyArns"].([]any); ok {
		attached := make([]any, 0, len(arns))
		for _, a := range arns {
			s, ok := a.(string)
			if !ok {
				continue
			}
			entry := map[string]any{"policyArn": s}
			if !strings.HasPrefix(s, "!") {
				entry["policyName"] = s[strings.LastIndexByte(s, '/')+1:]
			}
			attached = append(attached, entry)
		}
		cfg["attachedManagedPolicies"] = attached
		delete(cfg, "ManagedPolicyArns")
	}
	conf, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	item.Configuration = conf
	return item, nil
}
