// Package e2e holds aiguard's end-to-end tests: the real bootstrap, built
// with the release flags, runs under the AWS Lambda Runtime Interface
// Emulator (built from its Go module, never downloaded), is invoked over
// HTTP with Config events, and sends its AWS calls with the real SDK clients
// to a local AWS endpoint (internal/testenv/localaws), where the tests check exactly
// what arrived. The package also benchmarks the bootstrap's cold start
// against a minimal aws-lambda-go function.
//
// The moto suite (moto_test.go, moto_rules_test.go) does the same against
// moto_server, an AWS we did not write, when moto, boto3 and the AWS CLI
// are installed.
//
// The package has no code of its own; see emulator_test.go and catalog_test.go.
package e2e
