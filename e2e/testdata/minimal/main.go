// Command minimal is the smallest aws-lambda-go function, a handler that
// does nothing: the baseline BenchmarkColdStart compares aiguard's bootstrap
// with. It is built with the same flags as the bootstrap.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(context.Context, json.RawMessage) error { return nil })
}
