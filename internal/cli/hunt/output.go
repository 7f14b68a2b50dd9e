package hunt

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/aiguard/aiguard/asff"
	"github.com/aiguard/aiguard/detections"
	"github.com/aiguard/aiguard/sarif"
)

// writeASFF writes the findings as BatchImportFindings request bodies, one
// a line, each at most asff.BatchSize findings of one account and Region,
// every finding checked against what the API accepts.
func writeASFF(w io.Writer, findings []*detections.Finding, det func(string) *detections.Detection, now time.Time) error {
	type key struct{ account, region string }
	groups := map[key][]*asff.Finding{}
	var keys []key
	for _, f := range findings {
		d := det(f.DetectionID)
		if d == nil {
			return fmt.Errorf("finding of unknown detection %s", f.DetectionID)
		}
		a := f.ASFF(d, detections.ASFFOptions{Now: now})
		if err := asff.Validate(a); err != nil {
			return fmt.Errorf("finding %s: %w", a.ID, err)
		}
		k := key{f.AccountID, f.AWSRegion}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], a)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].region < keys[j].region
	})
	bw := bufio.NewWriter(w)
	for _, k := range keys {
		g := groups[k]
		for start := 0; start < len(g); start += asff.BatchSize {
			batch := g[start:min(start+asff.BatchSize, len(g))]
			if err := asff.ValidateBatch(batch); err != nil {
				return err
			}
			var body asff.Batch
			for _, a := range batch {
				b, err := json.Marshal(a)
				if err != nil {
					return err
				}
				body.Findings = append(body.Findings, b)
			}
			line, err := json.Marshal(body)
			if err != nil {
				return err
			}
			bw.Write(line)
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// sarif writes a SARIF 2.1.0 log: one rule per detection, one result per
// finding, located at the first event's file and line when it came from a
// file, and at the principal and account.
func (r *report) sarif(w io.Writer) error {
	tool := sarif.Tool{Driver: sarif.Driver{Name: "aiguard", InformationURI: "https://github.com/aiguard/aiguard"}}
	index := map[string]int{}
	for i, d := range r.reg.All() {
		index[d.ID] = i
		sev := string(d.Severity)
		tool.Driver.Rules = append(tool.Driver.Rules, sarif.ReportingDescriptor{
			ID:                   d.ID,
			Name:                 d.ID,
			ShortDescription:     &sarif.Message{Text: d.Title},
			FullDescription:      &sarif.Message{Text: d.Description},
			Help:                 &sarif.Message{Text: d.Remediation},
			DefaultConfiguration: &sarif.ReportingConfiguration{Level: sarif.Level(sev)},
			Properties: &sarif.PropertyBag{
				Tags:             []string{"security", "cloudtrail", d.Technique.ID},
				SecuritySeverity: sarif.SecuritySeverity(sev),
			},
		})
	}
	wd, _ := os.Getwd()
	sw, err := sarif.NewWriter(w, tool, nil)
	if err != nil {
		return err
	}
	for _, f := range r.res.Findings {
		res := &sarif.Result{
			RuleID:    f.DetectionID,
			RuleIndex: index[f.DetectionID],
			Level:     sarif.Level(f.Severity),
			Message:   sarif.Message{Text: f.Reason},
			PartialFingerprints: map[string]string{
				"aiguardFinding/v1": f.ASFF(r.detection(f.DetectionID), detections.ASFFOptions{Now: r.now}).ID,
			},
			Properties: &sarif.PropertyBag{Extra: map[string]string{
				"aiguard/accountId": f.AccountID, "aiguard/awsRegion": f.AWSRegion, "aiguard/principal": f.Principal,
				"aiguard/firstSeen": f.FirstSeen.UTC().Format(time.RFC3339), "aiguard/lastSeen": f.LastSeen.UTC().Format(time.RFC3339),
				"aiguard/eventCount": fmt.Sprint(f.EventCount),
			}},
		}
		loc := sarif.Location{LogicalLocations: []sarif.LogicalLocation{{FullyQualifiedName: "AWS::::Account:" + f.AccountID, Kind: "account"}}}
		if f.Principal != "" {
			loc.LogicalLocations = append(loc.LogicalLocations, sarif.LogicalLocation{FullyQualifiedName: f.Principal, Kind: "principal"})
		}
		if src := f.Source; src.File != "" && src.File != "-" {
			art, err := sarif.ArtifactURI(src.File, wd)
			if err == nil {
				loc.PhysicalLocation = &sarif.PhysicalLocation{ArtifactLocation: art, Region: &sarif.Region{StartLine: max(src.Line, 1)}}
			}
		}
		res.Locations = []sarif.Location{loc}
		if err := sw.Result(res); err != nil {
			return err
		}
	}
	var notes []sarif.Notification
	for _, s := range r.res.NotRun {
		notes = append(notes, sarif.Notification{Level: sarif.LevelNote, Message: sarif.Message{Text: "detection " + s.ID + " did not run: it " + s.Reason}})
	}
	for _, p := range r.res.Problems {
		notes = append(notes, sarif.Notification{Level: sarif.LevelWarning, Message: sarif.Message{Text: "skipped " + p.Error()}})
	}
	return sw.Close(&sarif.Invocation{ExecutionSuccessful: true, ToolExecutionNotifications: notes})
}
