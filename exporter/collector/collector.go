// Package collector turns one cluster's management API answers into
// Prometheus metrics. Each collector lives in its own file and registers
// itself; the Scraper runs them, times them and caches the expensive ones.
package collector

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/brokerprom"
	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// Collector exports one family of metrics for one cluster.
type Collector interface {
	Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error
}

type registration struct {
	name    string
	factory func() Collector
	// refresh says how long a result may be served from cache; a zero
	// refresh_interval means every scrape.
	refresh func(*config.Cluster) config.RefreshOptions
	// heavy collectors read a list the node must build whole (connections,
	// queues). Read together they contend on the node and each takes several
	// times longer (measured: 0.55 s for the queue list beside the connection
	// list against 0.2 s alone), so a scrape refreshes at most one of them.
	heavy bool
}

var registry []registration

func register(name string, refresh func(*config.Cluster) config.RefreshOptions, factory func() Collector) {
	add(registration{name: name, factory: factory, refresh: refresh})
}

func registerHeavy(name string, refresh func(*config.Cluster) config.RefreshOptions, factory func() Collector) {
	add(registration{name: name, factory: factory, refresh: refresh, heavy: true})
}

func add(r registration) {
	registry = append(registry, r)
	sort.Slice(registry, func(i, j int) bool { return registry[i].name < registry[j].name })
}

func everyScrape(*config.Cluster) config.RefreshOptions { return config.RefreshOptions{} }

var (
	upDesc                = metrics.Up.Desc()
	scrapeDurationDesc    = metrics.ScrapeDurationSeconds.Desc()
	collectorSuccessDesc  = metrics.ScrapeCollectorSuccess.Desc()
	collectorDurationDesc = metrics.ScrapeCollectorDurationSeconds.Desc()
	collectorAgeDesc      = metrics.ScrapeCollectorDataAgeSeconds.Desc()
	collectorIntervalDesc = metrics.ScrapeCollectorRefreshIntervalSeconds.Desc()
	scrapeErrorsDesc      = metrics.ScrapeErrorsTotal.Desc()
	breakerOpenDesc       = metrics.ManagementCircuitOpen.Desc()
	breakerBackoffDesc    = metrics.ManagementCircuitBackoffSeconds.Desc()
)

// Peers resolves another cluster of the fleet by its configured name, so that
// a collector can join both ends of a federation link.
type Peers interface {
	Peer(name string) *Scraper
}

// Scraper scrapes one cluster. It lives as long as the configuration and
// keeps the cache of expensive collectors and the error counters.
type Scraper struct {
	Cluster *config.Cluster
	Client  *mgmt.Client
	// Broker reads the nodes' own Prometheus endpoints (figures.go); nil
	// when the cluster never reads from them.
	Broker *brokerprom.Client
	logger *slog.Logger
	labels []string
	// now is the clock that says when cached results are due (tests set it).
	now func() time.Time

	// cacheMu guards the collectors' cached results and intervals: a heavy
	// list's read may finish after the scrape that started it.
	cacheMu    sync.Mutex
	collectors []*cachedCollector
	errMu      sync.Mutex
	errors     map[[2]string]float64 // {collector, kind} -> count

	linksMu sync.Mutex
	// linkViews is the federation link list last read, for the backlog.
	linkViews []*linkView

	// reachable is false after a scrape that found the cluster down, so that
	// peers do not send it requests of their own (federation backlog) that
	// would only wait for the same timeout.
	reachable atomic.Bool

	figures figuresState

	// shared makes concurrent and closely spaced scrapes of this cluster
	// share one set of requests (shared.go).
	shared sharedScrapes
}

type cachedCollector struct {
	name     string
	c        Collector
	interval refreshInterval
	heavy    bool
	// timeout bounds a heavy list's read, which is not bound to the scrape
	// that starts it (config.RefreshOptions).
	timeout time.Duration

	at        time.Time // when the cached data was read
	attempted time.Time // when the last refresh began, successful or not
	metrics   []prometheus.Metric
	took      time.Duration
	hasCache  bool
	// failed: the last read failed; timedOut: by running past its timeout.
	failed, timedOut bool
	// detached: a read has outlived the scrape that started it and has not
	// finished; its result goes to the cache when it does.
	detached bool
}

// NewScraper builds the scraper of one cluster with every registered collector.
func NewScraper(cl *config.Cluster, client *mgmt.Client, logger *slog.Logger) *Scraper {
	s := &Scraper{
		Cluster: cl,
		Client:  client,
		logger:  logger.With("cluster", cl.Name),
		labels:  []string{cl.Name, string(cl.Role), cl.Region},
		errors:  map[[2]string]float64{},
		now:     time.Now,
	}
	s.reachable.Store(true)
	for _, r := range registry {
		o := r.refresh(cl)
		s.collectors = append(s.collectors, &cachedCollector{name: r.name, c: r.factory(), interval: newRefreshInterval(o), heavy: r.heavy, timeout: time.Duration(o.Timeout)})
	}
	return s
}

// Reachable reports whether the cluster answered its last scrape.
func (s *Scraper) Reachable() bool { return s.reachable.Load() }

// Target is what a collector sees of its cluster during one scrape.
type Target struct {
	*Scraper
	peers Peers
	now   time.Time

	overview *mgmt.Overview
	nodes    memo[[]mgmt.Node]
	// promNodes are the nodes' Prometheus figures of this scrape (figures.go).
	promNodes memo[[]brokerprom.Node]
	// figured is the node list with those figures merged in (figures.go).
	figured memo[[]mgmt.Node]
	// running holds, for each collector refreshing in this scrape, a channel
	// closed when it is done, so that a collector can use another's fresh data.
	running map[string]chan struct{}
}

// await waits until the named collector, if it refreshes in this scrape, is done.
func (t *Target) await(ctx context.Context, collector string) error {
	done, ok := t.running[collector]
	if !ok {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Scraper) setLinks(views []*linkView) {
	s.linksMu.Lock()
	s.linkViews = views
	s.linksMu.Unlock()
}

func (s *Scraper) links() []*linkView {
	s.linksMu.Lock()
	defer s.linksMu.Unlock()
	return s.linkViews
}

// Overview is the /api/overview answer of this scrape (always fetched first).
func (t *Target) Overview() *mgmt.Overview { return t.overview }

// Nodes fetches /api/nodes once per scrape, shared by the collectors that need it.
func (t *Target) Nodes(ctx context.Context) ([]mgmt.Node, error) {
	return t.nodes.get(func() ([]mgmt.Node, error) { return t.Client.Nodes(ctx) })
}

// Peer returns another cluster's scraper, or nil when it is not configured.
func (t *Target) Peer(name string) *Scraper {
	if t.peers == nil {
		return nil
	}
	return t.peers.Peer(name)
}

// metric builds a const metric with the cluster's labels first.
func (t *Target) metric(desc *prometheus.Desc, kind prometheus.ValueType, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(desc, kind, v, append(append(make([]string, 0, 3+len(labels)), t.labels...), labels...)...)
}

func (t *Target) gauge(desc *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return t.metric(desc, prometheus.GaugeValue, v, labels...)
}

func (t *Target) counter(desc *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return t.metric(desc, prometheus.CounterValue, v, labels...)
}

// scrapeOnce runs every collector against the cluster and returns the
// metrics. It returns when done or when ctx expires, whichever is first; a
// collector that overruns is abandoned and counted as a timeout.
func (s *Scraper) scrapeOnce(ctx context.Context, peers Peers) []prometheus.Metric {
	start := time.Now()
	t := &Target{Scraper: s, peers: peers, now: s.now()}
	out := make(chan prometheus.Metric, 256)
	var metrics []prometheus.Metric
	gathered := make(chan struct{})
	go func() {
		for m := range out {
			metrics = append(metrics, m)
		}
		close(gathered)
	}()

	// The overview goes first: it says whether the cluster is up at all. When
	// it is not, asking every other endpoint would only add load and waiting.
	ov, err := s.Client.Overview(ctx)
	up := 0.0
	if err != nil {
		s.countError("cluster", err)
		if mgmt.KindOf(err) == mgmt.KindCircuitOpen {
			s.logger.Debug("cluster not asked", "err", err)
		} else {
			s.logger.Warn("cluster unreachable", "err", err)
		}
		s.cacheMu.Lock()
		for _, cc := range s.collectors {
			cc.drop()
		}
		s.cacheMu.Unlock()
	} else {
		up = 1
		t.overview = ov
		s.dropReadBeforeRestart(ctx, t)
		s.runCollectors(ctx, t, out)
	}
	s.reachable.Store(up == 1)
	out <- t.gauge(upDesc, up)
	out <- t.gauge(scrapeDurationDesc, time.Since(start).Seconds())
	open, backoff := s.Client.Breaker()
	out <- t.gauge(breakerOpenDesc, boolFloat(open))
	out <- t.gauge(breakerBackoffDesc, backoff.Seconds())
	s.emitErrors(t, out)
	close(out)
	<-gathered
	return metrics
}

type collectorResult struct {
	cc      *cachedCollector
	metrics []prometheus.Metric
	took    time.Duration
	at      time.Time // when the figures were read
	err     error
	cached  bool
	// failedBefore: served from cache while not read, after a failed read.
	failedBefore bool
}

func (s *Scraper) runCollectors(ctx context.Context, t *Target, ch chan<- prometheus.Metric) {
	results := make(chan collectorResult, len(s.collectors))
	pending := 0
	var refresh []*cachedCollector
	t.running = map[string]chan struct{}{}
	s.cacheMu.Lock()
	heavyTurn := s.heavyTurn(t.now)
	for _, cc := range s.collectors {
		switch {
		case cc.heavy && !cc.hasCache && cc != heavyTurn:
			// Not read yet, or its last read failed, and not its turn: no
			// figures to export until it is read.
			if cc.failed {
				pending++
				results <- cc.cachedResult()
			}
			continue
		case cc.fresh(t.now) || (cc.heavy && cc != heavyTurn):
			pending++
			results <- cc.cachedResult()
			continue
		}
		pending++
		refresh = append(refresh, cc)
		t.running[cc.name] = make(chan struct{})
		cc.attempted = t.now
	}
	s.cacheMu.Unlock()
	for _, cc := range refresh {
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if cc.heavy {
			// A heavy list is read within its own timeout, not the scrape's:
			// if the scrape ends first, the read goes on and fills the cache.
			rctx, cancel = context.WithTimeout(mgmt.WithListTimeout(context.WithoutCancel(ctx), cc.timeout), cc.timeout)
		}
		go func(cc *cachedCollector) {
			defer cancel()
			defer close(t.running[cc.name])
			begin := time.Now()
			buf := make(chan prometheus.Metric, 64)
			var metrics []prometheus.Metric
			done := make(chan struct{})
			go func() {
				for m := range buf {
					metrics = append(metrics, m)
				}
				close(done)
			}()
			err := safeUpdate(rctx, cc, t, buf)
			close(buf)
			<-done
			r := collectorResult{cc: cc, metrics: metrics, took: time.Since(begin), at: t.now, err: err}
			// Under cacheMu, so that abandon either finds the result in
			// results or has marked the read detached.
			s.cacheMu.Lock()
			defer s.cacheMu.Unlock()
			if cc.detached {
				cc.detached = false
				s.settle(t, r)
				return
			}
			results <- r
		}(cc)
	}
	// finished holds the collectors whose series this scrape has sent.
	finished := map[*cachedCollector]bool{}
	for ; pending > 0; pending-- {
		var r collectorResult
		select {
		case r = <-results:
		case <-ctx.Done():
			// Report what has not finished as failed; their goroutines end
			// on their own as their requests see the cancelled context.
			s.abandon(t, ch, results, finished, ctx.Err())
			return
		}
		finished[r.cc] = true
		s.emitResult(t, ch, r)
	}
}

// heavyTurn picks the one heavy collector that may refresh in this scrape:
// among those due (never read, failed, or past their interval), the one whose
// last attempt is oldest, so that lists never read come first, in
// registration order, and a list that keeps failing cannot starve the others.
// Even a freshly started exporter reads one heavy list per scrape: all three
// at once on a 2-core gateway with 3,000 clients took 1.5-1.95x as long as the
// slowest of them alone. For the same reason none starts while the read of
// another is still going on after its scrape. Called with cacheMu held.
func (s *Scraper) heavyTurn(now time.Time) *cachedCollector {
	var turn *cachedCollector
	for _, cc := range s.collectors {
		if cc.heavy && cc.detached {
			return nil
		}
	}
	for _, cc := range s.collectors {
		if !cc.heavy || cc.fresh(now) || cc.waitsAfterTimeout(now) {
			continue
		}
		if turn == nil || cc.attempted.Before(turn.attempted) {
			turn = cc
		}
	}
	return turn
}

func (s *Scraper) abandon(t *Target, ch chan<- prometheus.Metric, results chan collectorResult, finished map[*cachedCollector]bool, cause error) {
	s.cacheMu.Lock()
	// Sent once cacheMu is released: emit takes it for the interval in force.
	var send []collectorResult
	for drained := false; !drained; {
		select {
		case r := <-results:
			finished[r.cc] = true
			s.settle(t, r)
			send = append(send, r)
		default:
			drained = true
		}
	}
	for _, cc := range s.collectors {
		if _, refreshing := t.running[cc.name]; finished[cc] || !refreshing {
			continue
		}
		if cc.heavy {
			// Its read goes on and fills the cache; meanwhile this scrape
			// serves what the cache has.
			cc.detached = true
			s.logger.Debug("list read goes on after the scrape", "collector", cc.name, "timeout", cc.timeout)
			if cc.hasCache || cc.failed {
				send = append(send, cc.cachedResult())
			}
			continue
		}
		err := &mgmt.Error{Kind: mgmt.KindOf(cause), Cluster: s.Cluster.Name, Endpoint: cc.name, Err: cause}
		r := collectorResult{cc: cc, err: err}
		s.settle(t, r)
		send = append(send, r)
	}
	s.cacheMu.Unlock()
	for _, r := range send {
		s.emit(t, ch, r)
	}
}

func (s *Scraper) emitResult(t *Target, ch chan<- prometheus.Metric, r collectorResult) {
	s.cacheMu.Lock()
	s.settle(t, r)
	s.cacheMu.Unlock()
	s.emit(t, ch, r)
}

// settle puts a read's outcome into the cache. Called with cacheMu held.
func (s *Scraper) settle(t *Target, r collectorResult) {
	cc := r.cc
	switch {
	case r.cached:
	case r.err != nil:
		s.countError(cc.name, r.err)
		s.logger.Warn("collector failed", "collector", cc.name, "err", r.err)
		cc.drop()
		cc.failed, cc.timedOut = true, mgmt.KindOf(r.err) == mgmt.KindTimeout
		if cc.timedOut {
			// It took at least this long: a lower bound, longer than any
			// successful read, so it can only stretch the interval.
			s.noteRefresh(cc, r.took)
		}
	default:
		cc.store(t.now, r.metrics, r.took)
		cc.failed, cc.timedOut = false, false
		s.noteRefresh(cc, r.took)
	}
}

// emit sends a collector's series for this scrape.
func (s *Scraper) emit(t *Target, ch chan<- prometheus.Metric, r collectorResult) {
	cc := r.cc
	success := 1.0
	if r.err != nil || r.failedBefore {
		success = 0
	}
	if success == 1 {
		for _, m := range r.metrics {
			ch <- m
		}
		ch <- t.gauge(collectorAgeDesc, t.now.Sub(r.at).Seconds(), cc.name)
	}
	ch <- t.gauge(collectorSuccessDesc, success, cc.name)
	if !r.failedBefore {
		ch <- t.gauge(collectorDurationDesc, r.took.Seconds(), cc.name)
	}
	if cc.interval.cached() {
		s.cacheMu.Lock()
		interval := cc.interval.inForce()
		s.cacheMu.Unlock()
		ch <- t.gauge(collectorIntervalDesc, interval.Seconds(), cc.name)
	}
}

// safeUpdate turns a collector's panic into an error: one bad answer from one
// cluster must never take the exporter down.
func safeUpdate(ctx context.Context, cc *cachedCollector, t *Target, ch chan<- prometheus.Metric) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &mgmt.Error{Kind: mgmt.KindDecode, Cluster: t.Cluster.Name, Endpoint: cc.name, Err: fmt.Errorf("collector panicked: %v", p)}
		}
	}()
	return cc.c.Update(ctx, t, ch)
}

func (s *Scraper) countError(collector string, err error) {
	s.errMu.Lock()
	s.errors[[2]string{collector, string(mgmt.KindOf(err))}]++
	s.errMu.Unlock()
}

func (s *Scraper) emitErrors(t *Target, ch chan<- prometheus.Metric) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	for k, v := range s.errors {
		ch <- t.counter(scrapeErrorsDesc, v, k[0], k[1])
	}
}

// dropReadBeforeRestart drops every cached result read before a node last
// started (now minus its uptime): a restarted node's connections, queues and
// links are not the ones it had before. The node list (and, reading from
// Prometheus, the node figures) is read once per scrape and shared with the
// nodes collector, so this costs no request; when it fails the nodes
// collector reports why and the caches are kept.
func (s *Scraper) dropReadBeforeRestart(ctx context.Context, t *Target) {
	nodes, err := t.figureNodes(ctx)
	if err != nil {
		return
	}
	var started time.Time // the latest start of any running node
	for i := range nodes {
		if n := &nodes[i]; n.Running && n.UptimeMillis.Set {
			if at := t.now.Add(-time.Duration(n.UptimeMillis.Value) * time.Millisecond); at.After(started) {
				started = at
			}
		}
	}
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	for _, cc := range s.collectors {
		if cc.hasCache && cc.at.Before(started) {
			s.logger.Debug("dropping a result read before a node restarted", "collector", cc.name, "read", cc.at, "node_started", started)
			cc.drop()
		}
	}
}

func (cc *cachedCollector) fresh(now time.Time) bool {
	return cc.hasCache && cc.interval.cached() && now.Sub(cc.at) < cc.interval.inForce()
}

// cachedResult is what the cache serves: its figures, or, after a failed
// read, that it failed. Called with cacheMu held.
func (cc *cachedCollector) cachedResult() collectorResult {
	if !cc.hasCache {
		return collectorResult{cc: cc, cached: true, failedBefore: cc.failed}
	}
	return collectorResult{cc: cc, metrics: cc.metrics, took: cc.took, at: cc.at, cached: true}
}

// waitsAfterTimeout: a read that timed out is tried again only once the
// interval in force, which the timeout stretched, has passed; a quicker
// failure is tried again on the next scrape.
func (cc *cachedCollector) waitsAfterTimeout(now time.Time) bool {
	return cc.timedOut && now.Sub(cc.attempted) < cc.interval.inForce()
}

func (cc *cachedCollector) store(at time.Time, metrics []prometheus.Metric, took time.Duration) {
	cc.at, cc.metrics, cc.took, cc.hasCache = at, metrics, took, true
}

func (cc *cachedCollector) drop() { cc.metrics, cc.hasCache = nil, false }

// emitStates exports one series per known state, 1 for the current one, so
// that "not running" can be alerted on without absent(); an unexpected
// current state gets a series of its own.
func emitStates(t *Target, ch chan<- prometheus.Metric, desc *prometheus.Desc, labels, known []string, current string) {
	withState := func(state string) []string {
		return append(append(make([]string, 0, len(labels)+1), labels...), state)
	}
	seen := false
	for _, state := range known {
		ch <- t.gauge(desc, boolFloat(state == current), withState(state)...)
		seen = seen || state == current
	}
	if !seen {
		ch <- t.gauge(desc, 1, withState(current)...)
	}
}

// memo computes a value once per scrape, however many collectors ask.
type memo[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (m *memo[T]) get(f func() (T, error)) (T, error) {
	m.once.Do(func() { m.v, m.err = f() })
	return m.v, m.err
}
