// Command bootstrap is aiguard's Config rule Lambda function, for the
// provided.al2023 runtime. One binary serves every rule in the catalog; the
// rule to run comes from each Config rule's ruleId input parameter.
package main

import (
	"fmt"
	"os"

	"github.com/aiguard/aiguard/internal/coldstart"
	"github.com/aiguard/aiguard/lambda"
	"github.com/aiguard/aiguard/rules"
)

func main() {
	coldstart.Release() // initialisation is over: see package coldstart
	if err := lambda.Start(rules.Catalog()); err != nil {
		fmt.Fprintln(os.Stderr, "aiguard bootstrap:", err)
		os.Exit(1)
	}
}
