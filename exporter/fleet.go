// Package exporter scrapes a fleet of RabbitMQ clusters and serves the
// result to Prometheus: /metrics for the whole fleet, /probe for one cluster.
package exporter

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/brokerprom"
	"github.com/rabbitfleet/rabbitfleet/exporter/canary"
	"github.com/rabbitfleet/rabbitfleet/exporter/collector"
	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// Fleet is every configured cluster with its scraper. It is immutable: a
// reload builds a new Fleet and swaps it in.
type Fleet struct {
	Config   *config.Config
	scrapers map[string]*collector.Scraper
	order    []string

	// probes are the federation latency probes, running until Close.
	probes *canary.Set
}

// newFleet builds cfg's fleet, keeping prev's scraper of every cluster whose
// configuration is unchanged, so that its caches, error counters and
// in-flight scrapes survive a reload or a discovery refresh. Its latency
// probes are not started: a fleet may be built only to be compared with the
// one in force, or to check a configuration.
func newFleet(cfg *config.Config, prev *Fleet, logger *slog.Logger, observe func(cluster string) mgmt.RequestObserver) (*Fleet, error) {
	f := &Fleet{Config: cfg, scrapers: map[string]*collector.Scraper{}}
	for i := range cfg.Clusters {
		cl := &cfg.Clusters[i]
		if s := prev.Peer(cl.Name); s != nil && s.Cluster.Same(cl) {
			f.scrapers[cl.Name] = s
			f.order = append(f.order, cl.Name)
			continue
		}
		opts, err := cl.ManagementOptions()
		if err != nil {
			f.closeUnshared(prev)
			return nil, err
		}
		if observe != nil {
			opts.Observe = observe(cl.Name)
		}
		client, err := mgmt.New(opts)
		if err != nil {
			f.closeUnshared(prev)
			return nil, err
		}
		popts, err := cl.PrometheusOptions()
		if err == nil && observe != nil {
			popts.Observe = observe(cl.Name)
		}
		var broker *brokerprom.Client
		if err == nil {
			broker, err = brokerprom.New(popts)
		}
		if err != nil {
			client.Close()
			f.closeUnshared(prev)
			return nil, err
		}
		s := collector.NewScraper(cl, client, logger)
		s.Broker = broker
		f.scrapers[cl.Name] = s
		f.order = append(f.order, cl.Name)
	}
	return f, nil
}

// startProbes starts the fleet's latency probes, once it is to be put in force.
func (f *Fleet) startProbes(logger *slog.Logger) {
	f.probes = canary.Start(f.Config, f.reachable, logger)
}

// reachable tells a latency probe whether a cluster answered its last scrape.
func (f *Fleet) reachable(name string) bool {
	s := f.scrapers[name]
	return s != nil && s.Reachable()
}

// LatencyProbes implements collector.ProbeSource: the probes belong to the
// fleet, not to the scrapers that a later fleet may share.
func (f *Fleet) LatencyProbes() collector.LatencyProbes {
	if f.probes == nil {
		return nil // not a nil *canary.Set in an interface
	}
	return f.probes
}

// Close stops the latency probes, which delete what they created, and
// releases the clients' idle connections.
func (f *Fleet) Close() { f.closeUnshared(nil) }

// closeUnshared stops f's latency probes and closes the clients of f's
// scrapers that next does not use.
func (f *Fleet) closeUnshared(next *Fleet) {
	f.probes.Stop()
	for name, s := range f.scrapers {
		if next.Peer(name) != s {
			s.Client.Close()
			s.Broker.Close()
		}
	}
}

// Peer implements collector.Peers; nil on a nil Fleet.
func (f *Fleet) Peer(name string) *collector.Scraper {
	if f == nil {
		return nil
	}
	return f.scrapers[name]
}

// Has reports whether a cluster of that name is configured.
func (f *Fleet) Has(name string) bool { return f != nil && f.scrapers[name] != nil }

// Names lists the clusters in configuration order.
func (f *Fleet) Names() []string { return f.order }

// Scrape scrapes the named clusters concurrently; each is bounded by ctx.
func (f *Fleet) Scrape(ctx context.Context, names []string, ch chan<- prometheus.Metric) {
	var wg sync.WaitGroup
	for _, name := range names {
		s := f.scrapers[name]
		if s == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Scrape(ctx, f, ch)
		}()
	}
	wg.Wait()
}

// scrapeCollector adapts one scrape of some clusters to prometheus.Collector,
// carrying the request's deadline, which Collect has no parameter for.
type scrapeCollector struct {
	ctx   context.Context
	fleet *Fleet
	names []string
}

func (scrapeCollector) Describe(chan<- *prometheus.Desc) {} // unchecked: the label sets vary per cluster

func (s scrapeCollector) Collect(ch chan<- prometheus.Metric) { s.fleet.Scrape(s.ctx, s.names, ch) }

// scrapeDeadline derives the budget of one scrape from Prometheus's header,
// leaving offset for Prometheus to receive the answer.
func scrapeDeadline(header string, fallback, offset time.Duration) (time.Duration, error) {
	if header == "" {
		return fallback, nil
	}
	var secs float64
	if _, err := fmt.Sscanf(header, "%g", &secs); err != nil || secs <= 0 {
		return 0, fmt.Errorf("X-Prometheus-Scrape-Timeout-Seconds %q is not a positive number", header)
	}
	d := time.Duration(secs*float64(time.Second)) - offset
	if d <= 0 {
		d = time.Duration(secs * float64(time.Second) / 2)
	}
	return d, nil
}
