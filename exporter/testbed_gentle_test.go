package exporter_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// countingProxy stands between the exporter and a real cluster's management
// API and counts what reaches the cluster: requests per path and the most
// requests for one path in flight at once.
type countingProxy struct {
	mu          sync.Mutex
	requests    map[string]int
	inFlight    map[string]int
	maxInFlight map[string]int
	srv         *httptest.Server
}

func newCountingProxy(t *testing.T, upstream string) *countingProxy {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{requests: map[string]int{}, inFlight: map[string]int{}, maxInFlight: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.EscapedPath()
		p.mu.Lock()
		p.requests[path]++
		p.inFlight[path]++
		p.maxInFlight[path] = max(p.maxInFlight[path], p.inFlight[path])
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.inFlight[path]--
			p.mu.Unlock()
		}()
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *countingProxy) snapshot() (requests, maxInFlight map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	requests, maxInFlight = map[string]int{}, map[string]int{}
	for k, v := range p.requests {
		requests[k] = v
	}
	for k, v := range p.maxInFlight {
		maxInFlight[k] = v
	}
	return requests, maxInFlight
}

// gentleConfig scrapes gateway-eu through the proxy at the shipped defaults
// but for a min_interval short enough for the test.
func gentleConfig(t *testing.T, proxyURL string) string {
	t.Helper()
	cfg := fmt.Sprintf(`defaults:
  username: guest
  password_env: RABBITFLEET_TESTBED_PASSWORD
  min_interval: 2s
clusters:
  - name: gateway-eu
    role: gateway
    region: eu-west-1
    management_urls: [%s]
`, proxyURL)
	path := filepath.Join(t.TempDir(), "gentle.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The proof: under 20 parallel scrapers (half on /metrics, half on
// /probe), a real cluster receives no more requests than one scraper causes,
// and never two requests for the same path at once.
func TestTestbedTwentyScrapersCostWhatOneDoes(t *testing.T) {
	testbed.Require(t)
	const rounds = 4
	const spacing = 2500 * time.Millisecond // over min_interval: every round is a new scrape

	run := func(scrapers int) (map[string]int, map[string]int) {
		proxy := newCountingProxy(t, "http://127.0.0.1:15673")
		e := startExporter(t, gentleConfig(t, proxy.srv.URL))
		start := time.Now()
		for round := range rounds {
			time.Sleep(time.Until(start.Add(time.Duration(round) * spacing)))
			var wg sync.WaitGroup
			for i := range scrapers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					path := "/metrics"
					if i%2 == 1 {
						path = "/probe?target=gateway-eu"
					}
					fams, _ := e.scrape(path, "10")
					if up, _ := sum(fams, "rabbitfleet_up", l("cluster", "gateway-eu")); up != 1 {
						t.Errorf("round %d, scraper %d: up = %v", round, i, up)
					}
				}()
			}
			wg.Wait()
		}
		return proxy.snapshot()
	}

	one, _ := run(1)
	twenty, maxInFlight := run(20)
	paths := map[string]bool{}
	for p := range one {
		paths[p] = true
	}
	for p := range twenty {
		paths[p] = true
	}
	var sorted []string
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	total1, total20 := 0, 0
	for _, p := range sorted {
		t.Logf("%-24s one scraper: %d requests, twenty: %d (at most %d in flight)", p, one[p], twenty[p], maxInFlight[p])
		total1 += one[p]
		total20 += twenty[p]
		if twenty[p] > one[p] {
			t.Errorf("%s: 20 scrapers caused %d requests, one caused %d", p, twenty[p], one[p])
		}
		if maxInFlight[p] > 1 {
			t.Errorf("%s: %d requests in flight at once, want at most 1", p, maxInFlight[p])
		}
	}
	// Four scrapes: the overview and the every-scrape lists each time, and
	// each heavy list (connections, federation links, queues) once.
	if one["/api/overview"] != rounds || one["/api/connections"] != 1 || one["/api/queues"] != 1 || one["/api/federation-links"] != 1 {
		t.Errorf("one scraper, %d rounds: overview %d, connections %d, queues %d, federation links %d; want %d, 1, 1, 1",
			rounds, one["/api/overview"], one["/api/connections"], one["/api/queues"], one["/api/federation-links"], rounds)
	}
	t.Logf("total: one scraper %d requests, twenty scrapers %d", total1, total20)
}
