package history

import (
	"fmt"
	"strings"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

// QueryStep is the step the planner evaluates its queries at, and the
// window of their rate()s: one point per hour is enough for monthly
// planning and keeps two years under two range-query chunks.
const QueryStep = time.Hour

// Query is one logical metric of the planner and the PromQL that yields it
// from the exporter's metrics.
type Query struct {
	// Metric is the planner's name, e.g. "connections".
	Metric string
	// Source is the exporter metric read, e.g. "rabbitfleet_connections".
	Source string
	// Rate is true when Source is a counter, read as a per-second rate
	// over QueryStep.
	Rate bool
	// By lists the labels the result keeps; the first is always "cluster".
	By []string
	// PromQL is the query itself.
	PromQL string
	// Optional queries may find no series: the planner then falls back
	// and says so, where a missing traffic series would be an error.
	Optional bool
	// ClusterLabel is the exporter label that names the cluster a series
	// is about, when not "cluster": a federation link's traffic is about
	// its upstream cluster (upstream_cluster), though the downstream one
	// exports it. The query moves it into "cluster".
	ClusterLabel string
}

// MetricRabbitMQVersion is the planner's name for the clusters' RabbitMQ
// versions: 1 while a cluster reports the version in its label
// LabelRabbitMQVersion, no sample otherwise.
const (
	MetricRabbitMQVersion = "rabbitmq_version"
	LabelRabbitMQVersion  = metrics.LabelRabbitMQVersion
)

// Queries returns the planner's metrics, in a fixed order. Names and
// labels come from the exporter's catalogue, so that a rename there is a
// rename here.
func Queries() []Query {
	return []Query{
		query("connections", metrics.Connections, metrics.LabelProtocol),
		query("connections_opened_per_second", metrics.ConnectionsOpenedTotal),
		query("connections_closed_per_second", metrics.ConnectionsClosedTotal),
		query("messages_published_per_second", metrics.ClusterMessagesPublishedTotal),
		query("memory_used_bytes", metrics.NodeMemoryUsedBytes),
		query("memory_limit_bytes", metrics.NodeMemoryLimitBytes),
		query("file_descriptors_used", metrics.NodeFileDescriptorsUsed),
		query("file_descriptors_limit", metrics.NodeFileDescriptorsLimit),
		query("sockets_used", metrics.NodeSocketsUsed),
		query("nodes_running", metrics.NodeRunning),
		info(MetricRabbitMQVersion, metrics.ClusterInfo, LabelRabbitMQVersion),
		optional(query(MetricQueuedMessages, metrics.VhostMessages)),
		federated(),
	}
}

// MetricFederatedMessages is the planner's name for the messages per
// second the federation links took from a cluster: the links' upstream
// queues' acknowledged messages, keyed by the upstream cluster (the
// gateway), whichever cluster exports the link.
const MetricFederatedMessages = "federated_messages_per_second"

// federated reads MetricFederatedMessages: the links' rates summed by
// upstream_cluster, which then becomes cluster. Summed first: links from
// one upstream into two downstream clusters would otherwise collide once
// relabelled. Optional: a history without it takes every message a
// gateway publishes as crossing its links. A link whose upstream names no
// cluster of the exporter's file (upstream_cluster "") is left out.
func federated() Query {
	src := metrics.FederationLinkUpstreamAcknowledgedMessagesTotal
	q := Query{Metric: MetricFederatedMessages, Source: src.Name, Rate: true, By: []string{metrics.LabelCluster},
		Optional: true, ClusterLabel: "upstream_cluster"}
	q.PromQL = fmt.Sprintf(`sum by (%[1]s) (label_replace(sum by (%[2]s) (rate(%[3]s{%[2]s!=""}[1h])), %[1]q, "$1", %[2]q, "(.+)"))`,
		metrics.LabelCluster, q.ClusterLabel, src.Name)
	return q
}

// MetricQueuedMessages is the planner's name for the messages waiting in
// a cluster's queues, summed over its vhosts.
const MetricQueuedMessages = "queued_messages"

// optional marks a query the planner can do without: a history from
// before the planner read it still plans, and says what it left out.
func optional(q Query) Query {
	q.Optional = true
	return q
}

// info reads one label of an info metric (always 1): max, not sum, so that
// two exporters scraping one cluster still give 1. Optional: a history
// from before the planner read it still plans, with the default profile.
func info(metric string, source metrics.Metric, label string) Query {
	q := Query{Metric: metric, Source: source.Name, By: []string{metrics.LabelCluster, label}, Optional: true}
	q.PromQL = "max by (" + strings.Join(q.By, ", ") + ") (" + source.Name + ")"
	return q
}

// query sums source by cluster and the by labels; a counter is read as its
// per-second rate.
func query(metric string, source metrics.Metric, by ...string) Query {
	rate := source.Type == metrics.Counter
	q := Query{Metric: metric, Source: source.Name, Rate: rate, By: append([]string{metrics.LabelCluster}, by...)}
	inner := source.Name
	if rate {
		inner = "rate(" + source.Name + "[1h])" // the window is QueryStep
	}
	q.PromQL = "sum by (" + strings.Join(q.By, ", ") + ") (" + inner + ")"
	return q
}

// queryFor returns the query of a planner metric.
func queryFor(metric string) (Query, bool) {
	for _, q := range Queries() {
		if q.Metric == metric {
			return q, true
		}
	}
	return Query{}, false
}

// MetricCPUBusyCores is the planner's name for a cluster's broker hosts'
// busy cores, read from node_exporter (NodeCPUQuery).
const MetricCPUBusyCores = "cpu_busy_cores"

// NodeCPUQuery reads the busy cores of one cluster's broker hosts: the
// per-second rate of node_exporter's CPU seconds outside idle, iowait and
// steal (time the host waited or was not given), summed over the hosts
// selector picks. node_exporter's series carry no cluster label of ours,
// so the query sets it. Optional: without such series the profile's CPU
// costs stand, and the report says so.
func NodeCPUQuery(cluster, selector string) Query {
	const source = "node_cpu_seconds_total"
	q := Query{Metric: MetricCPUBusyCores, Source: source, Rate: true, By: []string{metrics.LabelCluster}, Optional: true}
	q.PromQL = fmt.Sprintf(`label_replace(sum(rate(%s{mode!~"idle|iowait|steal", %s}[1h])), %q, %q, "", "")`,
		source, selector, metrics.LabelCluster, cluster)
	return q
}
