package scan

import (
	"bufio"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aiguard/aiguard/rules"
)

// JSONWriter streams the evaluations as one JSON array: the keys of
// `aiguard evaluate --format json` (ruleId, complianceResourceType,
// complianceResourceId, complianceType, annotation, orderingTimestamp),
// then severity, accountId, awsRegion, file, line and column (null when
// unknown), index (of an item in an array or stream), property (the
// template property that decided, when known) and suppression (when the
// evaluation is suppressed). Two-space indent, HTML characters unescaped.
// Encoding runs on the scan's workers.
type JSONWriter struct {
	w     *bufio.Writer
	reg   *rules.Registry
	wrote bool
}

// NewJSONWriter returns a writer to w; call Close to finish the array.
func NewJSONWriter(w io.Writer, reg *rules.Registry) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriterSize(w, 256<<10), reg: reg}
}

// Prepare encodes the result's evaluations.
func (j *JSONWriter) Prepare(r *Result) {
	if len(r.Evaluations) == 0 {
		return
	}
	// The evaluations of one item share their timestamp: format it once.
	var stamp []byte
	var last time.Time
	b := make([]byte, 0, 480*len(r.Evaluations))
	for i := range r.Evaluations {
		e := &r.Evaluations[i]
		if stamp == nil || !e.OrderingTimestamp.Equal(last) || e.OrderingTimestamp.Location() != last.Location() {
			last = e.OrderingTimestamp
			stamp = last.AppendFormat(stamp[:0], time.RFC3339Nano)
		}
		if i > 0 {
			b = append(b, ",\n"...)
		}
		var sev string
		if rule, ok := j.reg.Get(e.RuleID); ok {
			sev = string(rule.Severity)
		}
		var d Detail
		if i < len(r.Details) {
			d = r.Details[i]
		}
		b = appendEvaluation(b, e, stamp, sev, &r.Resource, &d)
	}
	r.Encoded = b
}

// Result writes the encoded evaluations.
func (j *JSONWriter) Result(r *Result) error {
	if len(r.Encoded) == 0 {
		return nil
	}
	if j.wrote {
		j.w.WriteString(",\n")
	} else {
		j.w.WriteString("[\n")
		j.wrote = true
	}
	_, err := j.w.Write(r.Encoded)
	return err
}

// Close ends the array and flushes.
func (j *JSONWriter) Close() error {
	if j.wrote {
		j.w.WriteString("\n]\n")
	} else {
		j.w.WriteString("[]\n")
	}
	return j.w.Flush()
}

func appendEvaluation(b []byte, e *rules.Evaluation, stamp []byte, sev string, res *Identity, d *Detail) []byte {
	b = append(b, "  {\n    \"ruleId\": "...)
	b = appendJSONString(b, e.RuleID)
	b = append(b, ",\n    \"complianceResourceType\": "...)
	b = appendJSONString(b, e.ResourceType)
	b = append(b, ",\n    \"complianceResourceId\": "...)
	b = appendJSONString(b, e.ResourceID)
	b = append(b, ",\n    \"complianceType\": "...)
	b = appendJSONString(b, string(e.Compliance))
	b = append(b, ",\n    \"annotation\": "...)
	b = appendJSONString(b, e.Annotation)
	b = append(b, ",\n    \"orderingTimestamp\": \""...)
	b = append(b, stamp...)
	b = append(b, "\",\n    \"severity\": "...)
	b = appendJSONString(b, sev)
	b = append(b, ",\n    \"accountId\": "...)
	b = appendJSONString(b, res.AccountID)
	b = append(b, ",\n    \"awsRegion\": "...)
	b = appendJSONString(b, res.Region)
	b = append(b, ",\n    \"file\": "...)
	b = appendJSONString(b, d.Where.File)
	b = append(b, ",\n    \"line\": "...)
	b = appendPositive(b, d.Where.Line)
	b = append(b, ",\n    \"column\": "...)
	b = appendPositive(b, d.Where.Column)
	if d.Where.Index >= 0 && d.Where.Line == 0 && d.Where.Resource == "" {
		b = append(b, ",\n    \"index\": "...)
		b = strconv.AppendInt(b, int64(d.Where.Index), 10)
	}
	if d.Where.Property != "" {
		b = append(b, ",\n    \"property\": "...)
		b = appendJSONString(b, d.Where.Property)
	}
	if s := d.Suppressed; s != nil {
		b = append(b, ",\n    \"suppression\": {\n      \"kind\": "...)
		b = appendJSONString(b, s.Kind)
		b = append(b, ",\n      \"reason\": "...)
		b = appendJSONString(b, s.Reason)
		if s.Expires != "" {
			b = append(b, ",\n      \"expires\": "...)
			b = appendJSONString(b, s.Expires)
		}
		b = append(b, "\n    }"...)
	}
	return append(b, "\n  }"...)
}

// appendPositive writes n, or null when it is not positive (unknown).
func appendPositive(b []byte, n int) []byte {
	if n <= 0 {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(n), 10)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping as encoding/json
// does with HTML escaping off: quotes, backslashes, control characters,
// U+2028 and U+2029; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
