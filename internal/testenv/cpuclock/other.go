//go:build !unix

package cpuclock

import "time"

// processTime cannot be read here: the metrics are left out.
func processTime() (time.Duration, bool) { return 0, false }
