package policygen

// TEMPORARY (p3a refactor safety net; not committed).

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/orgspec"
)

func TestZZSnapshot(t *testing.T) {
	out := os.Getenv("P3A_SNAP")
	if out == "" {
		t.Skip("P3A_SNAP unset")
	}
	type named struct {
		name string
		data []byte
	}
	ex := string(orgspec.Example())
	var specs []named
	specs = append(specs, named{"example", orgspec.Example()})
	for _, n := range []int{1, 2, 3, 5, 8, 13, 20, 50, 60} {
		specs = append(specs, named{fmt.Sprintf("varied%d", n), variedSpec(n)})
	}
	variants := map[string][]string{
		"cn":       {"regions: [us-east-1, us-west-2]", "regions: [cn-north-1, cn-northwest-1]"},
		"gov":      {"regions: [us-east-1, us-west-2]", "regions: [us-gov-west-1]"},
		"iso":      {"regions: [us-east-1, us-west-2]", "regions: [us-iso-east-1]"},
		"tight":    {"  tagKeys:\n", "  limits:\n    scpMaxChars: 1000\n  tagKeys:\n"},
		"big":      {"  tagKeys:\n", "  limits:\n    scpMaxChars: 5000\n    scpMaxPerTarget: 4\n  tagKeys:\n"},
		"per3":     {"  tagKeys:\n", "  limits:\n    scpMaxPerTarget: 3\n  tagKeys:\n"},
		"notool":   {`  securityToolingAccount: "222222222222"    # the rule Lambda runs here` + "\n", ""},
		"toolmgmt": {`securityToolingAccount: "222222222222"`, `securityToolingAccount: "111111111111"`},
	}
	for name, p := range variants {
		if strings.Contains(ex, p[0]) {
			v := strings.Replace(ex, p[0], p[1], 1)
			for _, part := range []string{"cn", "gov", "iso"} {
				if name == part {
					v = strings.ReplaceAll(v, "arn:aws:", "arn:"+map[string]string{"cn": "aws-cn", "gov": "aws-us-gov", "iso": "aws-iso"}[part]+":")
				}
			}
			specs = append(specs, named{"variant-" + name, []byte(v)})
		} else {
			t.Logf("variant %s: no %q", name, p[0])
		}
	}
	files, _ := filepath.Glob("../testdata/specs/*.yaml")
	more, _ := filepath.Glob("../testdata/validate/*.yaml")
	for _, f := range append(files, more...) {
		b, _ := os.ReadFile(f)
		specs = append(specs, named{f, b})
	}
	var b strings.Builder
	for _, s := range specs {
		spec, err := orgspec.Parse(s.name, s.data)
		if err != nil {
			fmt.Fprintf(&b, "== %s: parse error %.300v\n", s.name, err)
			continue
		}
		o, err := Build(spec)
		if err != nil {
			fmt.Fprintf(&b, "== %s: error %v\n", s.name, err)
			continue
		}
		fmt.Fprintf(&b, "== %s: %d artifacts, %d cases\n", s.name, len(o.Artifacts), o.Cases)
		for _, a := range o.Artifacts {
			fmt.Fprintf(&b, "%s %s %s %s %d/%d %v %x\n", a.Path, a.Kind, a.Team, a.Target, a.Size, a.Limit, a.TargetIDs, sha256.Sum256(a.Body))
		}
		j, _ := json.Marshal([]any{o.Budgets, o.Omitted, o.AtRoot})
		fmt.Fprintf(&b, "extra %x\n", sha256.Sum256(j))
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
