package cmdutil

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// The --format names, one vocabulary for every command: table for people,
// json for programs, and the formats of other tools where they apply.
const (
	FormatTable    = "table"
	FormatJSON     = "json"
	FormatSARIF    = "sarif"
	FormatJUnit    = "junit"
	FormatASFF     = "asff"
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// OutputFlags are the flags every command that reports shares.
type OutputFlags struct {
	Format string
	// Output is the file the report goes to; "" or "-" for standard output.
	Output string
	// Quiet leaves out what is not the report: notes and warnings on
	// standard error, the progress bar. Errors are still printed.
	Quiet bool

	formats []string
}

// AddOutputFlags registers --format (with the formats the command writes,
// def first among equals), --output and --quiet.
func AddOutputFlags(cmd *cobra.Command, o *OutputFlags, def string, formats ...string) {
	o.formats = formats
	f := cmd.Flags()
	f.StringVar(&o.Format, "format", def, "output format: "+strings.Join(formats, ", "))
	f.StringVarP(&o.Output, "output", "o", "", "write the report to `FILE` instead of standard output")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print only the report and errors: no notes, warnings or progress")
}

// CheckFormat validates --format. "text" is read as "table", the name
// these commands used before the vocabulary was one. formats, when given,
// are the command's formats, for options filled in without the flags (as
// tests do).
func (o *OutputFlags) CheckFormat(formats ...string) error {
	if len(formats) > 0 {
		o.formats = formats
	}
	if o.Format == "text" && slices.Contains(o.formats, FormatTable) {
		o.Format = FormatTable
	}
	if !slices.Contains(o.formats, o.Format) {
		return Usagef("--format: got %q, want one of %s", o.Format, strings.Join(o.formats, ", "))
	}
	return nil
}

// Output is where a command writes its report: standard output, or the
// file --output names. A file is written beside its final name and renamed
// into place on Close, so a pipeline never reads half a report; a device
// or a pipe is written to directly.
type Output struct {
	io.Writer
	file     *os.File
	path     string // the final name of a file; "" for standard output, a device or a pipe
	perm     os.FileMode
	terminal bool
}

// OpenOutput opens the report's destination.
// inputs are the files the command reads: --output naming one of them
// is refused, as the report would replace what it reports on.
func (o *OutputFlags) OpenOutput(streams *IO, inputs ...string) (*Output, error) {
	if o.Output == "" || o.Output == "-" {
		return &Output{Writer: streams.Out, terminal: IsTerminal(streams.Out)}, nil
	}
	target := o.Output
	if l, err := os.Lstat(target); err == nil && l.Mode()&os.ModeSymlink != 0 {
		if dest, err := os.Readlink(target); err == nil {
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(target), dest)
			}
			target = dest // a link goes on pointing at the report, even one whose file is not there yet
		}
	}
	if fi, err := os.Stat(target); err == nil {
		for _, in := range inputs {
			if in == "-" {
				continue
			}
			if ii, err := os.Stat(in); err == nil && os.SameFile(fi, ii) {
				return nil, Usagef("--output: %s is also an input; the report would replace it", o.Output)
			}
		}
		switch {
		case fi.IsDir():
			return nil, Usagef("--output: %s is a directory", target)
		case !fi.Mode().IsRegular():
			// A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written
			// to, never replaced: renaming over /dev/null as root would
			// remove the device.
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return nil, Usagef("--output: %v", err)
			}
			return &Output{Writer: f, file: f, terminal: IsTerminal(f)}, nil
		}
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		perm = fi.Mode().Perm() // a report replacing a file keeps who may read it
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return nil, Usagef("--output: %v", err)
	}
	return &Output{Writer: f, file: f, path: target, perm: perm}, nil
}

// WriteReport opens the report's destination, writes the report with
// write and closes it: a file takes its final name only when write
// succeeded.
func (o *OutputFlags) WriteReport(streams *IO, write func(out *Output) error, inputs ...string) error {
	out, err := o.OpenOutput(streams, inputs...)
	if err != nil {
		return err
	}
	err = write(out)
	if cerr := out.Close(err != nil); err == nil {
		err = cerr
	}
	return err
}

// WriteJSON writes v as indented JSON, with "<", ">" and "&" as they are:
// the reports hold text for people (annotations, messages).
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Terminal reports whether the report goes to a terminal.
func (out *Output) Terminal() bool { return out.terminal }

// Close finishes the report: the file takes its final name, with the
// permissions of the file it replaces (0644 for a new one), or, when failed
// is set, is removed.
func (out *Output) Close(failed bool) error {
	if out.file == nil {
		return nil
	}
	if out.path == "" { // a device or a pipe, written to directly
		return out.file.Close()
	}
	tmp := out.file.Name()
	err := out.file.Close()
	if failed || err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, out.perm); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, out.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--output: %w", err)
	}
	return nil
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Notef writes a note for people on standard error, unless --quiet.
func (o *OutputFlags) Notef(streams *IO, format string, args ...any) {
	if !o.Quiet {
		fmt.Fprintf(streams.Err, "aiguard: "+format+"\n", args...)
	}
}
