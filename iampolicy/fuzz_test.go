package iampolicy

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the reader and the linter: nothing may
// panic, a document Parse accepts must minify to JSON that reads back, and
// the tolerant reader must accept whatever Parse accepts.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", "policies", dir, "*.json"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{
		`{}`, `{"Statement":{}}`, `{"Statement":[{"Effect":"Deny","Action":"*","Condition":{"Null":{"a:b":[true,1,null]}}}]}`,
		`{"Statement":[{"Effect":"Allow","Action":["s3:*",],"Resource":"arn:aws:s3:::${aws:username`,
		`{"Statement":[{"Principal":{"AWS":[[]]},"NotPrincipal":7,"Sid":"\ud800"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:Create*","Resource":"arn:aws:sagemaker:*:*:*",` +
			`"Condition":{"ForAllValues:StringNotLikeIfExists":{"sagemaker:InstanceTypes":"ml.*"}}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range Types() {
			LintData(data, typ)
		}
		d, err := Parse(data)
		if err != nil {
			return
		}
		if _, err := parse(data, true); err != nil {
			t.Fatalf("Parse accepts what the tolerant reader rejects: %v", err)
		}
		Lint(d, TypeSCP)
		m, err := d.Minified()
		if err != nil {
			t.Fatalf("Minified: %v", err)
		}
		back, err := Parse(m)
		if err != nil {
			t.Fatalf("the minified document does not read back: %v\n%s", err, m)
		}
		if n1, _ := d.Size(TypeSCP); n1 > len(data) {
			t.Fatalf("minified size %d above the input's %d bytes", n1, len(data))
		}
		_ = back
	})
}
