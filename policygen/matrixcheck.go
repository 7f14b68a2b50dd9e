package policygen

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/iameval"
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
// matrix: nothing should be deployed.
type MatrixError struct {
	Failures []MatrixFailure
	Cases    int
}

func (e *MatrixError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the generated policies fail %d of the %d requests of the attacker's matrix", len(e.Failures), e.Cases)
	for i, f := range e.Failures {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failures)-i)
			break
		}
		fmt.Fprintf(&b, "; %s (%s): %s", f.Case.ID, f.Case.Description, f.Problem)
	}
	return b.String()
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
