// Package sarif writes SARIF 2.1.0 logs (Static Analysis Results
// Interchange Format, OASIS), the format GitHub code scanning and most CI
// systems ingest: the object model of the parts aiguard uses and a writer
// that streams a run's results, so that a scan of any size is written in
// bounded memory.
//
// The model follows the SARIF 2.1.0 specification
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) and
// what GitHub code scanning reads
// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
// one reportingDescriptor per rule with its help text, a "security-severity"
// property that GitHub turns into a severity, relative artifact URIs
// against %SRCROOT%, and region.startLine.
package sarif

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Version and Schema identify the format.
const (
	Version = "2.1.0"
	Schema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// SrcRoot is the uriBaseId of artifacts given relative to the directory
	// the tool ran in (the repository root, in a pipeline).
	SrcRoot = "%SRCROOT%"
)

// Levels of a result.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
	LevelNone    = "none"
)

// Suppression kinds: in the artifact itself (a template's metadata), or
// outside it (a command-line flag, a configuration file).
const (
	SuppressionInSource = "inSource"
	SuppressionExternal = "external"
)

// Log is a SARIF log file.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one run of a tool.
type Run struct {
	Tool               Tool                        `json:"tool"`
	Invocations        []Invocation                `json:"invocations,omitempty"`
	OriginalURIBaseIDs map[string]ArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []Result                    `json:"results"`
}

// Tool describes the analysis tool.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool's main component and the rules it reports on.
type Driver struct {
	Name           string                `json:"name"`
	Version        string                `json:"version,omitempty"`
	InformationURI string                `json:"informationUri,omitempty"`
	Rules          []ReportingDescriptor `json:"rules,omitempty"`
}

// ReportingDescriptor describes one rule.
type ReportingDescriptor struct {
	ID                   string                  `json:"id"`
	Name                 string                  `json:"name,omitempty"`
	ShortDescription     *Message                `json:"shortDescription,omitempty"`
	FullDescription      *Message                `json:"fullDescription,omitempty"`
	Help                 *Message                `json:"help,omitempty"`
	HelpURI              string                  `json:"helpUri,omitempty"`
	DefaultConfiguration *ReportingConfiguration `json:"defaultConfiguration,omitempty"`
	Properties           *PropertyBag            `json:"properties,omitempty"`
}

// ReportingConfiguration is a rule's default level.
type ReportingConfiguration struct {
	Level string `json:"level,omitempty"`
}

// PropertyBag holds the properties GitHub reads: tags, and
// security-severity, a number from 0.1 to 10.0 written as a string.
type PropertyBag struct {
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
	Precision        string   `json:"precision,omitempty"`
	// Extra holds any other property (tool-specific ones are namespaced,
	// e.g. "aiguard/complianceType"); it is written after the named ones.
	Extra map[string]string `json:"-"`
}

// MarshalJSON writes the named properties and then Extra, in key order.
func (p PropertyBag) MarshalJSON() ([]byte, error) {
	type named PropertyBag
	b, err := json.Marshal(named(p))
	if err != nil || len(p.Extra) == 0 {
		return b, err
	}
	extra, err := json.Marshal(p.Extra)
	if err != nil {
		return nil, err
	}
	if len(b) == 2 { // {}
		return extra, nil
	}
	return append(append(b[:len(b)-1], ','), extra[1:]...), nil
}

// Message is text, with an optional Markdown rendering.
type Message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// Result is one finding.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Kind                string            `json:"kind,omitempty"`
	Level               string            `json:"level,omitempty"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Suppressions        []Suppression     `json:"suppressions,omitempty"`
	Properties          *PropertyBag      `json:"properties,omitempty"`
}

// Location is where a result is: a file and region, and a logical name
// (a resource, a statement).
type Location struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// PhysicalLocation is a file and a region in it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation names a file by URI, relative to a base when URIBaseID
// is set.
type ArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// Region is a place in a text file; lines and columns are 1-based.
type Region struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
}

// LogicalLocation names a part of an artifact.
type LogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

// Suppression says a result was suppressed, how and why.
type Suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// Invocation says how the run went.
type Invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ExitCode                   *int           `json:"exitCode,omitempty"`
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications,omitempty"`
}

// Notification is a message about the run itself (an input skipped).
type Notification struct {
	Level     string     `json:"level,omitempty"`
	Message   Message    `json:"message"`
	Locations []Location `json:"locations,omitempty"`
}

// SecuritySeverity returns GitHub's security-severity score for a severity
// label: GitHub shows above 9.0 as critical, 7.0 to 8.9 as high, 4.0 to 6.9
// as medium and below 4.0 as low.
func SecuritySeverity(label string) string {
	switch strings.ToUpper(label) {
	case "CRITICAL":
		return "9.5"
	case "HIGH":
		return "8.0"
	case "MEDIUM":
		return "5.5"
	case "LOW":
		return "3.0"
	}
	return "0.1"
}

// Level returns the result level for a severity label: critical and high
// findings are errors, medium ones warnings, the rest notes.
func Level(label string) string {
	switch strings.ToUpper(label) {
	case "CRITICAL", "HIGH":
		return LevelError
	case "MEDIUM":
		return LevelWarning
	}
	return LevelNote
}

// ArtifactURI turns a file name into an artifact location: relative to
// base (normally the working directory) when the file is under it, with
// uriBaseId %SRCROOT%, else an absolute file URI. Each path segment is
// percent-encoded as a URI reference needs.
func ArtifactURI(name, base string) (ArtifactLocation, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return ArtifactLocation{}, fmt.Errorf("artifact %s: %w", name, err)
	}
	if base != "" {
		if b, err := filepath.Abs(base); err == nil {
			if rel, err := filepath.Rel(b, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				u := url.URL{Path: filepath.ToSlash(rel)}
				return ArtifactLocation{URI: u.String(), URIBaseID: SrcRoot}, nil
			}
		}
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	return ArtifactLocation{URI: u.String()}, nil
}
