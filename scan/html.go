package scan

import (
	"fmt"
	"html/template"
	"io"
)

// Chart colours; the browser test looks for them in the screenshot.
const (
	colorCompliant     = "#2e7d32"
	colorNonCompliant  = "#c62828"
	colorNotApplicable = "#9e9e9e"
)

// chartRow is one bar of a stacked bar chart, laid out in SVG units.
type chartRow struct {
	Label                 string
	Y, TextY              int
	C, NC, NA             int
	CX, CW, NCX, NCW, NAW int
	NAX, CountX           int
	Total                 int
}

type chart struct {
	Title  string
	Height int
	Rows   []chartRow
}

const (
	chartLabelWidth = 330
	chartBarWidth   = 560
	chartRowHeight  = 26
)

// newChart lays out one bar per row, each bar split by compliance and
// scaled to the largest total, so bars compare across rows.
func newChart(title string, labels []string, counts []Counts) chart {
	most := 1
	for _, c := range counts {
		most = max(most, c.Total())
	}
	ch := chart{Title: title, Height: 30 + chartRowHeight*len(labels)}
	for i, c := range counts {
		y := 24 + i*chartRowHeight
		scale := func(n int) int { return (n*chartBarWidth + most - 1) / most }
		row := chartRow{Label: labels[i], Y: y, TextY: y + 14, C: c.Compliant, NC: c.NonCompliant, NA: c.NotApplicable, Total: c.Total()}
		row.CX = chartLabelWidth
		row.CW = scale(c.Compliant)
		row.NCX = row.CX + row.CW
		row.NCW = scale(c.NonCompliant)
		row.NAX = row.NCX + row.NCW
		row.NAW = scale(c.NotApplicable)
		row.CountX = chartLabelWidth + chartBarWidth + 10
		ch.Rows = append(ch.Rows, row)
	}
	return ch
}

type htmlFinding struct {
	Finding
	SeverityClass string
}

type htmlData struct {
	Overview      string
	CIs           int
	NonCompliant  int
	Skipped       int
	RuleChart     chart
	AccountChart  chart
	Summary       *Summary
	Findings      []htmlFinding
	Omitted       []string
	Problems      []string
	MoreProblems  int
	Compliant     string
	NonCompliantC string
	NotApplicable string
}

// WriteHTML writes the report as one self-contained HTML file: styles and
// charts (inline SVG) are in the file, and its content security policy
// forbids loading anything else.
func WriteHTML(w io.Writer, s *Summary) error {
	d := htmlData{
		Overview: Overview(s), CIs: s.CIs, Skipped: s.Skipped, Summary: s,
		Compliant: colorCompliant, NonCompliantC: colorNonCompliant, NotApplicable: colorNotApplicable,
	}
	var labels []string
	var counts []Counts
	for _, r := range s.Rules {
		d.NonCompliant += r.NonCompliant
		if r.Total() == 0 {
			continue // nothing to report
		}
		labels = append(labels, r.Rule.ID)
		counts = append(counts, r.Counts)
	}
	d.RuleChart = newChart("Compliance per rule", labels, counts)
	labels, counts = nil, nil
	for _, a := range s.Accounts {
		labels = append(labels, accountLabel(a.AccountID))
		counts = append(counts, a.Counts)
	}
	d.AccountChart = newChart("Compliance per account", labels, counts)
	for _, f := range s.NonCompliant {
		d.Findings = append(d.Findings, htmlFinding{Finding: f, SeverityClass: "sev-" + string(f.Rule.Severity)})
	}
	for _, r := range s.Rules {
		if n := s.Omitted[r.Rule.ID]; n > 0 {
			d.Omitted = append(d.Omitted, fmt.Sprintf("… and %d more non-compliant for %s (--format json lists every evaluation).", n, r.Rule.ID))
		}
	}
	for i, p := range s.Problems {
		if i == reportProblems {
			d.MoreProblems = s.Skipped - reportProblems
			break
		}
		d.Problems = append(d.Problems, p.Error())
	}
	return htmlReport.Execute(w, d)
}

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"dash":     dash,
	"resource": ResourceLabel,
	"account":  accountLabel,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aiguard scan report</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px 32px; color: #1a1a1a; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.cards { display: flex; gap: 16px; margin: 16px 0; }
.card { border-radius: 6px; padding: 12px 18px; min-width: 140px; color: #fff; }
.card b { display: block; font-size: 26px; }
.card.items { background: #37474f; }
.card.nc { background: ` + colorNonCompliant + `; }
.card.skip { background: #ef6c00; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f5f5f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev-CRITICAL, .sev-HIGH { color: #b71c1c; font-weight: 600; }
.sev-MEDIUM { color: #e65100; font-weight: 600; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
svg text { font-size: 12px; fill: #1a1a1a; }
code { font-size: 12px; }
</style>
</head>
<body>
<h1>aiguard scan report</h1>
<p>{{.Overview}}</p>
<div class="cards">
<div class="card items"><b>{{.CIs}}</b>configuration items</div>
<div class="card nc"><b>{{.NonCompliant}}</b>non-compliant</div>
{{if .Skipped}}<div class="card skip"><b>{{.Skipped}}</b>skipped</div>{{end}}
</div>
<p class="legend"><span style="background:{{.Compliant}}"></span>compliant<span style="background:{{.NonCompliantC}}"></span>non-compliant<span style="background:{{.NotApplicable}}"></span>not applicable</p>
{{template "chart" .RuleChart}}
{{if .AccountChart.Rows}}{{template "chart" .AccountChart}}{{end}}
<h2>Compliance by rule</h2>
<table>
<tr><th>Rule</th><th>Severity</th><th>Title</th><th>Compliant</th><th>Non-compliant</th><th>Not applicable</th></tr>
{{range .Summary.Rules}}<tr><td><code>{{.Rule.ID}}</code></td><td class="sev-{{.Rule.Severity}}">{{.Rule.Severity}}</td><td>{{.Rule.Title}}</td><td class="n">{{.Compliant}}</td><td class="n">{{.NonCompliant}}</td><td class="n">{{.NotApplicable}}</td></tr>
{{end}}</table>
<h2>Non-compliant resources</h2>
{{if .Findings}}<table>
<tr><th>Severity</th><th>Rule</th><th>Account</th><th>Region</th><th>Resource</th><th>Annotation</th></tr>
{{range .Findings}}<tr><td class="{{.SeverityClass}}">{{.Rule.Severity}}</td><td><code>{{.Rule.ID}}</code></td><td>{{dash .Resource.AccountID}}</td><td>{{dash .Resource.Region}}</td><td>{{resource .Resource}}</td><td>{{.Annotation}}</td></tr>
{{end}}</table>
{{range .Omitted}}<p>{{.}}</p>
{{end}}{{else}}<p>None.</p>{{end}}
{{if .Problems}}<h2>Skipped items</h2>
<ul>{{range .Problems}}<li>{{.}}</li>{{end}}{{if .MoreProblems}}<li>… and {{.MoreProblems}} more</li>{{end}}</ul>{{end}}
{{if .Summary.Notes}}<h2>Notes</h2>
<ul>{{range .Summary.Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
<h2>Inputs</h2>
<table>
<tr><th>Input</th><th>Kind</th><th>Items</th><th>Skipped</th></tr>
{{range .Summary.Inputs}}<tr><td>{{.Name}}</td><td>{{.Kind}}{{if .Gzip}} (gzip){{end}}</td><td class="n">{{.CIs}}</td><td class="n">{{.Skipped}}</td></tr>
{{end}}</table>
</body>
</html>
{{define "chart"}}<h2>{{.Title}}</h2>
<svg width="1000" height="{{.Height}}" viewBox="0 0 1000 {{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Rows}}<text x="0" y="{{.TextY}}">{{.Label}}</text>
{{if .CW}}<rect x="{{.CX}}" y="{{.Y}}" width="{{.CW}}" height="18" fill="` + colorCompliant + `"><title>{{.C}} compliant</title></rect>{{end}}
{{if .NCW}}<rect x="{{.NCX}}" y="{{.Y}}" width="{{.NCW}}" height="18" fill="` + colorNonCompliant + `"><title>{{.NC}} non-compliant</title></rect>{{end}}
{{if .NAW}}<rect x="{{.NAX}}" y="{{.Y}}" width="{{.NAW}}" height="18" fill="` + colorNotApplicable + `"><title>{{.NA}} not applicable</title></rect>{{end}}
<text x="{{.CountX}}" y="{{.TextY}}">{{.C}} / {{.NC}} / {{.NA}}</text>
{{end}}</svg>
{{end}}`))
