package metrics

import "github.com/prometheus/client_golang/prometheus"

// Type is a metric's Prometheus type, as the text exposition spells it.
type Type string

const (
	Gauge     Type = "gauge"
	Counter   Type = "counter"
	Histogram Type = "histogram"
)

// Metric is one metric family the exporter serves.
type Metric struct {
	Name   string
	Type   Type
	Help   string
	Labels []string // in the order the exporter passes their values
}

// Label names other packages select or group by; the catalogue uses the
// same constants so that renaming one renames it everywhere.
const (
	LabelCluster  = "cluster"
	LabelProtocol = "protocol"
	// LabelRabbitMQVersion is rabbitfleet_cluster_info's broker version,
	// which the planner chooses capacity profiles by.
	LabelRabbitMQVersion = "rabbitmq_version"
)

// clusterLabels come first on every per-cluster series, so that dashboards
// and alerts can select by role and region without joining an info metric.
var clusterLabels = []string{LabelCluster, "role", "region"}

// linkLabels identify a federation link, after the cluster's.
var linkLabels = []string{"vhost", "upstream", "upstream_cluster", "type", "exchange", "queue"}

func perCluster(labels ...string) []string {
	return append(append([]string{}, clusterLabels...), labels...)
}

func perLink(labels ...string) []string {
	return perCluster(append(append([]string{}, linkLabels...), labels...)...)
}

// Desc is the descriptor of the metric's const metrics; their label values
// go in Labels' order.
func (m Metric) Desc() *prometheus.Desc {
	return prometheus.NewDesc(m.Name, m.Help, m.Labels, nil)
}

// NewCounterVec builds a counter vector of the metric.
func (m Metric) NewCounterVec() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: m.Name, Help: m.Help}, m.Labels)
}

// NewGaugeVec builds a gauge vector of the metric.
func (m Metric) NewGaugeVec() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: m.Name, Help: m.Help}, m.Labels)
}

// NewGauge builds the metric as a single gauge (it has no labels).
func (m Metric) NewGauge() prometheus.Gauge {
	return prometheus.NewGauge(prometheus.GaugeOpts{Name: m.Name, Help: m.Help})
}
