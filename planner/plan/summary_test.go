package plan

import (
	"reflect"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// Two gateways and a proposed one over a 3-month horizon: the costs by
// hand. Today is the current deployments (100.10 + 200.20); 1 month ahead
// the first month's recommendations (150.15 + 200.20 + the proposed
// 50.05); 6, 12 and 24 months ahead are all the horizon's last month,
// given once (150.15 + 260.26, the proposed gateway sized for two months
// only).
func TestFleetCosts(t *testing.T) {
	mp := func(i int, cost float64) report.MonthPlan {
		return report.MonthPlan{Month: month(2026, time.November).AddDate(0, i, 0), MonthlyCostUSD: cost}
	}
	p := &report.Plan{
		AsOf: time.Date(2026, time.October, 20, 13, 0, 0, 0, time.UTC), HorizonMonths: 3,
		Gateways: []report.Gateway{
			{Current: report.Current{MonthlyCostUSD: 100.10}, Months: []report.MonthPlan{mp(0, 150.15), mp(1, 150.15), mp(2, 150.15)}},
			{Current: report.Current{MonthlyCostUSD: 200.20}, Months: []report.MonthPlan{mp(0, 200.20), mp(1, 200.20), mp(2, 260.26)}},
		},
		NewGateways: []report.NewGateway{{Months: []report.MonthPlan{mp(0, 50.05), mp(1, 50.05)}}},
	}
	want := []report.FleetCost{
		{MonthsAhead: 0, Month: month(2026, time.October), MonthlyCostUSD: 300.30},
		{MonthsAhead: 1, Month: month(2026, time.November), MonthlyCostUSD: 400.40},
		{MonthsAhead: 3, Month: month(2027, time.January), MonthlyCostUSD: 410.41},
	}
	if got := fleetCosts(p); !reflect.DeepEqual(got, want) {
		t.Errorf("fleetCosts = %+v\nwant %+v", got, want)
	}
	// A 24-month horizon has every figure.
	p.HorizonMonths = 24
	for i := range p.Gateways {
		for len(p.Gateways[i].Months) < 24 {
			p.Gateways[i].Months = append(p.Gateways[i].Months, mp(len(p.Gateways[i].Months), 10))
		}
	}
	var ahead []int
	for _, c := range fleetCosts(p) {
		ahead = append(ahead, c.MonthsAhead)
	}
	if !reflect.DeepEqual(ahead, []int{0, 1, 6, 12, 24}) {
		t.Errorf("months ahead %v, want 0, 1, 6, 12, 24", ahead)
	}
}

// The high scenario's upper forecast passes the base path's capacity in
// the third month: the gateway runs out then, and the path sized for the
// high scenario costs more.
func TestHighScenario(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 3, flat: true}
	in := fx.inputs(t)
	tg := in.Fleet.Targets
	req := sizing.Request{
		Months: monthGrid(nov2026, 3), Targets: tg, Catalog: in.Catalog, Profile: in.defaultProfile(), Limits: capacity.DefaultLimits(),
		Gateways: []sizing.Gateway{{
			Name: "g01", AWSRegion: fx.aws(0), Upper: []float64{10000, 10000, 10000},
			Load:    capacity.PerConnection{OpensPerSecond: 1.0 / 18000, MessagesPerSecond: 1.0 / 60},
			Current: sizing.Deployment{InstanceType: "c5.large", Nodes: 3},
		}},
	}
	plans, err := sizing.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	base, err := choosePath(plans[0], req.Gateways[0].Current, in.Catalog, tg)
	if err != nil {
		t.Fatal(err)
	}
	last := base.months[2]
	over := last.Capacity + 1
	d := &gatewayDemand{line: &demand.Line{}, high: []demand.Prediction{
		{Point: 10000, Hi80: 10000, Hi95: 10000}, {Point: 10000, Hi80: 10000, Hi95: 10000}, {Point: over, Hi80: over, Hi95: over},
	}}
	highs, fromSales, err := highUppers(req, []*gatewayDemand{d}, tg)
	if err != nil || !fromSales {
		t.Fatalf("high uppers %v, from sales %v: %v", highs, fromSales, err)
	}
	got, err := highScenario(req, highs, []gatewayPath{base}, in.Catalog, tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("high scenario %+v", got)
	}
	g := got[0]
	wantRunOut := &report.RunOut{
		Month: month(2027, time.January), UpperForecast: over,
		Deployment:          report.Deployment{Nodes: last.Nodes, InstanceType: last.InstanceType},
		CapacityConnections: last.Capacity, Binding: last.Binding(),
	}
	if g.Gateway != "g01" || !reflect.DeepEqual(g.RunsOut, wantRunOut) || g.BasePathCostUSD != base.total() || g.Infeasible != "" {
		t.Errorf("high scenario %+v, runs out %+v; want runs out %+v, base cost %g", g, g.RunsOut, wantRunOut, base.total())
	}
	if g.HighPathCostUSD == nil || *g.HighPathCostUSD <= g.BasePathCostUSD {
		t.Errorf("high path cost %v, want above the base's %g", g.HighPathCostUSD, g.BasePathCostUSD)
	}
	// The base request is left as it was.
	if req.Gateways[0].Upper[2] != 10000 {
		t.Errorf("highScenario changed the base request: %v", req.Gateways[0].Upper)
	}

	// No gateway forecast from sales: no scenario.
	if highs, fromSales, err := highUppers(req, []*gatewayDemand{{}}, tg); err != nil || fromSales || !reflect.DeepEqual(highs, [][]float64{req.Gateways[0].Upper}) {
		t.Errorf("without a devices line: %v, from sales %v, %v; want the base uppers and no scenario", highs, fromSales, err)
	}
	// Demand nothing carries: no high path, and why.
	huge := 1e12
	d.high[1] = demand.Prediction{Point: huge, Hi80: huge, Hi95: huge}
	if highs, _, err = highUppers(req, []*gatewayDemand{d}, tg); err != nil {
		t.Fatal(err)
	}
	got, err = highScenario(req, highs, []gatewayPath{base}, in.Catalog, tg)
	if err != nil {
		t.Fatal(err)
	}
	if g := got[0]; g.HighPathCostUSD != nil || g.RunsOut == nil || !g.RunsOut.Month.Equal(month(2026, time.December)) ||
		g.Infeasible != "2026-12: no instance type offered in "+fx.aws(0)+" carries 1000000000000 connections within the targets with at most 64 nodes" {
		t.Errorf("infeasible high scenario %+v", g)
	}
}
