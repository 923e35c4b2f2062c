package exporter

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

const plantedPassword = "pl4nted-S3CRET"

// recordedGateway serves the testbed's gateway-eu as recorded, to
// plantedPassword only, with faults to order.
func recordedGateway(t *testing.T) *fakemgmt.Recorded {
	return fakemgmt.NewRecorded(t, plantedPassword, fakemgmt.GatewayRecording)
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rabbitfleet.yml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func clusterYAML(name, role, url string, extra string) string {
	return fmt.Sprintf("  - name: %s\n    role: %s\n    region: test\n    management_urls: [%s]\n    password_env: RF_TEST_PASSWORD\n    timeout: 2s\n    min_interval: 0s\n%s", name, role, url, extra)
}

// testServer builds a Server over a config and returns it with its log.
func testServer(t *testing.T, configBody string) (*Server, *bytes.Buffer) {
	t.Helper()
	t.Setenv("RF_TEST_PASSWORD", plantedPassword)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := NewServer(Options{ConfigFile: writeConfig(t, configBody), ScrapeTimeout: 3 * time.Second, TimeoutOffset: 100 * time.Millisecond},
		logger, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return srv, &logs
}

func scrape(t *testing.T, h http.Handler, target string, header string) (int, string, time.Duration) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if header != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", header)
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), time.Since(start)
}

// warmScrape scrapes until every heavy list (connections, federation links,
// queues) has had its turn, one per scrape, and returns the last answer.
func warmScrape(t *testing.T, h http.Handler, target string, header string) (int, string) {
	t.Helper()
	var code int
	var body string
	for range 3 {
		code, body, _ = scrape(t, h, target, header)
	}
	return code, body
}

// series returns the value of the one line whose name and labels contain all parts.
func series(t *testing.T, body string, name string, parts ...string) string {
	t.Helper()
	var found []string
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			found = append(found, line)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: found %d series, want 1: %v", name, parts, len(found), found)
	}
	return found[0][strings.LastIndexByte(found[0], ' ')+1:]
}

// want is one series expected in a scrape: its name, parts of its labels, its value.
type want struct {
	name  string
	parts []string
	value string
}

// expect checks each wanted series' value (see series).
func expect(t *testing.T, body string, wants []want) {
	t.Helper()
	for _, w := range wants {
		if got := series(t, body, w.name, w.parts...); got != w.value {
			t.Errorf("%s%v = %s, want %s", w.name, w.parts, got, w.value)
		}
	}
}

func absent(t *testing.T, body, name string, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, name) {
			match := true
			for _, p := range parts {
				match = match && strings.Contains(line, p)
			}
			if match {
				t.Errorf("unexpected series %s", line)
			}
		}
	}
}

func TestScrapeOfRecordedGateway(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gateway-eu", "gateway", gw.URL, ""))
	code, body := warmScrape(t, srv.MetricsHandler(), "/metrics", "5")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	expect(t, body, []want{
		{"rabbitfleet_up", []string{`cluster="gateway-eu"`, `role="gateway"`, `region="test"`}, "1"},
		{"rabbitfleet_connections", []string{`protocol="mqtt"`, `protocol_version="3.1.1"`, `state="running"`}, "3"},
		{"rabbitfleet_connections", []string{`protocol="stomp"`, `protocol_version="1.2"`}, "2"},
		{"rabbitfleet_connections", []string{`protocol="amqp091"`}, "1"},
		{"rabbitfleet_connections", []string{`protocol="direct"`, `state="unknown"`}, "1"},
		{"rabbitfleet_connections_opened_total", []string{`node="gateway-eu@localhost"`}, "5"},
		{"rabbitfleet_connections_closed_total", nil, "3"},
		{"rabbitfleet_node_file_descriptors_limit", nil, "20000"},
		{"rabbitfleet_node_alarm", []string{`alarm="memory"`}, "0"},
		{"rabbitfleet_node_uptime_seconds", nil, "278.622"},
		{"rabbitfleet_cluster_info", []string{`cluster_name="gateway-eu"`, `rabbitmq_version="3.10.8"`}, "1"},
		{"rabbitfleet_cluster_messages_published_total", nil, "3"},
		{"rabbitfleet_cluster_messages_delivered_total", nil, "3"},
		{"rabbitfleet_cluster_messages_acknowledged_total", nil, "3"},
		{"rabbitfleet_cluster_messages_unroutable_dropped_total", nil, "0"},
		{"rabbitfleet_vhost_queues", []string{`vhost="/"`}, "4"},
		{"rabbitfleet_vhost_consumers", []string{`vhost="/"`}, "4"},
		{"rabbitfleet_queue_messages", []string{`queue="federation: devices -> backend"`}, "0"},
		{"rabbitfleet_scrape_collector_success", []string{`collector="connections"`}, "1"},
		{"rabbitfleet_scrape_collector_success", []string{`collector="federation"`}, "1"},
		// Quick lists are read at the default intervals; cheap endpoints every scrape.
		{"rabbitfleet_scrape_collector_refresh_interval_seconds", []string{`collector="connections"`}, "120"},
		{"rabbitfleet_scrape_collector_refresh_interval_seconds", []string{`collector="queues"`}, "240"},
		{"rabbitfleet_scrape_collector_refresh_interval_seconds", []string{`collector="federation"`}, "240"},
	})
	absent(t, body, "rabbitfleet_scrape_collector_refresh_interval_seconds", `collector="nodes"`)
	if strings.Contains(body, plantedPassword) {
		t.Error("the password appears in /metrics")
	}
}

func TestOneBadEndpointCostsOnlyItsCollector(t *testing.T) {
	cases := []struct {
		name, status, body, kind string
	}{
		{"server error", "500", `{"error":"boom","reason":"internal"}`, "http"},
		{"unauthorised", "401", `{"error":"not_authorised"}`, "auth"},
		{"malformed", "", `[{"node":`, "decode"},
		{"not JSON at all", "", `<html>proxy error</html>`, "decode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gw := recordedGateway(t)
			other := recordedGateway(t)
			status := 0
			fmt.Sscan(tc.status, &status)
			gw.Set("/api/connections", status, tc.body)
			srv, logs := testServer(t, "clusters:\n"+clusterYAML("bad", "gateway", gw.URL, "")+clusterYAML("good", "gateway", other.URL, ""))
			code, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "")
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			if got := series(t, body, "rabbitfleet_scrape_collector_success", `cluster="bad"`, `collector="connections"`); got != "0" {
				t.Errorf("bad connections success = %s, want 0", got)
			}
			if got := series(t, body, "rabbitfleet_scrape_errors_total", `cluster="bad"`, `collector="connections"`, `kind="`+tc.kind+`"`); got != "1" {
				t.Errorf("errors{kind=%s} = %s, want 1", tc.kind, got)
			}
			absent(t, body, "rabbitfleet_connections{", `cluster="bad"`)
			for _, check := range []struct{ cluster, name, want string }{
				{"bad", "rabbitfleet_up", "1"},
				{"bad", "rabbitfleet_node_file_descriptors_limit", "20000"},
				{"good", "rabbitfleet_up", "1"},
			} {
				if got := series(t, body, check.name, `cluster="`+check.cluster+`"`); got != check.want {
					t.Errorf("%s{cluster=%s} = %s, want %s", check.name, check.cluster, got, check.want)
				}
			}
			if got := series(t, body, "rabbitfleet_connections", `cluster="good"`, `protocol="mqtt"`); got != "3" {
				t.Errorf("good cluster's mqtt connections = %s, want 3", got)
			}
			if !strings.Contains(logs.String(), "collector failed") || !strings.Contains(logs.String(), "/api/connections") {
				t.Errorf("no log line names the failure:\n%s", logs)
			}
			if strings.Contains(logs.String()+body, plantedPassword) {
				t.Error("the password leaked into logs or metrics")
			}
		})
	}
}

func TestHangingClusterDoesNotHoldTheScrape(t *testing.T) {
	hanging := recordedGateway(t)
	hanging.Hang(true)
	good := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("hanging", "gateway", hanging.URL, "")+clusterYAML("good", "gateway", good.URL, ""))
	// Prometheus allows 1.5 s; the exporter keeps 0.1 s back.
	code, body, took := scrape(t, srv.MetricsHandler(), "/metrics", "1.5")
	if code != 200 || took > 1500*time.Millisecond {
		t.Fatalf("status %d after %v: the scrape must answer within Prometheus's timeout", code, took)
	}
	if series(t, body, "rabbitfleet_up", `cluster="hanging"`) != "0" || series(t, body, "rabbitfleet_up", `cluster="good"`) != "1" {
		t.Error("want hanging down and good up")
	}
	if got := series(t, body, "rabbitfleet_scrape_errors_total", `cluster="hanging"`, `kind="timeout"`); got != "1" {
		t.Errorf("timeout errors = %s, want 1", got)
	}
	if got := series(t, body, "rabbitfleet_connections", `cluster="good"`, `protocol="stomp"`); got != "2" {
		t.Errorf("good cluster incomplete: stomp = %s", got)
	}
}

func TestProbeAcceptsOnlyConfiguredClusterNames(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gateway-eu", "gateway", gw.URL, "")+clusterYAML("other", "gateway", gw.URL, ""))
	for _, target := range []string{"", "nope", "http://127.0.0.1:15672", "gateway-eu/../other", "127.0.0.1:15673"} {
		code, body, _ := scrape(t, srv.ProbeHandler(), "/probe?target="+target, "")
		if code != http.StatusBadRequest {
			t.Errorf("target %q: status %d, want 400 (%s)", target, code, body)
		}
	}
	code, body, _ := scrape(t, srv.ProbeHandler(), "/probe?target=gateway-eu", "")
	if code != 200 || series(t, body, "rabbitfleet_up", `cluster="gateway-eu"`) != "1" {
		t.Fatalf("probe gateway-eu: %d", code)
	}
	absent(t, body, "rabbitfleet_up", `cluster="other"`)
	absent(t, body, "go_goroutines")
}

func TestReloadKeepsTheOldConfigWhenTheNewOneIsBad(t *testing.T) {
	gw := recordedGateway(t)
	srv, logs := testServer(t, "clusters:\n"+clusterYAML("first", "gateway", gw.URL, ""))
	path := srv.opts.ConfigFile
	if err := os.WriteFile(path, []byte("clusters:\n"+clusterYAML("first", "gateway", gw.URL, "    bogus: 1\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, _ := scrape(t, srv.ReloadHandler(), "/-/reload", "")
	if code != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/reload: status %d, want 405", code)
	}
	req := httptest.NewRequest(http.MethodPost, "/-/reload", nil)
	rec := httptest.NewRecorder()
	srv.ReloadHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "field bogus not found") {
		t.Errorf("bad reload: %d %s", rec.Code, rec.Body)
	}
	if names := srv.Fleet().Names(); len(names) != 1 || names[0] != "first" {
		t.Errorf("old config not kept: %v", names)
	}
	if !strings.Contains(logs.String(), "keeping the previous one") {
		t.Error("failed reload not logged")
	}
	if err := os.WriteFile(path, []byte("clusters:\n"+clusterYAML("second", "backend", gw.URL, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	srv.ReloadHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/-/reload", nil))
	if rec.Code != 200 || srv.Fleet().Names()[0] != "second" {
		t.Errorf("good reload: %d, fleet %v", rec.Code, srv.Fleet().Names())
	}
	_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "")
	if series(t, body, "rabbitfleet_up", `cluster="second"`, `role="backend"`) != "1" {
		t.Error("reloaded cluster not scraped")
	}
	absent(t, body, "rabbitfleet_up", `cluster="first"`)
}

func TestBadScrapeTimeoutHeaderIsRejected(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("g", "gateway", gw.URL, ""))
	if code, _, _ := scrape(t, srv.MetricsHandler(), "/metrics", "soon"); code != http.StatusBadRequest {
		t.Errorf("status %d, want 400", code)
	}
}

// The connection and queue lists make the node build every object: read
// together they contend, so a scrape refreshes at most one of them, those
// never read first, then the most overdue, and serves the other from cache.
func TestHeavyListsRefreshInTurns(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gw", "gateway", gw.URL,
		"    connections: {refresh_interval: 1ms}\n    queues: {refresh_interval: 1ms}\n"))
	// First scrapes: connections, federation links, queues; then the two due
	// every millisecond alternate (federation links are not due for 2 min).
	want := []struct{ connections, queues int }{{1, 0}, {1, 0}, {1, 1}, {2, 1}, {2, 2}, {3, 2}}
	for i, w := range want {
		time.Sleep(5 * time.Millisecond) // both are due again
		_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "")
		if c, q := gw.Hits("/api/connections"), gw.Hits("/api/queues"); c != w.connections || q != w.queues {
			t.Fatalf("after scrape %d: %d connection and %d queue list reads, want %d and %d", i+1, c, q, w.connections, w.queues)
		}
		if i < 2 {
			// A freshly started exporter too reads one list per scrape; the
			// others export nothing until their turn.
			absent(t, body, "rabbitfleet_vhost_queues")
			absent(t, body, "rabbitfleet_scrape_collector_success", `collector="queues"`)
			continue
		}
		// The one served from cache is still complete, with its age.
		if series(t, body, "rabbitfleet_connections", `protocol="mqtt"`) != "3" || series(t, body, "rabbitfleet_vhost_queues", `vhost="/"`) != "4" {
			t.Fatalf("scrape %d: cached data missing", i+1)
		}
		if got := series(t, body, "rabbitfleet_scrape_collector_success", `collector="queues"`); got != "1" {
			t.Fatalf("scrape %d: queues success = %s", i+1, got)
		}
	}
	if gw.Hits("/api/overview") != len(want) || gw.Hits("/api/nodes") != len(want) {
		t.Errorf("cheap endpoints should be read every scrape: overview %d, nodes %d", gw.Hits("/api/overview"), gw.Hits("/api/nodes"))
	}
}

// The federation backlog joins a link on the downstream cluster to its queue
// on the upstream cluster as soon as the link list is read.
func TestFederationBacklogJoinsBothEnds(t *testing.T) {
	backend := fakemgmt.NewRecorded(t, plantedPassword, map[string]string{
		"/api/overview":         "overview.json",
		"/api/nodes":            "nodes.json",
		"/api/federation-links": "federation-links.json", // backend's links: from gateway-eu (running), gateway-us (error)
	})
	backend.Set("/api/overview", 0, strings.Replace(backend.Body("/api/overview"), `"cluster_name":"gateway-eu"`, `"cluster_name":"backend"`, 1))
	gateway := recordedGateway(t)
	// On gateway-eu, the backend's link consumes from this queue: 1,000 waiting, nobody draining.
	gateway.Set("/api/queues/%2F/federation:%20devices%20-%3E%20backend", 0,
		`{"name":"federation: devices -> backend","vhost":"/","messages":1000,"messages_ready":1000,"messages_unacknowledged":0,"consumers":0,
		  "message_stats":{"publish":1500,"ack":500,"ack_details":{"rate":0.0},"deliver_get_details":{"rate":0.0}}}`)
	srv, _ := testServer(t, "clusters:\n"+
		clusterYAML("backend", "backend", backend.URL,
			"    federation:\n      expected_links: [{upstream: gateway-eu, exchange: devices}, {upstream: gateway-eu, exchange: alerts}]\n")+
		clusterYAML("gateway-eu", "gateway", gateway.URL, ""))
	// The backend's recording has no connection list: its first turn fails
	// (404), and the link list, next in turn, is read on the second scrape.
	scrape(t, srv.ProbeHandler(), "/probe?target=backend", "")
	_, body, _ := scrape(t, srv.ProbeHandler(), "/probe?target=backend", "")
	link := []string{`upstream="gateway-eu"`, `upstream_cluster="gateway-eu"`, `exchange="devices"`}
	expect(t, body, []want{
		{"rabbitfleet_federation_link_backlog_messages", link, "1000"},
		{"rabbitfleet_federation_link_upstream_consumers", link, "0"},
		{"rabbitfleet_federation_link_upstream_published_messages_total", link, "1500"},
		{"rabbitfleet_federation_link_upstream_acknowledged_messages_total", link, "500"},
		{"rabbitfleet_federation_link_lag_seconds", link, "+Inf"},
		{"rabbitfleet_federation_link_status", append(link, `status="running"`), "1"},
		{"rabbitfleet_federation_link_status", []string{`upstream="gateway-us"`, `status="error"`}, "1"},
		{"rabbitfleet_federation_link_error_info", []string{`upstream="gateway-us"`, `reason="connection_refused"`}, "1"},
		{"rabbitfleet_federation_link_status", []string{`exchange="alerts"`, `status="missing"`}, "1"},
		{"rabbitfleet_federation_links_expected", nil, "2"},
	})
	// gateway-us is not in this configuration: nothing to join its link to.
	absent(t, body, "rabbitfleet_federation_link_backlog_messages", `upstream="gateway-us"`)
}

// A node that restarted (its uptime now shorter than the time since a list
// was read) has other connections and queues: cached lists read before its
// start are dropped, not served again, and read afresh in their turn.
func TestNodeRestartDropsListsReadBeforeIt(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gw", "gateway", gw.URL,
		"    connections: {refresh_interval: 1h}\n    queues: {refresh_interval: 1h}\n"))
	for range 3 { // connections, federation links, queues: each read once
		scrape(t, srv.MetricsHandler(), "/metrics", "")
	}
	_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "")
	if c, q := gw.Hits("/api/connections"), gw.Hits("/api/queues"); c != 1 || q != 1 {
		t.Fatalf("before the restart: %d connection and %d queue list reads, want 1 and 1", c, q)
	}
	if got := series(t, body, "rabbitfleet_connections", `protocol="mqtt"`); got != "3" {
		t.Fatalf("before the restart: mqtt connections %s from cache, want 3", got)
	}

	// The node restarted a moment ago: uptime 1 ms.
	nodes := gw.Body("/api/nodes")
	restarted := strings.Replace(nodes, `"uptime":278622`, `"uptime":1`, 1)
	if restarted == nodes {
		t.Fatal("recorded nodes.json has no uptime 278622 to replace")
	}
	gw.Set("/api/nodes", 0, restarted)
	_, body, _ = scrape(t, srv.MetricsHandler(), "/metrics", "")
	// One heavy list is read in this scrape (connections, the oldest
	// attempt); the queue list read before the restart is not served.
	if c, q := gw.Hits("/api/connections"), gw.Hits("/api/queues"); c != 2 || q != 1 {
		t.Errorf("first scrape after the restart: %d connection and %d queue list reads, want 2 and 1", c, q)
	}
	absent(t, body, "rabbitfleet_vhost_queues")
	if got := series(t, body, "rabbitfleet_connections", `protocol="mqtt"`); got != "3" {
		t.Errorf("connections read after the restart: mqtt %s, want 3", got)
	}
}

// RabbitMQ 4.0 and later answer sockets_used and sockets_total with 0 (they
// count sockets as file descriptors only): no socket series is exported,
// rather than a limit of 0; 3.x's real figures are.
func TestSocketsNotExportedWhereTheBrokerNoLongerCountsThem(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gw", "gateway", gw.URL, ""))
	_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "")
	if used, limit := series(t, body, "rabbitfleet_node_sockets_used"), series(t, body, "rabbitfleet_node_sockets_limit"); used != "2" || limit != "17910" {
		t.Fatalf("3.10 recording: sockets used %s limit %s, want 2 and 17910", used, limit)
	}
	nodes := gw.Body("/api/nodes")
	v4 := strings.NewReplacer(`"sockets_total":17910`, `"sockets_total":0`, `"sockets_used":2`, `"sockets_used":0`).Replace(nodes)
	if v4 == nodes {
		t.Fatal("recorded nodes.json has no socket figures to replace")
	}
	gw.Set("/api/nodes", 0, v4)
	_, body, _ = scrape(t, srv.MetricsHandler(), "/metrics", "")
	absent(t, body, "rabbitfleet_node_sockets_used")
	absent(t, body, "rabbitfleet_node_sockets_limit")
	if got := series(t, body, "rabbitfleet_node_file_descriptors_limit"); got != "20000" {
		t.Errorf("fd limit %s, want 20000 still exported", got)
	}
}
