package iameval

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/aiguard/aiguard/iampolicy"
)

// tri is a three-valued truth: a test on an unknown key is maybe. void
// marks a statement AWS treats as invalid for this request (a policy
// variable without a value): it applies as neither Allow nor Deny.
type tri int8

const (
	no tri = iota
	yes
	maybe
	void
)

func not(t tri) tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return t
}

// and is Kleene's conjunction, with void winning: an invalid statement
// does not apply whatever its other tests say.
func and(a, b tri) tri {
	switch {
	case a == void || b == void:
		return void
	case a == no || b == no:
		return no
	case a == maybe || b == maybe:
		return maybe
	}
	return yes
}

func or(a, b tri) tri {
	switch {
	case a == void || b == void:
		return void
	case a == yes || b == yes:
		return yes
	case a == maybe || b == maybe:
		return maybe
	}
	return no
}

// ccond is one compiled key test of a Condition block.
type ccond struct {
	op      iampolicy.Operator
	key     string // lower case
	vals    []tmpl
	match   func(req, pol string, lit []bool) bool // the positive operator
	nullHas [2]bool                                // Null: the policy lists "false", "true"
}

func compileCond(opName, key string, values []string, vars bool) (ccond, error) {
	op, ok := iampolicy.ParseOperator(opName)
	if !ok {
		return ccond{}, fmt.Errorf("%q is not a condition operator", opName)
	}
	cd := ccond{op: op, key: strings.ToLower(key)}
	base := op.Base
	if op.Negated {
		base = strings.Replace(base, "Not", "", 1) // StringNotLike -> StringLike, NotIpAddress -> IpAddress
	}
	// AWS expands policy variables in String and ARN operators only.
	vars = vars && (op.Family == "String" || op.Family == "ARN")
	for _, v := range values {
		cd.vals = append(cd.vals, newTmpl(v, vars))
	}
	switch base {
	case "Null":
		for _, v := range values {
			switch strings.ToLower(v) {
			case "true":
				cd.nullHas[1] = true
			case "false":
				cd.nullHas[0] = true
			}
		}
	case "StringEquals", "BinaryEquals":
		cd.match = func(r, p string, _ []bool) bool { return r == p }
	case "StringEqualsIgnoreCase", "Bool":
		cd.match = func(r, p string, _ []bool) bool { return strings.EqualFold(r, p) }
	case "StringLike":
		cd.match = func(r, p string, lit []bool) bool { return glob(p, lit, r) }
	case "ArnEquals", "ArnLike":
		cd.match = func(r, p string, lit []bool) bool { return arnMatch(p, lit, r) }
	case "IpAddress":
		cd.match = func(r, p string, _ []bool) bool { return ipIn(r, p) }
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		cmp := compareFor(base, "Numeric")
		cd.match = func(r, p string, _ []bool) bool {
			a, err1 := strconv.ParseFloat(r, 64)
			b, err2 := strconv.ParseFloat(p, 64)
			return err1 == nil && err2 == nil && !math.IsNaN(a) && !math.IsNaN(b) && cmp(sign(a-b))
		}
	case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		cmp := compareFor(base, "Date")
		cd.match = func(r, p string, _ []bool) bool {
			a, ok1 := parseDate(r)
			b, ok2 := parseDate(p)
			return ok1 && ok2 && cmp(a.Compare(b))
		}
	default:
		return ccond{}, fmt.Errorf("condition operator %s is not supported", opName)
	}
	return cd, nil
}

// compareFor returns the test of a comparison result (-1, 0, 1) that a
// Numeric or Date operator makes.
func compareFor(base, family string) func(int) bool {
	switch strings.TrimPrefix(base, family) {
	case "Equals":
		return func(c int) bool { return c == 0 }
	case "LessThan":
		return func(c int) bool { return c < 0 }
	case "LessThanEquals":
		return func(c int) bool { return c <= 0 }
	case "GreaterThan":
		return func(c int) bool { return c > 0 }
	}
	return func(c int) bool { return c >= 0 } // GreaterThanEquals
}

func sign(f float64) int {
	switch {
	case f < 0:
		return -1
	case f > 0:
		return 1
	}
	return 0
}

// parseDate reads an ISO 8601 date or time, or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ipIn reports whether the address r is in the CIDR range or address p.
func ipIn(r, p string) bool {
	addr, err := netip.ParseAddr(r)
	if err != nil {
		return false
	}
	if pre, err := netip.ParsePrefix(p); err == nil {
		return pre.Contains(addr.Unmap())
	}
	a, err := netip.ParseAddr(p)
	return err == nil && a.Unmap() == addr.Unmap()
}

// expanded is a policy value with its variables substituted.
type expanded struct {
	text string
	lit  []bool
	st   state
}

// eval tests the key against the request.
func (cd *ccond) eval(c *reqCtx) tri {
	st, vals := c.lookup(cd.key)
	if cd.op.Family == "Null" {
		switch st {
		case unknown:
			return maybe
		case absent:
			return truth(cd.nullHas[1])
		}
		return truth(cd.nullHas[0])
	}
	switch st {
	case unknown:
		return maybe
	case absent:
		switch {
		case cd.op.IfExists, cd.op.Set == "ForAllValues":
			return yes
		case cd.op.Set == "ForAnyValue":
			return no
		}
		return truth(cd.op.Negated)
	}
	pols := make([]expanded, 0, len(cd.vals))
	for _, v := range cd.vals {
		text, lit, s := v.expand(c)
		if s == absent {
			return void
		}
		pols = append(pols, expanded{text, lit, s})
	}
	one := func(v string) tri {
		t := cd.positive(v, pols)
		if cd.op.Negated {
			return not(t)
		}
		return t
	}
	switch cd.op.Set {
	case "ForAnyValue":
		r := no
		for _, v := range vals {
			r = or(r, one(v))
		}
		return r
	case "ForAllValues":
		r := yes
		for _, v := range vals {
			r = and(r, one(v))
		}
		return r
	}
	// Without a set operator, a key with several values matches when one
	// of them does; a negated operator when none does.
	pos := no
	for _, v := range vals {
		pos = or(pos, cd.positive(v, pols))
	}
	if cd.op.Negated {
		return not(pos)
	}
	return pos
}

// positive is the positive operator on one request value: true when a
// policy value matches, maybe when none does but one is unknown.
func (cd *ccond) positive(v string, pols []expanded) tri {
	r := no
	for _, p := range pols {
		if p.st == unknown {
			r = maybe
			continue
		}
		if cd.match(v, p.text, p.lit) {
			return yes
		}
	}
	return r
}

func truth(b bool) tri {
	if b {
		return yes
	}
	return no
}
