// Package hookconfig carries a team's rule choices to the CloudFormation
// Lambda hook: the generator encodes them into the hook function's
// environment and the function decodes them at start. The encoding is
// gzip-compressed JSON in base64, as Lambda environment variables share 4 KB.
package hookconfig

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// EnvVar is the environment variable that holds the encoded Config.
const EnvVar = "AIGUARD_HOOK_RULES"

// MaxEnvironment is what Lambda allows for all of a function's
// environment variables together, in bytes.
const MaxEnvironment = 4096

// maxDecoded bounds the decoded JSON, against a compression bomb.
const maxDecoded = 1 << 20

// Config is what the hook runs: the team, and each rule it runs with the
// rule's parameters (exemptResourceIds included).
type Config struct {
	Team  string                       `json:"team"`
	Rules map[string]map[string]string `json:"rules"`
}

// Encode returns the value of EnvVar for c; the same c gives the same text.
func Encode(c Config) (string, error) {
	raw, err := json.Marshal(c) // map keys are sorted
	if err != nil {
		return "", fmt.Errorf("encode hook rules: %w", err)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level never fails
	if _, err := zw.Write(raw); err != nil {
		return "", fmt.Errorf("compress hook rules: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("compress hook rules: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// Decode reads a value of EnvVar.
func Decode(s string) (Config, error) {
	var c Config
	z, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return c, fmt.Errorf("%s: not base64: %w", EnvVar, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return c, fmt.Errorf("%s: not gzip: %w", EnvVar, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxDecoded+1))
	if err != nil {
		return c, fmt.Errorf("%s: %w", EnvVar, err)
	}
	if len(raw) > maxDecoded {
		return c, fmt.Errorf("%s: more than %d bytes decoded", EnvVar, maxDecoded)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("%s: %w", EnvVar, err)
	}
	if c.Rules == nil {
		return c, errors.New(EnvVar + ": no rules")
	}
	return c, nil
}
