package lambda

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/aws/smithy-go"

	"github.com/aiguard/aiguard/rules"
)

// SourceClients hands out the service APIs periodic rules read, acting as
// roleARN ("" for the function's own role) in region ("" for the
// function's Region). *SDKClients satisfies it.
type SourceClients interface {
	Sources(ctx context.Context, roleARN, region string, o SourceOptions) (rules.Sources, error)
}

// SourceOptions tune the sources of one invocation.
type SourceOptions struct {
	// Concurrency bounds the Describe/Get calls in flight at once
	// (rules.DefaultDescribeConcurrency when zero or less).
	Concurrency int
	// Services are the IAM service prefixes (sagemaker, s3, ...) whose
	// sources to provide, those of the rule's Actions; empty provides every
	// source.
	Services []string
}

// servicesOf returns the IAM service prefixes of actions, once each.
func servicesOf(actions []string) []string {
	var out []string
	for _, a := range actions {
		if svc, _, ok := strings.Cut(a, ":"); ok && !slices.Contains(out, svc) {
			out = append(out, svc)
		}
	}
	return out
}

func (o SourceOptions) concurrency() int {
	if o.Concurrency <= 0 {
		return rules.DefaultDescribeConcurrency
	}
	return o.Concurrency
}

// NewSources builds the sources over service APIs: the SDK clients in the
// function, or anything satisfying the same narrow interfaces in tests. A
// nil API leaves its sources nil.
func NewSources(sm SageMakerAPI, iam IAMAPI, o SourceOptions) rules.Sources {
	var s rules.Sources
	if sm != nil {
		src := &sageMakerSource{api: sm, n: o.concurrency()}
		s.SageMakerJobs, s.SageMakerInference, s.SageMakerStudio = src, src, src
	}
	if iam != nil {
		s.IAM = &iamSource{api: iam, n: o.concurrency()}
	}
	return s
}

// pager is an SDK paginator.
type pager interface{ HasMorePages() bool }

// listAll collects every page of a listing: next fetches p's next page.
// When ctx ends first, it returns what it collected with an
// *rules.Incomplete marked Truncated; any other failure is an error.
func listAll[T any](ctx context.Context, p pager, next func(context.Context) ([]T, error)) ([]T, *rules.Incomplete, error) {
	var out []T
	for p.HasMorePages() {
		if ctx.Err() != nil {
			return out, &rules.Incomplete{Truncated: true, Cause: context.Cause(ctx)}, nil
		}
		page, err := next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return out, &rules.Incomplete{Truncated: true, Cause: context.Cause(ctx)}, nil
			}
			return nil, nil, err
		}
		out = append(out, page...)
	}
	return out, nil, nil
}

// describeAll calls describe for every item with at most n calls in
// flight, and returns the results in the items' order. Items that no
// longer exist (isGone) are left out. When ctx ends first, the items not
// described are named in an *rules.Incomplete and the rest are returned.
// Any other failure stops the work and is returned.
func describeAll[S, T any](ctx context.Context, n int, items []S, name func(S) string, describe func(context.Context, S) (T, error)) ([]T, *rules.Incomplete, error) {
	if len(items) == 0 {
		return nil, nil, nil
	}
	work, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	type result struct {
		value T
		state int // 0 not done, 1 described, 2 gone
	}
	results := make([]result, len(items))
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	next := make(chan int)
	for range min(n, len(items)) {
		wg.Go(func() {
			for i := range next {
				if work.Err() != nil {
					continue // stopped: the item stays not done
				}
				v, err := describe(work, items[i])
				switch {
				case err == nil:
					results[i] = result{value: v, state: 1}
				case isGone(err):
					results[i].state = 2
				case work.Err() != nil:
					// Cut off by the deadline (or by another call's failure).
				default:
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						stop(err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	out := make([]T, 0, len(items))
	var inc *rules.Incomplete
	for i, r := range results {
		switch r.state {
		case 1:
			out = append(out, r.value)
		case 0:
			if inc == nil {
				inc = &rules.Incomplete{Cause: context.Cause(ctx)}
			}
			inc.Skipped = append(inc.Skipped, name(items[i]))
		}
	}
	return out, inc, nil
}

// isGone reports an error that says the resource does not exist: it was
// deleted between its listing and its description. SageMaker answers
// ResourceNotFound for some operations and a ValidationException naming
// the missing resource for others (DescribeModel, DescribeEndpoint,
// DescribeEndpointConfig, DescribeNotebookInstance, and in practice
// DescribeTrainingJob); IAM answers NoSuchEntity, Elastic Load Balancing
// LoadBalancerNotFound and ListenerNotFound, CloudFront NoSuchResource.
func isGone(err error) bool {
	ae, ok := errors.AsType[smithy.APIError](err)
	if !ok {
		return false
	}
	switch ae.ErrorCode() {
	case "ResourceNotFound", "ResourceNotFoundException", "NoSuchEntity",
		"LoadBalancerNotFound", "ListenerNotFound", "NoSuchResource":
		return true
	case "ValidationException":
		msg := strings.ToLower(ae.ErrorMessage())
		for _, s := range []string{"not found", "could not find", "cannot find", "recordnotfound", "does not exist"} {
			if strings.Contains(msg, s) {
				return true
			}
		}
	}
	return false
}

// combine merges two incompletes, either of which may be nil.
func combine(a, b *rules.Incomplete) *rules.Incomplete {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	a.Skipped = append(a.Skipped, b.Skipped...)
	a.Truncated = a.Truncated || b.Truncated
	if a.Cause == nil {
		a.Cause = b.Cause
	}
	return a
}

// asError returns inc as an error, nil (never a typed nil) when inc is nil.
func asError(inc *rules.Incomplete) error {
	if inc == nil {
		return nil
	}
	return inc
}
