package plan

import (
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// The node metrics the capacity fit reads (history.Queries' names).
const (
	metricMemoryUsed  = "memory_used_bytes"
	metricMemoryLimit = "memory_limit_bytes"
	metricFDUsed      = "file_descriptors_used"
	metricFDLimit     = "file_descriptors_limit"
	metricNodes       = "nodes_running"
)

// capacityRule is the targets' rule for which figures drive sizing.
func capacityRule(t fleet.Targets) capacity.Rule {
	return capacity.Rule{Source: t.CapacitySource, MinR2: t.MinFitR2, MinSamples: t.MinFitSamples}
}

// clusterSamples are the series of a cluster's history the capacity fits
// read, conns its connections.
func clusterSamples(h *history.Snapshot, g fleet.Cluster, conns *history.Series) capacity.Samples {
	values := func(metric string) []float64 {
		if x := h.Sum(metric, g.Name); x != nil {
			return x.Values
		}
		return nil
	}
	s := capacity.Samples{
		Nodes: values(metricNodes), DefaultNodes: float64(g.Nodes),
		MemoryUsed: values(metricMemoryUsed), MemoryLimit: values(metricMemoryLimit),
		FDUsed: values(metricFDUsed), FDLimit: values(metricFDLimit),
		CPUBusy: values(history.MetricCPUBusyCores), OpensPerSecond: values(metricOpened), MessagesPerSecond: values(metricPublished),
		Queued: values(history.MetricQueuedMessages),
	}
	if conns != nil {
		s.Connections = conns.Values
	}
	return s
}

// capacityChoice fits a cluster's capacity from its samples and applies
// rule: the profile and limits it is sized with.
func capacityChoice(s capacity.Samples, g fleet.Cluster, cat *catalog.Catalog, p capacity.Profile, rule capacity.Rule) capacity.Choice {
	var ram float64
	if ty, ok := cat.Lookup(g.InstanceType); ok {
		ram = ty.MemoryGiB * (1 << 30)
	}
	o := capacity.Fit(s)
	o.CPU = capacity.FitCPU(s, p)
	return capacity.Choose(p, capacity.DefaultLimits(), ram, o, rule)
}

// reportCapacity is a choice's figures and profile for the report.
func reportCapacity(name string, c capacity.Choice, sel capacity.Selection) report.CapacityFit {
	out := report.CapacityFit{Cluster: name, RabbitMQVersion: sel.ClusterVersion, Profile: reportProfile(sel)}
	for _, f := range c.Figures {
		rf := report.CapacityFigure{
			Name: f.Name, Unit: f.Unit, Samples: f.N, Profile: f.Profile, Used: f.Used, Why: f.Why, Differs: f.Differs(),
		}
		if f.HasObserved {
			v := f.Observed
			rf.Observed = &v
		}
		if f.N > 0 {
			r2 := f.R2
			rf.R2 = &r2
		}
		out.Figures = append(out.Figures, rf)
	}
	return out
}
