package exporter

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/exporter/discovery"
)

// RunDiscovery refreshes the discovered clusters at the configured interval
// until ctx ends, and at once after a reload. Without discovery it only
// waits for a reload that configures it.
func (s *Server) RunDiscovery(ctx context.Context) {
	for {
		select { // a reload's request is served by this refresh
		case <-s.rediscover:
		default:
		}
		s.RefreshDiscovery(ctx)
		s.reloadMu.Lock()
		interval := s.discovery.Interval()
		s.reloadMu.Unlock()
		var tick <-chan time.Time
		if interval > 0 {
			tick = time.After(interval)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-s.rediscover:
		}
	}
}

func (s *Server) requestDiscovery() {
	select {
	case s.rediscover <- struct{}{}:
	default: // one is pending already
	}
}

// RefreshDiscovery asks every discovery source again and, when the fleet
// changes, puts the new one in force, keeping the scrapers of unchanged
// clusters. A source that fails keeps what it found last.
func (s *Server) RefreshDiscovery(ctx context.Context) {
	s.reloadMu.Lock()
	disc := s.discovery
	s.reloadMu.Unlock()
	if disc == nil {
		return
	}
	// AWS is asked without the lock, so that a reload need not wait for it.
	disc.Refresh(ctx)

	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	// A reload may have replaced the discoverer meanwhile: the one in force
	// holds the latest answers either way.
	cur := s.Fleet()
	fleet, err := s.fleetOf(s.static, s.discovery)
	if err != nil {
		s.logger.Error("discovered clusters not applied; keeping the fleet in force", "err", err)
		return
	}
	added, removed := diffNames(cur.Names(), fleet.Names())
	if sameFleet(cur, fleet) {
		fleet.closeUnshared(cur)
		return
	}
	s.putInForce(fleet)
	s.logger.Info("fleet changed by discovery", "clusters", len(fleet.Names()), "added", added, "removed", removed)
}

// putInForce starts the new fleet's latency probes and swaps it in. The
// probes start only here, so that a refresh that changes nothing never
// opens and closes AMQP connections. Called with s.reloadMu held.
func (s *Server) putInForce(fleet *Fleet) {
	if !s.opts.CheckOnly {
		fleet.startProbes(s.logger)
	}
	s.swap(fleet)
}

// fleetOf builds the fleet of the static configuration plus disc's
// clusters, reusing the unchanged scrapers of the fleet in force. Called
// with s.reloadMu held.
func (s *Server) fleetOf(static *config.Config, disc *discovery.Discoverer) (*Fleet, error) {
	merged, rejected := static.Merge(disc.Clusters())
	seen := make(map[string]bool, len(rejected))
	for _, err := range rejected {
		if !s.rejected[err.Error()] {
			s.logger.Warn("discovered cluster refused", "err", err)
		}
		seen[err.Error()] = true
	}
	s.rejected = seen
	return newFleet(merged, s.Fleet(), s.logger, s.observer)
}

// sameFleet reports whether next serves exactly cur's clusters with cur's scrapers.
func sameFleet(cur, next *Fleet) bool {
	if cur == nil || !slices.Equal(cur.Names(), next.Names()) {
		return false
	}
	for _, name := range next.Names() {
		if cur.Peer(name) != next.Peer(name) {
			return false
		}
	}
	return true
}

func diffNames(old, cur []string) (added, removed []string) {
	for _, n := range cur {
		if !slices.Contains(old, n) {
			added = append(added, n)
		}
	}
	for _, n := range old {
		if !slices.Contains(cur, n) {
			removed = append(removed, n)
		}
	}
	return added, removed
}

// TargetsHandler serves every cluster of the fleet in force, static and
// discovered, for Prometheus's http_sd_configs.
func (s *Server) TargetsHandler() http.Handler {
	return discovery.TargetsHandler(func() []config.Cluster { return s.Fleet().Config.Clusters })
}
