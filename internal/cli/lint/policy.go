package lint

import (
	"maps"

	"github.com/spf13/cobra"

	"github.com/aiguard/aiguard/iameval"
	"github.com/aiguard/aiguard/iampolicy"
	"github.com/aiguard/aiguard/internal/cli/cmdutil"
	"github.com/aiguard/aiguard/internal/cli/version"
	"github.com/aiguard/aiguard/internal/findings"
)

// maxPolicyInput bounds what is read from one policy file: far above the
// 10,240 characters of the largest IAM policy, so that an oversized policy
// still gets its size finding, but not unbounded.
const maxPolicyInput = 1 << 20

var policyInput = input{command: "lint policy", what: "policy", max: maxPolicyInput,
	tooBig: "an IAM policy is at most 10,240 characters", codes: policyCodes}

// policyCodes are the codes of lint policy's findings: the grammar and
// limit checks' and the semantic probe's.
func policyCodes() map[string]string {
	codes := iampolicy.Codes()
	maps.Copy(codes, iameval.ProbeCodes())
	return codes
}

// PolicyOptions are the inputs of `aiguard lint policy`.
type PolicyOptions struct {
	IO    *cmdutil.IO
	Files []string
	Type  string
	ReportFlags
	// MaxChars replaces the size quota of the policy type when positive.
	MaxChars int
}

// NewCmdPolicy returns `lint policy`; runF replaces the logic in tests.
func NewCmdPolicy(io *cmdutil.IO, runF func(*PolicyOptions) error) *cobra.Command {
	opts := &PolicyOptions{IO: io, ReportFlags: ReportFlags{Version: version.String()}}
	cmd := &cobra.Command{
		Use:   "policy --type scp|rcp|boundary|identity|opt-out FILE...",
		Short: "Check IAM policies (SCPs, RCPs, boundaries, identity policies) and AI services opt-out policies",
		Long: `Lint policy checks IAM policy documents (JSON; FILE may be - for standard input)
the way aiguard checks the policies it generates, as the policy type given
with --type:

  scp       service control policy: no Principal; 5,120 characters minified
  rcp       resource control policy: Deny only, Principal "*", no NotAction,
            only services RCPs support; 5,120 characters minified
  boundary  permissions boundary: no Principal; 6,144 characters without
            whitespace
  identity  identity policy: no Principal; 10,240 characters without
            whitespace (a warning above the 6,144 of a managed policy)
  opt-out   AI services opt-out policy (an Organizations management
            policy, not IAM): services with opt_out_policy @@assign optOut
            or optIn, @@operators_allowed_for_child_policies; 2,500
            characters without whitespace

The checks: valid JSON (after a trailing comma the rest is still checked)
and the IAM grammar; unknown services, actions and condition keys; condition
keys that the statement's actions do not support (an error when a Deny's
test is true on an absent key, such as Null "true", since the Deny then
blocks those actions outright); operators that do not fit the key's type,
set operators on single-valued keys and multivalued keys without one;
condition values that do not parse; resource ARNs; and the size quota.
--max-chars replaces the quota, e.g. 10240 where the SCP quota is raised.

The semantic checks probe each Deny statement that tests a control key
(SageMaker VPC, root access, internet access, network isolation,
inter-container encryption and KMS keys; Bedrock guardrail and models; the
Region; the permission boundary) with requests decided by aiguard's IAM
evaluator: an error when it denies the secure value
(policy-semantic-blocks-secure), when the policy lets the insecure value
through (policy-semantic-allows-insecure), or when a caller skips it by
leaving the parameter out where the default is insecure
(policy-semantic-skippable); each message shows the request. The files of
one command are probed together, as the SCPs attached to one target are
evaluated together.

Actions and keys come from aiguard's own table of IAM facts: complete for
SageMaker, Bedrock, Bedrock AgentCore, Comprehend, Rekognition, KMS, S3 and
IAM; for other services what is not in the table is reported as info ("not
in aiguard's table"), never as unknown.

` + reportHelp,
		Example: `  # The SCPs aiguard generated, and one raised to 10,240 characters
  aiguard lint policy --type scp out/policies/*/scp-*.json
  aiguard lint policy --type scp --max-chars 10240 big-scp.json

  # The organization's AI services opt-out policy
  aiguard lint policy --type opt-out out/policies/organization/ai-services-opt-out.json

  # A boundary from standard input, as JSON for a script
  cat boundary.json | aiguard lint policy --type boundary --format json -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.Usagef("lint policy: give at least one policy FILE (or - for standard input)")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return runPolicy(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Type, "type", "", "policy type: scp, rcp, boundary, identity or opt-out (required)")
	addReportFlags(cmd, &opts.ReportFlags)
	cmd.Flags().IntVar(&opts.MaxChars, "max-chars", 0, "size quota in characters, replacing the policy type's")
	return cmd
}

func runPolicy(opts *PolicyOptions) error {
	if err := opts.CheckFormat(); err != nil {
		return err
	}
	if opts.Type == "" {
		return cmdutil.Usagef("lint policy: give --type scp, rcp, boundary, identity or opt-out")
	}
	typ, err := iampolicy.ParseType(opts.Type)
	if err != nil {
		return cmdutil.Usagef("--type: %v", err)
	}
	if opts.MaxChars < 0 {
		return cmdutil.Usagef("--max-chars: got %d, want a positive number of characters", opts.MaxChars)
	}
	linter := &iampolicy.Linter{MaxChars: opts.MaxChars}
	probe := semanticProbe(opts.Files, typ)
	return lintFiles(opts.IO, &opts.ReportFlags, opts.Files, policyInput, func(data []byte) ([]findings.Finding, error) {
		return append(linter.LintData(data, typ), probe(data)...), nil
	})
}
