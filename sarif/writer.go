package sarif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Writer streams a SARIF log with one run: the tool and its rules first,
// then each result as it comes, then the invocation. The output is indented
// JSON, the same bytes for the same calls.
type Writer struct {
	w       *bufio.Writer
	results int
	closed  bool
}

// NewWriter writes the start of a log with one run of tool. baseIDs are the
// run's originalUriBaseIds (nil for none).
func NewWriter(w io.Writer, tool Tool, baseIDs map[string]ArtifactLocation) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	head := struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
	}{Schema, Version}
	b, err := marshal(head, "")
	if err != nil {
		return nil, err
	}
	bw.Write(b[:len(b)-2]) // without the closing "\n}"
	bw.WriteString(",\n  \"runs\": [\n    {\n      \"tool\": ")
	if b, err = marshal(tool, "      "); err != nil {
		return nil, err
	}
	bw.Write(b)
	if len(baseIDs) > 0 {
		bw.WriteString(",\n      \"originalUriBaseIds\": ")
		if b, err = marshal(baseIDs, "      "); err != nil {
			return nil, err
		}
		bw.Write(b)
	}
	_, err = bw.WriteString(",\n      \"results\": [")
	return &Writer{w: bw}, err
}

// Encode encodes a result as Write expects it; it may run on several
// goroutines at once.
func Encode(r *Result) ([]byte, error) {
	return marshal(r, "        ")
}

// Result writes one result.
func (w *Writer) Result(r *Result) error {
	b, err := Encode(r)
	if err != nil {
		return err
	}
	return w.Write(b)
}

// Write writes a result that Encode encoded.
func (w *Writer) Write(encoded []byte) error {
	if w.closed {
		return errors.New("sarif: write after Close")
	}
	if w.results > 0 {
		w.w.WriteByte(',')
	}
	w.results++
	w.w.WriteString("\n        ")
	_, err := w.w.Write(encoded)
	return err
}

// Close ends the results, writes the invocation (when not nil) and ends the
// log.
func (w *Writer) Close(inv *Invocation) error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.results > 0 {
		w.w.WriteString("\n      ]")
	} else {
		w.w.WriteString("]")
	}
	if inv != nil {
		b, err := marshal([]Invocation{*inv}, "      ")
		if err != nil {
			return err
		}
		w.w.WriteString(",\n      \"invocations\": ")
		w.w.Write(b)
	}
	w.w.WriteString("\n    }\n  ]\n}\n")
	return w.w.Flush()
}

// marshal encodes v indented by two spaces, every line after the first
// prefixed, HTML characters left as they are (messages are read by people).
func marshal(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
