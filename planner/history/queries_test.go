package history

import (
	"slices"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

// Each query reads a metric of the exporter's catalogue and keeps only
// labels that metric has; a counter is read as a rate, a gauge as is.
func TestQueriesReadTheCatalogue(t *testing.T) {
	for _, q := range Queries() {
		i := slices.IndexFunc(metrics.All(), func(m metrics.Metric) bool { return m.Name == q.Source })
		if i < 0 {
			t.Errorf("%s reads %s, which is not in the catalogue", q.Metric, q.Source)
			continue
		}
		m := metrics.All()[i]
		for _, l := range q.By {
			if !slices.Contains(m.Labels, l) {
				t.Errorf("%s keeps label %q, which %s does not have", q.Metric, l, m.Name)
			}
		}
		if q.Rate != (m.Type == metrics.Counter) {
			t.Errorf("%s: rate %v for a %s", q.Metric, q.Rate, m.Type)
		}
	}
}

// The PromQL the planner sends, spelt out: what Prometheus must answer.
func TestQueriesPromQL(t *testing.T) {
	want := []string{
		"sum by (cluster, protocol) (rabbitfleet_connections)",
		"sum by (cluster) (rate(rabbitfleet_connections_opened_total[1h]))",
		"sum by (cluster) (rate(rabbitfleet_connections_closed_total[1h]))",
		"sum by (cluster) (rate(rabbitfleet_cluster_messages_published_total[1h]))",
		"sum by (cluster) (rabbitfleet_node_memory_used_bytes)",
		"sum by (cluster) (rabbitfleet_node_memory_limit_bytes)",
		"sum by (cluster) (rabbitfleet_node_file_descriptors_used)",
		"sum by (cluster) (rabbitfleet_node_file_descriptors_limit)",
		"sum by (cluster) (rabbitfleet_node_sockets_used)",
		"sum by (cluster) (rabbitfleet_node_running)",
		"max by (cluster, rabbitmq_version) (rabbitfleet_cluster_info)",
		"sum by (cluster) (rabbitfleet_vhost_messages)",
		`sum by (cluster) (label_replace(sum by (upstream_cluster) (rate(rabbitfleet_federation_link_upstream_acknowledged_messages_total{upstream_cluster!=""}[1h])), "cluster", "$1", "upstream_cluster", "(.+)"))`,
	}
	var got []string
	for _, q := range Queries() {
		got = append(got, q.PromQL)
	}
	if !slices.Equal(got, want) {
		t.Errorf("PromQL:\n got %q\nwant %q", got, want)
	}
}
