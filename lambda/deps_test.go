package lambda

import (
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// notInBootstrap are packages the rule Lambda has no use for and that cost
// it at every cold start (package initialisation, a larger binary to page
// in): the readers of whole estates (scan, Terraform plans with go-cty and
// HCL, the organization spec), the output formats only the CLI writes
// (SARIF), and the JSON Schema validator of templates with the
// golang.org/x/text tables its error messages use. The CloudFormation hook
// judges one resource through cfnjudge, which needs none of them. A path
// stands for itself and the packages below it.
var notInBootstrap = []string{
	"github.com/aiguard/aiguard/scan",
	"github.com/aiguard/aiguard/orgspec",
	"github.com/aiguard/aiguard/sarif",
	"github.com/aiguard/aiguard/internal/cfnschema",
	"github.com/santhosh-tekuri/jsonschema",
	"golang.org/x/text",
	"github.com/hashicorp/terraform-json",
	"github.com/hashicorp/hcl",
	"github.com/zclconf/go-cty",
}

const bootstrapPkg = "github.com/aiguard/aiguard/cmd/bootstrap"

// TestBootstrapDeps fails when the Lambda's bootstrap links one of
// notInBootstrap again, naming the chain of imports that brought it in.
func TestBootstrapDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not installed: cannot list the bootstrap's dependencies")
	}
	// The bootstrap as it is built (make build): Linux, no cgo, no RPC mode.
	cmd := exec.Command(goBin, "list", "-deps", "-tags", "lambda.norpc",
		"-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, bootstrapPkg)
	cmd.Env = append(cmd.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v\n%s", bootstrapPkg, err, stderr)
	}
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) > 0 {
			imports[f[0]] = f[1:]
		}
	}
	if len(imports[bootstrapPkg]) == 0 {
		t.Fatalf("go list -deps %s listed no imports of the bootstrap:\n%s", bootstrapPkg, out)
	}
	chains := importChains(bootstrapPkg, imports)
	for _, pkg := range slices.Sorted(maps.Keys(chains)) {
		for _, p := range notInBootstrap {
			if pkg == p || strings.HasPrefix(pkg, p+"/") {
				t.Errorf("the bootstrap links %s: %s", pkg, strings.Join(chains[pkg], " → "))
			}
		}
	}
}

// importChains returns, for every package root depends on, the shortest
// chain of imports from root to it.
func importChains(root string, imports map[string][]string) map[string][]string {
	chains := map[string][]string{root: {root}}
	queue := []string{root}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		for _, dep := range imports[pkg] {
			if _, seen := chains[dep]; seen {
				continue
			}
			chains[dep] = append(append([]string(nil), chains[pkg]...), dep)
			queue = append(queue, dep)
		}
	}
	return chains
}
