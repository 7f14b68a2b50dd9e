// Package examples bundles example Config rule events, so that
// `aiguard evaluate --examples` works on a fresh machine with no AWS account.
package examples

import (
	"embed"
	"io/fs"
	"path"
)

//go:embed events/*.json
var events embed.FS

// Event is one bundled Lambda event.
type Event struct {
	Name string // e.g. "events/notebook-compliant.json"
	Data []byte
}

// Events returns the bundled events in name order.
func Events() []Event {
	names, _ := fs.Glob(events, "events/*.json") // the pattern is constant and valid
	out := make([]Event, 0, len(names))
	for _, name := range names {
		data, err := events.ReadFile(name)
		if err != nil {
			continue
		}
		out = append(out, Event{Name: path.Join("examples", name), Data: data})
	}
	return out
}
