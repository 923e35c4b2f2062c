package exporter_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter"
	"github.com/rabbitfleet/rabbitfleet/exporter/collector"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

const syntheticPassword = "synth-S3CRET"

// TestSyntheticFleet is the reduced size of scripts/bench-fleet (issue 5):
// 20 synthetic clusters of 2,000 connections and 2,000 queues each, scraped
// three times through /metrics (each scrape of a fresh exporter reads one
// heavy list per cluster). Every number the exporter reports must equal what
// the generator served, each cluster must have had exactly the requests the
// exporter's schedule implies, and columns= must keep the bytes read under a
// fifth of what full objects would have taken.
func TestSyntheticFleet(t *testing.T) {
	const clusters, size = 20, 2000
	fleet, err := fakemgmt.Fleet(fakemgmt.FleetConfig{Clusters: clusters, Connections: size, Queues: size, Seed: 5,
		Username: "monitoring", Password: syntheticPassword})
	if err != nil {
		t.Fatal(err)
	}
	servers, err := fakemgmt.Start(fleet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(servers.Close)
	cfgFile := fakemgmt.WriteExporterConfig(t, fleet, servers.URLs, syntheticPassword, 512<<20)
	srv, err := exporter.NewServer(exporter.Options{ConfigFile: cfgFile, ScrapeTimeout: 10 * time.Second, TimeoutOffset: 500 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Fleet().Close)

	var body string
	for range 3 {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
		rec := httptest.NewRecorder()
		srv.MetricsHandler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("scrape: HTTP %d: %s", rec.Code, rec.Body.String())
		}
		body = rec.Body.String()
	}
	fams := parseMetrics(t, body)

	var read, full int64
	for _, c := range fleet {
		name := c.Name()
		want := c.Expected()
		if up, _ := sum(fams, "rabbitfleet_up", l("cluster", name)); up != 1 {
			t.Errorf("%s: rabbitfleet_up = %v, want 1", name, up)
		}
		for key, n := range want.Connections {
			p := collector.NormalizeProtocol(key.Protocol)
			got, series := sum(fams, "rabbitfleet_connections", l("cluster", name, "node", key.Node, "vhost", key.Vhost,
				"protocol", p.Family, "protocol_version", p.Version, "state", key.State))
			if got != float64(n) || series != 1 {
				t.Errorf("%s: connections %+v = %v in %d series, want %d in 1", name, key, got, series, n)
			}
		}
		if got, _ := sum(fams, "rabbitfleet_connections", l("cluster", name)); got != size {
			t.Errorf("%s: connections total %v, want %d", name, got, size)
		}
		for vhost, vt := range want.Vhosts {
			for metric, v := range map[string]float64{
				"rabbitfleet_vhost_queues":                     float64(vt.Queues),
				"rabbitfleet_vhost_consumers":                  float64(vt.Consumers),
				"rabbitfleet_vhost_queues_without_consumers":   float64(vt.QueuesWithoutConsumers),
				"rabbitfleet_vhost_messages_without_consumers": float64(vt.MessagesWithoutConsumers),
				"rabbitfleet_vhost_messages":                   float64(vt.Messages),
				"rabbitfleet_vhost_messages_ready":             float64(vt.Ready),
				"rabbitfleet_vhost_messages_unacknowledged":    float64(vt.Unacknowledged),
			} {
				if got, _ := sum(fams, metric, l("cluster", name, "vhost", vhost)); got != v {
					t.Errorf("%s vhost %q: %s = %v, want %v", name, vhost, metric, got, v)
				}
			}
		}
		for _, up := range want.Links {
			if got, _ := sum(fams, "rabbitfleet_federation_link_status", l("cluster", name, "upstream", up, "status", "running")); got != 1 {
				t.Errorf("%s: link from %s running = %v, want 1", name, up, got)
			}
		}

		// Per scrape: overview, nodes, vhosts and shovels, plus the heavy list
		// whose turn it is (connections, federation links, queues). From the
		// second scrape on, each link's backlog is looked up on its upstream:
		// the backend serves one lookup per gateway, each gateway one.
		lookups := int64(2 * 1)
		if name == "backend" {
			lookups = 2 * (clusters - 1)
		}
		wantRequests := map[string]int64{
			fakemgmt.EndpointOverview: 3, fakemgmt.EndpointNodes: 3, fakemgmt.EndpointVhosts: 3, fakemgmt.EndpointShovels: 3,
			fakemgmt.EndpointConnections: 1, fakemgmt.EndpointFederationLinks: 1, fakemgmt.EndpointQueues: 1,
			fakemgmt.EndpointQueue: lookups,
		}
		stats := c.Stats()
		if len(stats) != len(wantRequests) {
			t.Errorf("%s: endpoints asked %v, want %v", name, stats, wantRequests)
		}
		for ep, n := range wantRequests {
			if stats[ep].Requests != n {
				t.Errorf("%s: %d requests to %s, want %d", name, stats[ep].Requests, ep, n)
			}
			read += stats[ep].Bytes
			full += stats[ep].FullBytes
			exported, _ := sum(fams, "rabbitfleet_management_response_bytes_total", l("cluster", name, "endpoint", ep))
			if exported != float64(stats[ep].Bytes) {
				t.Errorf("%s: exporter counted %v bytes from %s, generator sent %d", name, exported, ep, stats[ep].Bytes)
			}
		}
	}
	if read*5 > full {
		t.Errorf("bytes read %d are more than a fifth of the full objects' %d", read, full)
	}
	t.Logf("bytes read %d, full objects %d (1/%.1f)", read, full, float64(full)/float64(read))
}
