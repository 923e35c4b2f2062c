package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestJSONRoundTrips(t *testing.T) {
	files := writeReport(t, testPlan())
	b := files["report.json"]
	if !bytes.HasPrefix(b, []byte("{\n  \"schema_version\": 5,\n  \"as_of\": \"2025-07-01T00:00:00Z\",\n")) {
		t.Errorf("report.json starts %q, want schema_version then as_of, indented by two spaces", b[:min(len(b), 80)])
	}
	var got Plan
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := testPlan()
	roundFloats(reflect.ValueOf(want).Elem()) // nine significant digits
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("report.json read back differs from the plan written (rounded):\n got %+v\nwant %+v", got, *want)
	}
}

func TestCSV(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(writeReport(t, testPlan())["recommendations.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+12+12+2+12 {
		t.Fatalf("%d rows, want a header, 12 months of two gateways, 2 of the new one and 12 of the backend", len(rows))
	}
	// The first eight columns keep their names and meanings (users'
	// tooling reads them); the backend, sized in messages per second,
	// leaves the connection columns empty and fills the appended ones.
	want := map[int]string{
		0: "gateway,month,instance_type,nodes,capacity_connections,upper_forecast,binding,monthly_cost_usd," +
			"role,capacity_messages_per_second,upper_forecast_messages_per_second",
		1:  "gateway-eu,2025-07,c6i.xlarge,4,90000,50000,memory,496.40,gateway,,",
		12: "gateway-eu,2026-06,c6i.xlarge,4,90000,88500,memory,496.40,gateway,,",
		13: "gateway-us,2025-07,m6i.large,3,60000,32000,cpu,210.24,gateway,,",
		26: "gateway-ap-south-1,2025-08,c6i.large,3,20000,15000,memory,186.15,gateway,,",
		27: "backend,2025-07,m6i.large,3,,,cpu,210.24,backend,3900,2600",
		33: "backend,2026-01,m6i.large,5,,,cpu,350.40,backend,7800,4100",
		38: "backend,2026-06,m6i.large,5,,,cpu,350.40,backend,7800,5350",
	}
	for i, w := range want {
		if got := strings.Join(rows[i], ","); got != w {
			t.Errorf("row %d = %s, want %s", i, got, w)
		}
	}
}

func TestTFVars(t *testing.T) {
	var got struct {
		Gateways map[string]tfGateway `json:"gateways"`
	}
	if err := json.Unmarshal(writeReport(t, testPlan())["terraform.tfvars.json"], &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]tfGateway{
		"gateway-ap-south-1": {"ap-south-1", "c6i.large", 3},
		"gateway-eu":         {"eu-west-1", "c6i.xlarge", 4},
		"gateway-us":         {"us-east-1", "m6i.large", 3},
	}
	if !reflect.DeepEqual(got.Gateways, want) {
		t.Errorf("gateways = %+v, want %+v", got.Gateways, want)
	}
}

func parseProm(t *testing.T, b []byte) map[string]*dtoFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("planner.prom does not parse: %v", err)
	}
	out := map[string]*dtoFamily{}
	for name, f := range fams {
		df := &dtoFamily{help: f.GetHelp(), typ: f.GetType().String(), values: map[string]float64{}}
		for _, m := range f.GetMetric() {
			var labels, kv []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName())
				kv = append(kv, l.GetName()+"="+l.GetValue())
			}
			df.labels = labels
			df.values[strings.Join(kv, ",")] = m.GetGauge().GetValue()
		}
		out[name] = df
	}
	return out
}

type dtoFamily struct {
	help, typ string
	labels    []string
	values    map[string]float64
}

func TestPromHasExactlyTheMetrics(t *testing.T) {
	p := testPlan()
	// The backend's upper forecast (2,600 + 250 a month) passes 5,000
	// messages/s in its eleventh month, 2026-05.
	p.Backend.Current.CapacityMessagesPerSecond, p.Backend.ExhaustionMonth = 5000, ptr(10)
	fams := parseProm(t, writeReport(t, p)["planner.prom"])
	if len(fams) != len(Metrics()) {
		t.Errorf("planner.prom has %d families, want the %d of Metrics()", len(fams), len(Metrics()))
	}
	for _, m := range Metrics() {
		f, ok := fams[m.Name]
		if !ok {
			t.Errorf("planner.prom lacks %s", m.Name)
			continue
		}
		if f.help != m.Help || f.typ != "GAUGE" || !slices.Equal(f.labels, m.Labels) {
			t.Errorf("%s: help %q, type %s, labels %v; want %q, GAUGE, %v", m.Name, f.help, f.typ, f.labels, m.Help, m.Labels)
		}
	}
	checks := []struct {
		family, labels string
		want           float64
	}{
		{"rabbitfleet_planner_report_timestamp_seconds", "", 1751328000},
		{"rabbitfleet_planner_gateway_capacity_connections", "cluster=gateway-eu,instance_type=c6i.xlarge", 60000},
		{"rabbitfleet_planner_gateway_forecast_connections", "cluster=gateway-eu,months_ahead=12,bound=hi95", 88500},
		{"rabbitfleet_planner_gateway_forecast_connections", "cluster=gateway-us,months_ahead=3,bound=point", 31000},
		{"rabbitfleet_planner_gateway_exhaustion_timestamp_seconds", "cluster=gateway-eu", 1759276800}, // 2025-10-01
		{"rabbitfleet_planner_gateway_recommended_nodes", "cluster=gateway-ap-south-1,instance_type=c6i.large", 3},
		{"rabbitfleet_planner_gateway_monthly_cost_dollars", "cluster=gateway-us,instance_type=m6i.large", 210.24},
		{"rabbitfleet_planner_reconnect_seconds", "cluster=gateway-eu,scenario=neighbour_failover", 241.25},
		{"rabbitfleet_planner_backend_capacity_messages_per_second", "cluster=backend,instance_type=m6i.xlarge", 5000},
		{"rabbitfleet_planner_backend_upper_forecast_messages_per_second", "cluster=backend,months_ahead=1", 2600},
		{"rabbitfleet_planner_backend_upper_forecast_messages_per_second", "cluster=backend,months_ahead=12", 5350},
		{"rabbitfleet_planner_backend_exhaustion_timestamp_seconds", "cluster=backend", 1777593600}, // 2026-05-01
		{"rabbitfleet_planner_backend_recommended_nodes", "cluster=backend,instance_type=m6i.large", 3},
		{"rabbitfleet_planner_backend_monthly_cost_dollars", "cluster=backend,instance_type=m6i.large", 210.24},
	}
	for _, c := range checks {
		f := fams[c.family]
		if f == nil {
			continue // reported above
		}
		if got, ok := f.values[c.labels]; !ok || got != c.want {
			t.Errorf("%s{%s} = %v (present %t), want %v", c.family, c.labels, got, ok, c.want)
		}
	}
	if f := fams["rabbitfleet_planner_gateway_exhaustion_timestamp_seconds"]; f == nil || len(f.values) != 1 {
		t.Errorf("exhaustion family %+v, want 1 series (gateway-us does not exhaust)", f)
	}
	if f := fams["rabbitfleet_planner_reconnect_seconds"]; f == nil || len(f.values) != 3 {
		t.Errorf("reconnect family %+v, want 3 series (gateway-us has no neighbour)", f)
	}
}

func TestPromWithoutExhaustion(t *testing.T) {
	p := testPlan()
	p.Gateways[0].ExhaustionMonth = nil
	b, err := promFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fams := parseProm(t, b)
	if _, ok := fams["rabbitfleet_planner_gateway_exhaustion_timestamp_seconds"]; ok {
		t.Error("exhaustion family present though no gateway exhausts")
	}
	if bytes.Contains(b, []byte("exhaustion")) {
		t.Error("HELP or TYPE of the empty exhaustion family written")
	}
	if len(fams) != len(Metrics())-2 { // nor does the backend
		t.Errorf("%d families, want every other family (%d)", len(fams), len(Metrics())-2)
	}
}

func TestPromSortedSeries(t *testing.T) {
	b, err := promFile(testPlan())
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, `rabbitfleet_planner_gateway_forecast_connections{cluster="gateway-eu"`) && strings.Contains(line, `bound="point"`) {
			_, rest, _ := strings.Cut(line, `months_ahead="`)
			ahead, _, _ := strings.Cut(rest, `"`)
			order = append(order, ahead)
		}
	}
	if want := []string{"1", "3", "6", "12"}; !slices.Equal(order, want) {
		t.Errorf("months_ahead in order %v, want %v", order, want)
	}
	var families []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			families = append(families, strings.Fields(name)[0])
		}
	}
	if !slices.IsSorted(families) {
		t.Errorf("families not sorted: %v", families)
	}
}

func TestMarkdownSections(t *testing.T) {
	md := string(writeReport(t, testPlan())["report.md"])
	at := -1
	for _, h := range []string{
		"# Capacity plan as of 2025-07-01 00:00 UTC\n",
		"\n## Executive summary\n",
		"\n## Actions\n",
		"\n## Gateways\n",
		"\n## Placement: new gateways and reassignments\n",
		"\n## Reconnection-storm budget\n",
		"\n## Capacity per node: observed against the profile\n",
		"\n## Forecast accuracy\n",
		"\n## Last month's forecast against what happened\n",
		"\n## Assumptions\n",
		"\n## Inputs\n",
		"\n## Appendix: deployment by month\n",
	} {
		i := strings.Index(md, h)
		if i <= at {
			t.Errorf("heading %q at %d, want after %d", strings.TrimSpace(h), i, at)
		}
		at = i
	}
	for _, want := range []string{
		"- scale gateway-eu from 3 x c6i.xlarge to 4 x c6i.xlarge: the upper forecast exceeds today's capacity in 2025-10\n",
		"- open gateway-ap-south-1 in ap-south-1 for india with 3 x c6i.large\n",
		"| gateway-eu | eu-west-1 | germany, france | 46,500 | 12 | 3 x c6i.xlarge | 60,000 | 22% | 2025-10 (in 3 months) | $372 | 4 x c6i.xlarge | $496 |\n",
		"| gateway-us | 3 x m6i.large | 300.0 s | 120.0 s for 10,000 clients (pass) | none | pass |\n",
		"- Headroom 30% above the upper 95% forecast \\| redundancy N+1\n",
		"\\<script\\>alert(1)\\</script\\>",
		"| connections gateway-eu | ETS(A,Ad,N) | 0.620 | 1.000 | 0.853 | 78% | 94% |\n",
		"| connections gateway-us | seasonal naive | n/a | n/a | n/a | n/a | n/a |\n",
		"| opens\\_per\\_connection | fleet | 0.00031 | n/a | 1/s |\n",
		"| gateway-eu | 0.8213 | 0.0131 | 1,204 | 341 | 0.997 | 12 | sales | no |\n",
		"| gateway-us | -0.04 | 0.01 | 31,000 | 900 | 0.610 | 12 | history | connections per device -0.04 is negative: more devices sold, fewer connections |\n",
		"| gateway-eu | 12 | 2026-06 | 62,580 (40,600 – 88,100) | 64,500 (40,500 – 88,500) | 66,420 (40,900 – 88,400) | 29,200 | 34,000 |\n",
		"| gateway-eu | 45 | 9 months | ±1.2% | ±2.1% | ±3.0% | ±4.6% | 80% | 93% | as sold (the line's error only) |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}

// report.json keeps nine significant digits: the same plan computed from
// Prometheus's rate() and offline differs only beyond them.
func TestJSONRoundsToNineDigits(t *testing.T) {
	p := testPlan()
	p.Gateways[0].ChurnPerSecond = 7.255199999998013
	files := writeReport(t, p)
	if !bytes.Contains(files["report.json"], []byte(`"churn_per_second": 7.2552,`)) {
		t.Errorf("report.json does not hold churn_per_second rounded to 7.2552")
	}
	if p.Gateways[0].ChurnPerSecond != 7.255199999998013 {
		t.Error("writing the report changed the caller's plan")
	}
}
