package scan

// Stage 2, detect: recognise an input by its content. Blank lines before
// the content are read past however many there are (detection never
// decides "empty" from a window of the input); the first megabyte after
// them decides the kind.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/aiguard/aiguard/internal/jsonsplit"
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
	i := len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
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
	keys, end, err := jsonsplit.TopLevelKeys(b)
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
