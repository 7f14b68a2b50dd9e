package sarif_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/sarif"
	"github.com/aiguard/aiguard/sarif/sariftest"
)

func tool() sarif.Tool {
	return sarif.Tool{Driver: sarif.Driver{
		Name: "aiguard", Version: "1.2.3", InformationURI: "https://github.com/aiguard/aiguard",
		Rules: []sarif.ReportingDescriptor{{
			ID: "sagemaker-notebook-in-vpc", Name: "SagemakerNotebookInVpc",
			ShortDescription:     &sarif.Message{Text: "Notebook instances run in a VPC"},
			FullDescription:      &sarif.Message{Text: "A notebook outside a VPC reaches the internet."},
			Help:                 &sarif.Message{Text: "Recreate it in a VPC.", Markdown: "Recreate it **in a VPC**."},
			DefaultConfiguration: &sarif.ReportingConfiguration{Level: sarif.Level("HIGH")},
			Properties: &sarif.PropertyBag{Tags: []string{"security"}, SecuritySeverity: sarif.SecuritySeverity("HIGH"),
				Precision: "very-high", Extra: map[string]string{"aiguard/control": "network"}},
		}},
	}}
}

func TestWriterOutputIsValidSARIF(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		var out bytes.Buffer
		w, err := sarif.NewWriter(&out, tool(), map[string]sarif.ArtifactLocation{sarif.SrcRoot: {URI: "file:///work/repo/"}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			loc, err := sarif.ArtifactURI(filepath.Join("templates", "ml stack.yaml"), ".")
			if err != nil {
				t.Fatal(err)
			}
			r := &sarif.Result{
				RuleID: "sagemaker-notebook-in-vpc", RuleIndex: 0, Kind: "fail", Level: sarif.LevelError,
				Message: sarif.Message{Text: "DirectInternetAccess is Enabled <b>&"},
				Locations: []sarif.Location{{
					PhysicalLocation: &sarif.PhysicalLocation{ArtifactLocation: loc, Region: &sarif.Region{StartLine: 10 + i, StartColumn: 3}},
					LogicalLocations: []sarif.LogicalLocation{{Name: "Notebook", FullyQualifiedName: "templates/ml stack.yaml#Notebook", Kind: "resource"}},
				}},
				PartialFingerprints: map[string]string{"aiguardFindingId/v1": "x"},
			}
			if i == 2 {
				r.Suppressions = []sarif.Suppression{{Kind: sarif.SuppressionInSource, Status: "accepted", Justification: "lab account"}}
			}
			if err := w.Result(r); err != nil {
				t.Fatal(err)
			}
		}
		code := 1
		if err := w.Close(&sarif.Invocation{ExecutionSuccessful: true, ExitCode: &code,
			ToolExecutionNotifications: []sarif.Notification{{Level: sarif.LevelWarning, Message: sarif.Message{Text: "1 item skipped"}}}}); err != nil {
			t.Fatal(err)
		}
		if err := sariftest.Validate(out.Bytes()); err != nil {
			t.Fatalf("%d results: %v\n%s", n, err, out.String())
		}
		var log sarif.Log
		if err := json.Unmarshal(out.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Runs) != 1 || len(log.Runs[0].Results) != n || log.Version != "2.1.0" {
			t.Errorf("%d results: read back %+v", n, log)
		}
		if n > 0 {
			s := out.String()
			for _, want := range []string{`"uri": "templates/ml%20stack.yaml"`, `"uriBaseId": "%SRCROOT%"`, `"security-severity": "8.0"`,
				`"aiguard/control": "network"`, `<b>&`} {
				if !strings.Contains(s, want) {
					t.Errorf("output lacks %s", want)
				}
			}
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":       `{`,
		"wrong version":  `{"version":"2.0.0","runs":[]}`,
		"unknown key":    `{"version":"2.1.0","runs":[],"extra":1}`,
		"bad level":      `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r"}]}},"results":[{"ruleId":"r","ruleIndex":0,"level":"fatal","message":{"text":"m"}}]}]}`,
		"no driver name": `{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[]}]}`,
		"dangling index": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r"}]}},"results":[{"ruleId":"q","ruleIndex":0,"message":{"text":"m"}}]}]}`,
		"absolute path":  `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r"}]}},"results":[{"ruleId":"r","ruleIndex":0,"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"/etc/x"}}}]}]}]}`,
	} {
		if err := sariftest.Validate([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestArtifactURI(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, base, uri, baseID string }{
		{"a/b.yaml", wd, "a/b.yaml", sarif.SrcRoot},
		{"x:y.json", wd, "./x:y.json", sarif.SrcRoot},
		{"/etc/hosts", wd, "file:///etc/hosts", ""},
		{"../outside.json", wd, "file://" + filepath.ToSlash(filepath.Join(filepath.Dir(wd), "outside.json")), ""},
		{"c#1.json", "", "file://" + filepath.ToSlash(wd) + "/c%231.json", ""},
	} {
		got, err := sarif.ArtifactURI(tc.name, tc.base)
		if err != nil {
			t.Fatal(err)
		}
		if got.URI != tc.uri || got.URIBaseID != tc.baseID {
			t.Errorf("ArtifactURI(%q) = %+v, want %s %s", tc.name, got, tc.uri, tc.baseID)
		}
	}
}

func TestLevels(t *testing.T) {
	for sev, want := range map[string][2]string{
		"CRITICAL": {"error", "9.5"}, "HIGH": {"error", "8.0"}, "MEDIUM": {"warning", "5.5"},
		"LOW": {"note", "3.0"}, "INFORMATIONAL": {"note", "0.1"},
	} {
		if l, s := sarif.Level(sev), sarif.SecuritySeverity(sev); l != want[0] || s != want[1] {
			t.Errorf("%s: level %s, security-severity %s", sev, l, s)
		}
	}
}
