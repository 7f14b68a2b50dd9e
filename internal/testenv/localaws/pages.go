package localaws

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// pageToken makes the opaque pagination token that resumes operation op at
// offset. AWS's tokens are opaque too; binding them to the operation makes
// a token passed to the wrong operation fail, as it does against AWS.
func pageToken(op string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(op + ":" + strconv.Itoa(offset)))
}

// pageStart reads a token made by pageToken for op, over a listing of n
// items; "" starts at the beginning. The error's Code is for the caller to
// set, as each service names it differently.
func pageStart(token, op string, n int) (int, *APIError) {
	if token == "" {
		return 0, nil
	}
	invalid := &APIError{Message: "The nextToken provided is invalid."}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, invalid
	}
	rest, ok := strings.CutPrefix(string(raw), op+":")
	if !ok {
		return 0, invalid
	}
	start, err := strconv.Atoi(rest)
	if err != nil || start < 0 || start > n {
		return 0, invalid
	}
	return start, nil
}

// page cuts from list the page of at most limit items that token (made
// by pageToken for op; "" for the first) starts, and returns it with the
// next page's token ("" after the last page). badToken is the code the
// service answers for a token it did not make.
func page[T any](list []T, op, token string, limit int, badToken string) ([]T, string, *APIError) {
	start, aerr := pageStart(token, op, len(list))
	if aerr != nil {
		aerr.Code = badToken
		return nil, "", aerr
	}
	end := min(start+limit, len(list))
	next := ""
	if end < len(list) {
		next = pageToken(op, end)
	}
	return list[start:end], next, nil
}

// listing names what a JSON protocol's listing answers with: its
// operation, the member holding the items, the members of the page tokens
// in the request (in) and the answer (out), and the service's code for a
// page token it did not make.
type listing struct{ op, member, in, out, badToken string }

// jsonPage answers one page of list (page), from the token in c's query
// string or body, with item's rendering of each under l.member and the
// next page's token under l.out; c.Returned counts the page.
func jsonPage[T any](c *ServiceCall, l listing, list []T, limit int, item func(T) any) (int, []byte, *APIError) {
	token := c.Query[l.in]
	if v, ok := c.Body[l.in].(string); ok {
		token = v
	}
	pg, next, aerr := page(list, l.op, token, limit, l.badToken)
	if aerr != nil {
		return 0, nil, aerr
	}
	items := make([]any, 0, len(pg))
	for _, it := range pg {
		items = append(items, item(it))
	}
	c.Returned = len(items)
	resp := map[string]any{l.member: items}
	if next != "" {
		resp[l.out] = next
	}
	return jsonAnswer(resp)
}

// docOf renders a registered resource as its stored document.
func docOf(d resourceDoc) any { return d.doc }
