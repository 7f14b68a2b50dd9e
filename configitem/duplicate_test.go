package configitem_test

import (
	"strings"
	"testing"

	"github.com/aiguard/aiguard/configitem"
)

// TestDuplicateKeysAreMalformed: AWS Config never writes a key twice, and
// a reader that silently keeps the last value judges a resource nobody
// can tell apart from another reading of the same bytes.
func TestDuplicateKeysAreMalformed(t *testing.T) {
	head := `{"resourceType":"AWS::SageMaker::NotebookInstance","resourceId":"nb","configurationItemStatus":"OK",`
	for _, tc := range []struct{ name, ci, want string }{
		{"configuration", head + `"configuration":{"DirectInternetAccess":"Disabled","DirectInternetAccess":"Enabled"}}`,
			`configuration: duplicate key "DirectInternetAccess"`},
		{"nested", head + `"configuration":{"A":{"b":1,"b":2}}}`, `configuration: duplicate key "b"`},
		{"API shape", head + `"configuration":"{\"DirectInternetAccess\":\"Disabled\",\"DirectInternetAccess\":\"Enabled\"}"}`,
			`configuration: duplicate key "DirectInternetAccess"`},
		{"top level", head + `"resourceId":"other","configuration":{}}`, `duplicate key "resourceId"`},
		{"tags", head + `"tags":{"ml-data":"false","ml-data":"true"},"configuration":{}}`, `tags: duplicate key "ml-data"`},
		{"supplementary", head + `"configuration":{},"supplementaryConfiguration":{"Policy":"{}","Policy":"{}"}}`,
			`supplementaryConfiguration: duplicate key "Policy"`},
		{"supplementary value", head + `"configuration":{},"supplementaryConfiguration":{"P":{"a":1,"a":2}}}`,
			`supplementaryConfiguration.P: duplicate key "a"`},
		{"relationship", head + `"configuration":{},"relationships":[{"resourceId":"a","resourceId":"b"}]}`,
			`relationships: duplicate key "resourceId"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := configitem.Decode([]byte(tc.ci))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "malformed") {
				t.Errorf("Decode: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// Many keys, one repeated at the end: found without quadratic time.
	var b strings.Builder
	b.WriteString(head + `"configuration":{`)
	for i := range 5000 {
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i) + `":1,`)
	}
	b.WriteString(`"k0":1,"k0":2}}`)
	if _, err := configitem.Decode([]byte(b.String())); err == nil || !strings.Contains(err.Error(), `duplicate key "k0"`) {
		t.Errorf("many keys: %v", err)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}
