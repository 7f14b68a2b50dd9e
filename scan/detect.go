package scan

// Stage 2, detect: recognise an input by its content. Blank lines before
// the content are read past however many there are (detection never
// decides "empty" from a window of the input); the first megabyte after
// them decides the kind.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Kind is the kind of an input, as detected from its content.
type Kind string

// The kinds of input a scan reads.
const (
	// KindConfigItems is a JSON object with a configurationItems array: a
	// Config snapshot or history file, or get-resource-config-history output.
	KindConfigItems Kind = "config-items"
	// KindBatchGet is batch-get-resource-config output (baseConfigurationItems).
	KindBatchGet Kind = "batch-get-resource-config"
	// KindSelect is select-resource-config output: Results holds each CI as a
	// JSON string.
	KindSelect Kind = "select-resource-config"
	// KindArray is a JSON array of CIs.
	KindArray Kind = "json-array"
	// KindNDJSON is one CI per line.
	KindNDJSON Kind = "ndjson"
	// KindStream is a sequence of JSON objects, one CI each, not one per line
	// (a pretty-printed CI, or several concatenated).
	KindStream Kind = "json-stream"
	// KindTemplate is a CloudFormation template, in JSON or YAML.
	KindTemplate Kind = "cloudformation"
	// KindPlan is a Terraform plan as `terraform show -json` prints it.
	KindPlan Kind = "terraform-plan"
	// KindEmpty is an input with nothing in it but blank space.
	KindEmpty Kind = "empty"
)

// sniffSize is how much of an input, after its leading blank space,
// detection reads: enough for the keys that come before configurationItems
// in a snapshot, and for the first line of almost any NDJSON file.
const sniffSize = 1 << 20

// lead is the blank space before an input's content: the lines it spans
// and the characters on the last of them, so that positions in the input
// stay right.
type lead struct {
	lines, cols int
}

// text is blank space that puts what follows at the same line and column.
func (l lead) text() string {
	return strings.Repeat("\n", l.lines) + strings.Repeat(" ", l.cols)
}

// sniff reads past the blank space (and a byte-order mark) at the start of
// r, then detects the kind from what follows.
func sniff(r *bufio.Reader) (Kind, lead, error) {
	var ld lead
	if b, _ := r.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		r.Discard(3)
	}
	for {
		b, err := r.Peek(1)
		if len(b) == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return KindEmpty, ld, nil
			}
			// A read error after blank space only (a truncated download)
			// is reported here: there is nothing to keep.
			return "", ld, fmt.Errorf("read: %w", err)
		}
		buf, _ := r.Peek(r.Buffered())
		n := 0
		for ; n < len(buf); n++ {
			if c := buf[n]; c == '\n' {
				ld.lines++
				ld.cols = 0
			} else if c == ' ' || c == '\t' || c == '\r' {
				ld.cols++
			} else {
				break
			}
		}
		r.Discard(n)
		if n < len(buf) {
			break
		}
	}
	head, err := r.Peek(sniffSize)
	if err != nil && len(head) == 0 && !errors.Is(err, io.EOF) {
		return "", ld, fmt.Errorf("read: %w", err)
	}
	// A read error after some data (a truncated download) is left for the
	// scan, which reports where the input broke and keeps what came before.
	kind, err := detect(head)
	return kind, ld, err
}

var templateLine = regexp.MustCompile(`(?m)^(?:AWSTemplateFormatVersion|Resources)\s*:`)

// detect recognises the kind of an input from its first bytes, which start
// with something other than blank space.
func detect(head []byte) (Kind, error) {
	b := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	i := skipSpace(b, 0)
	if i == len(b) {
		return KindEmpty, nil
	}
	switch b[i] {
	case '[':
		return KindArray, nil
	case '{':
		return detectObject(b[i:])
	}
	if templateLine.Match(b) {
		return KindTemplate, nil
	}
	return "", fmt.Errorf("%w: not JSON, and not a CloudFormation template (no top-level Resources or "+
		"AWSTemplateFormatVersion); want a Config snapshot or history file, batch-get-resource-config or "+
		"select-resource-config output, NDJSON of configuration items, a template or a Terraform plan", ErrUnrecognized)
}

// detectObject decides from the top-level keys of the first JSON object.
func detectObject(b []byte) (Kind, error) {
	keys, end, err := topLevelKeys(b)
	has := func(names ...string) bool {
		for _, k := range keys {
			for _, n := range names {
				if strings.EqualFold(k, n) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("configurationItems"):
		return KindConfigItems, nil
	case has("baseConfigurationItems"):
		return KindBatchGet, nil
	case has("Results"):
		return KindSelect, nil
	case has("format_version") && has("terraform_version", "resource_changes", "planned_values"):
		return KindPlan, nil
	case has("Resources", "AWSTemplateFormatVersion"):
		return KindTemplate, nil
	case has("invokingEvent"):
		return "", fmt.Errorf("%w: this is a Config rule Lambda event; evaluate it with `aiguard evaluate --event`",
			ErrUnrecognized)
	}
	ci := has("resourceType", "resourceId", "configurationItemCaptureTime", "configurationItemStatus")
	if err != nil && !ci {
		return "", fmt.Errorf("%w: %v", ErrUnrecognized, err)
	}
	if !ci {
		if end < 0 {
			return "", fmt.Errorf("%w: the first JSON object has none of the keys configurationItems, "+
				"baseConfigurationItems, Results, Resources, format_version or resourceType within its first %d bytes",
				ErrUnrecognized, sniffSize)
		}
		return "", fmt.Errorf("%w: a JSON object with none of the keys configurationItems, baseConfigurationItems, "+
			"Results (Config exports), Resources (a template), format_version (a Terraform plan) or resourceType "+
			"(a configuration item)", ErrUnrecognized)
	}
	// A CI: one per line when the first ends before the first newline (or
	// runs past the sniffed prefix without one), else a stream of objects.
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 || (end >= 0 && end <= nl) {
		return KindNDJSON, nil
	}
	return KindStream, nil
}

// topLevelKeys lists the keys of the JSON object that b starts with, and
// the offset just past its closing brace (-1 when b ends first). It checks
// only what it needs to find the keys.
func topLevelKeys(b []byte) (keys []string, end int, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, -1, errors.New("want a JSON object")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return keys, -1, nil
		}
		switch b[i] {
		case '}':
			return keys, i + 1, nil
		case ',':
			i++
			continue
		case '"':
		default:
			return keys, -1, fmt.Errorf("invalid JSON at byte %d", i)
		}
		j, ok := stringEnd(b, i)
		if !ok {
			return keys, -1, nil
		}
		keys = append(keys, unquoteKey(b[i:j]))
		i = skipSpace(b, j)
		if i >= len(b) {
			return keys, -1, nil
		}
		if b[i] != ':' {
			return keys, -1, fmt.Errorf("invalid JSON at byte %d: want ':'", i)
		}
		i = skipSpace(b, i+1)
		j, ok = valueEnd(b, i)
		if !ok {
			return keys, -1, nil
		}
		i = j
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the offset past the JSON string starting at b[i] ('"').
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		q := j + k
		bs := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
	return 0, false
}

// valueEnd returns the offset past the JSON value starting at b[i], by
// matching brackets; it does not validate the value.
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j, true
		}
	}
	return 0, false
}

func unquoteKey(q []byte) string {
	if len(q) < 2 {
		return string(q)
	}
	s := q[1 : len(q)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var out string
	if err := json.Unmarshal(q, &out); err != nil {
		return string(s)
	}
	return out
}
