package exporter

import (
	"os"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakeprom"
)

// The answers of a real RabbitMQ 4.3.6 node started with
// management_agent.disable_metrics_collector = true, recorded with the
// exporter's own queries (exporter/brokerprom/testdata).
func statsOff(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("brokerprom/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// statsOffBackend serves the 4.3.6 backend's management API as recorded:
// object totals, node names and queue names only.
func statsOffBackend(t *testing.T) *fakemgmt.Recorded {
	t.Helper()
	r := fakemgmt.NewRecorded(t, plantedPassword, nil)
	for path, file := range map[string]string{
		"/api/overview":          "overview.json",
		"/api/nodes":             "nodes.json",
		"/api/queues":            "queues.json",
		"/api/queues/%2F/orders": "queue-orders.json",
		"/api/vhosts":            "vhosts.json",
		"/api/federation-links":  "federation-links.json",
	} {
		r.Set(path, 0, statsOff(t, file))
	}
	r.Set("/api/connections", 0, "[]")
	return r
}

// statsOffNode serves the same node's /metrics/detailed as recorded.
func statsOffNode(t *testing.T) *fakeprom.Node {
	t.Helper()
	return fakeprom.NewRecorded(t, "brokerprom/testdata")
}

// With statistics off, auto reads node resources, churn and queue depths
// from the node's Prometheus endpoint, with the exact recorded values, and
// keeps what the management API still gives.
func TestAutoReadsPrometheusWhenStatisticsAreOff(t *testing.T) {
	api, node := statsOffBackend(t), statsOffNode(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("backend", "backend", api.URL, "    prometheus_urls: ["+node.URL+"]\n"))
	code, body := warmScrape(t, srv.MetricsHandler(), "/metrics", "5")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	n := `node="backend@localhost"`
	expect(t, body, []want{
		{"rabbitfleet_cluster_figures_source", []string{`source="prometheus"`}, "1"},
		{"rabbitfleet_cluster_figures_source", []string{`source="management"`}, "0"},
		{"rabbitfleet_node_running", []string{n}, "1"},
		{"rabbitfleet_node_file_descriptors_used", []string{n}, "41"},
		{"rabbitfleet_node_file_descriptors_limit", []string{n}, "20000"},
		{"rabbitfleet_node_memory_used_bytes", []string{n}, "1.4166016e+08"},
		{"rabbitfleet_node_memory_limit_bytes", []string{n}, "1.5165694771e+10"},
		{"rabbitfleet_node_disk_free_bytes", []string{n}, "7.785177088e+10"},
		{"rabbitfleet_node_disk_free_limit_bytes", []string{n}, "5e+07"},
		{"rabbitfleet_node_erlang_processes_used", []string{n}, "451"},
		{"rabbitfleet_node_erlang_processes_limit", []string{n}, "1.048576e+06"},
		{"rabbitfleet_node_run_queue", []string{n}, "0"},
		{"rabbitfleet_node_uptime_seconds", []string{n}, "158.645"},
		{"rabbitfleet_connections_opened_total", []string{n}, "20"},
		{"rabbitfleet_connections_closed_total", []string{n}, "20"},
		{"rabbitfleet_channels_opened_total", []string{n}, "20"},
		{"rabbitfleet_queues_declared_total", []string{n}, "3"},
		{"rabbitfleet_queues_created_total", []string{n}, "3"},
		{"rabbitfleet_queues_deleted_total", []string{n}, "0"},
		{"rabbitfleet_queue_messages", []string{`queue="orders"`}, "3"},
		{"rabbitfleet_queue_messages_ready", []string{`queue="orders"`}, "3"},
		{"rabbitfleet_queue_messages_unacknowledged", []string{`queue="orders"`}, "0"},
		{"rabbitfleet_vhost_queues", []string{`vhost="/"`}, "3"},
		{"rabbitfleet_vhost_messages", []string{`vhost="/"`}, "3"},
		{"rabbitfleet_vhost_messages_ready", []string{`vhost="/"`}, "3"},
		{"rabbitfleet_vhost_messages_unacknowledged", []string{`vhost="/"`}, "0"},
		// Still from the management API.
		{"rabbitfleet_cluster_objects", []string{`kind="queues"`}, "3"},
		{"rabbitfleet_cluster_objects", []string{`kind="exchanges"`}, "9"},
		{"rabbitfleet_cluster_objects", []string{`kind="connections"`}, "0"},
		{"rabbitfleet_federation_link_status", []string{`upstream="gateway-us"`, `status="error"`}, "1"},
		{"rabbitfleet_scrape_collector_success", []string{`collector="nodes"`}, "1"},
		{"rabbitfleet_scrape_collector_success", []string{`collector="queues"`}, "1"},
	})
	// Figures neither source has are absent, never 0.
	for _, name := range []string{
		"rabbitfleet_node_alarm", "rabbitfleet_node_partitions", "rabbitfleet_node_sockets_used", "rabbitfleet_node_sockets_limit",
		"rabbitfleet_vhost_consumers", "rabbitfleet_vhost_queues_without_consumers", "rabbitfleet_queue_consumers",
		"rabbitfleet_cluster_objects{cluster=\"backend\",role=\"backend\",region=\"test\",kind=\"channels\"}",
		"rabbitfleet_cluster_messages_published_total", "rabbitfleet_scrape_errors_total",
	} {
		absent(t, body, name)
	}
	// The vhosts collector asks nothing in this mode; the node families come
	// in one request per scrape.
	if hits := api.Hits("/api/vhosts"); hits != 0 {
		t.Errorf("/api/vhosts read %d times, want 0 in prometheus mode", hits)
	}
	nodeReqs := 0
	for _, q := range node.Queries() {
		if q == fakeprom.NodeQuery {
			nodeReqs++
		}
	}
	if scrapes := api.Hits("/api/overview"); nodeReqs != scrapes {
		t.Errorf("%d node-family requests in %d scrapes, want one per scrape", nodeReqs, scrapes)
	}
}

// Forced to the management API on a node without statistics, the exporter
// exports what that API still has and nothing made up.
func TestForcedManagementWithStatisticsOff(t *testing.T) {
	api, node := statsOffBackend(t), statsOffNode(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("backend", "backend", api.URL,
		"    figures_from: management\n    prometheus_urls: ["+node.URL+"]\n"))
	_, body := warmScrape(t, srv.MetricsHandler(), "/metrics", "5")
	expect(t, body, []want{
		{"rabbitfleet_cluster_figures_source", []string{`source="management"`}, "1"},
		{"rabbitfleet_node_running", nil, "1"},
		{"rabbitfleet_vhost_queues", []string{`vhost="/"`}, "3"},
		{"rabbitfleet_cluster_objects", []string{`kind="queues"`}, "3"},
	})
	for _, name := range []string{
		"rabbitfleet_node_file_descriptors", "rabbitfleet_node_memory", "rabbitfleet_node_uptime_seconds", "rabbitfleet_node_alarm",
		"rabbitfleet_node_partitions", "rabbitfleet_connections_opened_total", "rabbitfleet_queue_", "rabbitfleet_vhost_messages",
		"rabbitfleet_vhost_consumers",
	} {
		absent(t, body, name)
	}
	if len(node.Queries()) != 0 {
		t.Errorf("the Prometheus endpoint was asked %q in management mode", node.Queries())
	}
}

// A node whose endpoint fails is counted and logged; the other node's
// figures and the management API's are still exported.
func TestFailingPrometheusNodeCostsOnlyItsFigures(t *testing.T) {
	api, good, bad := statsOffBackend(t), statsOffNode(t), fakeprom.New(t)
	bad.SetAll(500, "boom")
	srv, logs := testServer(t, "clusters:\n"+clusterYAML("backend", "backend", api.URL,
		"    prometheus_urls: ["+good.URL+", "+bad.URL+"]\n"))
	code, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "5")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	expect(t, body, []want{
		{"rabbitfleet_up", nil, "1"},
		{"rabbitfleet_node_file_descriptors_limit", []string{`node="backend@localhost"`}, "20000"},
		{"rabbitfleet_scrape_collector_success", []string{`collector="nodes"`}, "1"},
		{"rabbitfleet_scrape_errors_total", []string{`collector="nodes"`, `kind="http"`}, "1"},
		{"rabbitfleet_cluster_objects", []string{`kind="queues"`}, "3"},
	})
	if !strings.Contains(logs.String(), bad.URL) || !strings.Contains(logs.String(), "/metrics/detailed") {
		t.Errorf("no log line names the failed node:\n%s", logs)
	}
}

// Bad exposition text from the only node fails the node figures with an
// error naming the node's URL; the management figures are unaffected.
func TestBadExpositionTextNamesTheNode(t *testing.T) {
	api, node := statsOffBackend(t), fakeprom.New(t)
	node.SetAll(200, "<html>proxy error</html>\n")
	srv, logs := testServer(t, "clusters:\n"+clusterYAML("backend", "backend", api.URL, "    prometheus_urls: ["+node.URL+"]\n"))
	_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "5")
	expect(t, body, []want{
		{"rabbitfleet_up", nil, "1"},
		{"rabbitfleet_scrape_collector_success", []string{`collector="nodes"`}, "0"},
		{"rabbitfleet_scrape_errors_total", []string{`collector="nodes"`, `kind="decode"`}, "1"},
		{"rabbitfleet_cluster_objects", []string{`kind="queues"`}, "3"},
	})
	if !strings.Contains(logs.String(), "/metrics/detailed on "+node.URL) {
		t.Errorf("no log line names the node:\n%s", logs)
	}
}

// A link's backlog on an upstream that reads from Prometheus is that queue's
// depth from the upstream's nodes, one request per upstream vhost.
func TestFederationBacklogFromPrometheusUpstream(t *testing.T) {
	srv, gwNode := statsOffUpstream(t)
	var body string
	for range 3 {
		_, body, _ = scrape(t, srv.MetricsHandler(), "/metrics", "5")
	}
	link := []string{`cluster="backend"`, `upstream="gateway-eu"`, `exchange="devices"`}
	expect(t, body, []want{
		{"rabbitfleet_cluster_figures_source", []string{`cluster="gateway-eu"`, `source="prometheus"`}, "1"},
		{"rabbitfleet_federation_link_backlog_messages", link, "1000"},
		{"rabbitfleet_federation_link_backlog_unacknowledged_messages", link, "0"},
	})
	// The backend's lookups name the link's queue in its vhost, at most one a scrape.
	lookups := 0
	for _, q := range gwNode.Queries() {
		if strings.Contains(q, "backend") {
			lookups++
			if q != "family=queue_coarse_metrics&queue=%5E%28%3F%3Afederation%3A+devices+-%3E+backend%29%24&vhost=%2F" {
				t.Errorf("upstream asked %q, want the link's queue in /", q)
			}
		}
	}
	if lookups == 0 || lookups > 3 {
		t.Errorf("%d backlog lookups in 3 scrapes, want 1 to 3", lookups)
	}
	// No consumer count nor drain rate there: neither consumers nor lag.
	absent(t, body, "rabbitfleet_federation_link_upstream_consumers", `cluster="backend"`)
	absent(t, body, "rabbitfleet_federation_link_lag_seconds", `cluster="backend"`)
}

// An upstream this exporter does not scrape itself (another replica's share
// under hashmod sharding) is found to have no statistics by the management
// API's answer, and its link queues are read from its Prometheus endpoint.
func TestFederationBacklogFromUnscrapedStatisticsOffUpstream(t *testing.T) {
	srv, _ := statsOffUpstream(t)
	var body string
	for range 2 { // the link list is read on the second scrape
		_, body, _ = scrape(t, srv.ProbeHandler(), "/probe?target=backend", "5")
	}
	link := []string{`cluster="backend"`, `upstream="gateway-eu"`, `exchange="devices"`}
	expect(t, body, []want{{"rabbitfleet_federation_link_backlog_messages", link, "1000"}})
}

// statsOffUpstream is the backend (3.10, statistics on) fed by a gateway-eu
// without statistics whose link queue holds 1,000 messages.
func statsOffUpstream(t *testing.T) (*Server, *fakeprom.Node) {
	t.Helper()
	backend := fakemgmt.NewRecorded(t, plantedPassword, map[string]string{
		"/api/overview":         "overview.json",
		"/api/nodes":            "nodes.json",
		"/api/federation-links": "federation-links.json", // backend's links: from gateway-eu (running), gateway-us (error)
	})
	backend.Set("/api/overview", 0, strings.Replace(backend.Body("/api/overview"), `"cluster_name":"gateway-eu"`, `"cluster_name":"backend"`, 1))
	gateway := statsOffBackend(t)
	gateway.Set("/api/overview", 0, strings.Replace(statsOff(t, "overview.json"), `"cluster_name":"backend"`, `"cluster_name":"gateway-eu"`, 1))
	gwNode := fakeprom.New(t)
	gwNode.Set(fakeprom.NodeQuery, 200, statsOff(t, "detailed-node-churn.txt"))
	gwNode.Set(fakeprom.RootVhostQueues, 200,
		"rabbitmq_detailed_queue_messages{vhost=\"/\",queue=\"federation: devices -> backend\"} 1000\n"+
			"rabbitmq_detailed_queue_messages_unacked{vhost=\"/\",queue=\"federation: devices -> backend\"} 0\n"+
			"rabbitmq_identity_info{rabbitmq_node=\"gateway-eu@localhost\",rabbitmq_cluster=\"gateway-eu\"} 1\n")
	// With statistics off the management API still has the queue, without figures.
	gateway.Set("/api/queues/%2F/federation:%20devices%20-%3E%20backend", 0,
		`{"name":"federation: devices -> backend","node":"gateway-eu@localhost","state":"running","type":"classic","vhost":"/"}`)
	srv, _ := testServer(t, "clusters:\n"+
		clusterYAML("backend", "backend", backend.URL, "")+
		clusterYAML("gateway-eu", "gateway", gateway.URL, "    prometheus_urls: ["+gwNode.URL+"]\n"))
	return srv, gwNode
}

// Reading from Prometheus, a node's restart is seen in node_metrics' uptime:
// cached lists read before it are dropped, as with the management API's.
func TestNodeRestartSeenInPrometheusUptime(t *testing.T) {
	api, node := statsOffBackend(t), statsOffNode(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("backend", "backend", api.URL,
		"    prometheus_urls: ["+node.URL+"]\n    connections: {refresh_interval: 1h}\n    queues: {refresh_interval: 1h}\n"))
	for range 3 { // connections, federation links, queues: each read once
		scrape(t, srv.MetricsHandler(), "/metrics", "5")
	}
	_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "5")
	if got := series(t, body, "rabbitfleet_queue_messages", `queue="orders"`); got != "3" {
		t.Fatalf("before the restart: orders depth %s from cache, want 3", got)
	}
	text := statsOff(t, "detailed-node-churn.txt")
	restarted := strings.Replace(text, "rabbitmq_detailed_erlang_uptime_seconds 158.645", "rabbitmq_detailed_erlang_uptime_seconds 0.001", 1)
	if restarted == text {
		t.Fatal("the recording has no uptime 158.645 to replace")
	}
	node.Set(fakeprom.NodeQuery, 200, restarted)
	_, body, _ = scrape(t, srv.MetricsHandler(), "/metrics", "5")
	// The queue depths read before the restart are not served again.
	absent(t, body, "rabbitfleet_queue_messages")
	absent(t, body, "rabbitfleet_vhost_queues")
	if got := series(t, body, "rabbitfleet_node_uptime_seconds"); got != "0.001" {
		t.Errorf("uptime %s, want 0.001", got)
	}
}
