package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("churn", everyScrape, func() Collector { return churnCollector{} }) }

var churnCounters = []struct {
	desc  *prometheus.Desc
	value func(*mgmt.Node) mgmt.Number
}{
	{metrics.ConnectionsOpenedTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.ConnectionCreated }},
	{metrics.ConnectionsClosedTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.ConnectionClosed }},
	{metrics.ChannelsOpenedTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.ChannelCreated }},
	{metrics.ChannelsClosedTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.ChannelClosed }},
	{metrics.QueuesDeclaredTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.QueueDeclared }},
	{metrics.QueuesCreatedTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.QueueCreated }},
	{metrics.QueuesDeletedTotal.Desc(),
		func(n *mgmt.Node) mgmt.Number { return n.QueueDeleted }},
}

// churnCollector exports the per-node churn counters. Counters, not the API's
// rates, so that Prometheus computes rates over any window it likes.
type churnCollector struct{}

func (churnCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	nodes, err := t.figureNodes(ctx)
	if err != nil {
		return err
	}
	for i := range nodes {
		n := &nodes[i]
		for _, c := range churnCounters {
			if v := c.value(n); v.Set {
				ch <- t.counter(c.desc, v.Value, n.Name)
			}
		}
	}
	return nil
}
