package scan

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/aiguard/aiguard/internal/textsafe"
	"github.com/aiguard/aiguard/rules"
)

// JUnitWriter writes the evaluations as JUnit XML, which every CI system
// shows as test results: a test suite per rule, a test case per (rule,
// resource), a failure for each NON_COMPLIANT evaluation that is not
// suppressed, a skipped test for NOT_APPLICABLE and suppressed ones. A
// suite's counts come before its cases, so the cases are kept until Close.
type JUnitWriter struct {
	w      *bufio.Writer
	order  []string
	suites map[string]*junitSuite
	rules  map[string]*rules.Rule
}

type junitSuite struct {
	cases                    bytes.Buffer
	tests, failures, skipped int
	severity, title          string
}

// NewJUnitWriter returns a writer to w for the rules of the scan.
func NewJUnitWriter(w io.Writer, list []*rules.Rule) *JUnitWriter {
	j := &JUnitWriter{w: bufio.NewWriterSize(w, 256<<10), suites: map[string]*junitSuite{}, rules: map[string]*rules.Rule{}}
	for _, r := range list {
		j.order = append(j.order, r.ID)
		j.rules[r.ID] = r
		j.suites[r.ID] = &junitSuite{severity: string(r.Severity), title: r.Title}
	}
	return j
}

// Prepare encodes the result's test cases, each with its rule ID first.
func (j *JUnitWriter) Prepare(r *Result) {
	var b bytes.Buffer
	for i, ev := range r.Evaluations {
		var d Detail
		if i < len(r.Details) {
			d = r.Details[i]
		}
		name := ResourceLabel(r.Resource)
		if w := d.Where.String(); w != "" {
			name += " (" + w + ")"
		}
		b.WriteString(ev.RuleID)
		b.WriteByte('\t')
		state := "pass"
		fmt.Fprintf(&b, `    <testcase classname="%s" name="%s" file="%s"`, xmlAttr(ev.RuleID), xmlAttr(name), xmlAttr(d.Where.File))
		if d.Where.Line > 0 {
			fmt.Fprintf(&b, ` line="%d"`, d.Where.Line)
		}
		switch {
		case d.Suppressed != nil:
			state = "skip"
			msg := "suppressed (" + d.Suppressed.Kind + "): " + d.Suppressed.Reason
			fmt.Fprintf(&b, ">\n      <skipped message=\"%s\"></skipped>\n    </testcase>", xmlAttr(msg))
		case ev.Compliance == rules.NonCompliant:
			state = "fail"
			sev := ""
			if r := j.rules[ev.RuleID]; r != nil {
				sev = string(r.Severity)
			}
			fmt.Fprintf(&b, ">\n      <failure message=\"%s\" type=\"%s\">%s</failure>\n    </testcase>",
				xmlAttr(ev.Annotation), xmlAttr(sev), xmlText(ev.Annotation))
		case ev.Compliance == rules.NotApplicable:
			state = "skip"
			fmt.Fprintf(&b, ">\n      <skipped message=\"%s\"></skipped>\n    </testcase>", xmlAttr(ev.Annotation))
		default:
			b.WriteString("></testcase>")
		}
		b.WriteByte('\t')
		b.WriteString(state)
		b.WriteByte(0)
	}
	r.Encoded = b.Bytes()
}

// Result files the test cases under their suites.
func (j *JUnitWriter) Result(r *Result) error {
	for _, rec := range bytes.Split(r.Encoded, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		id, rest, _ := bytes.Cut(rec, []byte{'\t'})
		tc, state := rest, []byte("pass")
		if k := bytes.LastIndexByte(rest, '\t'); k >= 0 {
			tc, state = rest[:k], rest[k+1:]
		}
		s := j.suites[string(id)]
		if s == nil {
			continue
		}
		s.tests++
		switch string(state) {
		case "fail":
			s.failures++
		case "skip":
			s.skipped++
		}
		s.cases.Write(tc)
		s.cases.WriteByte('\n')
	}
	return nil
}

// Close writes the document.
func (j *JUnitWriter) Close() error {
	tests, failures, skipped := 0, 0, 0
	for _, s := range j.suites {
		tests, failures, skipped = tests+s.tests, failures+s.failures, skipped+s.skipped
	}
	fmt.Fprintf(j.w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"aiguard scan\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n",
		tests, failures, skipped)
	for _, id := range j.order {
		s := j.suites[id]
		if s.tests == 0 {
			continue
		}
		fmt.Fprintf(j.w, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n", xmlAttr(id), s.tests, s.failures, s.skipped)
		fmt.Fprintf(j.w, "    <properties>\n      <property name=\"severity\" value=\"%s\"></property>\n      <property name=\"title\" value=\"%s\"></property>\n    </properties>\n",
			xmlAttr(s.severity), xmlAttr(s.title))
		j.w.Write(s.cases.Bytes())
		j.w.WriteString("  </testsuite>\n")
	}
	j.w.WriteString("</testsuites>\n")
	return j.w.Flush()
}

// xmlText escapes text for XML 1.0, which cannot carry most control
// characters even escaped: they are written as visible escapes first.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(textsafe.Line(s)))
	return b.String()
}

func xmlAttr(s string) string {
	return strings.ReplaceAll(xmlText(s), `"`, "&#34;")
}
