// Package coldstart keeps the garbage collector idle while the packages of
// the Lambda's bootstrap are initialised, the larger part of its cold start.
//
// The AWS SDK's service packages build their tables when they are
// initialised (the serialisation schemas: 7 MB in 40,000 allocations, 3.8 MB
// of it SageMaker's, of the 10.4 MB the packages allocate in all), all of it
// kept for the life of the process. With the collector's first heap goal of
// 4 MB, doubled after each collection, the collector ran over those tables
// two or three times before main: about a third of the 15 to 18 ms the
// initialisation took, which was nearly all the cold start took beyond an
// empty aws-lambda-go handler (BENCHMARKS.md). Package initialisation cannot be
// made lazy from outside the SDK, and GOGC cannot be set from code before
// it, so this package holds a ballast instead: a block of
// Ballast bytes without pointers, allocated first, which sets the heap goal
// after the one collection its allocation starts to twice its size. The
// collector starts its next cycle before the heap reaches that goal, once
// at least 45/64 of the way from the ballast to it (TriggerRoom), so the
// packages' tables must fit in that room: then no collection runs until
// main. The block is never written, so its pages are never touched and cost
// no memory; Release drops it when initialisation is over, and the next
// collection frees it.
//
// The package imports nothing: Go initialises packages in the order of
// their import paths among those whose imports are initialised, so a
// package without imports, under github.com/aiguard, is initialised before
// any github.com/aws package. TestColdStartInit in e2e checks that no
// collection runs after the ballast's.
package coldstart

// Ballast is the size of the ballast: TriggerRoom of it is more than what
// the packages of the bootstrap allocate while they are initialised
// (TestColdStartInit tells when a new SDK package outgrows it), and the
// heap goal it sets (twice this) is harmless in a 128 MB function.
const Ballast = 24 << 20

// TriggerRoom is what the packages may allocate after the ballast's
// collection before the collector may start another: the Go pacer starts
// a cycle no earlier than 45/64 of the way from the live heap to its goal.
const TriggerRoom = Ballast * 45 / 64

//lint:ignore U1000 only its allocation matters: it is never read
var ballast = make([]byte, Ballast)

// Release drops the ballast; main calls it first.
func Release() { ballast = nil }
