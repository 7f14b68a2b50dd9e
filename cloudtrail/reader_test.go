package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/internal/inputfile/fifotest"
)

// readAll reads every record of the named input.
func readAll(t *testing.T, name string, stdin io.Reader) (*Reader, []*Record, error) {
	t.Helper()
	r, err := Open(name, stdin)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { r.Close() })
	var out []*Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return r, out, nil
		}
		if err != nil {
			return r, out, err
		}
		out = append(out, rec)
	}
}

// each opens the named input, lets setup configure the reader, and calls
// visit for every record; a break in the input fails the test.
func each(t *testing.T, name string, setup func(*Reader), visit func(*Record)) *Reader {
	t.Helper()
	r, err := Open(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	setup(r)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return r
		}
		if err != nil {
			t.Fatal(err)
		}
		visit(rec)
	}
}

func TestFormats(t *testing.T) {
	ids := []string{
		"e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a01",
		"e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a02",
		"e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a03",
	}
	tests := []struct {
		file    string
		format  Format
		gzip    bool
		ids     []string
		skipped int
	}{
		{"log-file.json", FormatLogFile, false, ids, 0},
		{"log-file.json.gz", FormatLogFile, true, ids, 0},
		{"lookup-events.json", FormatLookupEvents, false, ids[:2], 0},
		{"lake-results.json", FormatLake, false, ids, 0},
		{"cloudtrail-event-strings.json", FormatArray, false, ids, 0},
		{"eventbridge-events.json", FormatStream, false, ids[1:2], 0},
		{"records-with-problems.ndjson", FormatStream, false, ids, 4},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, recs, err := readAll(t, filepath.Join("testdata", tt.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Format != tt.format || r.Gzip != tt.gzip {
				t.Errorf("format %s gzip %v, want %s %v", r.Format, r.Gzip, tt.format, tt.gzip)
			}
			var got []string
			for _, rec := range recs {
				got = append(got, rec.EventID)
			}
			if strings.Join(got, ",") != strings.Join(tt.ids, ",") {
				t.Errorf("event IDs %v, want %v", got, tt.ids)
			}
			if r.Skipped() != tt.skipped || len(r.Problems()) != tt.skipped {
				t.Errorf("skipped %d (%d problems: %v), want %d", r.Skipped(), len(r.Problems()), r.Problems(), tt.skipped)
			}
			if r.Records() != len(tt.ids) {
				t.Errorf("Records() = %d, want %d", r.Records(), len(tt.ids))
			}
			for _, rec := range recs {
				checkRecord(t, rec)
			}
		})
	}
}

// checkRecord compares a record read from any format with the fixture.
func checkRecord(t *testing.T, r *Record) {
	t.Helper()
	switch r.EventID {
	case "e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a01":
		want := time.Date(2024, 5, 20, 10, 15, 2, 0, time.UTC)
		if !r.EventTime.Equal(want) || r.EventSource != "bedrock.amazonaws.com" || r.EventName != "InvokeModel" ||
			r.AWSRegion != "us-east-1" || r.RecipientAccountID != "333333333333" || r.EventCategory != "Management" {
			t.Errorf("InvokeModel record: %+v", r)
		}
		if v, ok := r.ReadOnly.Value(); !v || !ok {
			t.Errorf("readOnly = %v", r.ReadOnly)
		}
		if got := r.Principal(); got != "arn:aws:iam::333333333333:role/fraud-scoring-app" {
			t.Errorf("Principal() = %q", got)
		}
		if got := r.RoleName(); got != "fraud-scoring-app" {
			t.Errorf("RoleName() = %q", got)
		}
		if r.UserIdentity.SessionContext.MFAAuthenticated != "false" || r.UserIdentity.AccessKeyID != "ASIA2EXAMPLEKEY00001" {
			t.Errorf("identity %+v", r.UserIdentity)
		}
		if !strings.Contains(string(r.RequestParameters), `"modelId"`) || r.ResponseElements != nil {
			t.Errorf("requestParameters %s responseElements %s", r.RequestParameters, r.ResponseElements)
		}
	case "e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a02":
		if !r.AccessDenied() || !r.Failed() || r.UserIdentity.Type != "IAMUser" || r.SourceIPAddress != "203.0.113.17" {
			t.Errorf("CreateEndpoint record: %+v", r)
		}
		if got := r.Principal(); got != "arn:aws:iam::666666666666:user/ci-deployer" {
			t.Errorf("Principal() = %q", got)
		}
		if !strings.Contains(r.ErrorMessage, "service control policy") {
			t.Errorf("errorMessage %q", r.ErrorMessage)
		}
		if v, ok := r.SessionCredentialFromConsole.Value(); ok && !v {
			t.Errorf("sessionCredentialFromConsole %v", r.SessionCredentialFromConsole)
		}
	case "e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a03":
		if r.VPCEndpointID != "vpce-0a1b2c3d4e5f60031" || r.EventCategory != "Data" || len(r.Resources) != 2 {
			t.Errorf("GetObject record: %+v", r)
		}
		if r.Resources[1].Type != "AWS::S3::Bucket" || r.Resources[1].ARN != "arn:aws:s3:::example-payments-risk-models" {
			t.Errorf("resources %+v", r.Resources)
		}
		if !strings.Contains(string(r.RequestParameters), `"fraud/v7/model.tar.gz"`) || !strings.Contains(string(r.AdditionalEventData), "bytesTransferredOut") {
			t.Errorf("requestParameters %s additionalEventData %s", r.RequestParameters, r.AdditionalEventData)
		}
		if got := r.RoleName(); got != "AWSReservedSSO_DataScience_0123456789abcdef" {
			t.Errorf("RoleName() = %q", got)
		}
	default:
		t.Errorf("unexpected record %q", r.EventID)
	}
}

func TestProblemsSayWhere(t *testing.T) {
	r, _, err := readAll(t, filepath.Join("testdata", "records-with-problems.ndjson"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"records-with-problems.ndjson:2 (record 2): not a CloudTrail record: no eventTime",
		"records-with-problems.ndjson:4 (record 4): not a valid record: readOnly: want true or false, got \"maybe\"",
		"records-with-problems.ndjson:5 (record 5): not JSON: invalid character 'o' in literal null (expecting 'u')",
		"records-with-problems.ndjson:8 (record 7): eventTime: \"yesterday\" is not a time such as 2024-05-01T12:34:56Z",
	}
	if p := r.Position(); p.Line != 6 || p.Index != 5 {
		t.Errorf("position of the last record %+v, want line 6", p)
	}
	var got []string
	for _, p := range r.Problems() {
		got = append(got, strings.TrimPrefix(p.Error(), "testdata/"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnrecognized(t *testing.T) {
	tests := []struct {
		name, input string
		want        error
		msg         string
	}{
		{"digest", mustRead(t, "digest.json"), ErrDigest, "digest"},
		{"config", `{"fileVersion":"1.0","configurationItems":[]}`, ErrUnrecognized, "AWS Config"},
		{"text", "hello", ErrUnrecognized, "not JSON"},
		{"other object", `{"a": 1}`, ErrUnrecognized, "Records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, "-", strings.NewReader(tt.input))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want %v mentioning %q", err, tt.want, tt.msg)
			}
		})
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEmptyInputs(t *testing.T) {
	for _, in := range []string{"", "  \n", `{"Records":[]}`, `{"Events":[],"NextToken":null}`, "[]"} {
		r, recs, err := readAll(t, "-", strings.NewReader(in))
		if err != nil || len(recs) != 0 || r.Skipped() != 0 {
			t.Errorf("%q: %d records, %v, skipped %d", in, len(recs), err, r.Skipped())
		}
	}
}

// TestTruncated: a gzip stream cut short yields the records before the
// break, then a problem saying where it broke.
func TestTruncated(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[`))
	line := `{"eventTime":"2024-05-20T10:15:02Z","eventSource":"bedrock.amazonaws.com","eventName":"InvokeModel","eventID":"%d","requestParameters":{"modelId":"amazon.nova-pro-v1:0","pad":"` + strings.Repeat("x", 900) + `"}}`
	const n = 2000
	for i := range n {
		if i > 0 {
			zw.Write([]byte(","))
		}
		zw.Write([]byte(strings.Replace(line, "%d", string(rune('a'+i%26)), 1)))
	}
	zw.Write([]byte(`]}`))
	zw.Close()
	full := buf.Bytes()
	cut := full[:len(full)*2/3]
	r, recs, err := readAll(t, "-", bytes.NewReader(cut))
	var p *Problem
	if !errors.As(err, &p) || p.Index != -1 || !strings.Contains(p.Error(), "rest of the input is skipped") {
		t.Fatalf("error %v, want a break", err)
	}
	if len(recs) == 0 || len(recs) >= n {
		t.Errorf("%d records before the break, want some but not all %d", len(recs), n)
	}
	if r.Skipped() != 1 {
		t.Errorf("skipped %d, want 1 (the break)", r.Skipped())
	}
	// The whole stream reads completely.
	_, recs, err = readAll(t, "-", bytes.NewReader(full))
	if err != nil || len(recs) != n {
		t.Errorf("full stream: %d records, %v", len(recs), err)
	}
}

func TestTooLarge(t *testing.T) {
	big := `{"eventTime":"2024-05-20T10:15:02Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","requestParameters":{"x":"` +
		strings.Repeat("y", 3*MaxRecordSize) + `"}}`
	small := `{"eventTime":"2024-05-20T10:15:02Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`
	in := `{"Records":[` + small + "," + big + "," + small + `]}`
	r, recs, err := readAll(t, "-", strings.NewReader(in))
	if err != nil || len(recs) != 2 || r.Skipped() != 1 {
		t.Fatalf("%d records, %v, skipped %d", len(recs), err, r.Skipped())
	}
	if !errors.Is(r.Problems()[0], errTooLarge) {
		t.Errorf("problem %v", r.Problems()[0])
	}
}

func TestConsoleFlag(t *testing.T) {
	_, recs, err := readAll(t, filepath.Join("testdata", "log-file.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := recs[1].SessionCredentialFromConsole.Value(); !v || !ok {
		t.Errorf("record 2: sessionCredentialFromConsole %v, want true", recs[1].SessionCredentialFromConsole)
	}
	if _, ok := recs[0].SessionCredentialFromConsole.Value(); ok {
		t.Errorf("record 1: sessionCredentialFromConsole set")
	}
}

func TestFilter(t *testing.T) {
	var names []string
	r := each(t, filepath.Join("testdata", "log-file.json"), func(r *Reader) {
		r.Filter = func(source, name, code string) bool { return source == "s3.amazonaws.com" }
	}, func(rec *Record) { names = append(names, rec.EventName) })
	if strings.Join(names, ",") != "GetObject" || r.Filtered() != 2 || r.Skipped() != 0 {
		t.Errorf("names %v, filtered %d, skipped %d", names, r.Filtered(), r.Skipped())
	}
	if p := r.Position(); p.Index != 2 || p.Line != 1 || p.File != filepath.Join("testdata", "log-file.json") {
		t.Errorf("position %+v, want the third record", p)
	}
}

// TestFilterSeesTheRecord: what the filter is given, from the splitter's
// scan or after decoding, is what the record it lets through holds, and it
// is asked once per record.
func TestFilterSeesTheRecord(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		r, err := Open(name, nil)
		if err != nil {
			continue
		}
		var last string
		calls := 0
		r.Filter = func(source, name, code string) bool {
			calls++
			last = source + " " + name + " " + code
			return true
		}
		n := 0
		for {
			rec, err := r.Next()
			if err != nil {
				break
			}
			n++
			if got := rec.EventSource + " " + rec.EventName + " " + rec.ErrorCode; got != last {
				t.Errorf("%s: record %s, the filter saw %s", name, got, last)
			}
		}
		r.Close()
		if calls > n+r.Skipped() {
			t.Errorf("%s: %d filter calls for %d records and %d skipped", name, calls, n, r.Skipped())
		}
	}
}

// TestCloseEarly: closing a reader before its end stops the goroutine.
func TestCloseEarly(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"eventTime":"2024-05-20T10:15:02Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`)
	}
	sb.WriteString(`]}`)
	r, err := NewReader("-", io.NopCloser(strings.NewReader(sb.String())))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil {
		t.Error("Next after Close succeeded")
	}
}

func TestParseRecord(t *testing.T) {
	for _, in := range []string{
		mustRead(t, "eventbridge-events.json"),
		`"{\"eventTime\":\"2024-05-20T10:16:45Z\",\"eventSource\":\"sagemaker.amazonaws.com\",\"eventName\":\"CreateEndpoint\",\"eventID\":\"e1b5f0a4-6f6e-4c7c-bb0d-0d3f7a6c1a02\",\"errorCode\":\"AccessDenied\",\"sourceIPAddress\":\"203.0.113.17\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::666666666666:user/ci-deployer\"},\"errorMessage\":\"... service control policy\"}"`,
	} {
		r, err := ParseRecord([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		checkRecord(t, r)
	}
	for in, want := range map[string]string{
		`[1]`:     "want a JSON object",
		``:        "empty record",
		`{"a":1}`: "no eventTime, eventSource, eventName",
		`{"eventTime":"2024-05-20T10:16:45Z","eventSource":7,"eventName":"X"}`:                    "not a valid record: eventSource: want a string, got number",
		`{"detail-type":"x","detail":{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}}`: "no eventTime",
	} {
		if _, err := ParseRecord([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 5, 20, 10, 15, 2, 0, time.UTC)
	for _, s := range []string{"2024-05-20T10:15:02Z", "2024-05-20 10:15:02.000", "2024-05-20T12:15:02+02:00", "2024-05-20T10:15:02.000Z", "2024-05-20 10:15:02"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	for _, s := range []string{"", "2024-02-30T10:15:02Z", "2024-13-01T00:00:00Z", "1716200102", "2024-05-20T25:00:00Z"} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}

func TestPrincipal(t *testing.T) {
	tests := []struct {
		id   UserIdentity
		want string
		role string
	}{
		{UserIdentity{Type: "AssumedRole", ARN: "arn:aws:sts::111122223333:assumed-role/app/i-0abc"}, "arn:aws:iam::111122223333:role/app", "app"},
		{UserIdentity{Type: "AssumedRole", ARN: "arn:aws-cn:sts::111122223333:assumed-role/app/s",
			SessionContext: SessionContext{SessionIssuer: SessionIssuer{ARN: "arn:aws-cn:iam::111122223333:role/team/app", UserName: "app"}}},
			"arn:aws-cn:iam::111122223333:role/team/app", "app"},
		{UserIdentity{Type: "IAMUser", ARN: "arn:aws:iam::111122223333:user/bob", UserName: "bob"}, "arn:aws:iam::111122223333:user/bob", ""},
		{UserIdentity{Type: "AWSService", InvokedBy: "sagemaker.amazonaws.com"}, "sagemaker.amazonaws.com", ""},
		{UserIdentity{Type: "AWSAccount", AccountID: "111122223333", PrincipalID: "AIDAEXAMPLE"}, "AWSAccount:111122223333", ""},
		{UserIdentity{Type: "Role", ARN: "arn:aws:iam::111122223333:role/svc"}, "arn:aws:iam::111122223333:role/svc", "svc"},
		{UserIdentity{}, "", ""},
	}
	for _, tt := range tests {
		r := Record{UserIdentity: tt.id}
		if got := r.Principal(); got != tt.want {
			t.Errorf("%+v: Principal() = %q, want %q", tt.id, got, tt.want)
		}
		if got := r.RoleName(); got != tt.role {
			t.Errorf("%+v: RoleName() = %q, want %q", tt.id, got, tt.role)
		}
	}
}

func TestLakeColumns(t *testing.T) {
	row := `[{"eventTime":"2024-05-20 10:15:02.000"},{"eventSource":"bedrock.amazonaws.com"},{"eventName":"InvokeModel"},` +
		`{"arn":"arn:aws:sts::333333333333:assumed-role/app/s"},{"type":"AssumedRole"},{"session_issuer_arn":"arn:aws:iam::333333333333:role/app"},` +
		`{"apiCount":"7"},{"requestParameters":"{modelId=amazon.nova-pro-v1:0}"}]`
	_, err := decodeLakeRow(row)
	if err == nil || !strings.Contains(err.Error(), "json_format(CAST(requestParameters AS JSON))") {
		t.Fatalf("error %v, want advice on json_format", err)
	}
	r, err := decodeLakeRow(strings.Replace(row, `{modelId=amazon.nova-pro-v1:0}`, `{\"modelId\":\"amazon.nova-pro-v1:0\"}`, 1))
	if err != nil {
		t.Fatal(err)
	}
	if r.Principal() != "arn:aws:iam::333333333333:role/app" || r.UserIdentity.ARN != "arn:aws:sts::333333333333:assumed-role/app/s" {
		t.Errorf("identity %+v", r.UserIdentity)
	}
	if _, err := decodeLakeRow(`[{"eventName":"InvokeModel"}]`); err == nil || !strings.Contains(err.Error(), "no eventTime, eventSource") {
		t.Errorf("error %v", err)
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{
		"AWSLogs/o-exampleorg1/333333333333/CloudTrail/us-east-1/2024/05/20/333333333333_CloudTrail_us-east-1_20240520T1015Z_a.json.gz",
		"AWSLogs/o-exampleorg1/333333333333/CloudTrail/us-east-1/2024/05/20/333333333333_CloudTrail_us-east-1_20240520T1005Z_b.json.gz",
		"AWSLogs/o-exampleorg1/333333333333/CloudTrail-Digest/us-east-1/2024/05/20/333333333333_CloudTrail-Digest_us-east-1_t_us-east-1_20240520T102314Z.json.gz",
		".hidden/x.json",
		"notes.json",
	} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, err := Expand([]string{dir, "-"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range in {
		got = append(got, strings.TrimPrefix(i.Path, dir+"/"))
	}
	want := []string{
		"AWSLogs/o-exampleorg1/333333333333/CloudTrail/us-east-1/2024/05/20/333333333333_CloudTrail_us-east-1_20240520T1005Z_b.json.gz",
		"AWSLogs/o-exampleorg1/333333333333/CloudTrail/us-east-1/2024/05/20/333333333333_CloudTrail_us-east-1_20240520T1015Z_a.json.gz",
		"notes.json",
		"-",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := Expand([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing path expanded")
	}
}

// TestBorrow: a borrowing reader returns the same records as a copying
// one, and its problems outlive the buffers they were found in.
func TestBorrow(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i := range 3000 {
		if i > 0 {
			sb.WriteString(",")
		}
		when := "2024-05-21T13:02:48Z"
		if i == 7 {
			when = "2024-05-21 yesterday" // its problem quotes it
		}
		fmt.Fprintf(&sb, `{"eventVersion":"1.10","eventTime":%q,"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"id-%05d",`+
			`"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111111111111:assumed-role/r/s-%d"},"userAgent":"agent \"%d\""}`, when, i, i, i)
	}
	sb.WriteString(`]}`)
	name := filepath.Join(t.TempDir(), "trail.json")
	if err := os.WriteFile(name, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(borrow bool) (kept []string, problems []string) {
		r := each(t, name, func(r *Reader) { r.Borrow = borrow }, func(rec *Record) {
			kept = append(kept, strings.Clone(rec.EventID+" "+rec.Principal()+" "+rec.UserAgent))
		})
		for _, p := range r.Problems() {
			problems = append(problems, p.Error())
		}
		return kept, problems
	}
	copied, copiedProblems := read(false)
	borrowed, borrowedProblems := read(true)
	if len(copied) != 2999 || !slices.Equal(copied, borrowed) {
		t.Errorf("%d records copied, %d borrowed, equal %v", len(copied), len(borrowed), slices.Equal(copied, borrowed))
	}
	if len(copiedProblems) != 1 || !slices.Equal(copiedProblems, borrowedProblems) || !strings.Contains(borrowedProblems[0], "yesterday") {
		t.Errorf("problems %q, borrowed %q", copiedProblems, borrowedProblems)
	}
}

// TestOpenRefusesFIFO: a FIFO named as an input is refused, not read (and
// waited on) for ever; standard input is the way to pipe records in.
func TestOpenRefusesFIFO(t *testing.T) {
	fifotest.Refused(t, "trail.json", func(fifo string) error { _, err := Open(fifo, nil); return err }, func(err error) {
		if !errors.Is(err, inputfile.ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("FIFO: %v", err)
		}
	})
}
