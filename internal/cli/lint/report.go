package lint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/findings"
	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/internal/textsafe"
	"github.com/aiguard/aiguard/sarif"
)

// formats are the --format names of both lint commands.
var formats = []string{cmdutil.FormatTable, cmdutil.FormatJSON, cmdutil.FormatSARIF}

// ReportFlags are the flags both lint commands share: the output
// vocabulary of every command, and --fail-on over finding severities.
type ReportFlags struct {
	cmdutil.OutputFlags
	FailOn string
	// Version is aiguard's version, for the SARIF driver.
	Version string
	// WorkDir is the directory SARIF artifact URIs are relative to; ""
	// means the working directory.
	WorkDir string
	// Getenv reads the environment (NO_COLOR); nil is os.Getenv.
	Getenv func(string) string
}

func addReportFlags(cmd *cobra.Command, r *ReportFlags) {
	cmdutil.AddOutputFlags(cmd, &r.OutputFlags, cmdutil.FormatTable, formats...)
	cmd.Flags().StringVar(&r.FailOn, "fail-on", "error", "exit 1 when a finding has this severity or higher: info, warning, error or none")
}

// reportHelp describes the output and exit status, the same for both
// commands.
const reportHelp = `Findings print one per line as "file:line:column: severity: code: message
(location)", the location being a resource's logical ID, a parameter's name,
a statement's Sid or "statement N". --format json prints an array of
objects with the keys file, line, column, severity, code, message and
location (line and column are 0 when unknown); --format sarif prints a
SARIF 2.1.0 log, one rule per finding code, for GitHub code scanning.

Exit status: 1 when a finding is at or above --fail-on (default error;
warning also fails on warnings, none never fails), 0 otherwise; 2 for an
unreadable file or a usage error.`

// input says what a command reads, for its messages and its size bound.
type input struct {
	command string // e.g. "lint pack"
	what    string // e.g. "template"
	max     int    // bytes read at most
	tooBig  string // why more than max cannot be valid
	codes   func() map[string]string
}

// fileFindings are one file's findings, or why it could not be read.
type fileFindings struct {
	name     string
	findings []findings.Finding
	err      error
}

// lintFiles reads each file (- for standard input, once) and lints it,
// writes the report in the format asked for, then returns the exit status:
// 2 for an unreadable file, 1 when a finding reaches --fail-on.
func lintFiles(streams *cmdutil.IO, rf *ReportFlags, files []string, in input,
	lint func([]byte) ([]findings.Finding, error)) error {
	if err := rf.CheckFormat(); err != nil {
		return err
	}
	failOn, err := cmdutil.ParseFailOn(rf.FailOn, cmdutil.FindingSeverities)
	if err != nil {
		return err
	}
	stdinUsed := false
	for _, name := range files {
		if name == inputfile.Stdin {
			if stdinUsed {
				return cmdutil.Usagef("%s: standard input (-) given more than once", in.command)
			}
			stdinUsed = true
		}
	}
	results := make([]fileFindings, 0, len(files))
	for _, name := range files {
		ff := fileFindings{name: name}
		data, err := readFile(streams, name, in)
		if err == nil {
			ff.findings, err = lint(data)
		}
		ff.err = err
		results = append(results, ff)
	}
	err = rf.WriteReport(streams, func(out *cmdutil.Output) error {
		switch rf.Format {
		case cmdutil.FormatJSON:
			return writeJSON(out, results)
		case cmdutil.FormatSARIF:
			base := rf.WorkDir
			if base == "" {
				base, _ = os.Getwd()
			}
			return writeSARIF(out, results, in, base, rf.Version)
		}
		return writeLines(out, results, cmdutil.NewPalette(out.Writer, rf.Getenv))
	}, files...)
	if err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	unreadable, failing := false, 0
	for _, r := range results {
		if r.err != nil {
			unreadable = true
			fmt.Fprintf(streams.Err, "aiguard: %s: %v\n", textsafe.Line(r.name), r.err)
		}
		for _, f := range r.findings {
			if failOn.Trips(string(f.Severity)) {
				failing++
			}
		}
	}
	switch {
	case unreadable:
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage}
	case failing > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFindings}
	}
	return nil
}

// readFile reads a whole file, refusing what is not a regular file (a FIFO
// would hang) and more than the input's bound.
func readFile(streams *cmdutil.IO, name string, in input) ([]byte, error) {
	data, err := inputfile.ReadAll(name, streams.In, int64(in.max))
	if err == nil {
		return data, nil
	}
	if fi, serr := os.Stat(name); serr == nil && fi.IsDir() && name != inputfile.Stdin {
		return nil, fmt.Errorf("is a directory; give %s files", in.what)
	}
	var tooLarge *inputfile.TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("more than %d bytes; %s", in.max, in.tooBig)
	}
	return nil, stripName(err, name)
}

// stripName leaves the file name out of err: it is printed already.
func stripName(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	if msg, ok := strings.CutPrefix(err.Error(), name+": "); ok {
		return errors.New(msg)
	}
	return err
}

// Line formats a finding as compilers do: file:line:column: severity:
// code: message (location). Line and column are left out when unknown.
func Line(file string, f findings.Finding, p cmdutil.Palette) string {
	where := textsafe.Line(file)
	if f.Line > 0 {
		where += ":" + strconv.Itoa(f.Line)
		if f.Column > 0 {
			where += ":" + strconv.Itoa(f.Column)
		}
	}
	s := fmt.Sprintf("%s: %s: %s: %s", where, p.Severity(string(f.Severity)), f.Code, textsafe.Line(f.Message))
	if f.Location != "" {
		s += p.Dim(" (" + textsafe.Line(f.Location) + ")")
	}
	return s
}

func writeLines(w io.Writer, results []fileFindings, p cmdutil.Palette) error {
	for _, r := range results {
		for _, f := range r.findings {
			if _, err := fmt.Fprintln(w, Line(r.name, f, p)); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonFinding is one element of the --format json output.
type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location"`
}

func writeJSON(w io.Writer, results []fileFindings) error {
	all := []jsonFinding{}
	for _, r := range results {
		for _, f := range r.findings {
			all = append(all, jsonFinding{File: r.name, Line: f.Line, Column: f.Column,
				Severity: string(f.Severity), Code: f.Code, Message: f.Message, Location: f.Location})
		}
	}
	return cmdutil.WriteJSON(w, all)
}

// writeSARIF writes the findings as a SARIF log: every code the linter can
// report is a rule, each finding a result at its file, line and column,
// and each unreadable file a notification.
func writeSARIF(w io.Writer, results []fileFindings, in input, base, version string) error {
	codes := in.codes()
	ids := make([]string, 0, len(codes))
	for id := range codes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := make(map[string]int, len(ids))
	driver := sarif.Driver{Name: "aiguard", Version: version, InformationURI: "https://github.com/aiguard/aiguard"}
	for i, id := range ids {
		index[id] = i
		driver.Rules = append(driver.Rules, sarif.ReportingDescriptor{
			ID: id, ShortDescription: &sarif.Message{Text: codes[id]},
			Properties: &sarif.PropertyBag{Tags: []string{in.what, "aws"}},
		})
	}
	sw, err := sarif.NewWriter(w, sarif.Tool{Driver: driver}, nil)
	if err != nil {
		return err
	}
	inv := &sarif.Invocation{ExecutionSuccessful: true}
	for _, r := range results {
		art, hasFile := artifact(r.name, base)
		if r.err != nil {
			n := sarif.Notification{Level: sarif.LevelError, Message: sarif.Message{Text: r.err.Error()}}
			if hasFile {
				n.Locations = []sarif.Location{{PhysicalLocation: &sarif.PhysicalLocation{ArtifactLocation: art}}}
			}
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
			continue
		}
		for _, f := range r.findings {
			idx, known := index[f.Code]
			if !known {
				return fmt.Errorf("finding code %s is not among the linter's codes", f.Code)
			}
			res := &sarif.Result{RuleID: f.Code, RuleIndex: idx, Level: findingLevel(f.Severity),
				Message: sarif.Message{Text: f.Message}}
			loc := sarif.Location{}
			if hasFile {
				pl := &sarif.PhysicalLocation{ArtifactLocation: art}
				if f.Line > 0 {
					pl.Region = &sarif.Region{StartLine: f.Line, StartColumn: f.Column}
				}
				loc.PhysicalLocation = pl
			}
			if f.Location != "" {
				loc.LogicalLocations = []sarif.LogicalLocation{{Name: f.Location}}
			}
			if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
				res.Locations = []sarif.Location{loc}
			}
			if err := sw.Result(res); err != nil {
				return err
			}
		}
	}
	return sw.Close(inv)
}

// artifact is the SARIF location of a file; standard input has none.
func artifact(name, base string) (sarif.ArtifactLocation, bool) {
	if name == inputfile.Stdin {
		return sarif.ArtifactLocation{}, false
	}
	art, err := sarif.ArtifactURI(filepath.Clean(name), base)
	return art, err == nil
}

func findingLevel(s findings.Severity) string {
	switch s {
	case findings.Error:
		return sarif.LevelError
	case findings.Warning:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}
