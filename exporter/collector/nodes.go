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
	// Neither socket series where the node does not count sockets (4.0+).
	{metrics.NodeSocketsUsed.Desc(), func(n *mgmt.Node) mgmt.Number { used, _, _ := n.Sockets(); return used }, 1},
	{metrics.NodeSocketsLimit.Desc(), func(n *mgmt.Node) mgmt.Number { _, limit, _ := n.Sockets(); return limit }, 1},
	{metrics.NodeErlangProcessesUsed.Desc(), func(n *mgmt.Node) mgmt.Number { return n.ProcUsed }, 1},
	{metrics.NodeErlangProcessesLimit.Desc(), func(n *mgmt.Node) mgmt.Number { return n.ProcTotal }, 1},
	{metrics.NodeRunQueue.Desc(), func(n *mgmt.Node) mgmt.Number { return n.RunQueue }, 1},
	{metrics.NodeUptimeSeconds.Desc(), func(n *mgmt.Node) mgmt.Number { return n.UptimeMillis }, 1e-3},
}

// nodesCollector exports resources, limits and alarms of every node.
type nodesCollector struct{}

func (nodesCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	nodes, err := t.figureNodes(ctx)
	if err != nil {
		return err
	}
	for i := range nodes {
		n := &nodes[i]
		ch <- t.gauge(nodeRunningDesc, boolFloat(n.Running), n.Name)
		if !n.Running {
			continue // a stopped node reports no resources
		}
		// Without the management metrics collector a node reports neither
		// alarms nor partitions: absent, not a made-up "no alarm".
		if n.MemAlarm.Set {
			ch <- t.gauge(nodeAlarmDesc, boolFloat(n.MemAlarm.Value), n.Name, "memory")
		}
		if n.DiskFreeAlarm.Set {
			ch <- t.gauge(nodeAlarmDesc, boolFloat(n.DiskFreeAlarm.Value), n.Name, "disk")
		}
		if n.Partitions != nil {
			ch <- t.gauge(nodePartitions, float64(len(n.Partitions)), n.Name)
		}
		for _, g := range nodeGauges {
			if v := g.value(n); v.Set {
				ch <- t.gauge(g.desc, v.Value*g.scale, n.Name)
			}
		}
	}
	return nil
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
