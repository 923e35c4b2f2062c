package discovery

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

// Metrics are discovery's own series. They outlive a Discoverer, which a
// configuration reload replaces, so they are registered once.
type Metrics struct {
	refreshes   *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	clusters    *prometheus.GaugeVec
	skipped     *prometheus.GaugeVec
}

// NewMetrics builds the metrics; register them with the exporter's own registry.
func NewMetrics() *Metrics {
	return &Metrics{
		refreshes:   metrics.DiscoveryRefreshesTotal.NewCounterVec(),
		lastSuccess: metrics.DiscoveryLastRefreshSuccessTimestampSeconds.NewGaugeVec(),
		clusters:    metrics.DiscoveryClusters.NewGaugeVec(),
		skipped:     metrics.DiscoverySkippedInstances.NewGaugeVec(),
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.refreshes.Describe(ch)
	m.lastSuccess.Describe(ch)
	m.clusters.Describe(ch)
	m.skipped.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.refreshes.Collect(ch)
	m.lastSuccess.Collect(ch)
	m.clusters.Collect(ch)
	m.skipped.Collect(ch)
}

// start makes a source's series exist from its first refresh on, failures
// at zero, so that rate() and absence alerts work.
func (m *Metrics) start(source string) {
	m.refreshes.WithLabelValues(source, "success")
	m.refreshes.WithLabelValues(source, "failure")
}

func (m *Metrics) failed(source string) { m.refreshes.WithLabelValues(source, "failure").Inc() }

func (m *Metrics) succeeded(source string, clusters int, skips []Skip) {
	m.refreshes.WithLabelValues(source, "success").Inc()
	m.lastSuccess.WithLabelValues(source).SetToCurrentTime()
	m.clusters.WithLabelValues(source).Set(float64(clusters))
	count := map[string]int{}
	for _, s := range skips {
		count[s.Reason]++
	}
	for _, r := range skipReasons {
		m.skipped.WithLabelValues(source, r).Set(float64(count[r]))
	}
}

// forget drops the series of a source no longer configured.
func (m *Metrics) forget(source string) {
	l := prometheus.Labels{"source": source}
	m.refreshes.DeletePartialMatch(l)
	m.lastSuccess.DeletePartialMatch(l)
	m.clusters.DeletePartialMatch(l)
	m.skipped.DeletePartialMatch(l)
}
