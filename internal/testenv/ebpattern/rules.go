package ebpattern

import (
	"encoding/json"
	"sort"
	"strings"
)

// Rule is an EventBridge rule of a CloudFormation template: its name, its
// pattern, and the input template of its first target (its Fn::Sub
// string, empty when the target gets the event as it is).
type Rule struct {
	Name    string
	Pattern map[string]any
	Input   string
}

// TemplateRules returns a template's EventBridge rules, by name. It reads
// the template through JSON, as CloudFormation does.
func TemplateRules(template any) ([]Rule, error) {
	b, err := json.Marshal(template)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				Name         string
				EventPattern map[string]any
				Targets      []struct {
					InputTransformer struct {
						InputTemplate struct {
							Sub []any `json:"Fn::Sub"`
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var out []Rule
	for _, r := range doc.Resources {
		if r.Type != "AWS::Events::Rule" {
			continue
		}
		rule := Rule{Name: r.Properties.Name, Pattern: r.Properties.EventPattern}
		if len(r.Properties.Targets) > 0 {
			if sub := r.Properties.Targets[0].InputTransformer.InputTemplate.Sub; len(sub) > 0 {
				rule.Input, _ = sub[0].(string)
			}
		}
		out = append(out, rule)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Deliver is the input a rule's target receives for an event (its JSON):
// the input template with aws.events.event.json replaced by the event and
// the template's other variables by vars. It is the event itself when the
// rule has no input template.
func (r Rule) Deliver(event []byte, vars map[string]string) string {
	if r.Input == "" {
		return string(event)
	}
	s := strings.Replace(r.Input, "<aws.events.event.json>", string(event), 1)
	for k, v := range vars {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	return s
}
