// Package simulate implements `aiguard simulate`: requests decided offline
// against the policies the generator makes from a spec, or against any
// policies, with the IAM evaluation engine of package iameval; and past
// CloudTrail calls replayed against a spec's policies before they are
// attached.
package simulate

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/inputfile"
	"github.com/aiguard/aiguard/orgspec"
	"github.com/aiguard/aiguard/replay"
	"github.com/aiguard/aiguard/rules"
)

// Options are the inputs of `aiguard simulate`.
type Options struct {
	IO       *cmdutil.IO
	Registry *rules.Registry
	// Now decides which exceptions of the spec have expired; tests fix it.
	Now func() time.Time
	Out cmdutil.OutputFlags

	ConfigFile    string
	RequestsFile  string
	Policies      []string
	FullAWSAccess bool
	Check         bool
	CloudTrail    []string
	Accounts      []string
}

// NewCmdSimulate returns the simulate command; runF replaces the logic in
// tests.
func NewCmdSimulate(io *cmdutil.IO, reg *rules.Registry, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io, Registry: reg, Now: time.Now}
	cmd := &cobra.Command{
		Use:   "simulate (--requests FILE [--config FILE | --policy [TYPE:]FILE...] | --cloudtrail FILE... [--config FILE])",
		Short: "Decide IAM requests against the generated policies, or replay CloudTrail against them",
		Long: `Simulate decides API requests offline with aiguard's IAM policy evaluation engine,
following AWS's evaluation logic: an explicit Deny wins, every SCP level must
allow, as must the permission boundary and the identity policies.

With --requests, FILE (- for standard input) is a JSON array of requests:

  {"id": "r1", "team": "research", "principal": "arn:aws:sts::555555555555:assumed-role/Dev/x",
   "action": "sagemaker:CreateTrainingJob", "resource": "arn:aws:sagemaker:us-east-1:555555555555:training-job/j",
   "context": {"aws:RequestedRegion": "us-east-1", "sagemaker:VpcSubnets": ["subnet-0b1b2c3d4e5f60011"]}}

context maps condition keys to a string or an array of strings; every key the
request does not set is absent. Optional keys: "boundary": true (the principal
carries the team's permission boundary), "expect": "allow" or "deny" and
"expectSid" (checked with --check), "control" and "description".

By default the requests are decided against the policies aiguard generate
makes from the spec (--config, or the built-in example): the organization's
SCPs at the root, the team's SCPs (each level next to FullAWSAccess), the
team's boundary when asked, and an administrator's identity policy; a request
without a team is decided against the root's SCPs only. A team's request that
does not set aws:PrincipalOrgPaths gets the path the spec implies (under the
team's first organizational unit, unless the principal's account is one the
team names), which the team statements placed at the root test. The attacker's matrix
aiguard generate writes to policies/<team>/tests.json is such a file:
aiguard simulate --requests policies/research/tests.json --check re-runs it.

With --policy, the requests are decided against the policies given instead,
each as [TYPE:]FILE with TYPE scp (the default), rcp, boundary or identity.
The SCPs form one level next to FullAWSAccess (--full-aws-access=false
evaluates them as an allow list); without an identity policy the principal is
an administrator.

With --cloudtrail, the past calls of CloudTrail files (delivered log files,
gzipped or not, or aws cloudtrail lookup-events output) are replayed as
requests against the spec's team SCPs, the team found from the record's
account (--account ACCOUNT=TEAM for accounts the spec reaches only through an
organizational unit; its principals get the team's organization path, as above).
Condition keys CloudTrail does not record are unknown:
a call whose decision depends on one is reported as "may deny", never as
allowed. The report groups the calls the policies would deny by principal and
action, with the deciding statement.

--format json prints, for --requests, an array in request order of
{"id", "decision": "allow"|"deny", "deniedBy": "FILE#Sid"} (deniedBy is ""
on allow, and implicit:LAYER for an implicit deny). Exit status is 0 whatever
the decisions, 1 with --check when a request is decided otherwise than it
expects, and 2 with a one-line error for bad input.`,
		Example: `  # A team's attacker's matrix, as generate wrote it, decided again after editing a policy
  aiguard simulate --config org.yaml --requests out/policies/research/tests.json --check

  # Requests against any policies, as JSON for a script
  aiguard simulate --policy scp:my-scp.json --policy boundary:my-boundary.json --requests requests.json --format json

  # What the spec's new SCPs would have denied of last week's calls
  aiguard simulate --config org.yaml --cloudtrail trail/2026/12/01/ --format table`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSimulate(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.ConfigFile, "config", "", "organization spec (YAML); default: the built-in example")
	f.StringVar(&opts.RequestsFile, "requests", "", "requests to decide (JSON array; - for standard input)")
	f.StringArrayVar(&opts.Policies, "policy", nil, "decide against this policy instead of the spec's: [scp|rcp|boundary|identity:]FILE (repeatable)")
	f.BoolVar(&opts.FullAWSAccess, "full-aws-access", true, "with --policy: evaluate the SCPs next to FullAWSAccess")
	f.BoolVar(&opts.Check, "check", false, "exit 1 when a request's decision differs from its expect")
	f.StringArrayVar(&opts.CloudTrail, "cloudtrail", nil, "replay the calls of a CloudTrail file (repeatable; gzipped or not)")
	f.StringArrayVar(&opts.Accounts, "account", nil, "with --cloudtrail: ACCOUNT=TEAM, the team of an account the spec names only through an OU (repeatable)")
	cmdutil.AddOutputFlags(cmd, &opts.Out, cmdutil.FormatTable, cmdutil.FormatTable, cmdutil.FormatJSON)
	return cmd
}

// maxRequests bounds a requests file: far above any matrix.
const maxRequests = 64 << 20

func runSimulate(opts *Options) error {
	if err := opts.Out.CheckFormat(); err != nil {
		return err
	}
	switch {
	case len(opts.CloudTrail) > 0 && opts.RequestsFile != "":
		return cmdutil.Usagef("simulate: give --requests or --cloudtrail, not both")
	case len(opts.CloudTrail) > 0:
		if len(opts.Policies) > 0 {
			return cmdutil.Usagef("simulate: --cloudtrail replays against the spec's policies; --policy takes --requests")
		}
		return runReplay(opts)
	case opts.RequestsFile == "":
		return cmdutil.Usagef("simulate: give --requests FILE or --cloudtrail FILE...")
	case len(opts.Policies) > 0 && opts.ConfigFile != "":
		return cmdutil.Usagef("simulate: give --config or --policy, not both")
	case len(opts.Accounts) > 0:
		return cmdutil.Usagef("simulate: --account takes --cloudtrail")
	}
	data, err := inputfile.ReadAll(opts.RequestsFile, opts.IO.In, maxRequests)
	if err != nil {
		return cmdutil.Usagef("--requests %s: %v", opts.RequestsFile, err)
	}
	cases, err := iameval.ReadCases(strings.NewReader(string(data)))
	if err != nil {
		return cmdutil.Usagef("%s: %v", opts.RequestsFile, err)
	}
	ev, err := iameval.New(nil)
	if err != nil {
		return err
	}
	decide, err := decider(opts, ev)
	if err != nil {
		return err
	}
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		d, err := decide(c)
		if err != nil {
			return cmdutil.Usagef("%s: request %s: %v", opts.RequestsFile, c.ID, err)
		}
		results = append(results, result{c: c, d: d, mismatch: c.Mismatch(d)})
	}
	if err := writeReport(opts, func(out *cmdutil.Output) error { return writeResultsTo(opts, out, results) }); err != nil {
		return err
	}
	if opts.Check {
		failed := 0
		for _, r := range results {
			if r.mismatch != "" {
				failed++
				fmt.Fprintf(opts.IO.Err, "aiguard: %s: %s\n", r.c.ID, r.mismatch)
			}
		}
		if failed > 0 {
			return &cmdutil.ExitError{Code: cmdutil.ExitFindings,
				Err: fmt.Errorf("simulate: %d of %d requests decided otherwise than they expect", failed, len(results))}
		}
	}
	return nil
}

// decider returns what decides a request: the --policy files, or the
// policies generated from the spec.
func decider(opts *Options, ev *iameval.Evaluator) (func(iameval.Case) (iameval.Decision, error), error) {
	if len(opts.Policies) > 0 {
		set, err := readPolicies(opts)
		if err != nil {
			return nil, err
		}
		return func(c iameval.Case) (iameval.Decision, error) { return ev.Decide(c.Request(), set) }, nil
	}
	spec, err := loadSpec(opts)
	if err != nil {
		return nil, err
	}
	org, err := newOrg(spec, ev)
	if err != nil {
		return nil, err
	}
	return org.Decide, nil
}

// loadSpec reads --config (the built-in example by default) and prints
// its warnings.
func loadSpec(opts *Options) (*orgspec.Spec, error) {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	_, spec, err := cmdutil.LoadSpec(opts.IO, opts.ConfigFile, opts.Registry, now)
	if err != nil {
		return nil, err
	}
	cmdutil.PrintWarnings(opts.IO, spec)
	return spec, nil
}

// newOrg compiles the spec's generated policies.
func newOrg(spec *orgspec.Spec, ev *iameval.Evaluator) (*replay.Org, error) {
	org, err := replay.NewOrg(spec, ev)
	if err != nil {
		return nil, cmdutil.Usagef("simulate: %v", err)
	}
	return org, nil
}

// maxPolicy bounds a policy file, as lint policy does.
const maxPolicy = 1 << 20

// readPolicies reads the --policy files into one set.
func readPolicies(opts *Options) (iameval.Set, error) {
	var scps []*iameval.Compiled
	var set iameval.Set
	for _, arg := range opts.Policies {
		typ, file := iampolicy.TypeSCP, arg
		if t, f, ok := strings.Cut(arg, ":"); ok {
			pt, err := iampolicy.ParseType(t)
			if err != nil {
				return set, cmdutil.Usagef("--policy %s: %v", arg, err)
			}
			typ, file = pt, f
		}
		data, err := inputfile.ReadAll(file, opts.IO.In, maxPolicy)
		if err != nil {
			return set, cmdutil.Usagef("--policy %s: %v", file, err)
		}
		c, err := iameval.ParseAndCompile(file, typ, data)
		if err != nil {
			return set, cmdutil.Usagef("--policy %s: %v", file, err)
		}
		switch typ {
		case iampolicy.TypeSCP:
			scps = append(scps, c)
		case iampolicy.TypeRCP:
			set.RCPs = append(set.RCPs, c)
		case iampolicy.TypeBoundary:
			if set.Boundary != nil {
				return set, cmdutil.Usagef("--policy %s: a principal has at most one permission boundary (%s is one)", file, set.Boundary.Name)
			}
			set.Boundary = c
		case iampolicy.TypeIdentity:
			set.Identity = append(set.Identity, c)
		}
	}
	if opts.FullAWSAccess {
		scps = append([]*iameval.Compiled{iameval.FullAWSAccess()}, scps...)
	}
	if len(scps) > 0 {
		set.SCPs = [][]*iameval.Compiled{scps}
	}
	if len(set.Identity) == 0 {
		set.Identity = []*iameval.Compiled{iameval.AdministratorAccess()}
	}
	return set, nil
}

// result is one decided request.
type result struct {
	c        iameval.Case
	d        iameval.Decision
	mismatch string
}

// jsonResult is one element of the --format json output.
type jsonResult struct {
	ID       string `json:"id"`
	Decision string `json:"decision"`
	DeniedBy string `json:"deniedBy"`
}

// writeReport writes the report to --output (standard output by
// default), never over one of the inputs; a report that fails leaves no
// file behind.
func writeReport(opts *Options, write func(out *cmdutil.Output) error) error {
	inputs := append([]string{opts.RequestsFile, opts.ConfigFile}, opts.CloudTrail...)
	for _, p := range opts.Policies {
		_, file, _ := strings.Cut(p, ":")
		inputs = append(inputs, p, file)
	}
	return opts.Out.WriteReport(opts.IO, write, inputs...)
}

func writeResultsTo(opts *Options, out *cmdutil.Output, results []result) error {
	if opts.Out.Format == cmdutil.FormatJSON {
		list := make([]jsonResult, 0, len(results))
		for _, r := range results {
			list = append(list, jsonResult{ID: r.c.ID, Decision: replay.Verdict(r.d), DeniedBy: r.d.DeniedBy()})
		}
		return encodeJSON(out, list)
	}
	pal := cmdutil.NewPalette(out.Writer, nil)
	t := &cmdutil.Table{Header: []string{"ID", "DECISION", "DENIED BY", "NOTE"}, MaxWidth: 160}
	for _, r := range results {
		var paint func(string) string
		if r.d.Denied() {
			paint = pal.Bold
		}
		var notes []string
		if r.mismatch != "" {
			notes = append(notes, "UNEXPECTED: "+r.mismatch)
		}
		notes = append(notes, r.d.Notes...)
		t.Add(cmdutil.Cell{Text: r.c.ID}, cmdutil.Cell{Text: replay.Verdict(r.d), Paint: paint},
			cmdutil.Cell{Text: r.d.DeniedBy()}, cmdutil.Cell{Text: strings.Join(notes, "; ")})
	}
	return t.Write(out, pal)
}

func encodeJSON(w io.Writer, v any) error {
	if err := cmdutil.WriteJSON(w, v); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}
