package exporter

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

// The fleet starts the latency probes it is configured with, exports them in
// the downstream cluster's scrape, pauses them when the upstream's scrape
// fails, and stops them on Close. The AMQP "brokers" are a bare listener that
// hangs up, so the probe cycles through connecting and backoff.
func TestFleetRunsExportsPausesAndStopsLatencyProbes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	amqpURL := "amqp://" + ln.Addr().String()
	backend := fakemgmt.NewRecorded(t, plantedPassword, map[string]string{"/api/overview": "overview.json", "/api/nodes": "nodes.json"})
	gateway := recordedGateway(t)
	srv, logs := testServer(t, "clusters:\n"+
		clusterYAML("backend", "backend", backend.URL, "    amqp_urls: ["+amqpURL+"]\n")+
		clusterYAML("gateway-eu", "gateway", gateway.URL, "    amqp_urls: ["+amqpURL+"]\n"+
			"    federation:\n      latency_probes: [{upstream: backend, exchange: devices, interval: 100ms, timeout: 1s}]\n"))
	fleet := srv.Fleet()
	closed := false
	defer func() {
		if !closed {
			fleet.Close()
		}
	}()

	probe := []string{`cluster="gateway-eu"`, `upstream="backend"`, `upstream_cluster="backend"`, `exchange="devices"`, `type="exchange"`}
	_, body, _ := scrape(t, srv.ProbeHandler(), "/probe?target=gateway-eu", "")
	if got := series(t, body, "rabbitfleet_federation_probe_state", append(probe, `state="paused"`)...); got != "0" {
		t.Errorf("probe paused = %s while both clusters are reachable, want 0", got)
	}
	if got := series(t, body, "rabbitfleet_federation_probe_canaries_sent_total", probe...); got != "0" {
		t.Errorf("canaries sent = %s through a link that never connected, want 0", got)
	}
	if got := series(t, body, "rabbitfleet_federation_probe_latency_seconds_count", probe...); got != "0" {
		t.Errorf("latency count = %s, want 0", got)
	}
	_, backendBody, _ := scrape(t, srv.ProbeHandler(), "/probe?target=backend", "")
	absent(t, backendBody, "rabbitfleet_federation_probe_state")

	// The backend stops answering: its scrape marks it unreachable and the
	// probe, whose upstream it is, pauses.
	backend.Set("/api/overview", 500, "down")
	scrape(t, srv.ProbeHandler(), "/probe?target=backend", "")
	testsupport.Eventually(t, 10*time.Second, "the probe pauses once its upstream is unreachable", func() (bool, string) {
		_, body, _ = scrape(t, srv.ProbeHandler(), "/probe?target=gateway-eu", "")
		return series(t, body, "rabbitfleet_federation_probe_state", append(probe, `state="paused"`)...) == "1", body
	})

	fleet.Close() // returns once every probe has stopped
	closed = true
	if strings.Contains(logs.String(), plantedPassword) {
		t.Error("the logs contain the password")
	}
}
