package cfnschema

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// appendErr flattens a validation error into violations: one per failing
// leaf keyword, skipping the branch of each anyOf that would have accepted
// an intrinsic function (it only says "this is not an intrinsic either").
func appendErr(out []Violation, resource string, err error) []Violation {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return append(out, Violation{Resource: resource, Message: err.Error()})
	}
	prefix := []string(nil)
	if resource != "" {
		prefix = []string{"Resources", resource}
	}
	var leaves []*jsonschema.ValidationError
	collectLeaves(ve, &leaves)
	seen := map[string]bool{}
	var vs []Violation
	for _, l := range leaves {
		v := Violation{
			Resource: resource,
			Pointer:  pointer(append(prefix, l.InstanceLocation...)...),
			Message:  describe(l),
		}
		if key := v.Pointer + "\x00" + v.Message; !seen[key] {
			seen[key] = true
			vs = append(vs, v)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Pointer < vs[j].Pointer })
	return append(out, vs...)
}

func collectLeaves(e *jsonschema.ValidationError, into *[]*jsonschema.ValidationError) {
	causes := e.Causes
	if _, ok := e.ErrorKind.(*kind.AnyOf); ok {
		var kept []*jsonschema.ValidationError
		for _, c := range causes {
			if !intrinsicBranch(c) {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			causes = kept
		}
	}
	if len(causes) == 0 {
		*into = append(*into, e)
		return
	}
	for _, c := range causes {
		collectLeaves(c, into)
	}
}

// intrinsicBranch reports whether e is the failure of the anyOf branch that
// accepts an intrinsic function.
func intrinsicBranch(e *jsonschema.ValidationError) bool {
	if ref, ok := e.ErrorKind.(*kind.Reference); ok && strings.Contains(ref.URL, defIntrinsic) {
		return true
	}
	if strings.Contains(e.SchemaURL, defIntrinsic) {
		return true
	}
	return len(e.Causes) == 1 && intrinsicBranch(e.Causes[0])
}

var printer = message.NewPrinter(language.English)

// describe words a leaf error for someone editing a template.
func describe(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		return fmt.Sprintf("unknown property %s; check its spelling and placement against the resource's documentation",
			quoteAll(k.Properties))
	case *kind.Required:
		return fmt.Sprintf("missing required property %s", quoteAll(k.Missing))
	case *kind.Type:
		return fmt.Sprintf("got %s, want %s", k.Got, declaredType(k.Want))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		if len(want) > 8 {
			want = append(want[:8], "...")
		}
		return fmt.Sprintf("value %v is not one of %s", k.Got, strings.Join(want, ", "))
	case *kind.Pattern:
		switch k.Want {
		case numberPattern, integerPattern:
			return fmt.Sprintf("got string %q, want a number", k.Got)
		case booleanPattern:
			return fmt.Sprintf("got string %q, want a boolean (true or false)", k.Got)
		}
		return fmt.Sprintf("value %q does not match %s", k.Got, k.Want)
	}
	return e.ErrorKind.LocalizedString(printer)
}

// declaredType undoes coerce for messages: the schema says "string", even
// though numbers and booleans are accepted for it.
func declaredType(want []string) string {
	has := func(t string) bool { return slices.Contains(want, t) }
	switch {
	case has("string") && has("number") && has("boolean"):
		return "string"
	case has("string") && has("object") && len(want) == 2:
		return "object (or a JSON string)"
	case has("string") && len(want) == 2:
		for _, t := range want {
			if t != "string" {
				return t
			}
		}
	}
	return strings.Join(want, " or ")
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
