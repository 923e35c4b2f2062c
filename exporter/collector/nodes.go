package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("nodes", everyScrape, func() Collector { return nodesCollector{} }) }

var (
	nodeRunningDesc = newDesc("node_running", "gauge", "1 if the node is running, 0 if the cluster knows it but it is down.", "node")
	nodeAlarmDesc   = newDesc("node_alarm", "gauge", "1 while the node's resource alarm is raised (publishers are blocked), by alarm (memory, disk).", "node", "alarm")
	nodePartitions  = newDesc("node_partitions", "gauge", "Number of nodes this node sees as partitioned away.", "node")
)

var nodeGauges = []struct {
	desc  *prometheus.Desc
	value func(*mgmt.Node) mgmt.Number
	scale float64
}{
	{newDesc("node_memory_used_bytes", "gauge", "Memory used by the node.", "node"), func(n *mgmt.Node) mgmt.Number { return n.MemUsed }, 1},
	{newDesc("node_memory_limit_bytes", "gauge", "Memory high watermark: above it the memory alarm blocks publishers.", "node"), func(n *mgmt.Node) mgmt.Number { return n.MemLimit }, 1},
	{newDesc("node_disk_free_bytes", "gauge", "Free disk space on the node's data partition.", "node"), func(n *mgmt.Node) mgmt.Number { return n.DiskFree }, 1},
	{newDesc("node_disk_free_limit_bytes", "gauge", "Free disk space below which the disk alarm blocks publishers.", "node"), func(n *mgmt.Node) mgmt.Number { return n.DiskFreeLimit }, 1},
	{newDesc("node_file_descriptors_used", "gauge", "File descriptors open on the node.", "node"), func(n *mgmt.Node) mgmt.Number { return n.FDUsed }, 1},
	{newDesc("node_file_descriptors_limit", "gauge", "File descriptors the node may open.", "node"), func(n *mgmt.Node) mgmt.Number { return n.FDTotal }, 1},
	{newDesc("node_sockets_used", "gauge", "Sockets open on the node.", "node"), func(n *mgmt.Node) mgmt.Number { return n.SocketsUsed }, 1},
	{newDesc("node_sockets_limit", "gauge", "Sockets the node may open.", "node"), func(n *mgmt.Node) mgmt.Number { return n.SocketsTotal }, 1},
	{newDesc("node_erlang_processes_used", "gauge", "Erlang processes on the node.", "node"), func(n *mgmt.Node) mgmt.Number { return n.ProcUsed }, 1},
	{newDesc("node_erlang_processes_limit", "gauge", "Erlang processes the node may run.", "node"), func(n *mgmt.Node) mgmt.Number { return n.ProcTotal }, 1},
	{newDesc("node_run_queue", "gauge", "Erlang processes waiting for a scheduler.", "node"), func(n *mgmt.Node) mgmt.Number { return n.RunQueue }, 1},
	{newDesc("node_uptime_seconds", "gauge", "Time since the node started.", "node"), func(n *mgmt.Node) mgmt.Number { return n.UptimeMillis }, 1e-3},
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

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
