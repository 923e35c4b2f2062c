package collector

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// Scrapes that arrive while one runs join it, even with min_interval off:
// the cluster sees one overview request for twenty scrapes.
func TestConcurrentScrapesJoinTheRunningOne(t *testing.T) {
	release := make(chan struct{})
	var overviews atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/overview":
			overviews.Add(1)
			<-release
			io.WriteString(w, `{"cluster_name":"gw"}`)
		case "/api/nodes", "/api/vhosts", "/api/connections", "/api/queues", "/api/federation-links":
			io.WriteString(w, `[]`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	zero := model.Duration(0)
	cl := &config.Cluster{Name: "gw", Role: config.RoleGateway, Region: "test", ManagementURLs: []string{srv.URL},
		Settings: config.Settings{Timeout: model.Duration(5 * time.Second), MinInterval: &zero}}
	s := newTestScraper(t, cl, slog.New(slog.DiscardHandler))

	const scrapers = 20
	ups := make([]float64, scrapers)
	var wg sync.WaitGroup
	for i := range scrapers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := make(chan prometheus.Metric, 1024)
			s.Scrape(context.Background(), nil, ch)
			close(ch)
			for m := range ch {
				if m.Desc() == upDesc {
					var pb dto.Metric
					m.Write(&pb)
					ups[i] = pb.GetGauge().GetValue()
				}
			}
		}()
	}
	// Release the overview only once every scrape has joined the one flight.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		s.shared.mu.Lock()
		joined := 0
		if s.shared.flight != nil {
			joined = s.shared.flight.waiters
		}
		s.shared.mu.Unlock()
		if joined == scrapers {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d scrapes joined the running one", joined, scrapers)
		}
	}
	close(release)
	wg.Wait()
	if n := overviews.Load(); n != 1 {
		t.Errorf("%d overview requests for %d concurrent scrapes, want 1", n, scrapers)
	}
	for i, up := range ups {
		if up != 1 {
			t.Errorf("scrape %d: up = %v, want 1", i, up)
		}
	}
}

// newTestScraper builds the scraper of cl with a management client of its own.
func newTestScraper(tb testing.TB, cl *config.Cluster, logger *slog.Logger) *Scraper {
	tb.Helper()
	opts, err := cl.ManagementOptions()
	if err != nil {
		tb.Fatal(err)
	}
	client, err := mgmt.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return NewScraper(cl, client, logger)
}
