package exporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
)

// gentleCluster is clusterYAML with its own min_interval and circuit breaker.
func gentleCluster(name, url, minInterval, breaker string) string {
	return strings.Replace(clusterYAML(name, "gateway", url, "    circuit_breaker: "+breaker+"\n"),
		"min_interval: 0s", "min_interval: "+minInterval, 1)
}

// Twenty scrapers, half of them on /metrics and half on /probe, cost the
// cluster what one does: each endpoint is asked once.
func TestTwentyScrapersCostWhatOneDoes(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+gentleCluster("gw", gw.URL, "1h", "{initial_backoff: 1s, max_backoff: 1s}"))
	bodies := make([]string, 20)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, target := srv.MetricsHandler(), "/metrics"
			if i%2 == 1 {
				h, target = srv.ProbeHandler(), "/probe?target=gw"
			}
			_, bodies[i], _ = scrape(t, h, target, "")
		}()
	}
	wg.Wait()
	for _, path := range []string{"/api/overview", "/api/nodes", "/api/vhosts", "/api/shovels", "/api/connections"} {
		if n := gw.Hits(path); n != 1 {
			t.Errorf("%s asked %d times by 20 scrapers, want 1", path, n)
		}
	}
	for i, body := range bodies {
		if series(t, body, "rabbitfleet_up", `cluster="gw"`) != "1" || series(t, body, "rabbitfleet_connections", `protocol="mqtt"`) != "3" {
			t.Errorf("scraper %d did not get the shared result", i)
		}
	}
}

// A scrape that every scraper has given up on is cancelled, not left to run
// to its deadline against a struggling cluster.
func TestScrapeNobodyWaitsForIsCancelled(t *testing.T) {
	gw := recordedGateway(t)
	gw.Hang(true)
	srv, _ := testServer(t, "clusters:\n"+gentleCluster("gw", gw.URL, "0s", "{initial_backoff: 1s, max_backoff: 1s}"))
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, "/probe?target=gw", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() {
		srv.ProbeHandler().ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	testsupport.WaitFor(t, 2*time.Second, "the overview request to arrive", func() bool { return gw.Hits("/api/overview") == 1 })
	cancel() // Prometheus gave up
	<-done
	// Well inside the scrape's 3 s budget and the cluster's 2 s timeout.
	testsupport.WaitFor(t, time.Second, "the request to the cluster to be cancelled", func() bool {
		return gw.Cancelled() == 1
	})
}

// A cluster that failed is left alone until its backoff runs out: scrapes in
// between answer at once, and the first one after the fault clears is whole.
func TestOpenCircuitAnswersAtOnceAndRecovers(t *testing.T) {
	gw := recordedGateway(t)
	overview := gw.Body("/api/overview")
	gw.Set("/api/overview", http.StatusServiceUnavailable, `{"error":"unavailable","reason":"booting"}`)
	srv, _ := testServer(t, "clusters:\n"+gentleCluster("gw", gw.URL, "0s", "{initial_backoff: 500ms, max_backoff: 500ms}"))
	_, body, _ := scrape(t, srv.MetricsHandler(), "/metrics", "")
	if series(t, body, "rabbitfleet_up", `cluster="gw"`) != "0" || series(t, body, "rabbitfleet_management_circuit_open", `cluster="gw"`) != "1" {
		t.Fatal("after a 503: want up 0 and the circuit open")
	}
	if got := series(t, body, "rabbitfleet_management_circuit_backoff_seconds", `cluster="gw"`); got != "0.5" {
		t.Errorf("backoff = %s, want 0.5", got)
	}
	_, body, _ = scrape(t, srv.MetricsHandler(), "/metrics", "")
	if got := series(t, body, "rabbitfleet_scrape_errors_total", `collector="cluster"`, `kind="circuit_open"`); got != "1" {
		t.Errorf("circuit_open errors = %s, want 1", got)
	}
	if n := gw.Hits("/api/overview"); n != 1 {
		t.Fatalf("the failing cluster was asked %d times, want once", n)
	}
	gw.Set("/api/overview", 0, overview)
	testsupport.WaitFor(t, 5*time.Second, "the cluster to be scraped again", func() bool {
		_, body, _ = scrape(t, srv.MetricsHandler(), "/metrics", "")
		return series(t, body, "rabbitfleet_up", `cluster="gw"`) == "1"
	})
	if n := gw.Hits("/api/overview"); n != 2 {
		t.Errorf("overview asked %d times, want 2 (the 503, then the trial)", n)
	}
	if series(t, body, "rabbitfleet_management_circuit_open", `cluster="gw"`) != "0" || series(t, body, "rabbitfleet_connections", `protocol="mqtt"`) != "3" {
		t.Error("the first scrape after recovery is not whole")
	}
}
