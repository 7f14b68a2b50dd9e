package conformance

import (
	"bytes"
	"fmt"

	"github.com/aiguard/aiguard/internal/suggest"
)

// Resource types that deploy a conformance pack from a CloudFormation
// template: the generator's organization-packs/*.yaml are such templates.
const (
	TypeOrganizationConformancePack = "AWS::Config::OrganizationConformancePack"
	TypeConformancePack             = "AWS::Config::ConformancePack"
)

// deployer is a resource that deploys a pack.
type deployer struct {
	res  *Resource
	body *Value // TemplateBody, or nil
}

// deployers returns the resources of a template that deploy a pack; a
// template with any is a deployment template, not a pack.
func deployers(t *File) []deployer {
	var out []deployer
	for _, r := range t.Resources {
		if r.Type == TypeOrganizationConformancePack || r.Type == TypeConformancePack {
			out = append(out, deployer{res: r, body: r.Properties.Get("TemplateBody")})
		}
	}
	return out
}

// lintDeployment lints a template that deploys packs: each pack template
// it embeds (TemplateBody) with every check, its findings placed at their
// line and column in the outer file when the body is a YAML literal block,
// and the input parameters the deployment passes against the parameters
// the pack declares.
func (l *Linter) lintDeployment(data []byte, packs []deployer) ([]Finding, error) {
	lines := bytes.Split(data, []byte("\n"))
	var out []Finding
	for _, d := range packs {
		id := d.res.LogicalID
		if d.body == nil {
			at := d.res.Pos
			if u, ok := d.res.Properties.Field("TemplateS3Uri"); ok {
				at = u.Pos
			}
			out = append(out, Finding{Severity: SeverityInfo, Code: "pack-template-elsewhere", Location: id, Line: at.Line, Column: at.Column,
				Message: "the pack's template is not in this file (TemplateS3Uri); lint that template"})
			continue
		}
		text, ok := d.body.Scalar()
		if !ok || d.body.Kind != String {
			out = append(out, Finding{Severity: SeverityError, Code: "pack-structure", Location: id, Line: d.body.Line, Column: d.body.Column,
				Message: "TemplateBody must be the pack template as a string"})
			continue
		}
		fs, err := l.Lint([]byte(text))
		if err != nil {
			at := d.body.Pos
			var se *SyntaxError
			msg := err.Error()
			if asSyntax(err, &se) {
				msg = se.Msg
				if p, ok := shift(lines, d.body.Pos, se.Pos); ok {
					at = p
				}
			}
			out = append(out, Finding{Severity: SeverityError, Code: "pack-syntax", Location: id, Line: at.Line, Column: at.Column,
				Message: "TemplateBody: " + msg})
			continue
		}
		for _, f := range fs {
			if p, ok := shift(lines, d.body.Pos, Pos{Line: f.Line, Column: f.Column}); ok {
				f.Line, f.Column = p.Line, p.Column
			} else {
				if f.Line > 0 {
					f.Message = fmt.Sprintf("%s (line %d of TemplateBody)", f.Message, f.Line)
				}
				f.Line, f.Column = d.body.Line, d.body.Column
			}
			if f.Location == "" {
				f.Location = id
			} else {
				f.Location = id + "/" + f.Location
			}
			out = append(out, f)
		}
		if inner, err := Parse([]byte(text)); err == nil {
			out = append(out, inputParameters(d.res, inner)...)
		}
	}
	sortFindings(out)
	return out, nil
}

func asSyntax(err error, target **SyntaxError) bool {
	se, ok := err.(*SyntaxError)
	if ok {
		*target = se
	}
	return ok
}

// shift maps a position in a YAML literal block scalar (|, |-, |+) onto
// the file that holds it: the block starts on the line after its
// indicator, indented by the first line's indentation.
func shift(lines [][]byte, block, in Pos) (Pos, bool) {
	if block.Line < 1 || block.Line > len(lines) || in.Line < 1 {
		return Pos{}, false
	}
	ind := bytes.TrimRight(lines[block.Line-1], " \r")
	if !(bytes.HasSuffix(ind, []byte("|")) || bytes.HasSuffix(ind, []byte("|-")) || bytes.HasSuffix(ind, []byte("|+"))) {
		return Pos{}, false
	}
	first := block.Line // 0-based index of the block's first line
	for first < len(lines) && len(bytes.TrimSpace(lines[first])) == 0 {
		first++
	}
	if first >= len(lines) {
		return Pos{}, false
	}
	indent := len(lines[first]) - len(bytes.TrimLeft(lines[first], " "))
	return Pos{Line: block.Line + in.Line, Column: indent + in.Column}, true
}

// inputParameters checks the parameter values a deployment passes against
// the pack's parameters: each must be declared, and each parameter without
// a default must get one.
func inputParameters(res *Resource, pack *File) []Finding {
	declared := map[string]*Parameter{}
	for _, p := range pack.Parameters {
		declared[p.Name] = p
	}
	given := map[string]bool{}
	var out []Finding
	list := res.Properties.Get("ConformancePackInputParameters")
	if list != nil && list.Kind == List {
		for _, it := range list.Items {
			name, _ := it.Get("ParameterName").Scalar()
			given[name] = true
			if declared[name] == nil {
				names := make([]string, 0, len(declared))
				for n := range declared {
					names = append(names, n)
				}
				out = append(out, Finding{Severity: SeverityError, Code: "pack-input-parameter-undefined", Location: res.LogicalID,
					Line: it.Line, Column: it.Column,
					Message: fmt.Sprintf("ConformancePackInputParameters passes %s, which the pack template does not declare%s; "+
						"the deployment fails", name, didYouMean(name, names))})
			}
		}
	}
	for _, p := range pack.Parameters {
		if !given[p.Name] && p.Default == nil {
			out = append(out, Finding{Severity: SeverityError, Code: "pack-input-parameter-missing", Location: res.LogicalID,
				Line: res.Line, Column: res.Column,
				Message: fmt.Sprintf("the pack's parameter %s has no Default and ConformancePackInputParameters gives it no value; "+
					"the deployment fails", p.Name)})
		}
	}
	return out
}

func didYouMean(s string, names []string) string { return suggest.DidYouMean(s, names) }
