package cmdutil

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestThreshold(t *testing.T) {
	low, err := ParseFailOn("LOW", RuleSeverities)
	if err != nil {
		t.Fatal(err)
	}
	for level, want := range map[string]bool{"INFORMATIONAL": false, "LOW": true, "critical": true, "bogus": false} {
		if low.Trips(level) != want {
			t.Errorf("low trips %s: %v", level, !want)
		}
	}
	none, _ := ParseFailOn("none", RuleSeverities)
	if none.Trips("CRITICAL") || !none.None() || none.String() != "none" {
		t.Error("none trips")
	}
	info, _ := ParseFailOn("info", RuleSeverities)
	if !info.Trips("INFORMATIONAL") || info.String() != "informational" {
		t.Error("info is an alias of informational")
	}
	warn, _ := ParseFailOn("warning", FindingSeverities)
	if warn.Trips("info") || !warn.Trips("error") {
		t.Error("finding severities")
	}
	if _, err := ParseFailOn("severe", RuleSeverities); err == nil || Code(err) != ExitUsage ||
		!strings.Contains(err.Error(), "informational, low, medium, high, critical or none") {
		t.Errorf("bad value: %v", err)
	}
}

func TestTable(t *testing.T) {
	tb := &Table{Header: []string{"RULE", "RESOURCE", "ANNOTATION"}, MaxWidth: 60}
	tb.Add(Plain("r1", "nb\x1b]0;owned\a", "short")...)
	tb.Add(Plain("rule-two", "", "a long annotation that does not fit in the width given to the table at all")...)
	var out bytes.Buffer
	p := Palette{on: true}
	if err := tb.Write(&out, Palette{}); err != nil {
		t.Fatal(err)
	}
	want := "RULE      RESOURCE          ANNOTATION\n" +
		"r1        nb\\x1b]0;owned\\a  short\n" +
		"rule-two  -                 a long annotation that does not fit in\n" +
		"                            the width given to the table at all\n"
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	tb.Write(&out, p)
	if !strings.Contains(out.String(), "\x1b[1mRULE\x1b[0m      ") {
		t.Errorf("coloured header misaligned: %q", out.String())
	}
}

func TestPalette(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	var buf bytes.Buffer
	if NewPalette(&buf, env(nil)).On() {
		t.Error("colour on a buffer")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if NewPalette(tty, env(map[string]string{"NO_COLOR": "1"})).On() {
			t.Error("NO_COLOR ignored")
		}
	}
	if got := (Palette{on: true}).Severity("HIGH"); got != "\x1b[31mHIGH\x1b[0m" {
		t.Errorf("severity %q", got)
	}
	if got := (Palette{}).Compliance("NON_COMPLIANT"); got != "NON_COMPLIANT" {
		t.Errorf("off palette colours: %q", got)
	}
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	cmd := &cobra.Command{Use: "x"}
	var o OutputFlags
	AddOutputFlags(cmd, &o, FormatTable, FormatTable, FormatJSON)
	if err := cmd.ParseFlags([]string{"--format", "text", "-o", filepath.Join(dir, "r.json")}); err != nil {
		t.Fatal(err)
	}
	if err := o.CheckFormat(); err != nil || o.Format != FormatTable {
		t.Errorf("text alias: %v %s", err, o.Format)
	}
	out, err := o.OpenOutput(&IO{Out: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	out.Write([]byte("report"))
	if _, err := os.Stat(filepath.Join(dir, "r.json")); err == nil {
		t.Error("the report is visible before Close")
	}
	if err := out.Close(false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.json")); string(b) != "report" {
		t.Errorf("report %q", b)
	}
	o.Format = "xml"
	if err := o.CheckFormat(); err == nil || !strings.Contains(err.Error(), "table, json") {
		t.Errorf("bad format: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestOutputNotAFile: a device is written to and stays a device (renaming
// a report over /dev/null as root would remove it), a link to a file stays
// a link to the new report, and a directory is refused.
func TestOutputNotAFile(t *testing.T) {
	write := func(path string) error {
		o := OutputFlags{Output: path}
		out, err := o.OpenOutput(&IO{Out: &bytes.Buffer{}})
		if err != nil {
			return err
		}
		out.Write([]byte("report"))
		return out.Close(false)
	}
	if fi, err := os.Stat(os.DevNull); err == nil && fi.Mode()&os.ModeDevice != 0 {
		if err := write(os.DevNull); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeDevice == 0 {
			t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
		}
	}
	dir := t.TempDir()
	real, link := filepath.Join(dir, "real.txt"), filepath.Join(dir, "link.txt")
	os.WriteFile(real, []byte("old"), 0o644)
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	if err := write(link); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(real); string(b) != "report" {
		t.Errorf("the linked file holds %q", b)
	}
	if err := write(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory: %v", err)
	}
}

// TestOutputKeepsInputsAndPermissions: --output naming an input is
// refused and the input kept; a replaced report keeps its file's
// permissions; a link whose file is not there yet gets the report there.
func TestOutputKeepsInputsAndPermissions(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "template.yaml")
	os.WriteFile(in, []byte("input"), 0o600)
	o := OutputFlags{Output: in}
	if _, err := o.OpenOutput(&IO{Out: &bytes.Buffer{}}, "-", in); err == nil || !strings.Contains(err.Error(), "is also an input") {
		t.Errorf("an input as --output: %v", err)
	}
	if b, _ := os.ReadFile(in); string(b) != "input" {
		t.Errorf("the input was changed: %q", b)
	}
	// Not an input: replaced, keeping 0600.
	if err := o.WriteReport(&IO{Out: &bytes.Buffer{}}, func(out *Output) error { _, err := out.Write([]byte("report")); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(in); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the replaced file's mode: %v %v", fi.Mode(), err)
	}
	link, dest := filepath.Join(dir, "latest.json"), filepath.Join(dir, "reports", "r.json")
	os.Mkdir(filepath.Dir(dest), 0o755)
	if err := os.Symlink(filepath.Join("reports", "r.json"), link); err != nil {
		t.Skip(err)
	}
	o = OutputFlags{Output: link}
	if err := o.WriteReport(&IO{Out: &bytes.Buffer{}}, func(out *Output) error { _, err := out.Write([]byte("report")); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "report" {
		t.Errorf("the link's file holds %q", b)
	}
}
