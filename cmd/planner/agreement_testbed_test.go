package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

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
// from a real Prometheus. The history is the exporter's real scrapes of the
// node at each of calibrate's steps (0, 400, 800 and 1,200 MQTT connections
// with one QoS 1 subscription each), taken while calibrate holds the step it
// has just read, one scrape per hour of the history in the order they were
// taken: the node cannot be kept for days, so each scrape stands for an
// hour. The figures must agree within 20%, the rule by which the report
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
	h := newHistoryScraper(t, gw)
	h.primePublished()
	var scrapes []map[string]*dto.MetricFamily
	log := slog.New(onConnectionStep{func(n int) { scrapes = append(scrapes, h.atLevel(n, perStep)...) }})
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
	releases := testsupport.PrometheusReleases(t)
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
// of gw make the test's history.
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

func (h *historyScraper) scrape() map[string]*dto.MetricFamily {
	rec := httptest.NewRecorder()
	h.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		h.t.Fatalf("exporter: %d %s", rec.Code, rec.Body)
	}
	return parseExposition(h.t, "exporter", rec.Body.String())
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

// atLevel scrapes per times, a second apart, once the exporter counts n
// device connections besides the node's own.
func (h *historyScraper) atLevel(n, per int) []map[string]*dto.MetricFamily {
	t := h.t
	want := float64(h.before + n)
	testsupport.Eventually(t, 60*time.Second, fmt.Sprintf("the exporter to count %v connections on %s", want, h.gw.Name), func() (bool, string) {
		got := sumFamily(h.scrape(), "rabbitfleet_connections")
		return got == want, fmt.Sprintf("counts %v", got)
	})
	var out []map[string]*dto.MetricFamily
	for range per {
		f := h.scrape()
		t.Logf("%d devices: %v connections, %v bytes used, %v nodes", n, sumFamily(f, "rabbitfleet_connections"), sumFamily(f, "rabbitfleet_node_memory_used_bytes"), sumFamily(f, "rabbitfleet_node_running"))
		out = append(out, f)
		time.Sleep(time.Second)
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
