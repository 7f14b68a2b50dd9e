package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/jsonsplit"
	"github.com/aiguard/aiguard/internal/testenv/ctgen"
)

// benchLog is a log file of the generator's noise: 20,000 records.
func benchLog(b *testing.B) []byte {
	b.Helper()
	g := ctgen.New(1)
	var recs []map[string]any
	g.Noise(ctgen.Base, 10*time.Minute, 2000, func(r map[string]any) { recs = append(recs, r) })
	return ctgen.LogFile(recs)
}

// BenchmarkSplit measures the splitter alone on decompressed text, against
// a scan of the same bytes for quotes (a floor for anything that finds
// strings).
func BenchmarkSplit(b *testing.B) {
	data := benchLog(b)
	b.Run("split", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			sp := newSplitter(bytes.NewReader(data))
			if err := sp.ObjectArrays(keyIs("Records"), func(string, jsonsplit.Element) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("count-quotes", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if bytes.Count(data, []byte{'"'}) == 0 {
				b.Fatal("no quotes")
			}
		}
	})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	b.Run("gunzip", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			zr, _ := gzip.NewReader(bytes.NewReader(gz.Bytes()))
			io.Copy(io.Discard, zr)
		}
	})
	b.Run("read-filtered", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r, _ := NewReader("x", io.NopCloser(bytes.NewReader(gz.Bytes())))
			r.Filter = func(string, string, string) bool { return false }
			for {
				if _, err := r.Next(); err != nil {
					break
				}
			}
			r.Close()
		}
	})
	b.Run("read-all", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			r, _ := NewReader("x", io.NopCloser(bytes.NewReader(gz.Bytes())))
			for {
				if _, err := r.Next(); err != nil {
					break
				}
			}
			r.Close()
		}
	})
}
