package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader: no input makes the reader panic, hang or return a record
// without the fields every record has; whatever it does not return it
// counts as skipped or reports as a break.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			f.Add(b)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"Records":[{"eventTime":"2024-05-20T10:15:02Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}]}`))
	zw.Close()
	f.Add(gz.Bytes())
	f.Add([]byte(`{"Records":[{"eventTime":"2024-05-20T10:15:02Z","eventSource":"s\"3","eventName":"\\"}`))
	f.Add([]byte(`{"QueryResultRows":[[{"eventTime":"2024-05-20 10:15:02.000"},{"eventName":"X"},{"eventSource":"y"},{"resources":"[{\"arn\":1}]"}]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader("fuzz", io.NopCloser(bytes.NewReader(data)))
		if err != nil {
			return
		}
		defer r.Close()
		for n := 0; ; n++ {
			rec, err := r.Next()
			if err != nil {
				break
			}
			if rec.EventName == "" || rec.EventSource == "" || rec.EventTime.IsZero() {
				t.Fatalf("record without its required fields: %+v", rec)
			}
			if n > len(data) {
				t.Fatalf("more records than bytes")
			}
		}
	})
}
