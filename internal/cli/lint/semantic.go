package lint

import (
	"bytes"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/internal/findings"
	"github.com/aiguard/aiguard/internal/inputfile"
)

// semanticProbe returns the semantic lint of `lint policy` (iameval.Probe):
// each policy is probed together with the other files named on the
// command line, as the SCPs attached to one target are evaluated
// together, so a Null test in one file covers the value test in another.
// Standard input is probed alone.
func semanticProbe(files []string, typ iampolicy.Type) func([]byte) []findings.Finding {
	ev, err := iameval.New(nil)
	if err != nil {
		return func([]byte) []findings.Finding { return nil }
	}
	type named struct {
		data []byte
		doc  *iampolicy.Document
	}
	var all []named
	for _, f := range files {
		if f == inputfile.Stdin {
			continue
		}
		data, err := inputfile.ReadAll(f, nil, maxPolicyInput)
		if err != nil {
			continue // the lint of the file reports it
		}
		if doc, err := iampolicy.Parse(data); err == nil {
			all = append(all, named{data, doc})
		}
	}
	return func(data []byte) []findings.Finding {
		var companions []*iampolicy.Document
		for _, n := range all {
			if !bytes.Equal(n.data, data) {
				companions = append(companions, n.doc)
			}
		}
		return ev.ProbeData(data, typ, companions...)
	}
}
