package asff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// add encodes a valid finding of the account and Region with the Id and
// adds it.
func add(t *testing.T, bw *BatchWriter, account, region, id string) {
	t.Helper()
	f := valid()
	f.AwsAccountID, f.Region, f.ID = account, region, id
	f.ProductArn = DefaultProductARN("aws", region, account)
	enc, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := bw.Add(account, region, id, enc); err != nil {
		t.Fatal(err)
	}
}

// batches decodes the request bodies, one a line, to "account/region:id,id,...",
// checking each is a body BatchImportFindings takes.
func batches(t *testing.T, out string) []string {
	t.Helper()
	var got []string
	for line := range strings.Lines(out) {
		var body struct{ Findings []*Finding }
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if err := ValidateBatch(body.Findings); err != nil {
			t.Errorf("a batch BatchImportFindings rejects: %v", err)
		}
		var ids []string
		for _, f := range body.Findings {
			if f.AwsAccountID != body.Findings[0].AwsAccountID || f.Region != body.Findings[0].Region {
				t.Errorf("a batch mixes accounts or Regions: %s %s", f.AwsAccountID, f.Region)
			}
			ids = append(ids, f.ID)
		}
		got = append(got, body.Findings[0].AwsAccountID+"/"+body.Findings[0].Region+":"+strings.Join(ids, ","))
	}
	return got
}

func ids(prefix string, from, to int) string {
	var s []string
	for i := from; i < to; i++ {
		s = append(s, fmt.Sprintf("%s%d", prefix, i))
	}
	return strings.Join(s, ",")
}

func TestBatchWriter(t *testing.T) {
	const a, b = "111122223333", "444455556666"
	for _, tc := range []struct {
		name string
		add  func(t *testing.T, bw *BatchWriter)
		want []string
	}{
		{"empty run", func(*testing.T, *BatchWriter) {}, nil},
		{"one finding", func(t *testing.T, bw *BatchWriter) { add(t, bw, a, "us-east-1", "x") }, []string{a + "/us-east-1:x"}},
		{"exactly a batch", func(t *testing.T, bw *BatchWriter) {
			for i := range BatchSize {
				add(t, bw, a, "us-east-1", fmt.Sprint("f", i))
			}
		}, []string{a + "/us-east-1:" + ids("f", 0, 100)}},
		{"at most 100 a batch, in order", func(t *testing.T, bw *BatchWriter) {
			for i := range 250 {
				add(t, bw, a, "us-east-1", fmt.Sprint("f", i))
			}
		}, []string{a + "/us-east-1:" + ids("f", 0, 100), a + "/us-east-1:" + ids("f", 100, 200), a + "/us-east-1:" + ids("f", 200, 250)}},
		{"one account and Region a batch; the rest in account and Region order", func(t *testing.T, bw *BatchWriter) {
			add(t, bw, b, "eu-west-1", "b1")
			add(t, bw, a, "us-east-1", "a1")
			add(t, bw, a, "eu-west-1", "a2")
			add(t, bw, b, "eu-west-1", "b2")
		}, []string{a + "/eu-west-1:a2", a + "/us-east-1:a1", b + "/eu-west-1:b1,b2"}},
		{"a full batch goes out first", func(t *testing.T, bw *BatchWriter) {
			add(t, bw, a, "us-east-1", "a")
			for i := range BatchSize + 1 {
				add(t, bw, b, "us-east-1", fmt.Sprint("f", i))
			}
		}, []string{b + "/us-east-1:" + ids("f", 0, 100), a + "/us-east-1:a", b + "/us-east-1:f100"}},
		{"an Id twice: two calls", func(t *testing.T, bw *BatchWriter) {
			add(t, bw, a, "us-east-1", "x")
			add(t, bw, a, "us-east-1", "y")
			add(t, bw, a, "us-east-1", "x")
		}, []string{a + "/us-east-1:x,y", a + "/us-east-1:x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			bw := NewBatchWriter(&out)
			tc.add(t, bw)
			if err := bw.Flush(); err != nil {
				t.Fatal(err)
			}
			got := batches(t, out.String())
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("batches\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.want == nil && out.Len() != 0 {
				t.Errorf("an empty run wrote %q", out.String())
			}
		})
	}
}

// TestBatchWriterFlushTwice: a batch written by Flush is not written again,
// and findings added after it start a new one.
func TestBatchWriterFlushTwice(t *testing.T) {
	var out bytes.Buffer
	bw := NewBatchWriter(&out)
	add(t, bw, "111122223333", "us-east-1", "x")
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	add(t, bw, "111122223333", "us-east-1", "x")
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := batches(t, out.String()); len(got) != 2 {
		t.Errorf("batches %q, want two of one finding", got)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestBatchWriterError(t *testing.T) {
	bw := NewBatchWriter(failWriter{})
	add(t, bw, "111122223333", "us-east-1", "x")
	if err := bw.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Flush: %v, want the writer's error", err)
	}
}
