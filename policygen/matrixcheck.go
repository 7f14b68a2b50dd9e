package policygen

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
)

// MatrixFailure is a request of the attacker's matrix that the generated
// policies decide otherwise than the control claims.
type MatrixFailure struct {
	Case iameval.Case
	// Problem says how: "want deny, got allow", or why it could not be
	// decided.
	Problem string
}

// MatrixError is returned when the generated policies fail the attacker's
// matrix or the semantic lint: they would not do what they claim, and
// nothing should be deployed.
type MatrixError struct {
	Failures []MatrixFailure
	Cases    int
	// Semantic are the semantic lint's findings on the generated policies
	// (iameval.Probe), each as "PATH: finding".
	Semantic []string
}

func (e *MatrixError) Error() string {
	var b strings.Builder
	if len(e.Failures) > 0 {
		fmt.Fprintf(&b, "the generated policies fail %d of the %d requests of the attacker's matrix", len(e.Failures), e.Cases)
	}
	for i, f := range e.Failures {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failures)-i)
			break
		}
		fmt.Fprintf(&b, "; %s (%s): %s", f.Case.ID, f.Case.Description, f.Problem)
	}
	if len(e.Semantic) > 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "the semantic lint finds %d problems in the generated policies: %s", len(e.Semantic),
			strings.Join(e.Semantic[:min(len(e.Semantic), 10)], "; "))
	}
	return b.String()
}

// ProbePolicies runs the semantic lint on the generated SCPs and
// boundaries: each team SCP together with the others attached to the
// team's targets (the organization's at the root included), each
// boundary alone. It returns the findings as "PATH: finding".
func ProbePolicies(arts []Artifact) ([]string, error) {
	ev, err := iameval.New(nil)
	if err != nil {
		return nil, err
	}
	type doc struct {
		a   Artifact
		doc *iampolicy.Document
	}
	byTeam := map[string][]doc{}
	var root []doc
	var out []string
	for _, a := range arts {
		if a.Kind != KindSCP && a.Kind != KindBoundary {
			continue
		}
		d, err := iampolicy.Parse(a.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Path, err)
		}
		switch {
		case a.Kind == KindBoundary:
			for _, f := range ev.Probe(d, iampolicy.TypeBoundary) {
				out = append(out, fmt.Sprintf("%s: %s (%s)", a.Path, f.Message, f.Location))
			}
		case a.Team == "":
			root = append(root, doc{a, d})
		default:
			byTeam[a.Team] = append(byTeam[a.Team], doc{a, d})
		}
	}
	// Each team's SCPs are probed together with the root's, which are
	// attached above them.
	probe := func(own, others []doc) {
		var docs []*iampolicy.Document
		for _, d := range slices.Concat(own, others) {
			docs = append(docs, d.doc)
		}
		for i, fs := range ev.ProbeSet(docs, len(own), iampolicy.TypeSCP) {
			for _, f := range fs {
				out = append(out, fmt.Sprintf("%s: %s (%s)", own[i].a.Path, f.Message, f.Location))
			}
		}
	}
	probe(root, nil)
	for _, docs := range byTeam {
		probe(docs, root)
	}
	slices.Sort(out)
	return out, nil
}

// CheckMatrix decides every request of the matrix against the generated
// policies; the error is a *MatrixError when a request is decided
// otherwise than expected. A request that sets a key its action never
// presents is a failure too: the matrix must look like real requests.
func CheckMatrix(cases []iameval.Case, arts []Artifact) error {
	pol, err := CompilePolicies(arts)
	if err != nil {
		return fmt.Errorf("read the generated policies: %w", err)
	}
	ev, err := iameval.New(nil)
	if err != nil {
		return err
	}
	merr := &MatrixError{Cases: len(cases)}
	for _, c := range cases {
		set, err := pol.Set(c.Team, c.Boundary)
		if err != nil {
			merr.Failures = append(merr.Failures, MatrixFailure{c, err.Error()})
			continue
		}
		d, err := ev.Decide(c.Request(), set)
		switch {
		case err != nil:
			merr.Failures = append(merr.Failures, MatrixFailure{c, err.Error()})
		case len(d.Notes) > 0:
			merr.Failures = append(merr.Failures, MatrixFailure{c, "not a real request: " + strings.Join(d.Notes, "; ")})
		default:
			if p := c.Mismatch(d); p != "" {
				merr.Failures = append(merr.Failures, MatrixFailure{c, p})
			}
		}
	}
	if len(merr.Failures) > 0 {
		return merr
	}
	return nil
}

// testArtifacts writes the matrix as the requests files a user can run
// again with aiguard simulate --check: policies/<team>/tests.json, and
// policies/organization/tests.json for the organization's requests.
func testArtifacts(cases []iameval.Case) ([]Artifact, error) {
	by := map[string][]iameval.Case{}
	var order []string
	for _, c := range cases {
		if _, seen := by[c.Team]; !seen {
			order = append(order, c.Team)
		}
		by[c.Team] = append(by[c.Team], c)
	}
	var arts []Artifact
	for _, team := range order {
		dir := cmp.Or(team, "organization")
		body, err := iameval.WriteCases(by[team])
		if err != nil {
			return nil, fmt.Errorf("policygen: %s tests: %w", dir, err)
		}
		arts = append(arts, Artifact{Path: "policies/" + dir + "/tests.json", Kind: KindTests, Team: team,
			Target: dir, Size: len(body), Body: body})
	}
	return arts, nil
}
