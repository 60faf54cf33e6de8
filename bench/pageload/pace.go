package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// paced calls send(i) at start + i/rate for d, each in a goroutine of its
// own with at most maxInFlight running, whatever the answers: an open loop,
// so that a server that falls behind shows it instead of slowing the
// sender down. It returns how many it started, how many left more than
// 5 ms after their time and the largest such lag, once all have returned.
func paced(ctx context.Context, rate int, d time.Duration, send func(i int)) (started, late int, maxLag time.Duration) {
	n := int(int64(rate) * int64(d) / int64(time.Second))
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxInFlight)
	start := time.Now()
	for ; started < n && ctx.Err() == nil; started++ {
		at := start.Add(time.Duration(int64(started) * int64(time.Second) / int64(rate)))
		time.Sleep(time.Until(at))
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if lag := time.Since(at); lag > 5*time.Millisecond {
			late++
			maxLag = max(maxLag, lag)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			send(i)
			<-sem
		}(started)
	}
	wg.Wait()
	return started, late, maxLag
}

// closedLoop calls send(i) for i < n from `senders` goroutines, each
// calling its next as soon as the previous returned, until n or the end of
// ctx.
func closedLoop(ctx context.Context, n, senders int, send func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				send(i)
			}
		}()
	}
	wg.Wait()
}
