package collector

import (
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// refreshInterval decides how often a cached collector reads its list: every
// configured interval while the node builds the list quickly, less often
// while it is slow (a node aged under churn took 1.5 to 2 times as long for
// the same lists), so that building it keeps the node busy at most a set
// share of the time, and never less often than the cap.
type refreshInterval struct {
	configured, max time.Duration // 0: every scrape
	busyShare       float64
	// took holds the durations of the last successful refreshes, oldest first.
	took []time.Duration
}

// tookKept successful refreshes decide the interval: see typical.
const tookKept = 3

func newRefreshInterval(o config.RefreshOptions) refreshInterval {
	return refreshInterval{configured: time.Duration(o.RefreshInterval), max: time.Duration(o.MaxRefreshInterval), busyShare: o.MaxBusyShare}
}

// cached reports whether the list is served from cache between reads,
// rather than read every scrape.
func (r *refreshInterval) cached() bool { return r.configured > 0 }

// observe records a successful refresh. A failed one is not recorded: a quick
// error says nothing of what the list costs, and a timeout only that it cost
// more than the timeout, so neither may shrink the interval.
func (r *refreshInterval) observe(took time.Duration) {
	r.took = append(r.took[max(0, len(r.took)+1-tookKept):], took)
}

// typical is the lower median of the durations kept: one slow answer (a
// garbage collection, a burst of churn) does not stretch the interval, nor
// one quick answer (the management plugin serving the list from its cache)
// shrink it, while two in a row do. Of two it takes the quicker, and the one
// it has when there is only one.
func (r *refreshInterval) typical() time.Duration {
	sorted := slices.Sorted(slices.Values(r.took))
	return sorted[(len(sorted)-1)/2]
}

// inForce is max(configured, typical / busyShare), at most the cap: the
// interval at which the list is read now.
func (r *refreshInterval) inForce() time.Duration {
	if !r.cached() || len(r.took) == 0 {
		return r.configured
	}
	// Capped as a float: a tiny share must give the cap, not overflow.
	stretched := min(float64(r.typical())/r.busyShare, float64(r.max))
	return max(r.configured, time.Duration(stretched))
}

func (r *refreshInterval) stretched() bool { return r.inForce() > r.configured }

// noteRefresh records a successful refresh of cc and logs when its interval
// leaves the configured one or comes back to it, once each time.
func (s *Scraper) noteRefresh(cc *cachedCollector, took time.Duration) {
	r := &cc.interval
	if !r.cached() {
		return
	}
	was := r.stretched()
	r.observe(took)
	switch now := r.stretched(); {
	case now && !was:
		s.logger.Info("refresh interval stretched: the list is slow to build", "collector", cc.name,
			"interval", r.inForce().Round(time.Millisecond), "refresh_interval", r.configured, "max_refresh_interval", r.max,
			"typical_duration", r.typical().Round(time.Millisecond), "max_busy_share", r.busyShare)
	case was && !now:
		s.logger.Info("refresh interval restored: the list is quick to build again", "collector", cc.name,
			"interval", r.inForce(), "typical_duration", r.typical().Round(time.Millisecond))
	}
}
