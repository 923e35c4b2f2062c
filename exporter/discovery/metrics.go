package discovery

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/collector"
)

// Metrics are discovery's own series. They outlive a Discoverer, which a
// configuration reload replaces, so they are registered once.
type Metrics struct {
	refreshes   *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	clusters    *prometheus.GaugeVec
	skipped     *prometheus.GaugeVec
}

// Documented in the collectors' catalog so that the README reference covers them.
var (
	refreshesDoc = documented("counter", "rabbitfleet_discovery_refreshes_total",
		"Discovery refreshes by source and outcome (success, failure). A failed refresh keeps the clusters found last.", "source", "outcome")
	lastSuccessDoc = documented("gauge", "rabbitfleet_discovery_last_refresh_success_timestamp_seconds",
		"Time of the source's last successful refresh.", "source")
	clustersDoc = documented("gauge", "rabbitfleet_discovery_clusters",
		"Clusters the source found at its last successful refresh (before merging with the static clusters).", "source")
	skippedDoc = documented("gauge", "rabbitfleet_discovery_skipped_instances",
		"Instances left out at the source's last successful refresh, by reason (missing_tag, bad_tag, no_address, conflicting_tags).", "source", "reason")
)

type metricDoc struct {
	name, help string
	labels     []string
}

func documented(kind, name, help string, labels ...string) metricDoc {
	collector.Document(name, kind, help, labels...)
	return metricDoc{name, help, labels}
}

func (d metricDoc) gaugeVec() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: d.name, Help: d.help}, d.labels)
}

// NewMetrics builds the metrics; register them with the exporter's own registry.
func NewMetrics() *Metrics {
	return &Metrics{
		refreshes:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: refreshesDoc.name, Help: refreshesDoc.help}, refreshesDoc.labels),
		lastSuccess: lastSuccessDoc.gaugeVec(),
		clusters:    clustersDoc.gaugeVec(),
		skipped:     skippedDoc.gaugeVec(),
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
