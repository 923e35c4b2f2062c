package history

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func TestQueries(t *testing.T) {
	want := []string{
		"connections: sum by (cluster, protocol) (rabbitfleet_connections)",
		"connections_opened_per_second: sum by (cluster) (rate(rabbitfleet_connections_opened_total[1h]))",
		"connections_closed_per_second: sum by (cluster) (rate(rabbitfleet_connections_closed_total[1h]))",
		"messages_published_per_second: sum by (cluster) (rate(rabbitfleet_cluster_messages_published_total[1h]))",
		"memory_used_bytes: sum by (cluster) (rabbitfleet_node_memory_used_bytes)",
		"memory_limit_bytes: sum by (cluster) (rabbitfleet_node_memory_limit_bytes)",
		"file_descriptors_used: sum by (cluster) (rabbitfleet_node_file_descriptors_used)",
		"file_descriptors_limit: sum by (cluster) (rabbitfleet_node_file_descriptors_limit)",
		"sockets_used: sum by (cluster) (rabbitfleet_node_sockets_used)",
		"nodes_running: sum by (cluster) (rabbitfleet_node_running)",
		"rabbitmq_version: max by (cluster, rabbitmq_version) (rabbitfleet_cluster_info)",
		"queued_messages: sum by (cluster) (rabbitfleet_vhost_messages)",
		`federated_messages_per_second: sum by (cluster) (label_replace(sum by (upstream_cluster) (rate(rabbitfleet_federation_link_upstream_acknowledged_messages_total{upstream_cluster!=""}[1h])), "cluster", "$1", "upstream_cluster", "(.+)"))`,
	}
	var got []string
	for _, q := range Queries() {
		got = append(got, q.Metric+": "+q.PromQL)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("queries\n%q\nwant\n%q", got, want)
	}
}

// The version now is the label of the series with the latest sample;
// both while two share it (a rolling upgrade); none without samples.
func TestLastLabel(t *testing.T) {
	nan := math.NaN()
	v := func(cluster, version string, values ...float64) Series {
		return Series{Metric: MetricRabbitMQVersion, Cluster: cluster, Labels: map[string]string{LabelRabbitMQVersion: version},
			Start: t2026, Step: time.Hour, Values: values}
	}
	s := &Snapshot{Series: []Series{
		v("upgraded", "3.13.7", 1, 1, nan), v("upgraded", "4.0.5", nan, 1, 1),
		v("upgrading", "4.0.5", nan, 1, 1), v("upgrading", "3.13.7", 1, 1, 1),
		v("silent", "4.0.5", nan, nan, nan),
		v("stopped", "4.0.5", 1, nan, nan),
	}}
	for cluster, want := range map[string][]string{
		"upgraded": {"4.0.5"}, "upgrading": {"3.13.7", "4.0.5"}, "silent": nil, "stopped": {"4.0.5"}, "absent": nil,
	} {
		if got := s.LastLabel(MetricRabbitMQVersion, cluster, LabelRabbitMQVersion); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", cluster, got, want)
		}
	}
}

func TestFindSumClusters(t *testing.T) {
	nan := math.NaN()
	s := small()
	s.Series = append(s.Series, Series{Metric: "connections", Cluster: "gw", Labels: map[string]string{"protocol": "amqp091"},
		Start: t2026, Step: time.Hour, Values: []float64{1, nan, nan}})
	s.Series[1].Values = []float64{3, nan, 5}

	if x := s.Find("connections", "gw", map[string]string{"protocol": "mqtt"}); x == nil || x != &s.Series[2] {
		t.Errorf("Find mqtt = %v", x)
	}
	if x := s.Find("memory_used_bytes", "backend", map[string]string{}); x != &s.Series[0] {
		t.Errorf("Find with empty labels = %v", x)
	}
	if x := s.Find("connections", "gw", nil); x != nil {
		t.Errorf("Find without the protocol label = %v, want nil", x)
	}

	sum := s.Sum("connections", "gw")
	// mqtt 10, NaN, -0.5; stomp 3, NaN, 5; amqp091 1, NaN, NaN.
	want := []float64{14, nan, 4.5}
	if sum == nil || sum.Labels != nil || sum.Metric != "connections" || sum.Cluster != "gw" || !sum.Start.Equal(t2026) || sum.Step != time.Hour {
		t.Fatalf("Sum = %+v", sum)
	}
	for i := range want {
		if math.Float64bits(sum.Values[i]) != math.Float64bits(want[i]) {
			t.Errorf("Sum value %d = %v, want %v", i, sum.Values[i], want[i])
		}
	}
	if s.Series[2].Values[0] != 10 {
		t.Error("Sum changed a series")
	}
	if s.Sum("connections", "nowhere") != nil {
		t.Error("Sum of nothing is not nil")
	}
	s.Series[3].Values = s.Series[3].Values[:2]
	if s.Sum("connections", "gw") != nil {
		t.Error("Sum of series of unequal length is not nil")
	}
	s.Series = append(s.Series, Series{Metric: "connections", Cluster: "a"})
	if got := s.Clusters("connections"); !reflect.DeepEqual(got, []string{"a", "gw"}) {
		t.Errorf("Clusters = %q", got)
	}
}

func TestSortSeries(t *testing.T) {
	s := []Series{
		{Metric: "b", Cluster: "x"},
		{Metric: "a", Cluster: "y", Labels: map[string]string{"protocol": "stomp"}},
		{Metric: "a", Cluster: "y", Labels: map[string]string{"protocol": "mqtt"}},
		{Metric: "a", Cluster: "y"},
		{Metric: "a", Cluster: "x", Labels: map[string]string{"z": "1"}},
	}
	SortSeries(s)
	var got []string
	for i := range s {
		got = append(got, describe(&s[i]))
	}
	want := []string{`a x {z="1"}`, `a y`, `a y {protocol="mqtt"}`, `a y {protocol="stomp"}`, `b x`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}
