package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/rules"
)

// IAMAPI is the part of the IAM API the periodic rules read; *iam.Client
// satisfies it.
type IAMAPI interface {
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListRolePoliciesAPIClient
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	IAMCredentialsAPI
}

// iamSource implements rules.IAMRoles.
type iamSource struct {
	api IAMAPI
	n   int

	mu       sync.Mutex
	policies map[string]*policyFetch // by customer managed policy ARN
}

// policyFetch is one read of a policy document, shared by every role that
// has the policy attached.
type policyFetch struct {
	done chan struct{}
	doc  string
	err  error
}

var _ rules.IAMRoles = (*iamSource)(nil)

// Roles reads each role (GetRole) and, withPolicies, its attached and
// inline policies, with at most s.n roles in flight. The documents of
// customer managed policies are read once per run; AWS managed policies
// are known by name and not read.
func (s *iamSource) Roles(ctx context.Context, arns []string, withPolicies bool) ([]rules.Role, error) {
	roles, inc, err := describeAll(ctx, s.n, unique(arns), func(arn string) string { return "IAM role " + awsid.RoleName(arn) },
		func(ctx context.Context, arn string) (rules.Role, error) {
			return s.role(ctx, arn, withPolicies)
		})
	if err != nil {
		return nil, err
	}
	return roles, asError(inc)
}

func (s *iamSource) role(ctx context.Context, arn string, withPolicies bool) (rules.Role, error) {
	name := awsid.RoleName(arn)
	out, err := s.api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return rules.Role{}, fmt.Errorf("GetRole %s: %w", name, err)
	}
	if out.Role == nil {
		return rules.Role{}, fmt.Errorf("GetRole %s: the response has no Role", name)
	}
	r := rules.Role{Name: aws.ToString(out.Role.RoleName), ARN: aws.ToString(out.Role.Arn), ID: aws.ToString(out.Role.RoleId)}
	if !withPolicies {
		return r, nil
	}

	attached := iam.NewListAttachedRolePoliciesPaginator(s.api, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return rules.Role{}, fmt.Errorf("ListAttachedRolePolicies %s: %w", name, err)
		}
		for _, p := range page.AttachedPolicies {
			ap := rules.AttachedPolicy{Name: aws.ToString(p.PolicyName), ARN: aws.ToString(p.PolicyArn)}
			if !awsid.IsAWSManagedPolicy(ap.ARN) {
				if ap.Document, err = s.policyDocument(ctx, ap.ARN); err != nil {
					return rules.Role{}, err
				}
			}
			r.AttachedPolicies = append(r.AttachedPolicies, ap)
		}
	}

	inline := iam.NewListRolePoliciesPaginator(s.api, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for inline.HasMorePages() {
		page, err := inline.NextPage(ctx)
		if err != nil {
			return rules.Role{}, fmt.Errorf("ListRolePolicies %s: %w", name, err)
		}
		for _, policy := range page.PolicyNames {
			out, err := s.api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(policy)})
			if isGone(err) {
				continue // deleted since the listing
			}
			if err != nil {
				return rules.Role{}, fmt.Errorf("GetRolePolicy %s %s: %w", name, policy, err)
			}
			r.InlinePolicies = append(r.InlinePolicies, rules.InlinePolicy{Name: policy, Document: policyDocument(aws.ToString(out.PolicyDocument))})
		}
	}
	return r, nil
}

// policyDocument returns the default version's document of a customer
// managed policy ("" when the policy no longer exists), reading it once
// however many roles have it attached.
func (s *iamSource) policyDocument(ctx context.Context, arn string) (string, error) {
	s.mu.Lock()
	f, ok := s.policies[arn]
	if !ok {
		if s.policies == nil {
			s.policies = map[string]*policyFetch{}
		}
		f = &policyFetch{done: make(chan struct{})}
		s.policies[arn] = f
	}
	s.mu.Unlock()
	if !ok {
		f.doc, f.err = s.readPolicy(ctx, arn)
		close(f.done)
	}
	select {
	case <-f.done:
		return f.doc, f.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (s *iamSource) readPolicy(ctx context.Context, arn string) (string, error) {
	p, err := s.api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if isGone(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("GetPolicy %s: %w", arn, err)
	}
	if p.Policy == nil || p.Policy.DefaultVersionId == nil {
		return "", fmt.Errorf("GetPolicy %s: the response has no DefaultVersionId", arn)
	}
	v, err := s.api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: p.Policy.DefaultVersionId})
	if isGone(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("GetPolicyVersion %s %s: %w", arn, aws.ToString(p.Policy.DefaultVersionId), err)
	}
	if v.PolicyVersion == nil {
		return "", nil
	}
	return policyDocument(aws.ToString(v.PolicyVersion.Document)), nil
}

// policyDocument decodes a policy document as IAM returns it: URL-encoded
// (RFC 3986) JSON. Text that does not decode to JSON is returned as it
// came; the rules then leave it unjudged.
func policyDocument(s string) string {
	if d, err := url.PathUnescape(s); err == nil && json.Valid([]byte(d)) {
		return d
	}
	if d, err := url.QueryUnescape(s); err == nil && json.Valid([]byte(d)) {
		return d
	}
	return s
}
