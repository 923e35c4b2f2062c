package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("nodes", everyScrape, func() Collector { return nodesCollector{} }) }

var (
	nodeRunningDesc = metrics.NodeRunning.Desc()
	nodeAlarmDesc   = metrics.NodeAlarm.Desc()
	nodePartitions  = metrics.NodePartitions.Desc()
)

// socketsUntracked reports a node that no longer counts sockets apart from
// file descriptors: RabbitMQ 4.0 and later answer sockets_used and
// sockets_total with 0, which is no limit at all, so neither is exported.
func socketsUntracked(n *mgmt.Node) bool { return n.SocketsTotal.Set && n.SocketsTotal.Value == 0 }

var nodeGauges = []struct {
	desc  *prometheus.Desc
	value func(*mgmt.Node) mgmt.Number
	scale float64
}{
	{metrics.NodeMemoryUsedBytes.Desc(), func(n *mgmt.Node) mgmt.Number { return n.MemUsed }, 1},
	{metrics.NodeMemoryLimitBytes.Desc(), func(n *mgmt.Node) mgmt.Number { return n.MemLimit }, 1},
	{metrics.NodeDiskFreeBytes.Desc(), func(n *mgmt.Node) mgmt.Number { return n.DiskFree }, 1},
	{metrics.NodeDiskFreeLimitBytes.Desc(), func(n *mgmt.Node) mgmt.Number { return n.DiskFreeLimit }, 1},
	{metrics.NodeFileDescriptorsUsed.Desc(), func(n *mgmt.Node) mgmt.Number { return n.FDUsed }, 1},
	{metrics.NodeFileDescriptorsLimit.Desc(), func(n *mgmt.Node) mgmt.Number { return n.FDTotal }, 1},
	{metrics.NodeSocketsUsed.Desc(), func(n *mgmt.Node) mgmt.Number { return unlessUntracked(n, n.SocketsUsed) }, 1},
	{metrics.NodeSocketsLimit.Desc(), func(n *mgmt.Node) mgmt.Number { return unlessUntracked(n, n.SocketsTotal) }, 1},
	{metrics.NodeErlangProcessesUsed.Desc(), func(n *mgmt.Node) mgmt.Number { return n.ProcUsed }, 1},
	{metrics.NodeErlangProcessesLimit.Desc(), func(n *mgmt.Node) mgmt.Number { return n.ProcTotal }, 1},
	{metrics.NodeRunQueue.Desc(), func(n *mgmt.Node) mgmt.Number { return n.RunQueue }, 1},
	{metrics.NodeUptimeSeconds.Desc(), func(n *mgmt.Node) mgmt.Number { return n.UptimeMillis }, 1e-3},
}

// nodesCollector exports resources, limits and alarms of every node.
type nodesCollector struct{}

func (nodesCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	nodes, err := t.Nodes(ctx)
	if err != nil {
		return err
	}
	for i := range nodes {
		n := &nodes[i]
		ch <- t.gauge(nodeRunningDesc, boolFloat(n.Running), n.Name)
		if !n.Running {
			continue // a stopped node reports no resources
		}
		ch <- t.gauge(nodeAlarmDesc, boolFloat(n.MemAlarm), n.Name, "memory")
		ch <- t.gauge(nodeAlarmDesc, boolFloat(n.DiskFreeAlarm), n.Name, "disk")
		ch <- t.gauge(nodePartitions, float64(len(n.Partitions)), n.Name)
		for _, g := range nodeGauges {
			if v := g.value(n); v.Set {
				ch <- t.gauge(g.desc, v.Value*g.scale, n.Name)
			}
		}
	}
	return nil
}

func unlessUntracked(n *mgmt.Node, v mgmt.Number) mgmt.Number {
	if socketsUntracked(n) {
		return mgmt.Number{}
	}
	return v
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
