package orgspec

import _ "embed"

// ExampleName is the file name the built-in example is reported under.
const ExampleName = "example.yaml"

//go:embed example.yaml
var example []byte

// Example returns the text of the built-in example spec: an organization of
// three teams with different postures, every ID fictional. Commands use it
// when --config is absent.
func Example() []byte { return append([]byte(nil), example...) }
