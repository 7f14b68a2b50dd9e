package scan

import (
	"bufio"
	"io"
	"time"
	"unicode/utf8"

	"github.com/aiguard/aiguard/rules"
)

// JSONWriter streams the evaluations as one JSON array, formatted exactly as
// `aiguard evaluate --format json` prints them (two-space indent, HTML
// characters unescaped). Encoding runs on the scan's workers.
type JSONWriter struct {
	w     *bufio.Writer
	wrote bool
}

// NewJSONWriter returns a writer to w; call Close to finish the array.
func NewJSONWriter(w io.Writer) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriterSize(w, 256<<10)}
}

// Prepare encodes the result's evaluations.
func (j *JSONWriter) Prepare(r *Result) {
	if len(r.Evaluations) == 0 {
		return
	}
	// The evaluations of one CI share their timestamp: format it once.
	var stamp []byte
	var last time.Time
	b := make([]byte, 0, 320*len(r.Evaluations))
	for i := range r.Evaluations {
		e := &r.Evaluations[i]
		if stamp == nil || !e.OrderingTimestamp.Equal(last) || e.OrderingTimestamp.Location() != last.Location() {
			last = e.OrderingTimestamp
			stamp = last.AppendFormat(stamp[:0], time.RFC3339Nano)
		}
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = appendEvaluation(b, e, stamp)
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

func appendEvaluation(b []byte, e *rules.Evaluation, stamp []byte) []byte {
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
	b = append(b, "\"\n  }"...)
	return b
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
