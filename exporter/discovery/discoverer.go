// Package discovery finds RabbitMQ clusters at run time, from the tags of
// EC2 instances, and serves the whole fleet to Prometheus's HTTP service
// discovery. The server merges what it finds with the static clusters
// (config.Merge) and rebuilds the fleet when the set changes.
package discovery

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// maxRefreshTimeout bounds one refresh of one source when the refresh
// interval is longer: the SDK retries throttling itself within it.
const maxRefreshTimeout = 30 * time.Second

// Discoverer asks every source of a discovery block for its clusters and
// keeps the set each last returned, so that a failed refresh changes nothing.
// A nil Discoverer (no discovery configured) finds nothing.
type Discoverer struct {
	interval time.Duration
	sources  []*source
	metrics  *Metrics
}

// source is one EC2 region with the clusters it last returned.
type source struct {
	name   string
	cfg    config.EC2Discovery
	list   func(context.Context) ([]Instance, error)
	logger *slog.Logger

	mu       sync.Mutex
	clusters []config.Cluster
	// skipped is the last refresh's skips, so that each is logged once
	// rather than at every refresh.
	skipped map[Skip]bool
}

// New builds the sources of d. A source configured exactly as one of prev's
// is kept with its client and its last clusters, so that a reload neither
// forgets what was found nor waits for a refresh to find it again.
func New(ctx context.Context, d *config.Discovery, prev *Discoverer, metrics *Metrics, logger *slog.Logger) (*Discoverer, error) {
	if d == nil {
		return nil, nil
	}
	next := &Discoverer{interval: time.Duration(d.RefreshInterval), metrics: metrics}
	for i := range d.EC2 {
		cfg := d.EC2[i]
		if old := prev.find(&cfg); old != nil {
			next.sources = append(next.sources, old)
			continue
		}
		lister, err := newEC2Lister(ctx, &cfg)
		if err != nil {
			return nil, fmt.Errorf("discovery.ec2[%d] (%s): %w", i, cfg.Region, err)
		}
		name := cfg.SourceName()
		next.sources = append(next.sources, &source{name: name, cfg: cfg, list: lister.list, logger: logger.With("source", name)})
		metrics.start(name)
	}
	return next, nil
}

// Replaces drops the series of prev's sources that d does not have. Call it
// once d is in force: until then prev's sources still count.
func (d *Discoverer) Replaces(prev *Discoverer, metrics *Metrics) {
	if prev == nil {
		return
	}
	for _, old := range prev.sources {
		if d.byName(old.name) == nil {
			metrics.forget(old.name)
		}
	}
}

func (d *Discoverer) find(cfg *config.EC2Discovery) *source {
	if d == nil {
		return nil
	}
	for _, s := range d.sources {
		if reflect.DeepEqual(&s.cfg, cfg) {
			return s
		}
	}
	return nil
}

func (d *Discoverer) byName(name string) *source {
	if d == nil {
		return nil
	}
	for _, s := range d.sources {
		if s.name == name {
			return s
		}
	}
	return nil
}

// Interval is how often Refresh should run; 0 without discovery.
func (d *Discoverer) Interval() time.Duration {
	if d == nil {
		return 0
	}
	return d.interval
}

// Refresh asks every source again, concurrently. A source that fails keeps
// the clusters it found last; the error is logged and counted.
func (d *Discoverer) Refresh(ctx context.Context) {
	if d == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, min(d.interval, maxRefreshTimeout))
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range d.sources {
		wg.Go(func() { s.refresh(ctx, d.metrics) })
	}
	wg.Wait()
}

func (s *source) refresh(ctx context.Context, metrics *Metrics) {
	instances, err := s.list(ctx)
	if err != nil {
		metrics.failed(s.name)
		s.logger.Error("discovery failed; keeping the clusters found last", "err", err)
		return
	}
	clusters, skips := ClustersOf(instances, &s.cfg)
	metrics.succeeded(s.name, len(clusters), skips)
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[Skip]bool, len(skips))
	for _, sk := range skips {
		if !s.skipped[sk] {
			s.logger.Warn("instance skipped", "instance", sk.Instance, "reason", sk.Reason, "detail", sk.Detail)
		}
		seen[sk] = true
	}
	s.skipped = seen
	s.clusters = clusters
}

// Clusters is every source's last set, in source order, each sorted by name.
func (d *Discoverer) Clusters() []config.Cluster {
	if d == nil {
		return nil
	}
	var all []config.Cluster
	for _, s := range d.sources {
		s.mu.Lock()
		all = append(all, s.clusters...)
		s.mu.Unlock()
	}
	return all
}
