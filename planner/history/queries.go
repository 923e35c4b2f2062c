package history

import (
	"strings"
	"time"
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
	// Rate is true when Source is a counter read as a per-second rate over
	// QueryStep.
	Rate bool
	// By lists the labels the result keeps; the first is always "cluster".
	By []string
	// PromQL is the query itself.
	PromQL string
}

// Queries returns the planner's metrics, in a fixed order.
func Queries() []Query {
	return []Query{
		query("connections", "rabbitfleet_connections", false, "protocol"),
		query("connections_opened_per_second", "rabbitfleet_connections_opened_total", true),
		query("connections_closed_per_second", "rabbitfleet_connections_closed_total", true),
		query("messages_published_per_second", "rabbitfleet_cluster_messages_published_total", true),
		query("memory_used_bytes", "rabbitfleet_node_memory_used_bytes", false),
		query("memory_limit_bytes", "rabbitfleet_node_memory_limit_bytes", false),
		query("file_descriptors_used", "rabbitfleet_node_file_descriptors_used", false),
		query("file_descriptors_limit", "rabbitfleet_node_file_descriptors_limit", false),
		query("sockets_used", "rabbitfleet_node_sockets_used", false),
		query("nodes_running", "rabbitfleet_node_running", false),
	}
}

func query(metric, source string, rate bool, by ...string) Query {
	q := Query{Metric: metric, Source: source, Rate: rate, By: append([]string{"cluster"}, by...)}
	inner := source
	if rate {
		inner = "rate(" + source + "[1h])" // the window is QueryStep
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
