package main

import "context"

// readCtx runs a blocking read (a terminal prompt, a pipe that never closes)
// in its own goroutine and returns when it ends or when ctx is cancelled (a
// signal), whichever comes first. A read in progress cannot be interrupted;
// the process stops waiting for it and exits, which ends it.
func readCtx[T any](ctx context.Context, read func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := read()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, context.Cause(ctx)
	}
}
