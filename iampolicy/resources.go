package iampolicy

import (
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/awsid"
)

// resources checks the ARNs of a Resource or NotResource element: the
// fields every ARN has, and for services the table covers whole, that the
// ARN can name one of their resource types.
func (c *checker) resources(si *stmtInfo, l *strList) {
	if l == nil {
		return
	}
	for _, v := range l.vals {
		c.variables(si, v)
		c.arn(si.label(), v)
	}
}

func (c *checker) arn(loc string, v strVal) {
	s := v.s
	if s == "*" {
		return
	}
	if s == "" {
		c.add(SeverityError, "policy-empty-value", loc, v.off, "a resource is the empty string; write an ARN or \"*\"")
		return
	}
	// A policy variable stands for any text here.
	s = replaceVariables(s, "*")
	if !strings.HasPrefix(s, "arn:") {
		c.add(SeverityError, "policy-resource-arn", loc, v.off,
			"resource %q is not an ARN: write arn:partition:service:region:account:resource, or \"*\"", v.s)
		return
	}
	a, ok := awsid.SplitARN(s)
	if !ok {
		c.add(SeverityError, "policy-resource-arn", loc, v.off,
			"resource %q has %d of the 6 ARN fields arn:partition:service:region:account:resource; "+
				"write the missing ones (empty or * where any value will do)", v.s, strings.Count(s, ":")+1)
		return
	}
	partition, service, region, account, res := a.Partition, a.Service, a.Region, a.AccountID, a.Resource
	if !matchesAny(partition, awsid.Partitions()) {
		c.add(SeverityError, "policy-resource-arn", loc, v.off,
			"resource %q: %q is not an AWS partition (aws, aws-cn, aws-us-gov, ...)", v.s, partition)
	}
	if !wild(region) && region != "" && !awsid.IsRegion(region) {
		c.add(SeverityError, "policy-resource-arn", loc, v.off,
			"resource %q: %q is not a Region name such as us-east-1", v.s, region)
	}
	// AWS managed policies have the account "aws".
	if !wild(account) && account != "" && !awsid.IsAccountID(account) && account != "aws" {
		c.add(SeverityError, "policy-resource-arn", loc, v.off,
			"resource %q: the account field %q is not a 12-digit account ID", v.s, account)
	}
	if wild(service) {
		return
	}
	svc := c.tab.Service(service)
	if svc == nil || !svc.Complete || len(svc.resources) == 0 {
		return
	}
	if msg := fitARN(svc, region, account, res); msg != "" {
		c.add(SeverityError, "policy-resource-arn", loc, v.off, "resource %q matches no %s resource: %s", v.s, svc.Prefix, msg)
	}
}

func wild(s string) bool { return strings.ContainsAny(s, "*?") }

// matchesAny reports whether a field, possibly with wildcards, can be one
// of the values.
func matchesAny(field string, values []string) bool {
	for _, v := range values {
		if MatchWildcard(field, v, false) {
			return true
		}
	}
	return false
}

// fitARN checks region, account and resource part against the service's
// ARN formats and returns why none fits, or "" when one does.
func fitARN(svc *Service, region, account, res string) string {
	var regionBad, accountBad, resBad int
	var types []string
	for _, rt := range svc.ResourceTypes() {
		f, ok := awsid.SplitARN(rt.ARN)
		if !ok {
			continue
		}
		types = append(types, rt.Name)
		fr, fa, fres := f.Region, f.AccountID, f.Resource
		okRegion := fieldFits(region, fr)
		// Bedrock's global cross-Region inference authorizes foundation
		// models on an ARN without a Region.
		if !okRegion && region == "" && svc.Prefix == "bedrock" && rt.Name == "foundation-model" {
			okRegion = true
		}
		okAccount := fieldFits(account, fa)
		okRes := resourceFits(res, fres)
		if okRegion && okAccount && okRes {
			return ""
		}
		if !okRegion {
			regionBad++
		}
		if !okAccount {
			accountBad++
		}
		if !okRes {
			resBad++
		}
	}
	n := len(types)
	switch {
	case n == 0:
		return ""
	case regionBad == n && region == "":
		return fmt.Sprintf("every %s ARN has a Region: write one, or * for any", svc.Prefix)
	case regionBad == n:
		return fmt.Sprintf("%s ARNs have no Region: leave the Region field empty", svc.Prefix)
	case accountBad == n && account == "":
		return fmt.Sprintf("every %s ARN has an account ID: write it, or * for any", svc.Prefix)
	case accountBad == n:
		return fmt.Sprintf("%s ARNs have no account ID: leave the account field empty", svc.Prefix)
	}
	return fmt.Sprintf("the resource part %q fits no %s resource type (%s), or fits only one whose Region or account "+
		"fields differ; check it against the ARN formats of the AWS Service Authorization Reference",
		res, svc.Prefix, listNames(types, 8))
}

// fieldFits matches an ARN field of a policy (wildcards allowed) against
// the field of an ARN format: "" (must be empty), a ${Placeholder} (any
// non-empty value) or a literal.
func fieldFits(field, format string) bool {
	switch {
	case format == "":
		return field == "" || strings.Trim(field, "*") == ""
	case strings.HasPrefix(format, "${"):
		return field != ""
	}
	return MatchWildcard(field, format, false) || wild(field) && field != ""
}

// resourceFits compares the literal start of the policy's resource part
// (up to its first wildcard) with the literal start of the format's (up to
// its first placeholder): one must begin the other. Resource types are
// case-sensitive.
func resourceFits(res, format string) bool {
	lit := res
	if i := strings.IndexAny(lit, "*?"); i >= 0 {
		lit = lit[:i]
	}
	flit := format
	if i := strings.Index(flit, "${"); i >= 0 {
		flit = flit[:i]
	}
	if !strings.Contains(format, "${") {
		// A fixed resource part, such as marketplace/model-endpoint/all-access.
		return MatchWildcard(res, format, false) || strings.HasPrefix(format, lit) && wild(res)
	}
	if strings.HasPrefix(lit, flit) {
		return len(res) > len(flit) // the placeholder needs at least one character
	}
	return strings.HasPrefix(flit, lit) && wild(res)
}
