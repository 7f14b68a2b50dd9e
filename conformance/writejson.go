package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MarshalJSONBody writes the template as a JSON template body: indented by
// two spaces and ending in a newline, or compact (with the newline) when
// the indented text would exceed MaxTemplateBodyBytes, so that a template
// that fits once compacted can still be passed inline. Mappings are sorted
// by key, a json.Marshaler's keys keep its order (an IAM policy's Version
// before its Statement), and <, > and & are written as they are: policy
// text in a template stays as readable as the policy file.
func (t Template) MarshalJSONBody() ([]byte, error) {
	v, err := t.Value()
	if err != nil {
		return nil, err
	}
	compact, err := compactJSON(v)
	if err != nil {
		return nil, err
	}
	out, err := indentJSON(compact)
	if err != nil || len(out) <= MaxTemplateBodyBytes {
		return out, err
	}
	return append(compact, '\n'), nil
}

// MarshalIndentedJSON writes x, nested values as a Template holds them, as
// MarshalJSONBody writes a template that fits inline: for JSON files that
// are not templates, such as an organization policy.
func MarshalIndentedJSON(x any) ([]byte, error) {
	v, err := ValueOf(x)
	if err != nil {
		return nil, err
	}
	compact, err := compactJSON(v)
	if err != nil {
		return nil, err
	}
	return indentJSON(compact)
}

// indentJSON indents compact JSON by two spaces and ends it in a newline.
func indentJSON(compact []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(2 * len(compact))
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, fmt.Errorf("indent JSON: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// compactJSON writes v as compact JSON, maps in their field order, strings
// as encoding/json writes them without HTML escaping.
func compactJSON(v *Value) ([]byte, error) {
	w := &jsonWriter{}
	w.enc = json.NewEncoder(&w.buf)
	w.enc.SetEscapeHTML(false)
	if err := w.value(v); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

type jsonWriter struct {
	buf bytes.Buffer
	enc *json.Encoder // writes to buf
}

func (w *jsonWriter) str(s string) error {
	if err := w.enc.Encode(s); err != nil {
		return fmt.Errorf("encode template: %w", err)
	}
	w.buf.Truncate(w.buf.Len() - 1) // Encode's newline
	return nil
}

func (w *jsonWriter) value(v *Value) error {
	if v == nil {
		w.buf.WriteString("null")
		return nil
	}
	switch v.Kind {
	case String:
		return w.str(v.Text)
	case Number:
		if n, ok := jsonNumber(v.Text); ok {
			w.buf.WriteString(string(n))
			return nil
		}
		return w.str(v.Text)
	case Bool:
		if v.Text == "true" {
			w.buf.WriteString("true")
		} else {
			w.buf.WriteString("false")
		}
	case List, Map:
		open, end, n := byte('['), byte(']'), len(v.Items)
		if v.Kind == Map {
			open, end, n = '{', '}', len(v.Fields)
		}
		w.buf.WriteByte(open)
		for i := range n {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if err := w.item(v, i); err != nil {
				return err
			}
		}
		w.buf.WriteByte(end)
	default:
		w.buf.WriteString("null")
	}
	return nil
}

// item writes a list's i-th item, or a mapping's i-th key and value.
func (w *jsonWriter) item(v *Value, i int) error {
	if v.Kind == List {
		return w.value(v.Items[i])
	}
	if err := w.str(v.Fields[i].Key); err != nil {
		return err
	}
	w.buf.WriteByte(':')
	return w.value(v.Fields[i].Value)
}
