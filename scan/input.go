package scan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
)

// Kind is the kind of an input, as detected from its content.
type Kind string

// The kinds of input a scan reads.
const (
	// KindConfigItems is a JSON object with a configurationItems array: a
	// Config snapshot or history file, or get-resource-config-history output.
	KindConfigItems Kind = "config-items"
	// KindBatchGet is batch-get-resource-config output (baseConfigurationItems).
	KindBatchGet Kind = "batch-get-resource-config"
	// KindSelect is select-resource-config output: Results holds each CI as a
	// JSON string.
	KindSelect Kind = "select-resource-config"
	// KindArray is a JSON array of CIs.
	KindArray Kind = "json-array"
	// KindNDJSON is one CI per line.
	KindNDJSON Kind = "ndjson"
	// KindStream is a sequence of JSON objects, one CI each, not one per line
	// (a pretty-printed CI, or several concatenated).
	KindStream Kind = "json-stream"
	// KindTemplate is a CloudFormation template, in JSON or YAML.
	KindTemplate Kind = "cloudformation"
	// KindEmpty is an input with nothing in it.
	KindEmpty Kind = "empty"
)

// sniffSize is how much of an input detection reads: enough for the keys
// that come before configurationItems in a snapshot, and for the first line
// of almost any NDJSON file.
const sniffSize = 1 << 20

// maxTemplateSize bounds a template read whole. CloudFormation accepts 1 MB
// from S3; tools that synthesise templates (CDK, SAM) may produce more
// before packaging, so the bound is generous.
const maxTemplateSize = 32 << 20

// Source is one input, opened and recognised.
type Source struct {
	// Name is the path given, or "-" for standard input.
	Name string
	Kind Kind
	// Gzip reports whether the input is gzip-compressed.
	Gzip bool
	// Size is the size of the file on disk (compressed), or -1 when unknown.
	Size int64

	file   io.Closer
	raw    *countingReader
	gz     *gzip.Reader
	r      *bufio.Reader // decompressed content, with the sniffed prefix buffered
	closed bool
}

// ErrUnrecognized reports an input that is none of the kinds a scan reads.
var ErrUnrecognized = errors.New("not a recognised input")

// Open opens the named file ("-" for stdin) and detects its kind. The
// caller must Close the source.
func Open(name string, stdin io.Reader) (*Source, error) {
	var f io.ReadCloser
	size := int64(-1)
	if name == "-" {
		if stdin == nil {
			return nil, errors.New("-: no standard input")
		}
		f = io.NopCloser(stdin)
		if sf, ok := stdin.(*os.File); ok {
			if fi, err := sf.Stat(); err == nil && fi.Mode().IsRegular() {
				size = fi.Size()
			}
		}
	} else {
		file, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		fi, err := file.Stat()
		if err != nil {
			file.Close()
			return nil, err
		}
		if fi.IsDir() {
			file.Close()
			return nil, fmt.Errorf("%s: is a directory", name)
		}
		size = fi.Size()
		f = file
	}
	src, err := newSource(name, f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	return src, nil
}

func newSource(name string, f io.ReadCloser, size int64) (*Source, error) {
	src := &Source{Name: name, Size: size, file: f, raw: &countingReader{r: f}}
	br := bufio.NewReaderSize(src.raw, 256<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		src.Gzip, src.gz = true, gz
		src.r = bufio.NewReaderSize(gz, sniffSize)
	} else {
		src.r = bufio.NewReaderSize(br, sniffSize)
	}
	head, err := src.r.Peek(sniffSize)
	if err != nil && len(head) == 0 && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	// A read error after some data (a truncated download) is left for the
	// scan, which reports where the input broke and keeps what came before.
	kind, err := detect(head)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	src.Kind = kind
	return src, nil
}

// BytesRead is how many bytes of the file (compressed, as on disk) have
// been read so far; the progress bar reads it from another goroutine.
func (s *Source) BytesRead() int64 { return s.raw.n.Load() }

// Close releases the file.
func (s *Source) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.gz != nil {
		s.gz.Close()
	}
	return s.file.Close()
}

type countingReader struct {
	r      io.Reader
	n      atomic.Int64
	shared *atomic.Int64 // the scan's progress counter, when there is one
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if c.shared != nil {
		c.shared.Add(int64(n))
	}
	return n, err
}

// Expand turns the arguments into the list of inputs: a directory stands for
// every regular file under it, in lexical order. Files found in a directory
// are marked optional: a scan notes and skips those it does not recognise
// (a Config bucket holds ConfigWritabilityCheckFile and the like), while a
// file named on the command line must be recognised.
func Expand(args []string) ([]Input, error) {
	var out []Input
	for _, arg := range args {
		if arg == "-" {
			out = append(out, Input{Path: arg})
			continue
		}
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			out = append(out, Input{Path: arg})
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, p := range found {
			out = append(out, Input{Path: p, Optional: true})
		}
	}
	return out, nil
}

// Input names one input of a scan.
type Input struct {
	// Path is a file name, or "-" for standard input.
	Path string
	// Optional inputs (found by walking a directory) that are not
	// recognised are noted and skipped instead of failing the scan.
	Optional bool
}

var templateLine = regexp.MustCompile(`(?m)^(?:AWSTemplateFormatVersion|Resources)\s*:`)

// detect recognises the kind of an input from its first bytes.
func detect(head []byte) (Kind, error) {
	b := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	i := skipSpace(b, 0)
	if i == len(b) {
		return KindEmpty, nil
	}
	switch b[i] {
	case '[':
		return KindArray, nil
	case '{':
		return detectObject(b[i:])
	}
	if templateLine.Match(b) {
		return KindTemplate, nil
	}
	return "", fmt.Errorf("%w: not JSON, and not a CloudFormation template (no top-level Resources or "+
		"AWSTemplateFormatVersion); want a Config snapshot or history file, batch-get-resource-config or "+
		"select-resource-config output, NDJSON of configuration items, or a template", ErrUnrecognized)
}

// detectObject decides from the top-level keys of the first JSON object.
func detectObject(b []byte) (Kind, error) {
	keys, end, err := topLevelKeys(b)
	for _, k := range keys {
		switch strings.ToLower(k) {
		case "configurationitems":
			return KindConfigItems, nil
		case "baseconfigurationitems":
			return KindBatchGet, nil
		case "results":
			return KindSelect, nil
		case "resources", "awstemplateformatversion":
			return KindTemplate, nil
		case "invokingevent":
			return "", fmt.Errorf("%w: this is a Config rule Lambda event; evaluate it with `aiguard evaluate --event`",
				ErrUnrecognized)
		}
	}
	ci := false
	for _, k := range keys {
		switch strings.ToLower(k) {
		case "resourcetype", "resourceid", "configurationitemcapturetime", "configurationitemstatus":
			ci = true
		}
	}
	if err != nil && !ci {
		return "", fmt.Errorf("%w: %v", ErrUnrecognized, err)
	}
	if !ci {
		if end < 0 {
			return "", fmt.Errorf("%w: the first JSON object has none of the keys configurationItems, "+
				"baseConfigurationItems, Results, Resources or resourceType within its first %d bytes", ErrUnrecognized, sniffSize)
		}
		return "", fmt.Errorf("%w: a JSON object with none of the keys configurationItems, baseConfigurationItems, "+
			"Results (Config exports), Resources (a template) or resourceType (a configuration item)", ErrUnrecognized)
	}
	// A CI: one per line when the first ends before the first newline (or
	// runs past the sniffed prefix without one), else a stream of objects.
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 || (end >= 0 && end <= nl) {
		return KindNDJSON, nil
	}
	return KindStream, nil
}

// topLevelKeys lists the keys of the JSON object that b starts with, and
// the offset just past its closing brace (-1 when b ends first). It checks
// only what it needs to find the keys.
func topLevelKeys(b []byte) (keys []string, end int, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, -1, errors.New("want a JSON object")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return keys, -1, nil
		}
		switch b[i] {
		case '}':
			return keys, i + 1, nil
		case ',':
			i++
			continue
		case '"':
		default:
			return keys, -1, fmt.Errorf("invalid JSON at byte %d", i)
		}
		j, ok := stringEnd(b, i)
		if !ok {
			return keys, -1, nil
		}
		keys = append(keys, unquoteKey(b[i:j]))
		i = skipSpace(b, j)
		if i >= len(b) {
			return keys, -1, nil
		}
		if b[i] != ':' {
			return keys, -1, fmt.Errorf("invalid JSON at byte %d: want ':'", i)
		}
		i = skipSpace(b, i+1)
		j, ok = valueEnd(b, i)
		if !ok {
			return keys, -1, nil
		}
		i = j
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the offset past the JSON string starting at b[i] ('"').
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		q := j + k
		bs := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
	return 0, false
}

// valueEnd returns the offset past the JSON value starting at b[i], by
// matching brackets; it does not validate the value.
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	for j := i; j < len(b); j++ {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return j, true
		}
	}
	return 0, false
}

func unquoteKey(q []byte) string {
	s := q[1 : len(q)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var out string
	if err := jsonUnmarshalString(q, &out); err != nil {
		return string(s)
	}
	return out
}
