package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// previousPlan is testPlan a month earlier: gateway-eu recommended at 3 x
// c6i.xlarge with a lower 12-month forecast and its next step a month
// later, gateway-us the same, and another proposed gateway.
func previousPlan() *Plan {
	p := testPlan()
	p.AsOf = monthAt(-1)
	eu := &p.Gateways[0]
	eu.Months[0].Deployment, eu.Months[0].MonthlyCostUSD = Deployment{3, "c6i.xlarge"}, 372.3
	eu.Forecasts[3].Point = 60000
	p.Actions[2].Start, p.Actions[2].Month = ptrTime(monthAt(1)), ptrTime(monthAt(2))
	p.NewGateways[0].Name = "gateway-old"
	p.Actions[1].Gateway = "gateway-old"
	return p
}

// writePrevious writes p as a report and returns its report.json.
func writePrevious(t *testing.T, p *Plan) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "previous")
	if err := Write(dir, p); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "report.json")
}

func TestCompare(t *testing.T) {
	file := writePrevious(t, previousPlan())
	prev, err := ReadPrevious(file)
	if err != nil {
		t.Fatal(err)
	}
	p := testPlan()
	got, err := Compare(prev, file, p)
	if err != nil {
		t.Fatal(err)
	}
	c6i := func(n int, size string) Deployment { return Deployment{n, "c6i." + size} }
	want := &Changes{
		PreviousFile: file, PreviousAsOf: monthAt(-1),
		// 496.40 + 210.24 + 186.15 + the backend's 210.24 now, 372.30 +
		// 210.24 + 186.15 + 210.24 before.
		FleetCostUSD: 1103.03, PreviousCostUSD: 978.93,
		Gateways: []GatewayChange{
			{
				Gateway: "gateway-eu",
				Previous: &GatewayFigures{Deployment: c6i(3, "xlarge"), MonthlyCostUSD: 372.3,
					Forecast12: &MonthValue{monthAt(11), 60000}, NextStep: &Step{monthAt(1), monthAt(2), c6i(5, "xlarge")}},
				Now: &GatewayFigures{Deployment: c6i(4, "xlarge"), MonthlyCostUSD: 496.4,
					Forecast12: &MonthValue{monthAt(11), 64500}, NextStep: &Step{monthAt(0), monthAt(1), c6i(5, "xlarge")}},
				Changed: []string{ChangedDeployment, ChangedCost, ChangedForecast, ChangedDeadline},
			},
			{
				Gateway:  "gateway-us",
				Previous: &GatewayFigures{Deployment: Deployment{3, "m6i.large"}, MonthlyCostUSD: 210.24, Forecast12: &MonthValue{monthAt(11), 35500}},
				Now:      &GatewayFigures{Deployment: Deployment{3, "m6i.large"}, MonthlyCostUSD: 210.24, Forecast12: &MonthValue{monthAt(11), 35500}},
				Changed:  []string{},
			},
			{Gateway: "gateway-ap-south-1", Now: &GatewayFigures{Proposed: true, Deployment: c6i(3, "large"), MonthlyCostUSD: 186.15},
				Changed: []string{ChangedAdded}},
			{ // the backend, its 12-month figure the upper forecast of messages/s, 2,600 + 11 x 250
				Gateway: "backend",
				Previous: &GatewayFigures{Backend: true, Deployment: Deployment{3, "m6i.large"}, MonthlyCostUSD: 210.24,
					Forecast12: &MonthValue{monthAt(11), 5350}, NextStep: &Step{monthAt(5), monthAt(6), Deployment{5, "m6i.large"}}},
				Now: &GatewayFigures{Backend: true, Deployment: Deployment{3, "m6i.large"}, MonthlyCostUSD: 210.24,
					Forecast12: &MonthValue{monthAt(11), 5350}, NextStep: &Step{monthAt(5), monthAt(6), Deployment{5, "m6i.large"}}},
				Changed: []string{},
			},
			{Gateway: "gateway-old", Previous: &GatewayFigures{Proposed: true, Deployment: c6i(3, "large"), MonthlyCostUSD: 186.15},
				Changed: []string{ChangedRemoved}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("Compare:\n%s\nwant\n%s", g, w)
	}

	p.Changes = got
	s := changesSection(p)
	wantText := []string{
		"Compared with the report as of 2025-06-01 00:00 UTC (" + file + ").",
		"The fleet's cost in the horizon's first month is $1,103 a month, against $979 (+$124).",
	}
	wantBullets := []string{
		"gateway-eu: recommended now 4 x c6i.xlarge, was 3 x c6i.xlarge.",
		"gateway-eu: $496 a month, was $372 (+$124).",
		"gateway-eu: forecast 12 months ahead 64,500 connections for 2026-06, was 60,000 connections for 2026-06.",
		"gateway-eu: next step to 5 x c6i.xlarge starting 2025-07, in place by 2025-08, was to 5 x c6i.xlarge starting 2025-08, in place by 2025-09.",
		"gateway-ap-south-1: new since the previous report, 3 x c6i.large at $186 a month (proposed).",
		"gateway-old: no longer in the plan (was 3 x c6i.large, proposed).",
	}
	if !slices.Equal(s.Text, wantText) || !slices.Equal(s.Bullets, wantBullets) {
		t.Errorf("section:\n%s\n%s", strings.Join(s.Text, "\n"), strings.Join(s.Bullets, "\n"))
	}
	wantRows := [][]string{
		{"gateway-eu", "4 x c6i.xlarge", "3 x c6i.xlarge", "$496", "$372", "64,500 (2026-06)", "60,000 (2026-06)",
			"2025-07 (5 x c6i.xlarge by 2025-08)", "2025-08 (5 x c6i.xlarge by 2025-09)"},
		{"gateway-us", "3 x m6i.large", "3 x m6i.large", "$210", "$210", "35,500 (2026-06)", "35,500 (2026-06)", "none", "none"},
		{"gateway-ap-south-1", "3 x c6i.large (proposed)", "—", "$186", "—", "—", "—", "none", "—"},
		{"backend", "3 x m6i.large", "3 x m6i.large", "$210", "$210", "5,350 messages/s, upper (2026-06)",
			"5,350 messages/s, upper (2026-06)", "2025-12 (5 x m6i.large by 2026-01)", "2025-12 (5 x m6i.large by 2026-01)"},
		{"gateway-old", "—", "3 x c6i.large (proposed)", "—", "$186", "—", "—", "—", "none"},
	}
	if len(s.Tables) != 1 || !reflect.DeepEqual(s.Tables[0].Rows, wantRows) {
		t.Errorf("table %q", s.Tables[0].Rows)
	}

	// The report with the changes: valid, the section second, its JSON
	// read back.
	files := writeReport(t, p)
	md := string(files["report.md"])
	if i, j := strings.Index(md, "\n## Executive summary\n"), strings.Index(md, "\n## What changed since last month\n"); i < 0 || j < i ||
		strings.Index(md, "\n## Actions\n") < j {
		t.Errorf("report.md: summary at %d, changes at %d: want the changes right after the summary", i, j)
	}
	var back Plan
	if err := json.Unmarshal(files["report.json"], &back); err != nil || !reflect.DeepEqual(back.Changes, got) {
		t.Errorf("report.json's changes %+v (%v), want %+v", back.Changes, err, got)
	}
}

// Last month's report was written by the planner before this one
// (schema version 3, no summary): it compares the same.
func TestComparePreviousVersion(t *testing.T) {
	b, err := os.ReadFile(writePrevious(t, previousPlan()))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["schema_version"] = 3
	delete(doc, "summary")
	delete(doc, "changes")
	delete(doc, "backend")
	b, _ = json.Marshal(doc)
	file := filepath.Join(t.TempDir(), "v3.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	prev, err := ReadPrevious(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(prev, file, testPlan())
	if err != nil {
		t.Fatal(err)
	}
	// A version 3 report has no backend: it is new since.
	if c.PreviousCostUSD != 768.69 || len(c.Gateways) != 5 || len(c.Gateways[0].Changed) != 4 ||
		c.Gateways[3].Gateway != "backend" || !slices.Equal(c.Gateways[3].Changed, []string{ChangedAdded}) {
		t.Errorf("changes %+v", c)
	}
}

func TestReadPreviousErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile(writePrevious(t, previousPlan()))
	if err != nil {
		t.Fatal(err)
	}
	negative := strings.Replace(string(good), `"monthly_cost_usd": 372.3`, `"monthly_cost_usd": -372.3`, 1)
	unknown := strings.Replace(string(good), `"as_of":`, `"as_off": 1, "as_of":`, 1)
	for _, c := range []struct {
		name, data, want string
	}{
		{"markdown.md", "# Capacity plan\n", "not a report.json: line 1: invalid character '#' looking for beginning of value"},
		{"cut.json", "{\n  \"schema_version\": 4,\n", "not a report.json: line 3: unexpected end of JSON input"},
		{"other.json", `{"as_of": "2025-06-01T00:00:00Z"}`, "not a report.json: no schema_version"},
		{"old.json", `{"schema_version": 2}`, "schema_version 2, want 3 to 5 (a report.json of this planner or the one before)"},
		{"newer.json", `{"schema_version": 6}`, "schema_version 6, want 3 to 5 (a report.json of this planner or the one before)"},
		{"type.json", "{\"schema_version\": 4,\n\"horizon_months\": \"12\"}", `line 2: field "horizon_months": string where a int belongs`},
		{"negative.json", negative, `invalid plan: gateways["gateway-eu"].current.monthly_cost_usd: -372.3 is negative`},
		{"unknown.json", unknown, `json: unknown field "as_off"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := write(c.name, c.data)
			_, err := ReadPrevious(path)
			if want := "previous report " + path + ": " + c.want; err == nil || err.Error() != want {
				t.Errorf("ReadPrevious = %v\nwant %s", err, want)
			}
		})
	}
	missing := filepath.Join(dir, "nope.json")
	if _, err := ReadPrevious(missing); err == nil || err.Error() != "previous report: open "+missing+": no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
	// A report later than the plan is not last month's.
	later := testPlan()
	later.AsOf = monthAt(1)
	if _, err := Compare(later, "later.json", testPlan()); err == nil ||
		err.Error() != "previous report later.json: as of 2025-08-01 00:00 UTC, after this plan's 2025-07-01 00:00 UTC: not an earlier report" {
		t.Errorf("a later report: %v", err)
	}
}
