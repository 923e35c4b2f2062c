package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("churn", everyScrape, func() Collector { return churnCollector{} }) }

var churnCounters = []struct {
	desc  *prometheus.Desc
	value func(*mgmt.Node) mgmt.Number
}{
	{newDesc("connections_opened_total", "counter", "Connections opened on the node since it started.", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.ConnectionCreated }},
	{newDesc("connections_closed_total", "counter", "Connections closed on the node since it started.", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.ConnectionClosed }},
	{newDesc("channels_opened_total", "counter", "Channels opened on the node since it started.", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.ChannelCreated }},
	{newDesc("channels_closed_total", "counter", "Channels closed on the node since it started.", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.ChannelClosed }},
	{newDesc("queues_declared_total", "counter", "Queue declarations on the node since it started (including redeclarations).", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.QueueDeclared }},
	{newDesc("queues_created_total", "counter", "Queues created on the node since it started.", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.QueueCreated }},
	{newDesc("queues_deleted_total", "counter", "Queues deleted on the node since it started.", "node"),
		func(n *mgmt.Node) mgmt.Number { return n.QueueDeleted }},
}

// churnCollector exports the per-node churn counters. Counters, not the API's
// rates, so that Prometheus computes rates over any window it likes.
type churnCollector struct{}

func (churnCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	nodes, err := t.Nodes(ctx)
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
