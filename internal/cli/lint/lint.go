// Package lint implements `aiguard lint`: the checks the generator applies
// to its own output, usable on anyone's conformance packs (`lint pack`) and
// IAM policies (`lint policy`).
package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/conformance"
	"github.com/aiguard/aiguard/internal/cfnschema"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/findings"
)

// maxInput bounds what is read from one file: well above the 300 KB a
// conformance pack template may have in S3, so that an oversized template
// still gets its size finding, but not unbounded.
const maxInput = 4 << 20

// NewCmdLint returns the `lint` command group.
func NewCmdLint(io *cmdutil.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Check conformance packs and IAM policies the way aiguard checks its own output",
	}
	cmd.AddCommand(NewCmdPack(io, nil))
	cmd.AddCommand(NewCmdPolicy(io, nil))
	return cmd
}

// PackOptions are the inputs of `aiguard lint pack`.
type PackOptions struct {
	IO     *cmdutil.IO
	Files  []string
	Format string
	// Schema returns the CloudFormation schema validator; nil uses
	// cfnschema.Default.
	Schema func() (*cfnschema.Validator, error)
}

// NewCmdPack returns `lint pack`; runF replaces the logic in tests.
func NewCmdPack(io *cmdutil.IO, runF func(*PackOptions) error) *cobra.Command {
	opts := &PackOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "pack FILE...",
		Short: "Check conformance pack templates",
		Long: `Lint pack checks AWS Config conformance pack templates (YAML or JSON; FILE may
be - for standard input) the way aiguard checks the packs it generates:
only AWS::Config::ConfigRule and AWS::Config::RemediationConfiguration
resources; TemplateBody at most 51,200 bytes; at most 130 rules and 60
parameters; rule names, descriptions, InputParameters, sources, triggers,
scopes and Guard policies within AWS Config's limits; no intrinsic functions
where Config does not resolve them; defined and used parameters, conditions
and references; and every resource against the CloudFormation resource schema.

Findings print one per line as "file: severity: code: message", the
location (resource logical ID or parameter name) and line in parentheses, or
with --format json as an array of objects with the keys file, severity,
code, message and location. Exit status is 1 when any finding is an error,
0 otherwise, and 2 for an unreadable file or a usage error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.Usagef("lint pack: give at least one template FILE (or - for standard input)")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return runPack(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

// jsonFinding is one element of the --format json output.
type jsonFinding struct {
	File     string `json:"file"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location"`
}

func runPack(opts *PackOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return cmdutil.Usagef("--format: got %q, want text or json", opts.Format)
	}
	schema := opts.Schema
	if schema == nil {
		schema = cfnschema.Default
	}
	v, err := schema()
	if err != nil {
		return fmt.Errorf("load the CloudFormation schema: %w", err)
	}
	linter := &conformance.Linter{Schema: v}
	return lintFiles(opts.IO, opts.Files, opts.Format, packInput, linter.Lint)
}

// input says what a command reads, for its messages and its size bound.
type input struct {
	command string // e.g. "lint pack"
	what    string // e.g. "template"
	max     int    // bytes read at most
	tooBig  string // why more than max cannot be valid
}

var packInput = input{command: "lint pack", what: "template", max: maxInput,
	tooBig: "a conformance pack template is at most 300 KB"}

// lintFiles reads each file (- for standard input, once), lints it and
// prints the findings as text or JSON, then returns the exit status: 2 for
// an unreadable file, 1 when a finding is an error.
func lintFiles(streams *cmdutil.IO, files []string, format string, in input,
	lint func([]byte) ([]findings.Finding, error)) error {
	unreadable := false
	stdinUsed := false
	all := []jsonFinding{}
	for _, name := range files {
		if name == "-" {
			if stdinUsed {
				return cmdutil.Usagef("%s: standard input (-) given more than once", in.command)
			}
			stdinUsed = true
		}
		data, err := readFile(streams, name, in)
		if err == nil {
			var fs []findings.Finding
			if fs, err = lint(data); err == nil {
				if format == "text" {
					for _, f := range fs {
						fmt.Fprintf(streams.Out, "%s: %s\n", name, f)
					}
				}
				for _, f := range fs {
					all = append(all, jsonFinding{File: name, Severity: string(f.Severity), Code: f.Code,
						Message: withLine(f), Location: f.Location})
				}
				continue
			}
		}
		unreadable = true
		fmt.Fprintf(streams.Err, "aiguard: %s: %v\n", name, err)
	}
	if format == "json" {
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return fmt.Errorf("write findings: %w", err)
		}
	}
	switch {
	case unreadable:
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage}
	case hasError(all):
		return &cmdutil.ExitError{Code: cmdutil.ExitFindings}
	}
	return nil
}

// withLine appends the line to a JSON message: the JSON keys are fixed, and
// the line is what an editor needs.
func withLine(f findings.Finding) string {
	if f.Line > 0 {
		return fmt.Sprintf("%s (line %d)", f.Message, f.Line)
	}
	return f.Message
}

func hasError(fs []jsonFinding) bool {
	for _, f := range fs {
		if f.Severity == string(conformance.SeverityError) {
			return true
		}
	}
	return false
}

func readFile(streams *cmdutil.IO, name string, in input) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = streams.In
	} else {
		f, err := os.Open(name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the file name is printed already
			}
			return nil, err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return nil, fmt.Errorf("is a directory; give %s files", in.what)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(in.max)+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > in.max {
		return nil, fmt.Errorf("more than %d bytes; %s", in.max, in.tooBig)
	}
	return data, nil
}
