package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzReader: no input makes the reader panic, hang or return a record
// without the fields every record has; whatever it does not return it
// counts as skipped or reports as a break; a borrowing reader returns what
// a copying one does.
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
		// The same records, copied or borrowed.
		var seen [2][]string
		for i, borrow := range []bool{false, true} {
			r, err := NewReader("fuzz", io.NopCloser(bytes.NewReader(data)))
			if err != nil {
				return
			}
			r.Borrow = borrow
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
				seen[i] = append(seen[i], strings.Clone(rec.EventSource+" "+rec.EventName+" "+rec.Principal()+" "+rec.EventTime.String()))
			}
			r.Close()
		}
		if !slices.Equal(seen[0], seen[1]) {
			t.Fatalf("copied %q, borrowed %q", seen[0], seen[1])
		}
	})
}
