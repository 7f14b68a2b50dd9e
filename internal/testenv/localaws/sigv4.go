package localaws

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// maxClockSkew is how far a request's X-Amz-Date may be from the server's
// clock; AWS allows 15 minutes.
const maxClockSkew = 15 * time.Minute

type authFailure int

const (
	authMissing authFailure = iota
	authIncomplete
	authUnknownKey
	authBadSignature
	authExpiredToken
)

// authorization is a parsed SigV4 Authorization header.
type authorization struct {
	accessKeyID, date, region, service string
	signedHeaders                      []string
	signature                          string
}

// parseAuthorization parses a SigV4 Authorization header. On failure it
// returns AWS's message for the IncompleteSignature error.
func parseAuthorization(h string) (authorization, string) {
	var a authorization
	rest, ok := strings.CutPrefix(h, sigV4Algorithm+" ")
	if !ok {
		return a, fmt.Sprintf("Authorization header requires the %s algorithm", sigV4Algorithm)
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Sprintf("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters; got %q", part)
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return a, fmt.Sprintf("Authorization header requires '%s' parameter", k)
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || scope[0] == "" {
		return a, fmt.Sprintf("Credential should be of the form <access key>/<date>/<region>/<service>/aws4_request; got %q", fields["Credential"])
	}
	a.accessKeyID, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	a.signature = fields["Signature"]
	return a, ""
}

// authenticate checks the request's SigV4 signature and returns who signed
// it. The signature is verified whenever the secret key is known: for the
// long-term credentials in Options.Credentials and for every temporary
// credential the server issued.
func (s *Server) authenticate(p *service, r *http.Request, body []byte) (Signer, *APIError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return Signer{}, p.authError(authMissing, "Missing Authentication Token")
	}
	a, msg := parseAuthorization(header)
	if msg != "" {
		return Signer{}, p.authError(authIncomplete, msg)
	}
	signer := Signer{
		AccessKeyID:  a.accessKeyID,
		Date:         a.date,
		Region:       a.region,
		Service:      a.service,
		SessionToken: r.Header.Get("X-Amz-Security-Token"),
	}
	if a.service != p.signingName {
		return signer, p.authError(authBadSignature, fmt.Sprintf("Credential should be scoped to correct service: '%s'.", p.signingName))
	}
	if a.region == "" {
		return signer, p.authError(authBadSignature, "Credential should be scoped to a valid region.")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		return signer, p.authError(authIncomplete, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if !strings.HasPrefix(amzDate, a.date) {
		return signer, p.authError(authBadSignature, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s'", a.date, amzDate[:8]))
	}
	now := time.Now().UTC()
	if d := now.Sub(signedAt); d > maxClockSkew || d < -maxClockSkew {
		return signer, p.authError(authBadSignature, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, now.Add(-maxClockSkew).Format("20060102T150405Z"), now.Format("20060102T150405Z")))
	}

	secret, known := s.opts.Credentials[a.accessKeyID]
	s.mu.Lock()
	issued, isIssued := s.issued[a.accessKeyID]
	s.mu.Unlock()
	switch {
	case isIssued:
		if signer.SessionToken != issued.sessionToken {
			return signer, p.authError(authUnknownKey, "The security token included in the request is invalid.")
		}
		if now.After(issued.expiration) {
			return signer, p.authError(authExpiredToken, "The security token included in the request is expired")
		}
		secret, known = issued.secret, true
		signer.Role = issued.roleARN
	case !known && len(s.opts.Credentials) > 0:
		return signer, p.authError(authUnknownKey, "The security token included in the request is invalid.")
	}
	if !known {
		return signer, nil
	}
	want := signature(secret, a, r, body, amzDate)
	if !hmac.Equal([]byte(want), []byte(a.signature)) {
		return signer, p.authError(authBadSignature, "The request signature we calculated does not match the signature you provided. "+
			"Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	signer.Verified = true
	return signer, nil
}

// signature computes the SigV4 signature of r over the headers the client
// says it signed.
func signature(secret string, a authorization, r *http.Request, body []byte, amzDate string) string {
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(canonicalPath(r.URL) + "\n")
	canon.WriteString(canonicalQuery(r.URL) + "\n")
	for _, name := range a.signedHeaders {
		canon.WriteString(name + ":" + headerValue(r, name) + "\n")
	}
	canon.WriteString("\n" + strings.Join(a.signedHeaders, ";") + "\n" + payloadHash)

	scope := strings.Join([]string{a.date, a.region, a.service, "aws4_request"}, "/")
	canonHash := sha256.Sum256([]byte(canon.String()))
	stringToSign := sigV4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(canonHash[:])

	key := hmacSHA256([]byte("AWS4"+secret), a.date)
	key = hmacSHA256(key, a.region)
	key = hmacSHA256(key, a.service)
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// headerValue is a signed header's canonical value: its values trimmed,
// inner runs of spaces collapsed, joined by commas.
func headerValue(r *http.Request, name string) string {
	var values []string
	switch name {
	case "host":
		values = []string{r.Host}
	case "content-length":
		values = r.Header.Values("Content-Length")
		if len(values) == 0 && r.ContentLength >= 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		values = r.Header.Values(name)
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

// canonicalPath URI-encodes each path segment, twice as SigV4 requires for
// every service but S3.
func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		segs[i] = uriEncode(seg)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, uriEncode(k)+"="+uriEncode(v))
		}
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes everything but SigV4's unreserved characters.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
