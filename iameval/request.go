package iameval

import (
	"fmt"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/iampolicy"
)

// Request is one API call to decide.
type Request struct {
	// Principal is the caller: a role ARN, an assumed-role session ARN
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), a user ARN, an
	// account's root (arn:aws:iam::ACCOUNT:root) or a federated user. The
	// global keys aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType
	// and (for users) aws:username are derived from it unless Context sets
	// them.
	Principal string
	// Action is service:Name, without wildcards.
	Action string
	// Resource is the ARN the action is authorized on, or "*" for actions
	// that take no resource.
	Resource string
	// Context maps condition keys (any case) to their values. A key with
	// no values is absent.
	Context map[string][]string
	// Unknown names keys whose values the caller does not know.
	Unknown []string
	// UnknownOthers makes every key that Context does not set and the
	// principal does not give unknown, except the service and tag keys the
	// facts table says the action never presents, which are absent.
	UnknownOthers bool
	// Absent names keys known to be absent, for UnknownOthers requests (a
	// recorded request that did not name the parameter).
	Absent []string
	// ResourceUnknown says the resource the action is authorized on is not
	// known: a statement that names resources then maybe applies.
	ResourceUnknown bool
}

// state is what a request says about a condition key.
type state int8

const (
	absent state = iota
	present
	unknown
)

// reqCtx is a request ready for evaluation: keys lower-cased, principal
// keys derived.
type reqCtx struct {
	action   string // lower case
	resource string
	keys     map[string][]string // lower-case key -> values (never empty)
	unknown  map[string]bool
	absent   map[string]bool
	others   bool
	// resourceUnknown: see Request.ResourceUnknown.
	resourceUnknown bool
	// act is the action's facts, nil when the table does not know it;
	// supports reports whether it can present a key (nil: every key is
	// possible).
	act      *iampolicy.Action
	supports func(key string) bool
	// missing collects, for notes, the unknown keys a decision used.
	used map[string]bool
}

func (e *Evaluator) prepare(r Request) (*reqCtx, error) {
	if r.Action == "" || !strings.Contains(r.Action, ":") {
		return nil, fmt.Errorf("action %q: write service:Name", r.Action)
	}
	if strings.ContainsAny(r.Action, "*?") {
		return nil, fmt.Errorf("action %q: a request names one action, without wildcards", r.Action)
	}
	if r.Resource == "" {
		return nil, fmt.Errorf("action %s: no resource; give its ARN, or \"*\"", r.Action)
	}
	c := &reqCtx{action: strings.ToLower(r.Action), resource: r.Resource, keys: map[string][]string{},
		unknown: map[string]bool{}, others: r.UnknownOthers, resourceUnknown: r.ResourceUnknown}
	for _, k := range r.Absent {
		if c.absent == nil {
			c.absent = map[string]bool{}
		}
		c.absent[strings.ToLower(k)] = true
	}
	for k, v := range principalKeys(r.Principal) {
		c.keys[k] = v
	}
	for k, v := range r.Context {
		lk := strings.ToLower(k)
		if len(v) == 0 {
			delete(c.keys, lk)
			continue
		}
		c.keys[lk] = v
	}
	for _, k := range r.Unknown {
		lk := strings.ToLower(k)
		if _, set := c.keys[lk]; !set {
			c.unknown[lk] = true
		}
	}
	if a := e.action(r.Action); a != nil {
		c.act, c.supports = a, a.Supports
	}
	return c, nil
}

// lookup returns the state of a key (lower case) and its values.
func (c *reqCtx) lookup(key string) (state, []string) {
	if v, ok := c.keys[key]; ok {
		return present, v
	}
	if c.unknown[key] {
		c.note(key)
		return unknown, nil
	}
	if c.others && !c.absent[key] {
		if c.supports != nil && perActionKey(key) && !c.supports(key) {
			return absent, nil
		}
		c.note(key)
		return unknown, nil
	}
	return absent, nil
}

func (c *reqCtx) note(key string) {
	if c.used == nil {
		c.used = map[string]bool{}
	}
	c.used[key] = true
}

// perActionKey reports whether the facts table lists the key per action:
// service keys and the global tag keys; other global keys are not listed.
func perActionKey(key string) bool {
	if !strings.HasPrefix(key, "aws:") {
		return true
	}
	return strings.HasPrefix(key, "aws:requesttag/") || strings.HasPrefix(key, "aws:resourcetag/") || key == "aws:tagkeys"
}

// principalKeys derives the global keys a principal ARN determines.
func principalKeys(p string) map[string][]string {
	out := map[string][]string{}
	if p == "" {
		return out
	}
	if awsid.IsAccountID(p) {
		p = awsid.ARN{Partition: "aws", Service: "iam", AccountID: p, Resource: "root"}.String()
	}
	a, ok := awsid.SplitARN(p)
	if !ok {
		return out
	}
	partition, service, account, res := a.Partition, a.Service, a.AccountID, a.Resource
	set := func(k, v string) { out[k] = []string{v} }
	if account != "" {
		set("aws:principalaccount", account)
	}
	switch {
	case service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		role, _, _ := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
		set("aws:principalarn", awsid.RoleARN(partition, account, role))
		set("aws:principaltype", "AssumedRole")
	case service == "sts" && strings.HasPrefix(res, "federated-user/"):
		set("aws:principalarn", p)
		set("aws:principaltype", "FederatedUser")
	case service == "iam" && strings.HasPrefix(res, "role/"):
		set("aws:principalarn", p)
		set("aws:principaltype", "AssumedRole")
	case service == "iam" && strings.HasPrefix(res, "user/"):
		set("aws:principalarn", p)
		set("aws:principaltype", "User")
		set("aws:username", res[strings.LastIndex(res, "/")+1:])
	case service == "iam" && res == "root":
		set("aws:principalarn", p)
		set("aws:principaltype", "Account")
	default:
		set("aws:principalarn", p)
	}
	return out
}
