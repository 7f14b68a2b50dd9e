package detections

import (
	"slices"
	"time"

	"github.com/aiguard/aiguard/cloudtrail"
)

// MaxEventIDs bounds the event IDs a finding lists; EventCount counts all.
const MaxEventIDs = 100

// Finding is what a detection found: one event, or several events of one
// principal (a burst, or repeated single events), with what is needed to
// follow up. `aiguard hunt --format json` prints these keys.
type Finding struct {
	DetectionID string    `json:"detectionId"`
	Title       string    `json:"title"`
	Severity    string    `json:"severity"`
	AccountID   string    `json:"accountId"`
	AWSRegion   string    `json:"awsRegion"`
	Principal   string    `json:"principal"`
	FirstSeen   time.Time `json:"firstSeen"`
	LastSeen    time.Time `json:"lastSeen"`
	EventCount  int       `json:"eventCount"`
	EventIDs    []string  `json:"eventIds"`
	EventNames  []string  `json:"eventNames"`
	Team        string    `json:"team,omitempty"`
	Technique   string    `json:"technique"`
	// Reason says what is suspicious, from the first event (or, for a
	// rate, the count within the window).
	Reason string `json:"reason"`
	// Subject is what the finding is about when that is not a principal:
	// the alarm of a rate detection that fired in the organization.
	Subject string `json:"subject,omitempty"`
	// Source is where the first event was read, when it came from a file.
	Source cloudtrail.Position `json:"-"`
}

// NewFinding starts a finding from one matched event.
func NewFinding(h Hit, r *cloudtrail.Record) *Finding {
	d := h.Detection
	f := &Finding{
		DetectionID: d.ID,
		Title:       d.Title,
		Severity:    string(d.Severity),
		AccountID:   r.Account(),
		AWSRegion:   r.AWSRegion,
		Principal:   r.Principal(),
		FirstSeen:   r.EventTime,
		LastSeen:    r.EventTime,
		Team:        h.Team,
		Technique:   d.Technique.ID,
		Reason:      h.Reason,
	}
	f.Add(r)
	return f
}

// Add counts one more event in the finding.
func (f *Finding) Add(r *cloudtrail.Record) {
	f.AddEvent(r.EventID, r.EventName, r.EventTime)
}

// AddEvent counts one more event, by its ID, name and time.
func (f *Finding) AddEvent(id, name string, t time.Time) {
	f.EventCount++
	if id != "" && len(f.EventIDs) < MaxEventIDs {
		f.EventIDs = append(f.EventIDs, id)
	}
	if i, found := slices.BinarySearch(f.EventNames, name); !found && name != "" {
		f.EventNames = slices.Insert(f.EventNames, i, name)
	}
	if t.Before(f.FirstSeen) {
		f.FirstSeen = t
	}
	if t.After(f.LastSeen) {
		f.LastSeen = t
	}
}
