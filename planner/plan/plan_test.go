package plan

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

func month(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

var nov2026 = month(2026, time.November)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.12g, want %.12g (±%g)", what, got, want, tol)
	}
}

// The demo: structure and sanity, not figures (the demo's data is free to
// change).
func TestBuildDemo(t *testing.T) {
	in := demoInputs(t)
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if !p.AsOf.Equal(demo.End) || p.HorizonMonths != 24 {
		t.Fatalf("as of %v, horizon %d; want %v, 24", p.AsOf, p.HorizonMonths, demo.End)
	}
	var names []string
	for _, g := range p.Gateways {
		names = append(names, g.Name)
	}
	if want := []string{"gateway-eu", "gateway-us", "gateway-ap"}; !slices.Equal(names, want) {
		t.Fatalf("gateways %v, want %v", names, want)
	}
	for _, g := range p.Gateways {
		if len(g.Months) != 24 || !g.Months[0].Month.Equal(nov2026) || !g.Months[23].Month.Equal(month(2028, time.October)) {
			t.Errorf("%s: %d months from %v", g.Name, len(g.Months), g.Months[0].Month)
		}
		var ahead []int
		for _, f := range g.Forecasts {
			ahead = append(ahead, f.MonthsAhead)
			if !f.Month.Equal(nov2026.AddDate(0, f.MonthsAhead-1, 0)) {
				t.Errorf("%s: %d months ahead is %v", g.Name, f.MonthsAhead, f.Month)
			}
		}
		if !slices.Equal(ahead, []int{1, 3, 6, 12}) {
			t.Errorf("%s: forecasts %v months ahead", g.Name, ahead)
		}
		if g.Connections < 10000 || g.Connections > 200000 || g.ChurnPerSecond <= 0 {
			t.Errorf("%s: %g connections, %g opened/s", g.Name, g.Connections, g.ChurnPerSecond)
		}
		// Sales grow: so does every forecast, and each month's plan carries its upper bound.
		for i, m := range g.Months {
			if i > 0 && m.UpperForecast <= g.Months[i-1].UpperForecast {
				t.Errorf("%s: upper forecast falls in %v", g.Name, m.Month)
			}
			if m.CapacityConnections < m.UpperForecast {
				t.Errorf("%s: %v: capacity %g below the upper forecast %g", g.Name, m.Month, m.CapacityConnections, m.UpperForecast)
			}
		}
		// Next month's p95 at least last month's, but for the flat
		// gateway-us, whose p95 wanders within 1%.
		if f := g.Forecasts[0]; f.Point < g.Connections*map[bool]float64{true: 0.99, false: 1}[g.Name == "gateway-us"] || f.Point > 1.2*g.Connections {
			t.Errorf("%s: next month %g, last month %g", g.Name, f.Point, g.Connections)
		}
		if !g.Storm.Pass() {
			t.Errorf("%s: this month's recommendation fails the storm check: %+v", g.Name, g.Storm)
		}
		// The path: at least 3 nodes, odd, and no more than one change of
		// instance type over the horizon (issue 11: 3 to 6 before).
		types := 0
		for i, m := range g.Months {
			if m.Nodes < 3 || m.Nodes%2 == 0 {
				t.Errorf("%s: %v: %d nodes, want at least 3, odd", g.Name, m.Month, m.Nodes)
			}
			if i > 0 && m.InstanceType != g.Months[i-1].InstanceType {
				types++
			}
		}
		if types > 1 {
			t.Errorf("%s: %d changes of instance type over the horizon", g.Name, types)
		}
		if len(g.Chart.History) != 13 || len(g.Chart.Forecast) != 24 {
			t.Errorf("%s: chart of %d history and %d forecast points", g.Name, len(g.Chart.History), len(g.Chart.Forecast))
		}
	}
	for _, a := range p.Actions {
		if a.Text() == "" || (a.Kind != report.ActionScale && a.Kind != report.ActionOpen && a.Kind != report.ActionLater) {
			t.Errorf("action %+v", a)
		}
	}
	if len(p.Accuracy) != 9 || len(p.LastMonth) != 3 {
		t.Errorf("%d accuracy rows, %d last-month checks; want 9, 3", len(p.Accuracy), len(p.LastMonth))
	}
	for _, l := range p.LastMonth {
		if !l.Month.Equal(month(2026, time.October)) || l.Interval != 95 {
			t.Errorf("last month %+v", l)
		}
	}
	again, err := Build(demoInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, again) {
		t.Error("a second Build of the same inputs differs")
	}
}

// One gateway whose monthly p95 is exactly 0.6 x its devices: every figure
// the plan derives is known.
func TestBuildExact(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 12, flat: true}
	in := fx.inputs(t)
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	// History from 2026-07-04 (28 of July's 31 days: kept); 200 devices
	// sold a month from July; base 20,000.
	g := p.Gateways[0]
	wantHistory := []report.Point{
		{Time: month(2026, time.July), Value: 12120}, {Time: month(2026, time.August), Value: 12240},
		{Time: month(2026, time.September), Value: 12360}, {Time: month(2026, time.October), Value: 12480},
	}
	if !reflect.DeepEqual(g.Chart.History, wantHistory) {
		t.Errorf("history %+v, want %+v", g.Chart.History, wantHistory)
	}
	if g.Connections != 12480 {
		t.Errorf("connections %g, want 12480", g.Connections)
	}
	near(t, "churn", g.ChurnPerSecond, 12480.0/18000, 1e-12)
	// The line is exact, so its backtest errors are 0 and the interval is
	// the sales plan's alone: the default ±20% of the devices planned from
	// November on, 200 a month, at 0.6 connections each.
	for i, m := range g.Months {
		want := 0.6 * (20000 + 200*float64(5+i)) // November holds the fifth month of sales
		sales := 0.6 * 0.2 * 200 * float64(i+1)
		near(t, "upper forecast "+m.Month.Format("2006-01"), m.UpperForecast, want+sales, 1e-6)
		near(t, "forecast band "+m.Month.Format("2006-01"), g.Chart.Forecast[i].Point, want, 1e-6)
		near(t, "lower 95% "+m.Month.Format("2006-01"), g.Chart.Forecast[i].Lo95, want-sales, 1e-6)
		near(t, "upper 80% "+m.Month.Format("2006-01"), g.Chart.Forecast[i].Hi80, want+sales*1.2815516/1.9599640, 1e-4)
	}
	if g.Method != report.MethodSales || g.Fit == nil || len(g.Fit.Flaws) != 0 || g.Fit.N != 4 {
		t.Fatalf("method %q, fit %+v", g.Method, g.Fit)
	}
	near(t, "slope", g.Fit.Slope, 0.6, 1e-12)
	near(t, "intercept", g.Fit.Intercept, 12000, 1e-8)
	near(t, "R²", g.Fit.R2, 1, 1e-12)
	// 12 months ahead the scenarios sell 2,400 devices x 0.8 and x 1.2.
	sc := g.Scenarios[3]
	near(t, "low devices", sc.LowDevices, 200*4+2400*0.8, 1e-6) // sold since the sales file began
	near(t, "high point", sc.High.Point, 0.6*(20000+200*4+2400*1.2), 1e-6)
	if sc.High.Hi95-sc.High.Lo95 > 1e-6 {
		t.Errorf("high scenario %+v: the exact line leaves no error given the sales", sc.High)
	}
	if len(g.Forecasts) != 4 || g.Forecasts[3].MonthsAhead != 12 || !g.Forecasts[3].Month.Equal(month(2027, time.October)) {
		t.Errorf("forecasts %+v", g.Forecasts)
	}
	near(t, "12 months ahead", g.Forecasts[3].Point, 0.6*(20000+200*16), 1e-6)

	// The sizing is sizing's: the same request gives the same months.
	sp, err := sizing.Plan(sizing.Request{
		Months:  []time.Time{nov2026},
		Targets: in.Fleet.Targets, Catalog: in.Catalog, Profile: in.Profile, Limits: capacity.DefaultLimits(),
		Gateways: []sizing.Gateway{{
			Name: "g01", AWSRegion: fx.aws(0), Upper: []float64{g.Months[0].UpperForecast},
			Load:    capacity.PerConnection{OpensPerSecond: 1.0 / 18000, MessagesPerSecond: 1.0 / 60},
			Current: sizing.Deployment{InstanceType: "c5.large", Nodes: 3},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	best, cur := sp[0].Months[0].Best, sp[0].Current.Months[0]
	if want := (report.Deployment{Nodes: best.Nodes, InstanceType: best.InstanceType}); g.Months[0].Deployment != want {
		t.Errorf("this month %v, want %v", g.Months[0].Deployment, want)
	}
	near(t, "current capacity", g.Current.CapacityConnections, cur.Capacity, 1e-6)
	near(t, "current headroom", g.Current.Headroom, 1-12480/cur.Capacity, 1e-9)
	if want := (report.Deployment{Nodes: 3, InstanceType: "c5.large"}); g.Current.Deployment != want {
		t.Errorf("current %v, want %v", g.Current.Deployment, want)
	}
	if g.Storm.LargestNode.DroppedConnections != g.Months[0].UpperForecast/float64(best.Nodes) || g.Storm.NeighbourFailover != nil {
		t.Errorf("storm %+v", g.Storm)
	}
	if c := g.Chart.Capacity[0]; !c.Time.Equal(month(2026, time.July)) || c.Value != g.Current.CapacityConnections {
		t.Errorf("capacity chart starts %+v", c)
	}

	// A month ago, the line through July to September forecast October.
	if len(p.LastMonth) != 1 {
		t.Fatalf("last month: %+v", p.LastMonth)
	}
	l := p.LastMonth[0]
	if !l.Month.Equal(month(2026, time.October)) || l.Actual != 12480 || l.Interval != 95 {
		t.Errorf("last month %+v", l)
	}
	near(t, "last month's forecast", l.Point, 12480, 1e-6)

	wantRatios := map[string]float64{
		"connections opened per connection": 1.0 / 18000, "messages published per connection": 1.0 / 60,
	}
	for _, r := range p.Ratios {
		near(t, r.Name, r.Value, wantRatios[r.Name], 1e-9*math.Max(1, wantRatios[r.Name]))
	}
	if len(p.Ratios) != 2 {
		t.Errorf("%d ratios, want 2", len(p.Ratios))
	}
	if len(p.NewGateways) != 0 {
		t.Errorf("new gateways %+v: r01 is 10 ms from its gateway", p.NewGateways)
	}
	if got, want := p.Inputs.History, (report.HistorySource{Kind: "snapshot", Location: "fixture.json",
		Start: fx.start(), End: nov2026, StepSeconds: 3600}); got != want {
		t.Errorf("history source %+v, want %+v", got, want)
	}

	// The summary: the one gateway's costs today and on its path.
	wantCosts := []report.FleetCost{
		{MonthsAhead: 0, Month: nov2026, MonthlyCostUSD: g.Current.MonthlyCostUSD},
		{MonthsAhead: 1, Month: nov2026, MonthlyCostUSD: g.Months[0].MonthlyCostUSD},
		{MonthsAhead: 6, Month: month(2027, time.April), MonthlyCostUSD: g.Months[5].MonthlyCostUSD},
		{MonthsAhead: 12, Month: month(2027, time.October), MonthlyCostUSD: g.Months[11].MonthlyCostUSD},
	}
	if !reflect.DeepEqual(p.Summary.FleetCost, wantCosts) {
		t.Errorf("fleet costs %+v, want %+v", p.Summary.FleetCost, wantCosts)
	}
	// The exact line leaves the base's interval the sales plan's error
	// alone, ±20% of the devices planned: the high scenario's upper
	// forecast is the base's, nothing runs out, and its path is the base's.
	hs := p.Summary.HighScenario
	if len(hs) != 1 || hs[0].Gateway != "g01" || hs[0].RunsOut != nil || hs[0].BasePathCostUSD != g.PathCostUSD ||
		hs[0].HighPathCostUSD == nil || *hs[0].HighPathCostUSD != g.PathCostUSD {
		t.Errorf("high scenario %+v, want g01 carrying it at the base's path cost %g", hs, g.PathCostUSD)
	}
}

// Placement: r02 is served from 175 ms away; its own region, 10 ms away,
// gets a gateway sized by sizing for its devices.
func TestBuildNewGateway(t *testing.T) {
	fx := fixture{gateways: 2, days: 120, end: nov2026, horizon: 12, flat: true}
	p, ng := buildOneNewGateway(t, fx)
	if ng.Name != "gateway-"+awsRegions[1] || ng.AWSRegion != awsRegions[1] || !slices.Equal(ng.ClientRegions, []string{"r02"}) ||
		ng.RTTBeforeMillis != 175 || ng.RTTAfterMillis != 10 || len(ng.Months) != 12 {
		t.Errorf("new gateway %+v", ng)
	}
	// r02's installed base, the line's intercept over its slope (21,000),
	// plus 11 x 16 months of 20 devices.
	near(t, "devices", ng.Devices, 21000+220*16, 1e-6)
	var open []report.Action
	for _, a := range p.Actions {
		if a.Kind == report.ActionOpen {
			open = append(open, a)
		}
	}
	if len(open) != 1 || open[0].Gateway != ng.Name || *open[0].To != ng.Months[0].Deployment ||
		open[0].Text() != "open "+ng.Name+" in "+ng.AWSRegion+" for r02 with "+deployment(ng.Months[0].Deployment)+
			": round trip from 175 ms to 10 ms for 24520 devices forecast by the horizon's end; it fails over to g01" {
		t.Errorf("open actions %+v", open)
	}
}

// buildOneNewGateway builds fx's plan, which must propose one new gateway.
func buildOneNewGateway(t *testing.T, fx fixture) (*report.Plan, report.NewGateway) {
	t.Helper()
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.NewGateways) != 1 {
		t.Fatalf("new gateways %+v, want one", p.NewGateways)
	}
	return p, p.NewGateways[0]
}

func deployment(d report.Deployment) string { return fmt.Sprintf("%d x %s", d.Nodes, d.InstanceType) }

// Too short a history for the line: the daily fallback forecasts.
func TestBuildFallback(t *testing.T) {
	fx := fixture{gateways: 1, days: 45, end: nov2026, horizon: 6}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Gateways[0]
	if len(g.Months) != 6 || !g.Months[0].Month.Equal(nov2026) {
		t.Errorf("months %+v", g.Months)
	}
	for _, r := range p.Ratios {
		if r.Name == "connections per device" {
			t.Errorf("a line ratio without a line: %+v", r)
		}
	}
	want := []string{
		"g01: fewer than 3 months of history with sales that change; forecast from its daily p95 connections by the time-series engine instead of the devices line.",
		"g01: 2026-09 left out: 47% of its hours observed, fewer than 50%.",
	}
	for _, w := range want {
		if !slices.Contains(p.Assumptions, w) {
			t.Errorf("assumptions lack %q:\n%s", w, strings.Join(p.Assumptions, "\n"))
		}
	}
	// October, from the fallback over September's 14 days.
	if len(p.LastMonth) != 1 || !p.LastMonth[0].Month.Equal(month(2026, time.October)) {
		t.Errorf("last month %+v", p.LastMonth)
	}
}

// Connections that fall as devices are sold: the line is fitted, shown,
// flagged and not used; the history alone forecasts, and the report says
// so.
func TestBuildNegativeSlopeFallsBack(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 6, flat: true, falling: true}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	g := p.Gateways[0]
	if g.Method != report.MethodHistory || g.Fit == nil || len(g.Scenarios) != 0 {
		t.Fatalf("method %q, fit %+v, %d scenarios; want the history method with the fit shown", g.Method, g.Fit, len(g.Scenarios))
	}
	near(t, "slope", g.Fit.Slope, -0.6, 1e-9)
	flaw := "connections per device -0.6 is negative: more devices sold, fewer connections"
	if len(g.Fit.Flaws) != 1 || g.Fit.Flaws[0] != flaw {
		t.Errorf("flaws %q, want %q", g.Fit.Flaws, flaw)
	}
	want := "g01: the devices line is implausible (" + flaw + "); forecast from its daily p95 connections by the " +
		"time-series engine instead, without the sales plan."
	if !slices.Contains(p.Assumptions, want) {
		t.Errorf("assumptions lack %q:\n%s", want, strings.Join(p.Assumptions, "\n"))
	}
	if len(p.DemandAccuracy) != 0 {
		t.Errorf("a backtest of a line not used: %+v", p.DemandAccuracy)
	}
	// The history falls 120 connections a month: so does the forecast.
	if f := g.Forecasts; f[0].Point >= g.Connections || f[len(f)-1].Point >= f[0].Point {
		t.Errorf("forecasts %+v from %g connections: want falling", f, g.Connections)
	}
}

// Past months with a plan: the actuals beat and miss it by 10% in turn,
// over the 7 months April to October, so the spread learned is
// t(0.975, 6)·0.1 = 2.446912·0.1, and the backtest judges forecasts made
// from the plan.
func TestBuildLearnsSpread(t *testing.T) {
	fx := fixture{gateways: 1, days: 200, end: nov2026, horizon: 3, plannedMiss: 0.1}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	s := p.SalesSpread
	if s.Source != report.SpreadLearned || s.Samples != 7 {
		t.Errorf("sales spread %+v, want learned from 7", s)
	}
	near(t, "spread", s.Default, 0.2446912, 1e-6)
	if len(p.DemandAccuracy) != 1 || !p.DemandAccuracy[0].SalesPlanned || p.DemandAccuracy[0].Forecasts == 0 {
		t.Errorf("demand accuracy %+v, want forecasts from the plan", p.DemandAccuracy)
	}
}

// A rule out of range is an error naming it.
func TestBuildDemandRules(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 3, flat: true}
	in := fx.inputs(t)
	in.Demand = DemandRules{MinR2: 1, DefaultSpread: 0.2}
	if _, err := Build(in); err == nil || err.Error() != "plan: minimum R² of the demand fit 1: want at least 0 and below 1" {
		t.Errorf("R² 1: %v", err)
	}
	in.Demand = DemandRules{MinR2: 0.5, DefaultSpread: 0.05}
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	// The exact line leaves the sales plan's error alone: 5% of the 200
	// devices planned for November, at 0.6 connections each.
	near(t, "upper forecast", p.Gateways[0].Months[0].UpperForecast, 0.6*(20000+200*5)+0.6*0.05*200, 1e-6)
	if p.SalesSpread.Default != 0.05 || p.SalesSpread.Source != report.SpreadDefault {
		t.Errorf("sales spread %+v", p.SalesSpread)
	}
}

// A history ending mid-month plans from the next month.
func TestBuildMidMonth(t *testing.T) {
	end := time.Date(2026, 11, 15, 13, 0, 0, 0, time.UTC)
	fx := fixture{gateways: 1, days: 200, end: end, horizon: 3}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if !p.AsOf.Equal(end) || !p.Gateways[0].Months[0].Month.Equal(month(2026, time.December)) {
		t.Errorf("as of %v, first month %v", p.AsOf, p.Gateways[0].Months[0].Month)
	}
	// November is half observed: kept, but not complete, so October is "last month".
	if l := p.LastMonth[0]; !l.Month.Equal(month(2026, time.October)) {
		t.Errorf("last month %v", l.Month)
	}
}

func TestBuildErrors(t *testing.T) {
	fx := fixture{gateways: 2, days: 120, end: nov2026, horizon: 6, flat: true}
	for _, c := range []struct {
		name   string
		break_ func(in *Inputs)
		want   string
	}{
		{"no connections", func(in *Inputs) {
			in.History.Series = slices.DeleteFunc(in.History.Series, func(s history.Series) bool {
				return s.Cluster == "g02" && s.Metric == metricConnections
			})
		}, `history from snapshot "fixture.json": gateway "g02": no connections series`},
		{"no churn", func(in *Inputs) {
			in.History.Series = slices.DeleteFunc(in.History.Series, func(s history.Series) bool {
				return s.Cluster == "g01" && s.Metric == metricOpened
			})
		}, `history from snapshot "fixture.json": gateway "g01": no connections_opened_per_second series`},
		{"empty history", func(in *Inputs) { in.History.Series = nil },
			`history from snapshot "fixture.json": the history holds no series`},
		{"all gaps", func(in *Inputs) {
			for _, s := range in.History.Series {
				if s.Cluster == "g01" && s.Metric == metricConnections {
					for i := range s.Values {
						s.Values[i] = math.NaN()
					}
				}
			}
		}, `history from snapshot "fixture.json": gateway "g01": no month with at least 50% of its connections samples`},
		{"short series", func(in *Inputs) { in.History.Series[0].Values = in.History.Series[0].Values[1:] },
			`history from snapshot "fixture.json": series 0 (`},
		{"unknown type", func(in *Inputs) {
			in.Catalog = &catalog.Catalog{Source: "test", Types: in.Catalog.Types[1:]}
		}, `instance_type "c5.large" is not in the instance catalog`},
		{"latency", func(in *Inputs) { in.Latency = demoLatency(t) },
			`no round trip from client region "r01" to ` + fx.aws(0) + `, where gateway "g01" runs`},
		{"nothing fits", func(in *Inputs) { in.Profile.MemoryPerConnectionBytes = 1e12 },
			`gateway "g01", 2026-11: no instance type offered in ` + fx.aws(0) + ` carries 12624 connections within the targets with at most 64 nodes; move some of its client regions to another gateway or shorten horizon_months`},
		{"profile", func(in *Inputs) { in.Profile.AcceptsPerSecondPerCore = -1 }, capacity.DefaultName + ": "},
		{"sales hole", func(in *Inputs) {
			in.Sales = slices.DeleteFunc(in.Sales, func(r sales.Row) bool { return r.Region == "r02" && r.Month.Equal(month(2026, time.August)) })
		}, "fixture.csv: region r02: no row for 2026-08 (between 2026-07 and 2026-09)\nfixture.csv: a month without sales needs a row with new_customers 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := fx.inputs(t)
			c.break_(&in)
			p, err := Build(in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Build: %v, want an error containing %q", err, c.want)
			}
			if p != nil {
				t.Error("a plan came back with the error")
			}
		})
	}
}

func TestMonthGrid(t *testing.T) {
	for _, c := range []struct {
		asOf  time.Time
		first time.Time
	}{
		{nov2026, nov2026},
		{nov2026.Add(time.Hour), month(2026, time.December)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), month(2027, time.January)},
	} {
		got := monthGrid(c.asOf, 3)
		want := []time.Time{c.first, c.first.AddDate(0, 1, 0), c.first.AddDate(0, 2, 0)}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("monthGrid(%v) = %v, want %v", c.asOf, got, want)
		}
	}
}

// twoRegionFleet is gateway g serving regions a (10 devices a customer)
// and b (5).
func twoRegionFleet(t *testing.T) *fleet.Fleet {
	t.Helper()
	f, err := fleet.Parse([]byte(`
client_regions: [{name: a, devices_per_customer: 10}, {name: b, devices_per_customer: 5}]
clusters: [{name: g, role: gateway, aws_region: eu-west-1, instance_type: c5.large, nodes: 3, serves: [a, b]}]
`), "f.yml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSalesBook(t *testing.T) {
	f := twoRegionFleet(t)
	rows := []sales.Row{ // out of order on purpose
		{Month: month(2026, time.March), Region: "a", NewCustomers: 2},
		{Month: month(2026, time.January), Region: "a", NewCustomers: 1, DevicesPerCustomer: 3},
		{Month: month(2026, time.February), Region: "b", NewCustomers: 4},
	}
	b := newSalesBook(f, rows, salesSpread{value: 0.2})
	for _, c := range []struct {
		regions []string
		m       time.Time
		want    float64
	}{
		{[]string{"a"}, month(2025, time.December), 0},
		{[]string{"a"}, month(2026, time.January), 3},
		{[]string{"a"}, month(2026, time.February), 3},
		{[]string{"a"}, month(2026, time.March), 23},
		{[]string{"a", "b"}, month(2026, time.February), 23},
		{[]string{"a", "b"}, month(2030, time.January), 43},
	} {
		if got := b.devices(c.regions, c.m); got != c.want {
			t.Errorf("devices(%v, %v) = %g, want %g", c.regions, c.m, got, c.want)
		}
	}
	if !b.last.Equal(month(2026, time.March)) {
		t.Errorf("last %v", b.last)
	}
}

// Scenarios by hand: after January, region a's March (2 x 10 devices, its
// own uncertainty 0.5) and b's February (4 x 5, the book's 0.2); with
// planned, the plan had said 1 customer in March and nothing for
// February, so there is no planned scenario.
func TestSalesScenario(t *testing.T) {
	f := twoRegionFleet(t)
	rows := []sales.Row{
		{Month: month(2026, time.January), Region: "a", NewCustomers: 1, PlannedNewCustomers: 2, PlannedGiven: true},
		{Month: month(2026, time.February), Region: "b", NewCustomers: 4},
		{Month: month(2026, time.March), Region: "a", NewCustomers: 2, Uncertainty: 0.5, PlannedNewCustomers: 1, PlannedGiven: true},
	}
	b := newSalesBook(f, rows, salesSpread{value: 0.2})
	got, ok := b.scenario([]string{"a", "b"}, month(2026, time.January), month(2026, time.March), false)
	want := demand.Scenario{Low: 10 + 20*0.8 + 20*0.5, Base: 10 + 20 + 20, High: 10 + 20*1.2 + 20*1.5}
	if !ok || math.Abs(got.Low-want.Low) > 1e-12 || got.Base != want.Base || math.Abs(got.High-want.High) > 1e-12 {
		t.Errorf("scenario %+v, %t; want %+v", got, ok, want)
	}
	if _, ok := b.scenario([]string{"a", "b"}, month(2026, time.January), month(2026, time.March), true); ok {
		t.Error("planned scenario without a plan for February")
	}
	got, ok = b.scenario([]string{"a"}, month(2026, time.January), month(2026, time.March), true)
	if want := (demand.Scenario{Low: 15, Base: 20, High: 25}); !ok || got != want {
		t.Errorf("planned scenario %+v, %t; want %+v", got, ok, want)
	}
}

// Six past region-months with a plan teach the spread: errors −0.5,
// −0.1, 0, 0.1, 0.2, 0.3 have a root mean square of √(0.4/6), and with
// fewer than 30 the 95% quantile is t(0.975, 5) = 2.5706 times it. Five
// are too few: the default stands.
func TestLearnSpread(t *testing.T) {
	var rows []sales.Row
	for i, actual := range []float64{5, 9, 10, 11, 12, 13} {
		rows = append(rows, sales.Row{Month: month(2026, time.Month(i+1)), Region: "a", NewCustomers: actual,
			PlannedNewCustomers: 10, PlannedGiven: true})
	}
	rows = append(rows, sales.Row{Month: month(2026, time.July), Region: "a", NewCustomers: 40, PlannedNewCustomers: 10, PlannedGiven: true})
	s := learnSpread(rows, month(2026, time.July), 0.2)
	near(t, "learned spread", s.value, 2.5706*math.Sqrt(0.4/6), 1e-4)
	if !s.learned || s.samples != 6 {
		t.Errorf("%+v, want learned from 6", s)
	}
	if s := learnSpread(rows[1:], month(2026, time.July), 0.2); s.learned || s.value != 0.2 || s.samples != 5 {
		t.Errorf("%+v, want the default 0.2 with 5 samples", s)
	}
}

// A linear series is the linear trend's; days observed for less than half
// are gaps.
func TestBacktest(t *testing.T) {
	start := month(2026, time.January)
	n := 120 * 24
	v := make([]float64, n)
	for i := range v {
		v[i] = 1000 + float64(i)
	}
	for i := 24; i < 24+13; i++ { // 13 of day 1's 24 hours missing: a gap
		v[i] = math.NaN()
	}
	h := &history.Snapshot{Version: 1, Start: start, End: start.Add(time.Duration(n) * time.Hour), Step: time.Hour,
		Series: []history.Series{{Metric: metricConnections, Cluster: "c", Start: start, Step: time.Hour, Values: v}}}
	daily, err := dailyP95(h.Series[0])
	if err != nil {
		t.Fatal(err)
	}
	// gonum's LinInterp p95 of 24 hours lies 0.8 of the way from the 22nd to the 23rd.
	if len(daily) != 120 || !math.IsNaN(daily[1]) {
		t.Errorf("daily p95 %v", daily[:3])
	}
	near(t, "day 0", daily[0], 1021.8, 1e-9)
	near(t, "day 2", daily[2], 1069.8, 1e-9)
	acc, err := Backtest(h, []string{"c", "missing"}, 30)
	if err != nil {
		t.Fatal(err)
	}
	// A line: Holt's ETS(A,A,N) forecasts it exactly; the linear-trend
	// baseline does too and is reported, but the engine no longer chooses
	// it.
	if len(acc) != 1 || acc[0].Series != "c connections (daily p95)" || acc[0].Model != "ETS(A,A,N)" {
		t.Fatalf("accuracy %+v", acc)
	}
	// Errors are rounding noise: MASE is 0, coverage says nothing.
	if acc[0].MASE == nil || *acc[0].MASE > 1e-9 {
		t.Errorf("linear trend on a line: MASE %v", acc[0].MASE)
	}
	if acc[0].LinearTrendMASE == nil || *acc[0].LinearTrendMASE > 1e-9 {
		t.Errorf("linear-trend baseline on a line: MASE %v", acc[0].LinearTrendMASE)
	}
}
