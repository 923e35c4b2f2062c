package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/latency"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// planner runs the command in-process.
func planner(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// errorLine is stderr's error: its last line, the only one that is not a
// log line.
func errorLine(t *testing.T, stderr string) string {
	t.Helper()
	var errs []string
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if !strings.HasPrefix(l, "time=") {
			errs = append(errs, l)
		}
	}
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "planner: ") || !strings.HasSuffix(stderr, errs[0]+"\n") {
		t.Errorf("stderr %q: want one last line \"planner: ...\" besides the logs", stderr)
		return ""
	}
	return errs[0]
}

// ok runs the command and fails the test unless it succeeds.
func ok(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errOut := planner(t, stdin, args...)
	if code != 0 {
		t.Fatalf("planner %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// demoLatency writes the embedded latency table to a file, so that these
// runs also read a --latency override.
func demoLatency(t *testing.T) string {
	t.Helper()
	def := latency.Default()
	var b bytes.Buffer
	b.WriteString("client_region,aws_region,rtt_ms\n")
	for _, c := range def.ClientRegions() {
		for _, a := range def.AWSRegions() {
			ms, _ := def.Millis(c, a)
			fmt.Fprintf(&b, "%s,%s,%g\n", c, a, ms)
		}
	}
	path := filepath.Join(t.TempDir(), "latency.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func names(files map[string][]byte) []string {
	var out []string
	for n := range files {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// reportFiles is what every report directory holds, sorted.
var reportFiles = []string{"planner.prom", "recommendations.csv", "report.html", "report.json", "report.md", "terraform.tfvars.json"}

// The demo report: all six files, twice the same bytes, and a plan that
// holds together.
// demandShown checks a demo gateway's demand: the devices line is used
// and shown, and the intervals are honest: 12 months ahead the 95%
// interval spans at least ±2% (the sales plan's error; it was ±0.4% when
// the sales were taken as known), wider than 1 month ahead, and holds the
// low and high scenarios' forecasts.
func demandShown(t *testing.T, g report.Gateway) {
	t.Helper()
	minR2 := 0.99
	if g.Name == "gateway-us" {
		minR2 = 0.7 // the flat gateway: devices barely move, so the line explains less
	}
	if g.Method != report.MethodSales || g.Fit == nil || g.Fit.R2 < minR2 || g.Fit.N != 13 || len(g.Scenarios) != 4 {
		t.Fatalf("%s: method %q, fit %+v, %d scenarios", g.Name, g.Method, g.Fit, len(g.Scenarios))
	}
	first, last := g.Forecasts[0], g.Forecasts[3]
	half := func(f report.Forecast) float64 { return (f.Hi95 - f.Lo95) / 2 / f.Point }
	minHalf := 0.02
	if g.Name == "gateway-us" {
		minHalf = 0.01 // it sells little, so the sales plan's error adds little
	}
	if half(last) < minHalf || half(last) <= half(first) {
		t.Errorf("%s: 95%% half-widths %.4f (1 month), %.4f (12 months)", g.Name, half(first), half(last))
	}
	sc := g.Scenarios[3]
	if !(last.Lo95 <= sc.Low.Point && sc.High.Point <= last.Hi95 && sc.Low.Point < last.Point && last.Point < sc.High.Point) {
		t.Errorf("%s: 12 months: base %+v, low %+v, high %+v", g.Name, last, sc.Low, sc.High)
	}
}

func TestForecastDemo(t *testing.T) {
	dir := t.TempDir()
	lat := demoLatency(t)
	out := ok(t, "", "forecast", "--latency", lat, "--out", filepath.Join(dir, "a"))
	ok(t, "", "--latency", lat, "--out", filepath.Join(dir, "b")) // forecast is the default command
	a, b := testsupport.ReadDir(t, filepath.Join(dir, "a")), testsupport.ReadDir(t, filepath.Join(dir, "b"))
	if got := names(a); !slices.Equal(got, reportFiles) {
		t.Fatalf("report files %v, want %v", got, reportFiles)
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs on the same inputs", name)
		}
	}

	var p report.Plan
	if err := json.Unmarshal(a["report.json"], &p); err != nil {
		t.Fatal(err)
	}
	if p.SchemaVersion != report.SchemaVersion || !p.AsOf.Equal(demo.End) || p.HorizonMonths != 24 || len(p.Gateways) != 3 {
		t.Fatalf("plan: schema %d, as of %v, horizon %d, %d gateways", p.SchemaVersion, p.AsOf, p.HorizonMonths, len(p.Gateways))
	}
	if err := p.Validate(); err != nil {
		t.Errorf("report.json does not validate: %v", err)
	}
	for _, g := range p.Gateways {
		if len(g.Months) != 24 || g.Connections <= 0 || g.Forecasts[0].Point < 0.99*g.Connections { // gateway-us is flat
			t.Errorf("%s: %d months, %g connections, next month %g", g.Name, len(g.Months), g.Connections, g.Forecasts[0].Point)
		}
		demandShown(t, g)
	}
	for _, want := range []string{"### Fit\n", "### Sales scenarios\n", "### Sales-driven forecast (the one sizing uses)",
		"### Time-series engine on each cluster"} {
		if !bytes.Contains(a["report.md"], []byte(want)) || !bytes.Contains(a["report.html"], []byte(strings.TrimSpace(strings.TrimPrefix(want, "### ")))) {
			t.Errorf("report.md or report.html lacks %q", want)
		}
	}
	wantOut := "Report written to " + filepath.Join(dir, "a") + ": capacity plan as of 2026-11-01 00:00 UTC, 24 months.\n" +
		"Capacity profiles:\n" +
		"- gateway-eu (RabbitMQ 4.3.6): embedded profile rabbitmq-4.3.6.json, measured on 4.3.6; measured on the cluster's version\n" +
		"- gateway-us (RabbitMQ 4.0.5): embedded profile rabbitmq-4.3.6.json, measured on 4.3.6; nearest to the cluster's 4.0.5 on its side of 3.12's native MQTT\n" +
		"- gateway-ap (RabbitMQ 3.13.7): embedded profile rabbitmq-4.3.6.json, measured on 4.3.6; nearest to the cluster's 3.13.7 on its side of 3.12's native MQTT\n" +
		"- backend (RabbitMQ 4.3.6): embedded profile rabbitmq-4.3.6.json, measured on 4.3.6; measured on the cluster's version\n"
	be := p.Backend
	if be == nil || len(be.Months) != 24 || be.OwnMessagesPerSecond == nil || be.MessagesPerSecond == nil || be.FederationLinks != 4 {
		t.Fatalf("backend %+v: want 24 months, its own traffic from its history and 4 federation links (3 gateways, 1 proposed)", be)
	}
	for _, m := range be.Months {
		if m.CapacityMessagesPerSecond < m.UpperMessagesPerSecond || m.FederatedPerSecond <= 0 {
			t.Errorf("backend %s: capacity %g below upper %g, or no federated traffic (%g)", m.Month.Format("2006-01"),
				m.CapacityMessagesPerSecond, m.UpperMessagesPerSecond, m.FederatedPerSecond)
		}
	}
	last := be.Months[23]
	wantOut += fmt.Sprintf("Backend backend: %d x %s carries %.0f messages/s within the targets (binding: %s), the horizon's "+
		"first month needing %.0f; its path ends on %d x %s (%d changes, $%.2f over 24 months).\n",
		be.Current.Nodes, be.Current.InstanceType, be.Current.CapacityMessagesPerSecond, be.Current.Binding,
		be.Months[0].UpperMessagesPerSecond, last.Nodes, last.InstanceType, be.PathChanges, be.PathCostUSD) +
		"Summary:\n"
	for _, l := range report.Headlines(&p) {
		wantOut += "- " + l + "\n"
	}
	var ahead []int
	var today float64
	for _, c := range p.Summary.FleetCost {
		ahead = append(ahead, c.MonthsAhead)
	}
	for _, g := range p.Gateways {
		today += g.Current.MonthlyCostUSD
	}
	today += be.Current.MonthlyCostUSD
	if !slices.Equal(ahead, []int{0, 1, 6, 12, 24}) || math.Abs(p.Summary.FleetCost[0].MonthlyCostUSD-today) > 0.005 ||
		len(p.Summary.HighScenario) != 3 || p.Changes != nil {
		t.Errorf("summary %+v, changes %+v", p.Summary, p.Changes)
	}
	var now, later string
	for _, act := range p.Actions {
		if act.Kind == report.ActionLater {
			later += "- " + act.Text() + "\n"
		} else {
			now += "- " + act.Text() + "\n"
		}
	}
	if now == "" {
		wantOut += "No action needed this month.\n"
	} else {
		wantOut += "Actions this month:\n" + now
	}
	if later != "" {
		wantOut += "Later steps of the migration paths:\n" + later
	}
	if out != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, wantOut)
	}
}

// `planner forecast` with no flag at all, into ./planner-report.
func TestForecastNoFlags(t *testing.T) {
	t.Chdir(t.TempDir())
	code, _, errOut := planner(t, "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := names(testsupport.ReadDir(t, "planner-report")); !slices.Equal(got, reportFiles) {
		t.Errorf("report files %v, want %v", got, reportFiles)
	}
}

// A report from a snapshot of the demo history is the demo report but for
// where the history came from.
func TestForecastFromDemoSnapshot(t *testing.T) {
	dir := t.TempDir()
	lat := demoLatency(t)
	snap := filepath.Join(dir, "demo-history.json.gz")
	out := ok(t, "", "snapshot", "--demo", "--out", snap)
	h := demo.History()
	if want := fmt.Sprintf("Wrote %d series, 2025-09-27 00:00 to 2026-11-01 00:00 at 1h0m0s, to %s.\n", len(h.Series), snap); out != want {
		t.Errorf("snapshot says %q, want %q", out, want)
	}
	ok(t, "", "forecast", "--latency", lat, "--snapshot", snap, "--out", filepath.Join(dir, "from-snapshot"))
	ok(t, "", "forecast", "--latency", lat, "--out", filepath.Join(dir, "embedded"))
	assertSameBut(t, testsupport.ReadDir(t, filepath.Join(dir, "embedded")), testsupport.ReadDir(t, filepath.Join(dir, "from-snapshot")),
		"embedded demo history", snap)
}

// assertSameBut checks that every file of b is a's with old replaced by
// new, and that the replacement happened: the only difference.
func assertSameBut(t *testing.T, a, b map[string][]byte, old, new string) {
	t.Helper()
	if !slices.Equal(names(a), names(b)) {
		t.Fatalf("files %v and %v", names(a), names(b))
	}
	changed := false
	for name, data := range a {
		want := bytes.ReplaceAll(data, []byte(old), []byte(new))
		changed = changed || !bytes.Equal(want, data)
		if !bytes.Equal(want, b[name]) {
			t.Errorf("%s differs by more than the history's location", name)
		}
	}
	if !changed {
		t.Errorf("no file names the history %q", old)
	}
}

// fakePrometheus answers range queries from a snapshot, as Prometheus
// would with that history in its TSDB.
func fakePrometheus(t *testing.T, h *history.Snapshot) *httptest.Server {
	type asked struct{ metric, cluster string } // cluster "" for all
	byPromQL := map[string]asked{}
	for _, q := range history.Queries() {
		byPromQL[q.PromQL] = asked{q.Metric, ""}
	}
	f, err := fleet.Parse(demo.Fleet(), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Clusters { // node_exporter's CPU, asked per cluster
		byPromQL[history.NodeCPUQuery(c.Name, c.NodeCPUSelector).PromQL] = asked{history.MetricCPUBusyCores, c.Name}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm() // v1 POSTs a form, then GETs on 405
		q := r.Form
		a, known := byPromQL[q.Get("query")]
		start, err1 := strconv.ParseFloat(q.Get("start"), 64)
		end, err2 := strconv.ParseFloat(q.Get("end"), 64)
		step, err3 := strconv.ParseFloat(q.Get("step"), 64)
		if r.URL.Path != "/api/v1/query_range" || !known || err1 != nil || err2 != nil || err3 != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"unexpected request"}`)
			return
		}
		type series struct {
			Metric map[string]string `json:"metric"`
			Values [][2]any          `json:"values"`
		}
		result := []series{}
		for _, s := range h.Series {
			if s.Metric != a.metric || a.cluster != "" && s.Cluster != a.cluster {
				continue
			}
			x := series{Metric: map[string]string{"cluster": s.Cluster}}
			for k, v := range s.Labels {
				x.Metric[k] = v
			}
			for ts := start; ts <= end; ts += step {
				i := int(math.Round((ts - float64(s.Start.Unix())) / s.Step.Seconds()))
				if i >= 0 && i < len(s.Values) && !math.IsNaN(s.Values[i]) {
					x.Values = append(x.Values, [2]any{ts, strconv.FormatFloat(s.Values[i], 'f', -1, 64)})
				}
			}
			if len(x.Values) > 0 {
				result = append(result, x)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix", "result": result}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stopClock sets the wall clock for the test.
func stopClock(t *testing.T, at time.Time) {
	old := clock
	clock = func() time.Time { return at }
	t.Cleanup(func() { clock = old })
}

// From Prometheus, the report is the same as from the snapshot of the
// same history but for its source; so is a snapshot taken from it.
func TestForecastFromPrometheus(t *testing.T) {
	srv := fakePrometheus(t, demo.History())
	stopClock(t, demo.End.Add(42*time.Minute)) // the last full hour is the demo's end
	dir := t.TempDir()
	lat := demoLatency(t)
	ok(t, "", "forecast", "--latency", lat, "--prometheus", srv.URL, "--out", filepath.Join(dir, "prometheus"))
	ok(t, "", "forecast", "--latency", lat, "--out", filepath.Join(dir, "embedded"))
	a, b := testsupport.ReadDir(t, filepath.Join(dir, "embedded")), testsupport.ReadDir(t, filepath.Join(dir, "prometheus"))
	for name := range a { // the kind first (JSON, then text), then the location
		a[name] = bytes.ReplaceAll(a[name], []byte(`"kind": "snapshot"`), []byte(`"kind": "prometheus"`))
		a[name] = bytes.ReplaceAll(a[name], []byte("History: snapshot "), []byte("History: prometheus "))
	}
	assertSameBut(t, a, b, "embedded demo history", srv.URL)

	snap := filepath.Join(dir, "h.json")
	fleetFile := filepath.Join(dir, "fleet.yml") // its node_cpu_selector ask for the CPU series too
	if err := os.WriteFile(fleetFile, demo.Fleet(), 0o600); err != nil {
		t.Fatal(err)
	}
	ok(t, "", "snapshot", "--prometheus", srv.URL, "--fleet", fleetFile, "--out", snap)
	got, err := history.Read(snap)
	if err != nil {
		t.Fatal(err)
	}
	want := demo.History()
	if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) || len(got.Series) != len(want.Series) {
		t.Fatalf("snapshot %v to %v, %d series; want %v to %v, %d", got.Start, got.End, len(got.Series), want.Start, want.End, len(want.Series))
	}
	for i := range want.Series {
		if !slices.EqualFunc(got.Series[i].Values, want.Series[i].Values, func(x, y float64) bool {
			return x == y || (math.IsNaN(x) && math.IsNaN(y))
		}) {
			t.Errorf("series %d (%s %s) differs", i, want.Series[i].Metric, want.Series[i].Cluster)
		}
	}
}

// closedPort is a local address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// writeIn writes data to dir/name and returns its path.
func writeIn(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bad input: exit 1, one line naming the problem, and the previous report
// untouched, nothing else written.
func TestForecastBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string { return writeIn(t, dir, name, data) }
	fleetFile := write("fleet.yml", string(demo.Fleet()))
	salesFile := write("sales.csv", string(demo.Sales()))
	snap := filepath.Join(dir, "history.json")
	if err := history.Write(snap, demo.History()); err != nil {
		t.Fatal(err)
	}
	empty := demo.History()
	empty.Series = nil
	emptySnap := filepath.Join(dir, "empty.json")
	if err := history.Write(emptySnap, empty); err != nil {
		t.Fatal(err)
	}
	lat := demoLatency(t)
	erring := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"1:1: parse error: unexpected end of input"}`)
	}))
	defer erring.Close()
	down := "http://prom:s3cret-pw@" + closedPort(t)
	profile := write("profile.json", profileJSON(t, "4.0.5"))
	badProfile := write("bad-profile.json", strings.Replace(profileJSON(t, "4.0.5"), `"measured_on"`, `"measured_at"`, 1))
	badSet := filepath.Join(dir, "bad-set")
	if err := os.Mkdir(badSet, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(badSet, "rabbitmq-4.json"), []byte(profileJSON(t, "4")), 0o644); err != nil {
		t.Fatal(err)
	}
	stopClock(t, demo.End)
	withSales := func(name, rows string) []string {
		return []string{"--fleet", fleetFile, "--sales", write(name, "month,region,new_customers\n"+rows), "--snapshot", snap}
	}
	withFleet := func(name, yml string) []string {
		return []string{"--fleet", write(name, yml), "--sales", salesFile, "--snapshot", snap}
	}
	holed := write("holed.csv", holedDemoSales(t))
	// Without a row there is nothing to interpolate from.
	lateStart := write("late.csv", strings.Replace(string(demo.Sales()), "2025-10,uk,25,30\n", "", 1))
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"bad month", withSales("month.csv", "2026-13,uk,3\n"), `month.csv:2: column "month": "2026-13"`},
		{"negative", withSales("negative.csv", "2026-01,uk,-3\n"), `negative.csv:2: column "new_customers": "-3" is negative`},
		{"unknown region", withSales("region.csv", "2026-01,uk,3\n2026-01,atlantis,3\n"),
			`region.csv:3: column "region": "atlantis" is not a client region of the fleet`},
		{"bad uncertainty", []string{"--fleet", fleetFile, "--snapshot", snap, "--sales", write("uncertainty.csv",
			"month,region,new_customers,uncertainty\n2026-01,uk,3,0.3\n2026-02,uk,3,30%\n")},
			`uncertainty.csv:3: column "uncertainty": "30%" is not a number`},
		{"uncertainty above 1", []string{"--fleet", fleetFile, "--snapshot", snap, "--sales", write("spread.csv",
			"month,region,new_customers,planned_new_customers,uncertainty\n2026-01,uk,3,,1.2\n")},
			`spread.csv:2: column "uncertainty": "1.2" must be above 0 and at most 1`},
		{"bad spread flag", []string{"--sales.default-spread", "0"}, "flags: default sales spread 0: want above 0 and at most 1"},
		{"sales hole", []string{"--fleet", fleetFile, "--sales", holed, "--snapshot", snap},
			holed + ": region india: no row for 2026-03 (between 2026-02 on line 61 and 2026-04 on line 84); " +
				holed + ": a month without sales needs a row with new_customers 0 (or --sales.fill-holes=interpolate to fill a hole between two rows of a region)"},
		{"sales hole at the start", []string{"--fleet", fleetFile, "--sales", lateStart, "--snapshot", snap, "--sales.fill-holes", "interpolate"},
			lateStart + ": region uk: no row for 2025-10 (the file starts 2025-10; the region's first row is 2025-11 on line 13); " +
				lateStart + ": interpolation fills only a hole between two rows of its region; a month without sales needs a row with new_customers 0"},
		{"bad fill-holes flag", []string{"--sales.fill-holes", "zero"}, "enum value must be one of error,interpolate, got 'zero'"},
		{"unknown field", withFleet("field.yml", string(demo.Fleet())+"bogus: 1\n"), `field.yml:`},
		{"unknown instance type", withFleet("type.yml", strings.Replace(string(demo.Fleet()), "r5.xlarge", "c9.huge", 1)),
			`instance_type "c9.huge" is not in the instance catalog`},
		{"empty history", []string{"--snapshot", emptySnap}, `history from snapshot "` + emptySnap + `": the history holds no series`},
		{"missing snapshot", []string{"--snapshot", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"prometheus down", []string{"--prometheus", down}, "prometheus http://" + strings.TrimPrefix(down, "http://prom:s3cret-pw@") +
			`: history: query "connections" (sum by (cluster, protocol) (rabbitfleet_connections)) from 2025-09-27T00:00:00Z to 2026-10-31T23:00:00Z: POST `},
		{"prometheus error", []string{"--prometheus", erring.URL}, "prometheus " + erring.URL +
			`: history: query "connections" (sum by (cluster, protocol) (rabbitfleet_connections)) from 2025-09-27T00:00:00Z to 2026-10-31T23:00:00Z: bad_data: 1:1: parse error: unexpected end of input`},
		{"bad range", []string{"--prometheus", erring.URL, "--prometheus.range", "soon"}, `--prometheus.range "soon": want a positive duration`},
		{"bad url", []string{"--prometheus", "prometheus:9090"}, `--prometheus "prometheus:9090": want an http:// or https:// URL`},
		{"two histories", []string{"--prometheus", erring.URL, "--snapshot", snap}, "--snapshot and --prometheus exclude each other"},
		{"fleet alone", []string{"--fleet", fleetFile, "--snapshot", snap}, "--fleet and --sales go together"},
		{"fleet without history", []string{"--fleet", fleetFile, "--sales", salesFile}, "--fleet needs a history"},
		{"unknown flag", []string{"--fleeet", fleetFile}, "unknown long flag '--fleeet'"},
		{"profile and profiles", []string{"--profile", profile, "--profiles", badSet}, "--profile and --profiles exclude each other"},
		{"bad profile", []string{"--profile", badProfile}, badProfile + `: json: unknown field "measured_at"`},
		{"profile version", []string{"--profiles", badSet}, filepath.Join(badSet, "rabbitmq-4.json") +
			`: field "rabbitmq_version": "4" is not a RabbitMQ version (MAJOR.MINOR.PATCH)`},
		{"no profiles", []string{"--profiles", fleetFile}, fleetFile + ": not a directory of capacity profiles"},
		{"previous not json", []string{"--previous", fleetFile}, "previous report " + fleetFile + ": not a report.json: line 1: invalid character"},
		{"previous schema", []string{"--previous", write("v2.json", `{"schema_version": 2}`)},
			"previous report " + filepath.Join(dir, "v2.json") + ": schema_version 2, want 3 to 5 (a report.json of this planner or the one before)"},
		{"previous missing", []string{"--previous", filepath.Join(dir, "none.json")}, "previous report: open " + filepath.Join(dir, "none.json")},
		{"previous later", []string{"--previous", laterReport(t, dir)},
			"previous report " + filepath.Join(dir, "later", "report.json") + ": as of 2026-12-01 00:00 UTC, after this plan's 2026-11-01 00:00 UTC: not an earlier report"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "report")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			prev := filepath.Join(out, "report.md")
			if err := os.WriteFile(prev, []byte("last month's report\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadDir(dir)
			args := append([]string{"forecast", "--latency", lat, "--out", out}, c.args...)
			code, stdout, stderr := planner(t, "", args...)
			if code != 1 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			if line := errorLine(t, stderr); !strings.Contains(line, c.want) {
				t.Errorf("error %q, want it to contain %q", line, c.want)
			}
			if strings.Contains(stderr, "s3cret-pw") {
				t.Errorf("stderr shows the password: %q", stderr)
			}
			if got := testsupport.ReadDir(t, out); len(got) != 1 || string(got["report.md"]) != "last month's report\n" {
				t.Errorf("the previous report changed: %v", names(got))
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Errorf("%d entries beside the report, %d before", len(after), len(before))
			}
		})
	}
	// With no previous report, no directory appears.
	out := filepath.Join(dir, "never")
	if code, _, _ := planner(t, "", "forecast", "--latency", lat, "--snapshot", emptySnap, "--out", out); code != 1 {
		t.Errorf("exit %d", code)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after a failed run: %v", out, err)
	}
}

// holedDemoSales is the demo's sales file without india's 2026-03 (line
// 73: 20 customers; 18 the month before, 19 the month after).
func holedDemoSales(t *testing.T) string {
	t.Helper()
	const row = "2026-03,india,20,20\n"
	lines := strings.SplitAfter(string(demo.Sales()), "\n")
	if lines[72] != row {
		t.Fatalf("demo sales line 73 is %q, want %q", lines[72], row)
	}
	return strings.Join(slices.Delete(lines, 72, 73), "")
}

// With --sales.fill-holes=interpolate the hole becomes the mean of its
// neighbours, 18.5 customers, and the report says so.
func TestForecastFillsSalesHoles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string { return writeIn(t, dir, name, data) }
	fleetFile := write("fleet.yml", string(demo.Fleet()))
	salesFile := write("holed.csv", holedDemoSales(t))
	snap := filepath.Join(dir, "history.json")
	if err := history.Write(snap, demo.History()); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	ok(t, "", "forecast", "--latency", demoLatency(t), "--fleet", fleetFile, "--sales", salesFile, "--snapshot", snap,
		"--sales.fill-holes", "interpolate", "--out", out)
	files := testsupport.ReadDir(t, out)
	var p report.Plan
	if err := json.Unmarshal(files["report.json"], &p); err != nil {
		t.Fatal(err)
	}
	want := "Sales: " + salesFile + " has no row for india in 2026-03; assumed 18.5 new customers, on the straight line " +
		"between 2026-02 (18) and 2026-04 (19), and 20 devices per customer likewise."
	var said []string
	for _, a := range p.Assumptions {
		if strings.HasPrefix(a, "Sales: ") {
			said = append(said, a)
		}
	}
	if !slices.Equal(said, []string{want}) {
		t.Errorf("assumptions about sales rows %q, want %q", said, want)
	}
	if !bytes.Contains(files["report.md"], []byte(want)) {
		t.Errorf("report.md does not say %q", want)
	}
}

// A client region routed to no gateway is valid input: india, taken out
// of gateway-ap's serves, is carried by the gateway nearest it in the
// latency table, and the report says which and at what round trip.
func TestForecastUnservedRegion(t *testing.T) {
	dir := t.TempDir()
	yml := strings.Replace(string(demo.Fleet()), "serves: [japan, singapore, australia, india]", "serves: [japan, singapore, australia]", 1)
	if yml == string(demo.Fleet()) {
		t.Fatal("the demo fleet no longer has gateway-ap serving india")
	}
	fleetFile, salesFile := filepath.Join(dir, "fleet.yml"), filepath.Join(dir, "sales.csv")
	snap := filepath.Join(dir, "history.json")
	for name, data := range map[string]string{fleetFile: yml, salesFile: string(demo.Sales())} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := history.Write(snap, demo.History()); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	ok(t, "", "forecast", "--latency", demoLatency(t), "--fleet", fleetFile, "--sales", salesFile, "--snapshot", snap, "--out", out)
	files := testsupport.ReadDir(t, out)
	var p report.Plan
	if err := json.Unmarshal(files["report.json"], &p); err != nil {
		t.Fatal(err)
	}
	// The nearest gateway by the embedded table.
	best, bestMs := "", math.Inf(1)
	for _, g := range p.Gateways {
		if ms, _ := latency.Default().Millis("india", g.AWSRegion); ms < bestMs {
			best, bestMs = g.Name, ms
		}
	}
	var carriers []string
	for _, g := range p.Gateways {
		for _, a := range g.AdoptedRegions {
			if a.ClientRegion == "india" && a.RTTMillis == bestMs && a.RatioFrom == report.RatioGateway && g.Fit != nil &&
				a.ConnectionsPerDevice == g.Fit.Slope {
				carriers = append(carriers, g.Name)
			}
		}
	}
	if !slices.Equal(carriers, []string{best}) {
		t.Errorf("india carried by %v, want [%s] at %g ms", carriers, best, bestMs)
	}
	if !bytes.Contains(files["report.md"], []byte(fmt.Sprintf("india (no gateway; nearest, %g ms, at ", bestMs))) ||
		!bytes.Contains(files["report.md"], []byte("india is routed to no gateway in "+fleetFile+": it is sized with "+best)) {
		t.Error("report.md does not say who carries india and why")
	}
}

// laterReport writes the demo's report.json as if made a month after the
// demo, under dir/later.
func laterReport(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "later")
	ok(t, "", "forecast", "--out", out)
	path := filepath.Join(out, "report.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"as_of": "2026-11-01T00:00:00Z"`), []byte(`"as_of": "2026-12-01T00:00:00Z"`), 1)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// --previous names last month's report.json, even the one in --out: the
// report then says what changed since.
func TestForecastPrevious(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report")
	ok(t, "", "forecast", "--out", out)
	prev := filepath.Join(out, "report.json")
	// Last month gateway-eu was to run on one node more, at $10 more.
	b, err := os.ReadFile(prev)
	if err != nil {
		t.Fatal(err)
	}
	var p report.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	m := &p.Gateways[0].Months[0]
	m.Nodes++
	m.MonthlyCostUSD += 10
	if b, err = json.Marshal(&p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prev, b, 0o644); err != nil {
		t.Fatal(err)
	}

	stdout := ok(t, "", "forecast", "--out", out, "--previous", prev)
	var got report.Plan
	if b, err = os.ReadFile(prev); err != nil { // the new report replaced it
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	c := got.Changes
	if c == nil || c.PreviousFile != prev || !c.PreviousAsOf.Equal(demo.End) || len(c.Gateways) != 5 { // 3 gateways, 1 proposed, the backend
		t.Fatalf("changes %+v", c)
	}
	eu := c.Gateways[0]
	if eu.Gateway != "gateway-eu" || !slices.Equal(eu.Changed, []string{report.ChangedDeployment, report.ChangedCost}) ||
		eu.Previous.Deployment.Nodes != eu.Now.Deployment.Nodes+1 {
		t.Errorf("gateway-eu's change %+v", eu)
	}
	for _, g := range c.Gateways[1:] {
		if len(g.Changed) != 0 {
			t.Errorf("%s changed %v", g.Gateway, g.Changed)
		}
	}
	now := got.Gateways[0].Months[0]
	want := fmt.Sprintf("- gateway-eu: recommended now %d x %s, was %d x %s.\n- gateway-eu: $%.0f a month, was $%.0f (-$10).\n",
		now.Nodes, now.InstanceType, now.Nodes+1, now.InstanceType, now.MonthlyCostUSD, now.MonthlyCostUSD+10)
	if !strings.Contains(stdout, "- Compared with the report as of 2026-11-01 00:00 UTC ("+prev+").\n") || !strings.Contains(stdout, want) {
		t.Errorf("stdout:\n%s\nwant it to hold:\n%s", stdout, want)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("\n## What changed since last month\n")) {
		t.Error("report.md has no \"What changed since last month\"")
	}
}

// linearCSV is 48 hourly values 10, 12, 14, ...
func linearCSV() string {
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 48 {
		fmt.Fprintf(&b, "%s,%d\n", t0.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), 10+2*i)
	}
	return b.String()
}

// A line is forecast exactly, its intervals closed on it (no backtest
// error).
func TestPredictLinear(t *testing.T) {
	got := ok(t, linearCSV(), "predict", "--horizon", "3")
	want := "timestamp,forecast,lo80,hi80,lo95,hi95\n" +
		"2026-01-03T00:00:00Z,106,106,106,106,106\n" +
		"2026-01-03T01:00:00Z,108,108,108,108,108\n" +
		"2026-01-03T02:00:00Z,110,110,110,110,110\n"
	if got != want {
		t.Errorf("predict:\n%s\nwant:\n%s", got, want)
	}
}

// --explain names the model, its seasons and its backtest on stderr and
// leaves stdout as without it. 48 values, horizon 3: the fit window is 30,
// the first origin keeps 15 values before it and the last is at 45, so 31
// origins one step apart; naive is 2, 4 and 6 off against a scale of 2.
func TestPredictExplain(t *testing.T) {
	code, out, errOut := planner(t, linearCSV(), "predict", "--horizon", "3", "--explain")
	if code != 0 || out != ok(t, linearCSV(), "predict", "--horizon", "3") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	want := "planner: predict: model ETS(A,A,N), seasons none, backtest MASE 0.000 (seasonal naive 2.000) over 31 origins x 3 steps\n"
	if errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

// The suite holds out each series' M4 horizon: 18 for monthly (30-day)
// data, which a line forecasts exactly (sMAPE, MASE and MSIS 0, every
// held-out value inside the zero-width intervals), against seasonal naive
// at period 12, 12 slopes off for steps 1-12 and 24 for steps 13-18 with a
// scale of 12 slopes: MASE (12·12 + 6·24)/18/12 = 4/3.
func TestBacktestSuite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "suite")
	if err := os.MkdirAll(filepath.Join(dir, "monthly"), 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		fmt.Fprintf(&b, "%s,%d\n", t0.Add(time.Duration(i)*30*24*time.Hour).Format(time.RFC3339), 100+3*i)
	}
	if err := os.WriteFile(filepath.Join(dir, "monthly", "line.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	got := ok(t, "", "backtest", "--suite", dir)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("backtest --suite:\n%s", got)
	}
	for i, want := range [][]string{
		{"SET", "METHOD", "SERIES", "H", "sMAPE", "MASE", "COV80", "COV95", "MSIS"},
		{"monthly", "engine", "1", "18", "0.000", "0.000", "1.000", "1.000", "0.000"},
		{"monthly", "seasonal-naive", "1", "18"},
	} {
		if f := strings.Fields(lines[i]); len(f) < len(want) || !slices.Equal(f[:len(want)], want) {
			t.Errorf("line %d: %q, want it to start with %q", i, lines[i], want)
		}
	}
	if f := strings.Fields(lines[2]); len(f) != 9 || f[5] != "1.333" {
		t.Errorf("seasonal naive: %q, want MASE 1.333", lines[2])
	}

	// --per-series adds, after a blank line, the series with seasonal
	// naive's MASE and MSIS beside the engine's. Seasonal naive's 95%
	// band is ±z95·36·√(⌊k/12⌋+1) at 0-based step k (every seasonal
	// difference is 36, as is the scale) and holds the errors (36 and 72):
	// MSIS = 2·z95·(12 + 6·√2)/18.
	got = ok(t, "", "backtest", "--suite", dir, "--per-series")
	if !strings.HasPrefix(got, strings.Join(lines, "\n")+"\n\n") {
		t.Fatalf("backtest --suite --per-series does not start with the summary and a blank line:\n%s", got)
	}
	perSeries := strings.Split(strings.TrimSuffix(got, "\n"), "\n")[4:]
	wantHeader := []string{"SET", "SERIES", "MODEL", "MASE", "COV80", "COV95", "MSIS", "NAIVE-MASE", "NAIVE-MSIS"}
	if len(perSeries) != 2 || !slices.Equal(strings.Fields(perSeries[0]), wantHeader) {
		t.Fatalf("per-series table:\n%s\nwant a header %q and one row", strings.Join(perSeries, "\n"), wantHeader)
	}
	naiveMSIS := 2 * 1.959964 * (12 + 6*math.Sqrt2) / 18
	f := strings.Fields(perSeries[1])
	want := []string{"0.000", "1.000", "1.000", "0.000", "1.333", fmt.Sprintf("%.3f", naiveMSIS)}
	if len(f) != 9 || f[0] != "monthly" || f[1] != "line.csv" || !slices.Equal(f[3:], want) {
		t.Errorf("per-series row %q, want monthly line.csv MODEL %q", perSeries[1], want)
	}
}

func TestPredictBadInput(t *testing.T) {
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"garbage\n", []string{"--horizon", "2"}, "planner: stdin: forecast: line 1: want 2 columns (timestamp,value), got 1\n"},
		{linearCSV(), nil, "planner: required flag(s) '--horizon' not provided (try --help)\n"},
		{linearCSV(), []string{"--horizon", "0"}, "planner: stdin: "},
	} {
		code, out, errOut := planner(t, c.stdin, append([]string{"predict"}, c.args...)...)
		if code != 1 || out != "" || !strings.HasPrefix(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("predict %v: exit %d, stdout %q, stderr %q; want 1, nothing, %q", c.args, code, out, errOut, c.want)
		}
	}
}

// On a line Holt's linear trend ETS(A,A,N) forecasts with MASE 0, as the
// linear-trend baseline does (reported, no longer chosen); the naive
// forecast h steps ahead is h slopes off, so over 1..5 steps its MASE is 3.
func TestBacktestStdin(t *testing.T) {
	got := ok(t, linearCSV(), "backtest", "--horizon", "5")
	want := "" +
		"SERIES  MODEL       MASE   SEASONAL-NAIVE  LINEAR-TREND  COVERAGE80  COVERAGE95\n" +
		"stdin   ETS(A,A,N)  0.000  3.000           0.000         1.000       1.000\n"
	if got != want {
		t.Errorf("backtest:\n%s\nwant:\n%s", got, want)
	}
}

func TestBacktestSnapshot(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 90 * 24
	line, short := make([]float64, n), make([]float64, n)
	for i := range line {
		line[i] = 1000 + float64(i)
		short[i] = math.NaN()
	}
	for i := n - 24*3; i < n; i++ { // three days: too short to backtest
		short[i] = 50
	}
	h := &history.Snapshot{Version: history.FormatVersion, Start: start, End: start.Add(time.Duration(n) * time.Hour), Step: time.Hour,
		Series: []history.Series{
			{Metric: "connections", Cluster: "b", Labels: map[string]string{"protocol": "mqtt"}, Start: start, Step: time.Hour, Values: line},
			{Metric: "connections", Cluster: "a", Labels: map[string]string{"protocol": "mqtt"}, Start: start, Step: time.Hour, Values: short},
			{Metric: "memory_used_bytes", Cluster: "a", Start: start, Step: time.Hour, Values: line},
		}}
	snap := filepath.Join(t.TempDir(), "h.json")
	if err := history.Write(snap, h); err != nil {
		t.Fatal(err)
	}
	got := ok(t, "", "backtest", "--snapshot", snap)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("backtest:\n%s", got)
	}
	for i, want := range [][]string{
		{"SERIES", "MODEL", "MASE", "SEASONAL-NAIVE", "LINEAR-TREND", "COVERAGE80", "COVERAGE95"},
		{"a", "connections", "(daily", "p95)", "seasonal-naive", "n/a", "n/a", "n/a", "n/a", "n/a"},
		{"b", "connections", "(daily", "p95)", "ETS(A,A,N)", "0.000", "15.500", "0.000"},
	} {
		if f := strings.Fields(lines[i]); len(f) < len(want) || !slices.Equal(f[:len(want)], want) {
			t.Errorf("line %d: %q, want it to start with %q", i, lines[i], want)
		}
	}
}

func TestSnapshotErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "h.json")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", out}, "planner: give --prometheus URL, or --demo for the demo history\n"},
		{[]string{"--out", out, "--demo", "--prometheus", "http://x"}, "planner: --demo and --prometheus exclude each other\n"},
		{[]string{"--demo"}, "planner: required flag(s) '--out' not provided (try --help)\n"},
	} {
		code, stdout, stderr := planner(t, "", append([]string{"snapshot"}, c.args...)...)
		if code != 1 || stdout != "" || stderr != c.want {
			t.Errorf("snapshot %v: exit %d, stdout %q, stderr %q; want 1, nothing, %q", c.args, code, stdout, stderr, c.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s written: %v", out, err)
	}
}

// A refresh that cannot reach AWS fails whole, writes nothing and shows no
// credential.
func TestCatalogRefreshUnreachable(t *testing.T) {
	home := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": "http://" + closedPort(t), "AWS_ACCESS_KEY_ID": "AKIDPLANNERTEST",
		"AWS_SECRET_ACCESS_KEY": "planner-test-secret", "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"), "AWS_PROFILE": "",
	} {
		t.Setenv(k, v)
	}
	out := filepath.Join(home, "catalog.json")
	code, stdout, stderr := planner(t, "", "catalog", "refresh", "--out", out, "--regions", "eu-west-1", "--families", "c6i")
	if code != 1 || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if line := errorLine(t, stderr); !strings.Contains(line, "EC2 DescribeInstanceTypes") {
		t.Errorf("error %q does not name the call", line)
	}
	if strings.Contains(stderr, "planner-test-secret") || strings.Contains(stderr, "AKIDPLANNERTEST") {
		t.Errorf("stderr shows a credential: %q", stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s written: %v", out, err)
	}
}

func TestVersionAndHelp(t *testing.T) {
	if out := ok(t, "", "--version"); !strings.HasPrefix(out, "planner, version ") {
		t.Errorf("--version: %q", out)
	}
	out := ok(t, "", "--help")
	for _, cmd := range []string{"forecast*", "predict", "backtest", "snapshot", "catalog refresh"} {
		if !strings.Contains(out, "\n"+cmd+" ") {
			t.Errorf("--help does not list %q:\n%s", cmd, out)
		}
	}
	if !strings.Contains(out, "\nExit status: 0 when the command did its work") {
		t.Errorf("--help does not document the exit status:\n%s", out)
	}
}

func TestSplitList(t *testing.T) {
	got := splitList([]string{"eu-west-1,us-east-1", " ap-south-1 ", ",,"})
	if want := []string{"eu-west-1", "us-east-1", "ap-south-1"}; !slices.Equal(got, want) {
		t.Errorf("splitList = %v, want %v", got, want)
	}
}

// A history without node series (memory, descriptors, their limits, the
// nodes running, broker-host CPU) still plans, exit 0: every cluster is
// sized with the profile and the default limits, and the report says so
// for each, in the capacity table and the assumptions.
func TestForecastWithoutNodeMetrics(t *testing.T) {
	dir := t.TempDir()
	h := demo.History()
	node := []string{"memory_used_bytes", "memory_limit_bytes", "file_descriptors_used", "file_descriptors_limit", "nodes_running",
		history.MetricCPUBusyCores}
	h.Series = slices.DeleteFunc(h.Series, func(x history.Series) bool { return slices.Contains(node, x.Metric) })
	snap := filepath.Join(dir, "history.json")
	if err := history.Write(snap, h); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	ok(t, "", "forecast", "--latency", demoLatency(t), "--snapshot", snap, "--out", out)
	files := testsupport.ReadDir(t, out)
	var p report.Plan
	if err := json.Unmarshal(files["report.json"], &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Capacity) != 4 {
		t.Fatalf("%d capacity fits, want 4", len(p.Capacity))
	}
	for _, c := range p.Capacity {
		for _, f := range c.Figures {
			if f.Name == "memory per queued message" {
				continue // the backend's queue fit needs node memory too: it falls back the same way
			}
			if f.Used != "profile" || f.Observed != nil {
				t.Errorf("%s: %s: used %s, observed %v; want the profile's, nothing observed", c.Cluster, f.Name, f.Used, f.Observed)
			}
		}
	}
	md := string(files["report.md"])
	for _, g := range []string{"gateway-eu", "gateway-us", "gateway-ap"} {
		want := g + ": the history has no usable node memory or file descriptor series, or the fit is poor: sized with the " +
			"capacity profile and the default limits."
		if !slices.Contains(p.Assumptions, want) || !strings.Contains(md, want) {
			t.Errorf("the assumptions (json and md) lack %q", want)
		}
	}
	if !strings.Contains(md, "no broker-host CPU in the history (node\\_cpu\\_selector): the profile's costs") {
		t.Errorf("report.md does not say the CPU costs are the profile's for want of broker-host CPU")
	}
}
