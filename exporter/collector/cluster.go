package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("cluster", everyScrape, func() Collector { return clusterCollector{} }) }

var (
	clusterInfoDesc                = metrics.ClusterInfo.Desc()
	clusterObjectsDesc             = metrics.ClusterObjects.Desc()
	messagesPublishedDesc          = metrics.ClusterMessagesPublishedTotal.Desc()
	messagesConfirmedDesc          = metrics.ClusterMessagesConfirmedTotal.Desc()
	messagesDeliveredDesc          = metrics.ClusterMessagesDeliveredTotal.Desc()
	messagesAcknowledgedDesc       = metrics.ClusterMessagesAcknowledgedTotal.Desc()
	messagesRedeliveredDesc        = metrics.ClusterMessagesRedeliveredTotal.Desc()
	messagesUnroutableDroppedDesc  = metrics.ClusterMessagesUnroutableDroppedTotal.Desc()
	messagesUnroutableReturnedDesc = metrics.ClusterMessagesUnroutableReturnedTotal.Desc()
)

// clusterCollector reports identity and object totals from the overview the
// scraper already fetched: it costs no request of its own.
type clusterCollector struct{}

func (clusterCollector) Update(_ context.Context, t *Target, ch chan<- prometheus.Metric) error {
	o := t.Overview()
	ch <- t.gauge(clusterInfoDesc, 1, o.ClusterName, o.RabbitMQVersion, o.ErlangVersion)
	emitSource(t, ch)
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
