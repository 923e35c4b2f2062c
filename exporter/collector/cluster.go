package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("cluster", everyScrape, func() Collector { return clusterCollector{} }) }

var (
	clusterInfoDesc = newDesc("cluster_info", "gauge",
		"Always 1: the cluster's RabbitMQ cluster_name and versions.", "cluster_name", "rabbitmq_version", "erlang_version")
	clusterObjectsDesc = newDesc("cluster_objects", "gauge",
		"Objects in the cluster by kind (connections, channels, exchanges, queues, consumers), from /api/overview.", "kind")
	messagesPublishedDesc = newDesc("cluster_messages_published_total", "counter",
		"Messages published into the cluster since its statistics started (all vhosts, all nodes).")
	messagesConfirmedDesc = newDesc("cluster_messages_confirmed_total", "counter",
		"Messages confirmed to publishers since the cluster's statistics started.")
	messagesDeliveredDesc = newDesc("cluster_messages_delivered_total", "counter",
		"Messages delivered to consumers or fetched with basic.get since the cluster's statistics started.")
	messagesAcknowledgedDesc = newDesc("cluster_messages_acknowledged_total", "counter",
		"Messages acknowledged by consumers since the cluster's statistics started.")
	messagesRedeliveredDesc = newDesc("cluster_messages_redelivered_total", "counter",
		"Messages delivered again after a consumer failed to acknowledge them.")
	messagesUnroutableDroppedDesc = newDesc("cluster_messages_unroutable_dropped_total", "counter",
		"Published messages that matched no queue and were dropped.")
	messagesUnroutableReturnedDesc = newDesc("cluster_messages_unroutable_returned_total", "counter",
		"Mandatory published messages that matched no queue and were returned to the publisher.")
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
	// A cluster that has seen no message yet has no such counter: absent,
	// not 0, so that a rate never jumps from a made-up zero.
	ms := o.MessageStats
	for _, c := range []struct {
		desc *prometheus.Desc
		n    mgmt.Number
	}{
		{messagesPublishedDesc, ms.Publish},
		{messagesConfirmedDesc, ms.Confirm},
		{messagesDeliveredDesc, ms.DeliverGet},
		{messagesAcknowledgedDesc, ms.Ack},
		{messagesRedeliveredDesc, ms.Redeliver},
		{messagesUnroutableDroppedDesc, ms.DropUnroutable},
		{messagesUnroutableReturnedDesc, ms.ReturnUnroutable},
	} {
		if c.n.Set {
			ch <- t.counter(c.desc, c.n.Value)
		}
	}
	return nil
}
