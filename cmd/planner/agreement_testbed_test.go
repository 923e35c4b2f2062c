package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	promapi "github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"

	"github.com/rabbitfleet/rabbitfleet/exporter"
	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
	"github.com/rabbitfleet/rabbitfleet/planner/calibrate"
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// The planner's two ways of knowing what a connection costs agree on a real
// broker: `planner calibrate` ramps its own clients against the testbed's
// gateway-eu, and `planner forecast --prometheus` fits memory per connection
// from the history of that same node as the exporter reports it, read back
// from a real Prometheus. The history is what a real Prometheus stored of
// the exporter, which it scraped every two seconds while calibrate held each
// of its steps (0, 400, 800 and 1,200 MQTT connections with one QoS 1
// subscription each): six scrapes a step. The node cannot be kept for days
// and the planner reads hours, so those scrapes, in the order taken, are
// backfilled into a second Prometheus as a month of history, each standing
// for an equal stretch of it, and `planner forecast --prometheus` reads
// that. The figures must agree within 20%, the rule by which the report
// flags a profile that disagrees with the fleet.
//
// Both read the same ramp. Two ramps, one for each, differed by the broker
// alone: on 3.10.8 memory per connection varied from ramp to ramp (360 to
// 396 kB by calibrate, 378 to 445 kB from the histories), and one pair of
// ramps set 1.21 times apart failed this test with no change to the code.
func TestTestbedForecastAgreesWithCalibrate(t *testing.T) {
	testbed.Require(t)
	gw := testbed.GatewayEU // 3.10.8 in the default fleet: MQTT over AMQP channels, ~400 kB a connection
	t.Setenv(testbed.PasswordEnv, testbed.Password)
	dir := t.TempDir()

	// The ramp starts on a freshly started node: one that has just held
	// connections keeps much of their memory for a while (360 MB at no
	// connections after a 1,200-connection run, against 274 MB fresh), which
	// flattens the slope by a fifth.
	const top, steps, perStep = 1200, 3, 6
	restart(t, gw)
	releases := testsupport.PrometheusReleases(t)
	h := newHistoryScraper(t, gw)
	h.primePublished()
	live := h.scrapedBy(releases[len(releases)-1])
	var scrapes []map[string]*dto.MetricFamily
	log := slog.New(onConnectionStep{func(n int) { scrapes = append(scrapes, live.atLevel(n, perStep)...) }})
	calibrated, _, err := calibrate.Run(t.Context(), calibrate.Config{
		ManagementURL: gw.ManagementURL(), MQTTAddr: gw.MQTTAddr(), Username: testbed.Username, PasswordEnv: testbed.PasswordEnv,
		Connections: top, Steps: steps,
		ChurnRates: []float64{10, 20, 40}, ChurnDuration: 4 * time.Second,
		MessageRates: []float64{600, 1200, 2400}, MessageDuration: 4 * time.Second,
		Settle: 6 * time.Second, IdleWindow: 2 * time.Second,
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	if want := (steps + 1) * perStep; len(scrapes) != want {
		t.Fatalf("%d scrapes taken at calibrate's connection steps, want %d (%d steps of %d)", len(scrapes), want, steps+1, perStep)
	}
	profile := filepath.Join(dir, "profile.json")
	if err := calibrated.Write(profile); err != nil {
		t.Fatal(err)
	}

	// November 2026, hour by hour: the planner wants most of a month.
	start, hours := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 30*24
	end := start.Add(time.Duration(hours) * time.Hour)
	om := filepath.Join(dir, "history.om")
	if err := os.WriteFile(om, hourlyOpenMetrics(t, scrapes, start, hours), 0o600); err != nil {
		t.Fatal(err)
	}
	url := startBackfilled(t, releases[len(releases)-1], om)

	fleetFile := writeIn(t, dir, "fleet.yml", `client_regions:
  - {name: uk, devices_per_customer: 10}
clusters:
  - {name: gateway-eu, role: gateway, aws_region: eu-west-1, instance_type: m5.large, nodes: 1, serves: [uk]}
targets: {redundancy: 0, min_nodes: 1, odd_nodes: false}
`)
	salesFile := writeIn(t, dir, "sales.csv", "month,region,new_customers\n2026-11,uk,60\n2026-12,uk,5\n2027-01,uk,5\n")
	stopClock(t, end.Add(42*time.Minute))
	out := filepath.Join(dir, "report")
	ok(t, "", "forecast", "--fleet", fleetFile, "--sales", salesFile, "--prometheus", url, "--prometheus.range", "31d",
		"--profile", profile, "--out", out)

	// Read as --previous reads it: the report must validate too.
	rep, err := report.ReadPrevious(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Capacity {
		for _, f := range c.Figures {
			if c.Cluster != "gateway-eu" || f.Name != capacity.FigureMemoryPerConnection {
				continue
			}
			if f.Observed == nil {
				t.Fatalf("report: gateway-eu %s: no observed figure from %d hours of history", f.Name, hours)
			}
			ratio := *f.Observed / calibrated.MemoryPerConnectionBytes
			t.Logf("memory per connection: forecast from history %.0f B (R² %.3f, %d samples), calibrate %.0f B (report's profile column %.0f): ratio %.3f",
				*f.Observed, *f.R2, f.Samples, calibrated.MemoryPerConnectionBytes, f.Profile, ratio)
			if f.Samples != hours || math.Abs(f.Profile/calibrated.MemoryPerConnectionBytes-1) > 1e-9 {
				t.Errorf("the report fitted %d samples against profile %v, want %d and calibrate's %v", f.Samples, f.Profile, hours, calibrated.MemoryPerConnectionBytes)
			}
			if math.Abs(ratio-1) > 0.2 || f.Differs {
				t.Errorf("forecast's %.0f B per connection and calibrate's %.0f differ by more than 20%% (report flags it: %v)",
					*f.Observed, calibrated.MemoryPerConnectionBytes, f.Differs)
			}
			return
		}
	}
	t.Fatalf("report.json has no memory per connection figure for gateway-eu: %+v", rep.Capacity)
}

// restart stops and starts the cluster's node, as the testbed does, and
// waits until it counts as many connections as before (the federation
// links' own), so that a measurement starting then sees only its own.
func restart(t *testing.T, c testbed.Cluster) {
	t.Helper()
	before := connectionCount(t, c)
	for _, verb := range []string{"down", "up"} {
		if out, err := testbed.Command(t, verb, c.Name).CombinedOutput(); err != nil {
			t.Fatalf("testbed %s %s: %v\n%s", verb, c.Name, err, out)
		}
	}
	testsupport.Eventually(t, 60*time.Second, fmt.Sprintf("%s to count its %d connections again", c.Name, before), func() (bool, string) {
		n := connectionCount(t, c)
		return n == before, fmt.Sprintf("counts %d", n)
	})
}

// connectionCount is what the cluster's overview counts, -1 while it does not answer.
func connectionCount(t *testing.T, c testbed.Cluster) int {
	ov, err := testbed.Admin(t, c.Name).Overview()
	if err != nil {
		return -1
	}
	return ov.ObjectTotals.Connections
}

// onConnectionStep is a log handler that calls step with the connection
// count of each of calibrate's "connection step" records, logged once it
// has read the step's memory and before it opens the next step's
// connections: calibrate holds the step while step runs.
type onConnectionStep struct{ step func(connections int) }

func (h onConnectionStep) Enabled(context.Context, slog.Level) bool { return true }
func (h onConnectionStep) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h onConnectionStep) WithGroup(string) slog.Handler            { return h }
func (h onConnectionStep) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "connection step" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "connections" {
			h.step(int(a.Value.Int64()))
			return false
		}
		return true
	})
	return nil
}

// historyScraper is a real exporter (in process, one cluster) whose scrapes
// of gw, by a real Prometheus (scrapedBy), make the test's history.
type historyScraper struct {
	t      *testing.T
	gw     testbed.Cluster
	srv    *exporter.Server
	before int // connections gw counts of its own (federation links)
}

func newHistoryScraper(t *testing.T, gw testbed.Cluster) *historyScraper {
	t.Helper()
	cfg := writeIn(t, t.TempDir(), "exporter.yml", fmt.Sprintf(`clusters:
  - name: %s
    role: gateway
    region: %s
    management_urls: [%s]
    username: %s
    password_env: %s
    min_interval: 0s
    connections: {refresh_interval: 10s}
`, gw.Name, gw.Region, gw.ManagementURL(), testbed.Username, testbed.PasswordEnv))
	srv, err := exporter.NewServer(exporter.Options{ConfigFile: cfg, ScrapeTimeout: 10 * time.Second, TimeoutOffset: 500 * time.Millisecond},
		slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Fleet().Close)
	return &historyScraper{t: t, gw: gw, srv: srv, before: connectionCount(t, gw)}
}

// primePublished has one device report once and leave: a node started
// afresh counts no published messages, and the planner needs that series.
// More messages would add their own memory to the connections'.
func (h *historyScraper) primePublished() {
	t := h.t
	sim, err := devicesim.New(devicesim.Config{MQTTAddr: h.gw.MQTTAddr(), Username: testbed.Username, Password: testbed.Password,
		ClientPrefix: devicesim.RandomPrefix("agreement"), QoS: 1, Subscribe: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sim.CloseAll() }()
	if err := sim.Open(t.Context(), devicesim.MQTT, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Publish(t.Context(), devicesim.MQTT); err != nil {
		t.Fatal(err)
	}
	if err := sim.CloseAll(); err != nil {
		t.Fatal(err)
	}
	// calibrate starts from an idle node: the broker closes the device after us.
	testsupport.Eventually(t, 60*time.Second, fmt.Sprintf("%s to count the %d connections it had before", h.gw.Name, h.before), func() (bool, string) {
		n := connectionCount(t, h.gw)
		return n == h.before, fmt.Sprintf("counts %d", n)
	})
}

// liveScrapes is a real Prometheus scraping the exporter over HTTP every two
// seconds.
type liveScrapes struct {
	t       *testing.T
	api     promv1.API
	cluster string
	before  int // connections the cluster counts of its own
}

// scrapedBy starts the release's Prometheus scraping h's exporter.
func (h *historyScraper) scrapedBy(p testsupport.Prometheus) *liveScrapes {
	t := h.t
	exp := httptest.NewServer(h.srv.MetricsHandler())
	t.Cleanup(exp.Close)
	cfg := fmt.Sprintf(`global: {scrape_interval: 2s, scrape_timeout: 2s}
scrape_configs:
  - job_name: rabbitfleet
    static_configs: [{targets: [%q]}]
`, strings.TrimPrefix(exp.URL, "http://"))
	client, err := promapi.NewClient(promapi.Config{Address: startPrometheus(t, p, cfg, filepath.Join(t.TempDir(), "data"))})
	if err != nil {
		t.Fatal(err)
	}
	return &liveScrapes{t: t, api: promv1.NewAPI(client), cluster: h.gw.Name, before: h.before}
}

// atLevel waits until Prometheus has stored per scrapes, taken from now
// on, in which the exporter counts n device connections besides the
// node's own, and returns them.
func (l *liveScrapes) atLevel(n, per int) []map[string]*dto.MetricFamily {
	t := l.t
	want := float64(l.before + n)
	from := time.Now()
	var at []map[string]*dto.MetricFamily
	testsupport.Eventually(t, 90*time.Second, fmt.Sprintf("Prometheus to store %d scrapes counting %v connections on %s", per, want, l.cluster), func() (bool, string) {
		all := l.scrapesSince(from)
		at = at[:0]
		for _, f := range all {
			if sumFamily(f, "rabbitfleet_connections") == want {
				at = append(at, f)
			}
		}
		return len(at) >= per, fmt.Sprintf("%d of %d scrapes since %s", len(at), len(all), from.Format(time.TimeOnly))
	})
	for _, f := range at[:per] {
		t.Logf("%d devices: %v connections, %v bytes used, %v nodes", n, sumFamily(f, "rabbitfleet_connections"),
			sumFamily(f, "rabbitfleet_node_memory_used_bytes"), sumFamily(f, "rabbitfleet_node_running"))
	}
	return at[:per]
}

// scrapesSince reads back from Prometheus every rabbitfleet_ sample of the
// cluster stored from from on, grouped into one family set per scrape (a
// scrape's samples share its timestamp), oldest first. A name ending in
// _total is a counter, any other a gauge; the histograms' series are left
// out (the planner reads none).
func (l *liveScrapes) scrapesSince(from time.Time) []map[string]*dto.MetricFamily {
	t := l.t
	q := fmt.Sprintf(`{__name__=~"rabbitfleet_.+",cluster=%q}[5m]`, l.cluster)
	val, _, _, err := l.api.Query(t.Context(), q, time.Now())
	if err != nil {
		t.Fatalf("Prometheus %s: %v", q, err)
	}
	matrix, ok := val.(model.Matrix)
	if !ok {
		t.Fatalf("Prometheus %s: a %s, want a matrix", q, val.Type())
	}
	byTime := map[model.Time]map[string]*dto.MetricFamily{}
	for _, ss := range matrix {
		name := string(ss.Metric[model.MetricNameLabel])
		if strings.HasSuffix(name, "_bucket") || strings.HasSuffix(name, "_sum") || strings.HasSuffix(name, "_count") {
			continue
		}
		var labels []*dto.LabelPair
		for _, k := range slices.Sorted(maps.Keys(ss.Metric)) {
			if k != model.MetricNameLabel {
				labels = append(labels, &dto.LabelPair{Name: proto.String(string(k)), Value: proto.String(string(ss.Metric[k]))})
			}
		}
		for _, sample := range ss.Values {
			ts, v := sample.Timestamp, float64(sample.Value)
			if ts.Time().Before(from) {
				continue
			}
			if byTime[ts] == nil {
				byTime[ts] = map[string]*dto.MetricFamily{}
			}
			f := byTime[ts][name]
			if f == nil {
				typ := dto.MetricType_GAUGE
				if strings.HasSuffix(name, "_total") {
					typ = dto.MetricType_COUNTER
				}
				f = &dto.MetricFamily{Name: proto.String(name), Type: &typ}
				byTime[ts][name] = f
			}
			m := &dto.Metric{Label: labels}
			if f.GetType() == dto.MetricType_COUNTER {
				m.Counter = &dto.Counter{Value: proto.Float64(v)}
			} else {
				m.Gauge = &dto.Gauge{Value: proto.Float64(v)}
			}
			f.Metric = append(f.Metric, m)
		}
	}
	var out []map[string]*dto.MetricFamily
	for _, ts := range slices.Sorted(maps.Keys(byTime)) {
		out = append(out, byTime[ts])
	}
	return out
}

func sumFamily(families map[string]*dto.MetricFamily, name string) float64 {
	sum := 0.0
	for _, m := range families[name].GetMetric() {
		sum += m.GetGauge().GetValue()
	}
	return sum
}

// hourlyOpenMetrics writes the scrapes as OpenMetrics history of the given
// hours from start, in the order taken, each standing for an equal stretch
// of it, every 15 minutes (so that a counter's rate over the planner's
// one-hour window has samples to use: the counters are the scrapes' own,
// so they only grow).
func hourlyOpenMetrics(t *testing.T, scrapes []map[string]*dto.MetricFamily, start time.Time, hours int) []byte {
	t.Helper()
	const perHour = 4
	types := map[string]dto.MetricType{}
	// Each series' samples, in time order (OpenMetrics wants them together).
	samples := map[string]map[string][]string{} // family -> series -> lines
	for k := range hours * perHour {
		at := start.Add(time.Duration(k) * time.Hour / perHour)
		s := scrapes[k*len(scrapes)/(hours*perHour)]
		for name, f := range s {
			typ := f.GetType()
			if !strings.HasPrefix(name, "rabbitfleet_") || (typ != dto.MetricType_GAUGE && typ != dto.MetricType_COUNTER) {
				continue
			}
			types[name] = typ
			if samples[name] == nil {
				samples[name] = map[string][]string{}
			}
			for _, m := range f.GetMetric() {
				labels := map[string]string{}
				for _, l := range m.GetLabel() {
					labels[l.GetName()] = l.GetValue()
				}
				v := m.GetGauge().GetValue()
				if typ == dto.MetricType_COUNTER {
					v = m.GetCounter().GetValue()
				}
				series := name + labelText(labels)
				var b bytes.Buffer
				w := bufio.NewWriter(&b)
				writeSample(w, series, v, at)
				w.Flush()
				samples[name][series] = append(samples[name][series], b.String())
			}
		}
	}
	var b bytes.Buffer
	for _, name := range slices.Sorted(maps.Keys(samples)) {
		if types[name] == dto.MetricType_COUNTER {
			fmt.Fprintf(&b, "# TYPE %s counter\n", strings.TrimSuffix(name, "_total"))
		} else {
			fmt.Fprintf(&b, "# TYPE %s gauge\n", name)
		}
		for _, series := range slices.Sorted(maps.Keys(samples[name])) {
			for _, line := range samples[name][series] {
				b.WriteString(line)
			}
		}
	}
	b.WriteString("# EOF\n")
	return b.Bytes()
}
