package policygen

import (
	"fmt"
	"slices"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
)

// Policies are generated policies compiled for the evaluator: the
// organization's SCPs (at the root) and each team's SCPs (at its OUs and
// accounts) and boundary.
type Policies struct {
	root  []*iameval.Compiled
	teams map[string]*teamCompiled
}

type teamCompiled struct {
	scps     []*iameval.Compiled
	boundary *iameval.Compiled
}

// CompilePolicies reads the SCPs and boundaries among generated
// artifacts; decisions cite them by path.
func CompilePolicies(arts []Artifact) (*Policies, error) {
	p := &Policies{teams: map[string]*teamCompiled{}}
	for _, a := range arts {
		var typ iampolicy.Type
		switch a.Kind {
		case KindSCP:
			typ = iampolicy.TypeSCP
		case KindBoundary:
			typ = iampolicy.TypeBoundary
		default:
			continue
		}
		c, err := iameval.ParseAndCompile(a.Path, typ, a.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Path, err)
		}
		if a.Team == "" {
			if typ == iampolicy.TypeSCP {
				p.root = append(p.root, c)
			}
			continue
		}
		tc := p.teams[a.Team]
		if tc == nil {
			tc = &teamCompiled{}
			p.teams[a.Team] = tc
		}
		if typ == iampolicy.TypeSCP {
			tc.scps = append(tc.scps, c)
		} else {
			tc.boundary = c
		}
	}
	return p, nil
}

// Teams returns the names of the teams with policies, sorted.
func (p *Policies) Teams() []string {
	var out []string
	for t := range p.teams {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Set returns the policies that decide a request of a principal in one of
// the team's accounts, an administrator bounded only by the SCPs: the
// root level (FullAWSAccess and the organization's SCPs), the team's
// level (FullAWSAccess and its SCPs), and, when boundary is set, the
// team's permission boundary. An empty team is an account no team owns:
// only the root level applies.
func (p *Policies) Set(team string, boundary bool) (iameval.Set, error) {
	set := iameval.Set{
		SCPs:     [][]*iameval.Compiled{append([]*iameval.Compiled{iameval.FullAWSAccess()}, p.root...)},
		Identity: []*iameval.Compiled{iameval.AdministratorAccess()},
	}
	if team == "" {
		if boundary {
			return iameval.Set{}, fmt.Errorf("a principal outside the teams has no aiguard boundary")
		}
		return set, nil
	}
	tc := p.teams[team]
	if tc == nil {
		return iameval.Set{}, fmt.Errorf("team %q has no generated policies (teams: %v)", team, p.Teams())
	}
	set.SCPs = append(set.SCPs, append([]*iameval.Compiled{iameval.FullAWSAccess()}, tc.scps...))
	if boundary {
		if tc.boundary == nil {
			return iameval.Set{}, fmt.Errorf("team %q has no boundary", team)
		}
		set.Boundary = tc.boundary
	}
	return set, nil
}
