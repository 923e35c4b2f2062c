package exporter_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	rabbithole "github.com/michaelklishin/rabbit-hole/v2"
	dto "github.com/prometheus/client_model/go"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// A second testbed instance beside the main one: its backend alone, on 4.3,
// without the management metrics collector (docs/testbed.md, Isolation).
const statsOffOffset = 100

func statsOffPort(base int) string { return strconv.Itoa(base + statsOffOffset) }

func statsOffTestbed(t *testing.T, args ...string) {
	t.Helper()
	cmd := testbed.Command(t, args...)
	cmd.Env = append(os.Environ(), "TESTBED_PORT_OFFSET="+strconv.Itoa(statsOffOffset), "TESTBED_VERSIONS=4.3", "TESTBED_NO_MGMT_METRICS=all")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("TESTBED_PORT_OFFSET=%d scripts/testbed %v: %v\n%s", statsOffOffset, args, err, out)
	}
}

// TestTestbedFiguresFromPrometheusWithoutManagementStatistics scrapes one real
// 4.3 node started without the management metrics collector twice over: as
// "prom" (figures_from auto, which must pick the node's Prometheus endpoint)
// and as "mgmt" (forced to the management API). Real MQTT clients and a
// known number of messages give exact figures to find.
func TestTestbedFiguresFromPrometheusWithoutManagementStatistics(t *testing.T) {
	testbed.Require(t)
	statsOffTestbed(t, "up", "backend")
	t.Cleanup(func() { statsOffTestbed(t, "down", "backend") })

	mgmtURL := "http://127.0.0.1:" + statsOffPort(15672)
	promURL := "http://127.0.0.1:" + statsOffPort(15692)
	const queue, messages, mqttClients = "rf-figures-depth", 137, 30
	cluster := func(name, source string) string {
		return fmt.Sprintf(`
  - name: %s
    role: backend
    region: test
    management_urls: [%s]
    prometheus_urls: [%s]
    figures_from: %s
    queues: {include: ['^%s$'], refresh_interval: 1s}
    connections: {refresh_interval: 1s}
    federation: {refresh_interval: 1s}
`, name, mgmtURL, promURL, source, queue)
	}
	cfg := "defaults: {username: guest, password_env: RABBITFLEET_TESTBED_PASSWORD, timeout: 5s, min_interval: 0s}\nclusters:" +
		cluster("prom", "auto") + cluster("mgmt", "management")
	path := filepath.Join(t.TempDir(), "statsoff.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	e := startExporter(t, path)

	// Alone, this backend's federation links find no upstream and retry for
	// ever; each retry could move the churn counters this test reads exactly.
	admin, err := rabbithole.NewClient(mgmtURL, testbed.Username, testbed.Password)
	if err != nil {
		t.Fatal(err)
	}
	ups, err := admin.ListFederationUpstreams()
	if err != nil {
		t.Fatal(err)
	}
	for _, up := range ups {
		if _, err := admin.DeleteFederationUpstream(up.Vhost, up.Name); err != nil {
			t.Fatal(err)
		}
	}
	testsupport.Eventually(t, 30*time.Second, "federation links stopped", func() (bool, string) {
		links, err := admin.ListFederationLinks()
		return err == nil && len(links) == 0, fmt.Sprintf("%d links, %v", len(links), err)
	})

	// One AMQP 0-9-1 connection publishes the messages and stays open.
	conn, err := amqp.Dial("amqp://guest:guest@127.0.0.1:" + statsOffPort(5672))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	// A queue left by an earlier run on a node still up would add its messages.
	if _, err := ch.QueueDelete(queue, false, false, false); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := range messages {
		conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, "", queue, false, false, amqp.Publishing{Body: []byte(strconv.Itoa(i))})
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := conf.WaitContext(ctx); !ok || err != nil {
			t.Fatalf("message %d not confirmed: %v", i, err)
		}
	}

	before := e.warm("/metrics", "")
	if got, _ := sum(before, "rabbitfleet_cluster_figures_source", l("cluster", "prom", "source", "prometheus")); got != 1 {
		t.Fatalf("prom: figures_source{prometheus} = %v: auto did not pick the Prometheus endpoint with statistics off", got)
	}
	if got, _ := sum(before, "rabbitfleet_cluster_figures_source", l("cluster", "mgmt", "source", "management")); got != 1 {
		t.Fatalf("mgmt: figures_source{management} = %v", got)
	}
	opened0, n := sum(before, "rabbitfleet_connections_opened_total", l("cluster", "prom"))
	if n == 0 {
		t.Fatal("prom: no connections_opened_total before the clients")
	}
	total0, n := sum(before, "rabbitfleet_cluster_objects", l("cluster", "prom", "kind", "connections"))
	if n != 1 || total0 < 1 {
		t.Fatalf("prom: connections total %v (%d series) before the clients, want the publisher's at least", total0, n)
	}

	sim, err := devicesim.New(devicesim.Config{
		MQTTAddr: "127.0.0.1:" + statsOffPort(1883), Username: testbed.Username, Password: testbed.Password,
		ClientPrefix: devicesim.RandomPrefix("figures"), DialConcurrency: 10,
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.CloseAll() })
	if err := sim.Open(ctx, devicesim.MQTT, mqttClients); err != nil {
		t.Fatal(err)
	}

	var fams map[string]*dto.MetricFamily
	testsupport.Eventually(t, 30*time.Second, "exact connection total and opened delta", func() (bool, string) {
		fams, _ = e.scrape("/metrics", "")
		// The overview still counts connections; the opened counter comes
		// from the node's Prometheus endpoint.
		total, _ := sum(fams, "rabbitfleet_cluster_objects", l("cluster", "prom", "kind", "connections"))
		opened, _ := sum(fams, "rabbitfleet_connections_opened_total", l("cluster", "prom"))
		return total-total0 == mqttClients && opened-opened0 == mqttClients,
			fmt.Sprintf("prom: connections total delta %v, opened delta %v", total-total0, opened-opened0)
	})
	// Without statistics the management API lists no connection (measured on
	// 4.3.6: /api/connections answers []), and nothing else counts them per
	// protocol: no per-protocol series, never zeros, from either source.
	for _, c := range []string{"prom", "mgmt"} {
		if _, n := sum(fams, "rabbitfleet_connections", l("cluster", c)); n != 0 {
			t.Errorf("%s: %d rabbitfleet_connections series without management statistics, want none", c, n)
		}
	}

	limit := nodeFDLimit(t, promURL)
	if got, _ := sum(fams, "rabbitfleet_node_file_descriptors_limit", l("cluster", "prom")); got != limit {
		t.Errorf("prom: fd limit %v, want the node's %v", got, limit)
	}
	if got, _ := sum(fams, "rabbitfleet_node_file_descriptors_used", l("cluster", "prom")); got <= 0 {
		t.Errorf("prom: fd used %v, want > 0", got)
	}
	// A queue reports its depth to the node's metrics tables on its own
	// statistics timer, so the list read first may predate the messages.
	testsupport.Eventually(t, 30*time.Second, fmt.Sprintf("depth of %s reads %d", queue, messages), func() (bool, string) {
		fams, _ = e.scrape("/metrics", "")
		got, _ := sum(fams, "rabbitfleet_queue_messages", l("cluster", "prom", "queue", queue))
		return got == messages, fmt.Sprintf("depth %v", got)
	})
	// Node resources and queue depths exist only where they are read from Prometheus.
	for _, name := range []string{"rabbitfleet_node_memory_used_bytes", "rabbitfleet_node_file_descriptors_used", "rabbitfleet_node_uptime_seconds"} {
		if _, n := sum(fams, name, l("cluster", "prom")); n != 1 {
			t.Errorf("prom: %d series of %s, want 1", n, name)
		}
		if _, n := sum(fams, name, l("cluster", "mgmt")); n != 0 {
			t.Errorf("mgmt: %d series of %s, want none without statistics", n, name)
		}
	}
	for _, name := range []string{"rabbitfleet_queue_messages", "rabbitfleet_node_alarm", "rabbitfleet_connections_opened_total"} {
		if _, n := sum(fams, name, l("cluster", "mgmt")); n != 0 {
			t.Errorf("mgmt: %d series of %s, want none without statistics", n, name)
		}
	}
	for _, c := range []string{"prom", "mgmt"} {
		if _, n := sum(fams, "rabbitfleet_scrape_errors_total", l("cluster", c)); n != 0 {
			t.Errorf("%s: scrape errors: %v", c, fams["rabbitfleet_scrape_errors_total"])
		}
	}
}

// nodeFDLimit reads the node's own fd limit from its endpoint, as an
// operator would, rather than trusting a number written here.
func nodeFDLimit(t *testing.T, promURL string) float64 {
	t.Helper()
	resp, err := http.Get(promURL + "/metrics/detailed?family=node_metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	v, n := sum(parseMetrics(t, string(body)), "rabbitmq_detailed_process_max_fds", nil)
	if n != 1 {
		t.Fatalf("the node's endpoint has %d rabbitmq_detailed_process_max_fds series", n)
	}
	return v
}
