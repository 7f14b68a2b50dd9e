package deploy

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// automationTemplate is the part of the automation rules template the
// tests read.
type automationTemplate struct {
	Resources map[string]struct {
		Properties struct {
			RuleOrder int `yaml:"RuleOrder"`
			Criteria  struct {
				ProductName []stringFilter `yaml:"ProductName"`
				Title       []stringFilter `yaml:"Title"`
			} `yaml:"Criteria"`
			Actions []struct {
				FindingFieldsUpdate struct {
					Severity struct {
						Label string `yaml:"Label"`
					} `yaml:"Severity"`
					UserDefinedFields map[string]string `yaml:"UserDefinedFields"`
					Note              struct {
						Text      string `yaml:"Text"`
						UpdatedBy string `yaml:"UpdatedBy"`
					} `yaml:"Note"`
				} `yaml:"FindingFieldsUpdate"`
			} `yaml:"Actions"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

type stringFilter struct {
	Comparison string `yaml:"Comparison"`
	Value      string `yaml:"Value"`
}

// matches applies string filters as Security Hub does for the positive
// comparisons: any one matching is enough.
func matches(filters []stringFilter, v string) bool {
	for _, f := range filters {
		switch f.Comparison {
		case "EQUALS":
			if v == f.Value {
				return true
			}
		case "PREFIX":
			if strings.HasPrefix(v, f.Value) {
				return true
			}
		case "CONTAINS":
			if strings.Contains(v, f.Value) {
				return true
			}
		}
	}
	return false
}

func automationRules(t *testing.T, out *Output) automationTemplate {
	t.Helper()
	var tmpl automationTemplate
	for _, a := range out.Artifacts {
		if a.Path == SecurityHubPath {
			if err := yaml.Unmarshal(a.Data, &tmpl); err != nil {
				t.Fatal(err)
			}
			return tmpl
		}
	}
	t.Fatalf("no %s", SecurityHubPath)
	return tmpl
}

// TestSecurityHubRules checks that every finding of every pack rule, as
// deployed by hand (the rule's name) or by a conformance pack (the name
// with Config's suffix), is matched by exactly one automation rule, which
// sets the catalog's severity and the rule's fields; and that no other
// finding is.
func TestSecurityHubRules(t *testing.T) {
	for _, tt := range []struct {
		name      string
		out       *Output
		perRule   bool // one automation rule per catalog rule
		wantTeams bool
	}{
		{name: "example", out: generate(t, exampleSpec(t))},
		{name: "1 team", out: generate(t, parseSpec(t, nil, "teams.yaml", teamsSpec(1)))},
		{name: "50 teams", out: generate(t, parseSpec(t, nil, "teams.yaml", teamsSpec(50)))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// One automation rule per Config rule while they fit, and then
			// one per catalog rule, with no team field.
			n := 0
			for _, pk := range tt.out.Plan.Packs {
				n += len(pk.Rules)
			}
			tt.perRule = n > MaxAutomationRules
			tt.wantTeams = !tt.perRule
			t.Logf("%d Config rules: one automation rule per catalog rule: %v", n, tt.perRule)
			tmpl := automationRules(t, tt.out)
			if n := len(tmpl.Resources); n == 0 || n > MaxAutomationRules {
				t.Fatalf("%d automation rules", n)
			}
			orders := map[int]bool{}
			for id, r := range tmpl.Resources {
				if orders[r.Properties.RuleOrder] {
					t.Errorf("%s: RuleOrder %d used twice", id, r.Properties.RuleOrder)
				}
				orders[r.Properties.RuleOrder] = true
				if !matches(r.Properties.Criteria.ProductName, "Config") || matches(r.Properties.Criteria.ProductName, "GuardDuty") {
					t.Errorf("%s: not limited to AWS Config findings", id)
				}
			}
			for _, pk := range tt.out.Plan.Packs {
				for _, pr := range pk.Rules {
					titles := []string{pr.Name + packSuffix + "a1b2c3d4e"}
					if !tt.perRule {
						titles = append(titles, pr.Name) // deployed outside a pack
					}
					for _, title := range titles {
						var hit []string
						for id, r := range tmpl.Resources {
							if matches(r.Properties.Criteria.Title, title) {
								hit = append(hit, id)
							}
						}
						if len(hit) != 1 {
							t.Errorf("finding titled %s matches %d automation rules %v, want 1", title, len(hit), hit)
							continue
						}
						u := tmpl.Resources[hit[0]].Properties.Actions[0].FindingFieldsUpdate
						if u.Severity.Label != string(pr.Rule.Severity) {
							t.Errorf("%s: severity %s, want the catalog's %s", title, u.Severity.Label, pr.Rule.Severity)
						}
						f := u.UserDefinedFields
						if f["aiguardRuleId"] != pr.Rule.ID || f["aiguardControl"] != pr.Rule.Control ||
							f["aiguardRemediation"] != CatalogURL+pr.Rule.ID {
							t.Errorf("%s: fields %v", title, f)
						}
						team := baselineTeam
						if pk.Team != nil {
							team = pk.Team.Name
						}
						if tt.wantTeams && f["aiguardTeam"] != team {
							t.Errorf("%s: aiguardTeam %q, want %q", title, f["aiguardTeam"], team)
						}
						if u.Note.UpdatedBy != "aiguard" || !strings.Contains(u.Note.Text, pr.Rule.ID) {
							t.Errorf("%s: note %+v", title, u.Note)
						}
					}
				}
			}
			for _, other := range []string{"securityhub-sagemaker-notebook-instance-inside-vpc-1a2b3c", "aiguard", "s3-bucket-ssl-requests-only"} {
				for id, r := range tmpl.Resources {
					if matches(r.Properties.Criteria.Title, other) {
						t.Errorf("%s matches the finding of another rule, %s", id, other)
					}
				}
			}
			if tt.perRule && !hasNote(tt.out, SecurityHubPath, "one automation rule per aiguard rule") {
				t.Error("no note says findings carry no team field")
			}
		})
	}
}
