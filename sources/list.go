package sources

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/aiguard/aiguard/rules"
)

// pager is an SDK paginator.
type pager interface{ HasMorePages() bool }

// paginator is an SDK paginator whose pages are O, with the client's
// options Opt.
type paginator[O, Opt any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*Opt)) (O, error)
}

// listAll collects every page of a listing: next fetches p's next page.
// When ctx ends first, it returns what it collected with an
// *rules.Incomplete marked Truncated; any other failure is an error.
func listAll[T any](ctx context.Context, p pager, next func(context.Context) ([]T, error)) ([]T, *rules.Incomplete, error) {
	var out []T
	for p.HasMorePages() {
		if ctx.Err() != nil {
			return out, truncated(ctx), nil
		}
		page, err := next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return out, truncated(ctx), nil
			}
			return nil, nil, err
		}
		out = append(out, page...)
	}
	return out, nil, nil
}

// truncated is the *rules.Incomplete of a listing cut short by ctx's end.
func truncated(ctx context.Context) *rules.Incomplete {
	return &rules.Incomplete{Truncated: true, Cause: context.Cause(ctx)}
}

// pages collects what items takes from every page of p (listAll); a
// failure names the operation op. optFns apply to every page's call.
func pages[O, Opt, T any](ctx context.Context, p paginator[O, Opt], op string, items func(O) []T, optFns ...func(*Opt)) ([]T, *rules.Incomplete, error) {
	return listAll(ctx, p, func(ctx context.Context) ([]T, error) {
		out, err := p.NextPage(ctx, optFns...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return items(out), nil
	})
}

// listEvery is pages for a listing whose items are what the rules read:
// a listing cut short is returned with its *rules.Incomplete as the error.
func listEvery[O, Opt, T any](ctx context.Context, p paginator[O, Opt], op string, items func(O) []T) ([]T, error) {
	list, inc, err := pages(ctx, p, op, items)
	if err != nil {
		return nil, err
	}
	return list, asError(inc)
}

// listDescribe lists the keys (names, IDs, ARNs) that keys takes from every
// page of p, then describes each key once with at most n calls in flight
// (describeAll), naming those it skipped "kind key".
func listDescribe[O, Opt, T any](ctx context.Context, n int, p paginator[O, Opt], op string, keys func(O) []string,
	kind string, describe func(context.Context, string) (T, error)) ([]T, error) {
	listed, inc, err := pages(ctx, p, op, keys)
	if err != nil {
		return nil, err
	}
	list, dinc, err := describeAll(ctx, n, unique(listed), label(kind), describe)
	if err != nil {
		return nil, err
	}
	return list, asError(combine(inc, dinc))
}

// each maps the items of a page.
func each[S, T any](items []S, f func(S) T) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		out = append(out, f(it))
	}
	return out
}

// keysOf takes the key of each item of a page.
func keysOf[S any](items []S, key func(S) *string) []string {
	return each(items, func(it S) string { return aws.ToString(key(it)) })
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
// LoadBalancerNotFound and ListenerNotFound, CloudFront NoSuchResource, S3
// NoSuchBucket and CloudTrail TrailNotFoundException.
func isGone(err error) bool {
	ae, ok := errors.AsType[smithy.APIError](err)
	if !ok {
		return false
	}
	switch ae.ErrorCode() {
	case "ResourceNotFound", "ResourceNotFoundException", "NoSuchEntity",
		"LoadBalancerNotFound", "ListenerNotFound", "NoSuchResource", "NoSuchBucket", "TrailNotFoundException":
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

// errorCode is the code of an API error, "" for any other error.
func errorCode(err error) string {
	if ae, ok := errors.AsType[smithy.APIError](err); ok {
		return ae.ErrorCode()
	}
	return ""
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

// unique drops empty and repeated names, keeping the first of each.
func unique(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

// label names a resource for the list of skipped ones.
func label(kind string) func(string) string {
	return func(name string) string { return kind + " " + name }
}

// skippedSet returns the names, less the prefix, that inc skipped.
func skippedSet(inc *rules.Incomplete, prefix string) map[string]bool {
	set := map[string]bool{}
	if inc == nil {
		return set
	}
	for _, s := range inc.Skipped {
		if name, ok := strings.CutPrefix(s, prefix); ok && name != "" {
			set[name] = true
		}
	}
	return set
}
