package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/mgmt"
)

func init() { register("cluster", everyScrape, func() Collector { return clusterCollector{} }) }

var (
	clusterInfoDesc = newDesc("cluster_info", "gauge",
		"Always 1: the cluster's RabbitMQ cluster_name and versions.", "cluster_name", "rabbitmq_version", "erlang_version")
	clusterObjectsDesc = newDesc("cluster_objects", "gauge",
		"Objects in the cluster by kind (connections, channels, exchanges, queues, consumers), from /api/overview.", "kind")
)

// clusterCollector reports identity and object totals from the overview the
// scraper already fetched: it costs no request of its own.
type clusterCollector struct{}

func (clusterCollector) Update(_ context.Context, t *Target, ch chan<- prometheus.Metric) error {
	o := t.Overview()
	ch <- t.gauge(clusterInfoDesc, 1, o.ClusterName, o.RabbitMQVersion, o.ErlangVersion)
	totals := []struct {
		kind string
		n    mgmt.Number
	}{
		{"connections", o.ObjectTotals.Connections},
		{"channels", o.ObjectTotals.Channels},
		{"exchanges", o.ObjectTotals.Exchanges},
		{"queues", o.ObjectTotals.Queues},
		{"consumers", o.ObjectTotals.Consumers},
	}
	for _, tot := range totals {
		if tot.n.Set {
			ch <- t.gauge(clusterObjectsDesc, tot.n.Value, tot.kind)
		}
	}
	return nil
}
