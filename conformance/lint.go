package conformance

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/aiguard/aiguard/internal/findings"
)

// Severity and Finding are the shared shape of checker findings.
type (
	Severity = findings.Severity
	Finding  = findings.Finding
)

// Severities, from worst.
const (
	SeverityError   = findings.Error   // the pack will not deploy, or will not work as written
	SeverityWarning = findings.Warning // likely a mistake, or a limit that may be exceeded
	SeverityInfo    = findings.Info    // worth knowing; nothing to fix
)

// Linter applies the conformance-pack checks and, when Schema is set, the
// CloudFormation resource schema.
type Linter struct {
	// Schema validates resources against the CloudFormation resource
	// specification; nil skips that check.
	Schema Schema
}

// Lint checks a conformance pack template given as the bytes that would be
// sent as TemplateBody. The error is a *SyntaxError when data is not a
// template at all.
func (l *Linter) Lint(data []byte) ([]Finding, error) {
	t, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if packs := deployers(t); len(packs) > 0 {
		return l.lintDeployment(data, packs)
	}
	fs := l.Check(t)
	fs = append(fs, checkSize(len(data))...)
	sortFindings(fs)
	return fs, nil
}

// Check applies every check but the template size (which needs the bytes)
// to a template.
func (l *Linter) Check(t *File) []Finding {
	c := &checker{t: t, doc: t.Document()}
	c.run()
	if l.Schema != nil {
		c.schema(l.Schema)
	}
	sortFindings(c.out)
	return c.out
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Location != b.Location {
			return a.Location < b.Location
		}
		return a.Code < b.Code
	})
}

func checkSize(n int) []Finding {
	switch {
	case n > MaxTemplateS3Bytes:
		return []Finding{{Severity: SeverityError, Code: "pack-template-size",
			Message: fmt.Sprintf("the template is %d bytes: above the %d-byte TemplateBody limit and the 300 KB limit "+
				"of a template in S3; split it into several packs", n, MaxTemplateBytes)}}
	case n > MaxTemplateBytes:
		return []Finding{{Severity: SeverityError, Code: "pack-template-size",
			Message: fmt.Sprintf("the template is %d bytes; TemplateBody allows at most %d: split the pack, or upload "+
				"the template to S3 in the pack's Region and deploy it with TemplateS3Uri (at most 300 KB)", n, MaxTemplateBytes)}}
	}
	return nil
}

// pseudoParameters are the names Ref resolves besides parameters and
// resources.
var pseudoParameters = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::NoValue": true, "AWS::Partition": true,
	"AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

var logicalID = regexp.MustCompile(`^[A-Za-z0-9]+$`)

type checker struct {
	t   *File
	doc *Value
	out []Finding

	params     map[string]*Parameter
	conditions map[string]*Condition
	resources  map[string]*Resource
	usedParam  map[string]bool
	usedCond   map[string]bool
}

func (c *checker) add(sev Severity, code, loc string, at Pos, format string, args ...any) {
	c.out = append(c.out, Finding{Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Location: loc,
		Line: at.Line, Column: at.Column})
}

func (c *checker) run() {
	t := c.t
	c.params = map[string]*Parameter{}
	for _, p := range t.Parameters {
		c.params[p.Name] = p
	}
	c.conditions = map[string]*Condition{}
	for _, cd := range t.Conditions {
		c.conditions[cd.Name] = cd
	}
	c.resources = map[string]*Resource{}
	for _, r := range t.Resources {
		c.resources[r.LogicalID] = r
	}
	c.usedParam = map[string]bool{}
	c.usedCond = map[string]bool{}

	c.structure()
	c.counts()
	c.references()
	names := map[string]*Resource{}
	for _, r := range t.Resources {
		switch r.Type {
		case TypeConfigRule:
			c.configRule(r, names)
		case TypeRemediation:
			c.remediation(r)
		case "":
			// structure() reported it
		default:
			c.add(SeverityError, "pack-resource-type", r.LogicalID, r.Pos,
				"resource type %s is not allowed in a conformance pack, which may contain only %s and %s; "+
					"deploy it in a separate CloudFormation stack", r.Type, TypeConfigRule, TypeRemediation)
		}
	}
	c.remediationTargets(names)
	c.unused()
}

// structure reports sections and resources of the wrong shape with plain
// words; the schema check would report them too, less clearly.
func (c *checker) structure() {
	res, ok := c.doc.Field("Resources")
	switch {
	case !ok:
		c.add(SeverityError, "pack-structure", "", Pos{}, "the template has no Resources section; a conformance pack needs at least one %s", TypeConfigRule)
		return
	case res.Value.Kind != Map || len(res.Value.Fields) == 0:
		c.add(SeverityError, "pack-structure", "", res.Pos, "Resources must be a mapping of logical IDs to resources, with at least one %s", TypeConfigRule)
		return
	}
	for _, f := range res.Value.Fields {
		switch {
		case !logicalID.MatchString(f.Key):
			c.add(SeverityError, "pack-structure", f.Key, f.Pos, "logical ID %q must contain only letters and digits", f.Key)
		case f.Value.Kind != Map:
			c.add(SeverityError, "pack-structure", f.Key, f.Pos, "resource %s must be a mapping with Type and Properties", f.Key)
		case f.Value.Get("Type") == nil:
			c.add(SeverityError, "pack-structure", f.Key, f.Pos, "resource %s has no Type; set Type: %s", f.Key, TypeConfigRule)
		}
	}
	for _, sec := range []string{"Parameters", "Conditions"} {
		if f, ok := c.doc.Field(sec); ok && f.Value.Kind != Map {
			c.add(SeverityError, "pack-structure", "", f.Pos, "%s must be a mapping of names to definitions", sec)
		}
	}
}

func (c *checker) counts() {
	if n := len(c.t.ConfigRules()); n > MaxRules {
		c.add(SeverityError, "pack-rule-count", "", Pos{},
			"the pack has %d %s resources; a conformance pack may have at most %d: split it into several packs", n, TypeConfigRule, MaxRules)
	}
	if n := len(c.t.Parameters); n > MaxParameters {
		c.add(SeverityError, "pack-parameter-count", "", Pos{},
			"the template has %d parameters; a conformance pack accepts at most %d input parameters: "+
				"inline values that never change, or split the pack", n, MaxParameters)
	}
}
