package main

import (
	"cmp"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2/client"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// Faults between the real binary and the real testbed, injected by a real
// toxiproxy server: whatever one cluster's management API does, /metrics
// answers within Prometheus's timeout with the other clusters complete, and
// the faulty one is back in full on the first scrape after its fault clears
// and its backoff runs out.

const (
	faultScrapeTimeout = 4 * time.Second // Prometheus's scrape_timeout in these tests
	faultMaxBackoff    = 2 * time.Second // the fleet's circuit_breaker.max_backoff
)

// testbedClusters are the testbed's clusters and their management ports.
// everyScrape are the collectors refreshed on every scrape; the heavy lists
// (connections, queues, federation) come back one per scrape after an outage.
var everyScrape = []string{"cluster", "churn", "nodes", "vhosts", "federation_backlog", "shovels"}

// startToxiproxy builds toxiproxy's server at the version go.mod pins and runs
// it with one proxy in front of each cluster's management API.
func startToxiproxy(t *testing.T) (*toxiproxy.Client, map[string]*toxiproxy.Proxy) {
	t.Helper()
	bin := testsupport.Binary(t, "github.com/Shopify/toxiproxy/v2/cmd/server")
	host, port, _ := net.SplitHostPort(testsupport.FreeAddr(t))
	cmd := exec.Command(bin, "-host", host, "-port", port)
	logs := &testsupport.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	client := toxiproxy.NewClient(net.JoinHostPort(host, port))
	testsupport.Eventually(t, 15*time.Second, "toxiproxy answering", func() (bool, string) {
		_, err := client.Proxies()
		return err == nil, fmt.Sprintf("%v\n%s", err, logs)
	})
	proxies := map[string]*toxiproxy.Proxy{}
	for _, c := range testbed.Clusters {
		p, err := client.CreateProxy("mgmt-"+c.Name, testsupport.FreeAddr(t), "127.0.0.1:"+c.ManagementPort())
		if err != nil {
			t.Fatal(err)
		}
		proxies[c.Name] = p
	}
	return client, proxies
}

// faultFleet is the testbed's fleet reached through the proxies, every scrape
// fresh, with a breaker whose longest backoff is the tests' scrape interval.
func faultFleet(proxies map[string]*toxiproxy.Proxy) string {
	var b strings.Builder
	fmt.Fprintf(&b, `defaults:
  username: guest
  password_env: RF_FAULTS_PW
  timeout: 2s
  min_interval: 0s
  circuit_breaker: {initial_backoff: 1s, max_backoff: %s}
clusters:
`, faultMaxBackoff)
	for _, c := range testbed.Clusters {
		fmt.Fprintf(&b, "  - {name: %s, role: %s, region: %s, management_urls: ['http://%s']}\n", c.Name, c.Role, c.Region, proxies[c.Name].Listen)
	}
	return b.String()
}

// warmFaultBed starts toxiproxy and the exporter behind it, and scrapes until
// every heavy list has been read (one per scrape: three scrapes).
func warmFaultBed(t *testing.T) (*runningExporter, map[string]*toxiproxy.Proxy) {
	t.Helper()
	testbed.Require(t)
	_, proxies := startToxiproxy(t)
	e := startFaultExporter(t, faultFleet(proxies))
	for range 3 {
		e.scrape()
	}
	return e, proxies
}

type runningExporter struct {
	t    *testing.T
	addr string
	logs *testsupport.Buffer
}

func startFaultExporter(t *testing.T, fleet string) *runningExporter {
	t.Helper()
	bin := exporterBinary(t)
	cfg := filepath.Join(t.TempDir(), "fleet.yml")
	if err := os.WriteFile(cfg, []byte(fleet), 0o600); err != nil {
		t.Fatal(err)
	}
	e := &runningExporter{t: t, addr: testsupport.FreeAddr(t), logs: &testsupport.Buffer{}}
	cmd := exec.Command(bin, "--config.file", cfg, "--web.listen-address", e.addr, "--log.level", "error")
	cmd.Env = append(os.Environ(), "RF_FAULTS_PW=guest")
	cmd.Stdout, cmd.Stderr = e.logs, e.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	testsupport.Eventually(t, 15*time.Second, "exporter listening", func() (bool, string) {
		resp, err := http.Get("http://" + e.addr + "/-/healthy")
		if err != nil {
			return false, fmt.Sprintf("%v\n%s", err, e.logs)
		}
		resp.Body.Close()
		return true, ""
	})
	return e
}

// scrape GETs /metrics as Prometheus would and returns it parsed, with the time taken.
func (e *runningExporter) scrape() (scrapeResult, time.Duration) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+e.addr+"/metrics", nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", fmt.Sprint(faultScrapeTimeout.Seconds()))
	client := &http.Client{Timeout: 2 * faultScrapeTimeout}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("scrape: %v\n%s", err, e.logs)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("scrape: HTTP %d, %v: %.500s", resp.StatusCode, err, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		e.t.Fatalf("parsing the scrape: %v", err)
	}
	return scrapeResult(fams), took
}

type scrapeResult map[string]*dto.MetricFamily

// value returns the value of the one series of name with every given label.
func (r scrapeResult) value(name string, labels ...string) (float64, bool) {
	fam := r[name]
	if fam == nil {
		return 0, false
	}
	for _, m := range fam.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			match = match && have[labels[i]] == labels[i+1]
		}
		if !match {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// complete says what, if anything, is missing from a cluster's scrape: it
// must be up and every collector must have succeeded. The heavy lists, read
// one per scrape after an outage, may be absent unless wantHeavy.
func (r scrapeResult) complete(cluster string, wantHeavy bool) string {
	if up, _ := r.value("rabbitfleet_up", "cluster", cluster); up != 1 {
		return "down"
	}
	for _, c := range everyScrape {
		if ok, found := r.value("rabbitfleet_scrape_collector_success", "cluster", cluster, "collector", c); !found || ok != 1 {
			return "collector " + c + " failed or missing"
		}
	}
	for _, c := range []string{"connections", "queues", "federation"} {
		ok, found := r.value("rabbitfleet_scrape_collector_success", "cluster", cluster, "collector", c)
		if (found && ok != 1) || (!found && wantHeavy) {
			return "collector " + c + " failed or missing"
		}
	}
	return ""
}

func TestTestbedFaultsCostOnlyTheFaultyCluster(t *testing.T) {
	e, proxies := warmFaultBed(t)
	if r, _ := e.scrape(); r.complete("gateway-us", true) != "" {
		t.Fatalf("before any fault, gateway-us is not complete: %s", r.complete("gateway-us", true))
	}

	faults := []struct {
		name, toxic string
		attrs       toxiproxy.Attributes
		// slowOnly faults delay answers within the request timeout: the
		// cluster must then be scraped complete, not marked down.
		slowOnly bool
	}{
		{"latency over the request timeout", "latency", toxiproxy.Attributes{"latency": 3000}, false},
		{"latency under the request timeout", "latency", toxiproxy.Attributes{"latency": 500}, true},
		{"bandwidth 1 KB/s", "bandwidth", toxiproxy.Attributes{"rate": 1}, true},
		{"answers cut after 300 bytes", "limit_data", toxiproxy.Attributes{"bytes": 300}, false},
		{"connection reset", "reset_peer", toxiproxy.Attributes{"timeout": 0}, false},
		{"blackhole", "timeout", toxiproxy.Attributes{"timeout": 0}, false},
	}
	faulty := proxies["gateway-us"]
	for _, f := range faults {
		if _, err := faulty.AddToxic(f.toxic, f.toxic, "downstream", 1, f.attrs); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			r, took := e.scrape()
			t.Logf("%s, scrape %d: %v", f.name, i+1, took.Round(time.Millisecond))
			checkHealthyInTime(t, f.name, r, took)
			if missing := r.complete("gateway-us", false); f.slowOnly && missing != "" {
				t.Errorf("%s: slow gateway-us not scraped complete: %s", f.name, missing)
			} else if !f.slowOnly && missing == "" {
				t.Errorf("%s: gateway-us reported complete", f.name)
			}
		}
		if err := faulty.RemoveToxic(f.toxic); err != nil {
			t.Fatal(err)
		}
		checkRecovery(t, e, f.name)
	}
}

// checkRecovery: once the backoff has run out, one scrape finds the cluster
// up with every per-scrape collector fresh.
func checkRecovery(t *testing.T, e *runningExporter, fault string) {
	t.Helper()
	time.Sleep(faultMaxBackoff)
	r, took := e.scrape()
	if missing := r.complete("gateway-us", false); missing != "" {
		t.Errorf("%s cleared: the first scrape after the backoff finds gateway-us %s", fault, missing)
	}
	t.Logf("%s cleared: recovered in one scrape (%v)", fault, took.Round(time.Millisecond))
}

// A node restarted while scrapes are in flight (each request to it delayed so
// that the stop lands mid-scrape) costs only its own cluster, and it is back
// on the first scrape after its backoff once it answers again.
func TestTestbedNodeRestartMidScrape(t *testing.T) {
	e, proxies := warmFaultBed(t)
	faulty := proxies["gateway-us"]
	if _, err := faulty.AddToxic("slow", "latency", "downstream", 1, toxiproxy.Attributes{"latency": 400}); err != nil {
		t.Fatal(err)
	}
	gatewayUS := func(action string) {
		t.Helper()
		testbed.Script(t, action, "gateway-us")
	}
	t.Cleanup(func() { gatewayUS("up") }) // whatever happens, leave the testbed whole

	type scraped struct {
		r    scrapeResult
		took time.Duration
	}
	results := make(chan scraped, 1000)
	stop := make(chan struct{})
	go func() {
		defer close(results)
		pace := time.NewTicker(100 * time.Millisecond)
		defer pace.Stop()
		for {
			select {
			case <-stop:
				return
			case <-pace.C:
			}
			r, took := e.scrape()
			results <- scraped{r, took}
		}
	}()
	time.Sleep(200 * time.Millisecond) // a scrape is waiting on gateway-us
	gatewayUS("down")
	gatewayUS("up")
	close(stop)
	n, down := 0, 0
	for s := range results {
		n++
		checkHealthyInTime(t, "restart", s.r, s.took)
		if s.r.complete("gateway-us", false) != "" {
			down++
		}
	}
	t.Logf("restart: %d scrapes while gateway-us went down and came back, %d found it down or partial", n, down)
	if down == 0 {
		t.Error("no scrape saw gateway-us down while it restarted")
	}
	if err := faulty.RemoveToxic("slow"); err != nil {
		t.Fatal(err)
	}
	checkRecovery(t, e, "restart")
}

// A thousand scrapes through every kind of fault, one after another, leave
// the exporter with the goroutines and file descriptors it had before.
func TestTestbedThousandScrapesUnderFaultsLeakNothing(t *testing.T) {
	e, proxies := warmFaultBed(t)
	goroutines := func(r scrapeResult) float64 { v, _ := r.value("go_goroutines"); return v }
	fds := func(r scrapeResult) float64 { v, _ := r.value("process_open_fds"); return v }
	before, _ := e.scrape()

	faulty := proxies["gateway-us"]
	periods := []struct {
		toxic, kind string
		attrs       toxiproxy.Attributes
	}{
		{}, {"slow", "latency", toxiproxy.Attributes{"latency": 50}}, {"reset", "reset_peer", toxiproxy.Attributes{"timeout": 0}},
		{"blackhole", "timeout", toxiproxy.Attributes{"timeout": 0}}, {"trickle", "bandwidth", toxiproxy.Attributes{"rate": 16}},
	}
	const scrapes, perPeriod = 1000, 100
	pace := time.NewTicker(100 * time.Millisecond) // Prometheus-like pacing, kind to the testbed
	defer pace.Stop()
	var periodStart time.Time
	for i := range scrapes {
		p := periods[(i/perPeriod)%len(periods)]
		if i%perPeriod == 0 {
			periodStart = time.Now()
		}
		if i%perPeriod == 0 && p.toxic != "" {
			if _, err := faulty.AddToxic(p.toxic, p.kind, "downstream", 1, p.attrs); err != nil {
				t.Fatal(err)
			}
		}
		<-pace.C
		r, took := e.scrape()
		checkHealthyInTime(t, fmt.Sprintf("scrape %d (%s)", i+1, p.kind), r, took)
		if i%perPeriod == perPeriod-1 {
			t.Logf("scrapes %d-%d (%s): %v", i+2-perPeriod, i+1, cmp.Or(p.kind, "no fault"), time.Since(periodStart).Round(time.Millisecond))
			if p.toxic != "" {
				if err := faulty.RemoveToxic(p.toxic); err != nil {
					t.Fatal(err)
				}
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	checkRecovery(t, e, "every fault")
	// Idle keep-alive connections may differ: at most MaxIdleConnsPerHost (4)
	// per cluster, each one descriptor and two goroutines.
	after, _ := e.scrape()
	t.Logf("after %d scrapes: goroutines %v -> %v, open fds %v -> %v", scrapes, goroutines(before), goroutines(after), fds(before), fds(after))
	const idle = 4 * 3
	if goroutines(after) > goroutines(before)+2*idle || fds(after) > fds(before)+idle {
		t.Errorf("leak: goroutines %v -> %v, fds %v -> %v", goroutines(before), goroutines(after), fds(before), fds(after))
	}
}

// checkHealthyInTime: the scrape answered in time and the healthy clusters are complete.
func checkHealthyInTime(t *testing.T, what string, r scrapeResult, took time.Duration) {
	t.Helper()
	if took >= faultScrapeTimeout {
		t.Errorf("%s: the scrape took %v, past Prometheus's %v timeout", what, took, faultScrapeTimeout)
	}
	for _, healthy := range []string{"backend", "gateway-eu"} {
		if missing := r.complete(healthy, true); missing != "" {
			t.Errorf("%s: healthy %s incomplete: %s", what, healthy, missing)
		}
	}
}
