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
