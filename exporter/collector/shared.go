package collector

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

var resultAgeDesc = metrics.ScrapeResultAgeSeconds.Desc()

// lateGrace is how long a scrape whose own deadline passed still waits for
// the shared result it joined: the result is due at that same deadline.
const lateGrace = 200 * time.Millisecond

// sharedScrapes makes every scrape of a cluster that arrives while another is
// running wait for that one, and serves a result younger than min_interval
// again: however many scrapers there are, the cluster sees one.
type sharedScrapes struct {
	mu     sync.Mutex
	last   *scrapeResult
	flight *scrapeFlight
}

type scrapeResult struct {
	at      time.Time
	metrics []prometheus.Metric
}

type scrapeFlight struct {
	done    chan struct{}
	result  *scrapeResult
	waiters int
	// cancel stops the scrape once every waiter has gone: Prometheus gave up
	// and nobody else wants the answer.
	cancel context.CancelFunc
}

// Scrape sends the cluster's metrics to ch: a fresh scrape's, or those of one
// running or recent enough to share. It returns by ctx's deadline.
func (s *Scraper) Scrape(ctx context.Context, peers Peers, ch chan<- prometheus.Metric) {
	res := s.sharedResult(ctx, peers)
	for _, m := range res.metrics {
		ch <- m
	}
	ch <- prometheus.MustNewConstMetric(resultAgeDesc, prometheus.GaugeValue, time.Since(res.at).Seconds(), s.labels...)
}

func (s *Scraper) sharedResult(ctx context.Context, peers Peers) *scrapeResult {
	sh := &s.shared
	sh.mu.Lock()
	if r := sh.last; r != nil && time.Since(r.at) < time.Duration(*s.Cluster.MinInterval) {
		sh.mu.Unlock()
		return r
	}
	f := sh.flight
	if f == nil {
		f = s.startFlight(ctx, peers)
	}
	f.waiters++
	sh.mu.Unlock()

	select {
	case <-f.done:
		return f.result
	case <-ctx.Done():
	}
	// The flight shares this deadline when this scrape started it; a scrape
	// that joined with a shorter one gives up without an answer.
	grace := time.NewTimer(lateGrace)
	defer grace.Stop()
	select {
	case <-f.done:
		return f.result
	case <-grace.C:
	}
	sh.mu.Lock()
	if f.waiters--; f.waiters == 0 {
		f.cancel()
	}
	sh.mu.Unlock()
	return s.gaveUp(ctx.Err())
}

// startFlight begins a scrape that outlives the request that started it (others
// may have joined) but keeps its deadline. Called with sh.mu held.
func (s *Scraper) startFlight(ctx context.Context, peers Peers) *scrapeFlight {
	detached := context.WithoutCancel(ctx)
	var fctx context.Context
	var cancel context.CancelFunc
	if deadline, ok := ctx.Deadline(); ok {
		fctx, cancel = context.WithDeadline(detached, deadline)
	} else {
		fctx, cancel = context.WithCancel(detached)
	}
	f := &scrapeFlight{done: make(chan struct{}), cancel: cancel}
	s.shared.flight = f
	go func() {
		res := &scrapeResult{at: time.Now()}
		res.metrics = s.scrapeOnce(fctx, peers)
		cancel()
		s.shared.mu.Lock()
		f.result = res
		s.shared.last = res
		s.shared.flight = nil
		s.shared.mu.Unlock()
		close(f.done)
	}()
	return f
}

// gaveUp is the answer of a scrape that ran out of time waiting for another's
// result: the cluster is reported down, as when its own request timed out.
func (s *Scraper) gaveUp(cause error) *scrapeResult {
	s.countError("cluster", &mgmt.Error{Kind: mgmt.KindOf(cause), Cluster: s.Cluster.Name, Endpoint: "/api/overview", Err: cause})
	t := &Target{Scraper: s}
	return &scrapeResult{at: time.Now(), metrics: []prometheus.Metric{t.gauge(upDesc, 0)}}
}
