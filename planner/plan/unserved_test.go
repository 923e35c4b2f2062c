package plan

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// uNear puts client region u 40 ms from g01's AWS region, 80 ms from
// g02's and 300 ms from every other.
func uNear(fx fixture) func(string) int {
	return func(aws string) int {
		switch aws {
		case fx.aws(0):
			return 40
		case fx.aws(1):
			return 80
		}
		return 300
	}
}

// An unserved region is carried by the gateway nearest it, g01 at 40 ms,
// at g01's own 0.6 connections per device; g01's line is fitted as if u
// did not exist. u sells 5 customers x 20 devices a month from 2026-07,
// so by the end of month i of the horizon (2026-11 is the fifth month of
// sales) it has 100 x (5 + i) devices: 300 connections in 2026-11, 960 in
// 2027-10. g01 alone forecasts 0.6 x (20,000 + 200 x (5 + i)): 12,600 and
// 13,920. The sales plan's ±20% applies to the devices of both regions
// planned since October, 300 a month: the upper bound of 2026-11 is
// 12,900 + 0.6 x 0.2 x 300.
func TestBuildUnservedRegionNearestGateway(t *testing.T) {
	fx := fixture{gateways: 2, days: 120, end: nov2026, horizon: 12, flat: true}
	without, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	fx.unserved, fx.uRTT = 5, uNear(fx)
	in := fx.inputs(t)
	if u := in.Fleet.Unserved(); !slices.Equal(u, []string{"u"}) {
		t.Fatalf("unserved %v", u)
	}
	with, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	g, g0 := with.Gateways[0], without.Gateways[0]
	if !reflect.DeepEqual(g.Fit, g0.Fit) || !reflect.DeepEqual(g.Chart.History, g0.Chart.History) {
		t.Errorf("g01's fit changed with u:\n got %+v\nwant %+v", g.Fit, g0.Fit)
	}
	near(t, "slope", g.Fit.Slope, 0.6, 1e-12)
	near(t, "intercept", g.Fit.Intercept, 12000, 1e-8)
	if !slices.Equal(g.ClientRegions, []string{"r01"}) || len(g.AdoptedRegions) != 1 {
		t.Fatalf("g01 serves %v, adopts %+v", g.ClientRegions, g.AdoptedRegions)
	}
	a := g.AdoptedRegions[0]
	if a.ClientRegion != "u" || a.RTTMillis != 40 || a.RatioFrom != report.RatioGateway {
		t.Errorf("adopted %+v", a)
	}
	near(t, "adopted connections per device", a.ConnectionsPerDevice, 0.6, 1e-12)
	for i, m := range g.Months {
		near(t, "with u "+monthLabel(m.Month), g.Chart.Forecast[i].Point, 0.6*(20000+200*float64(5+i))+0.6*100*float64(5+i), 1e-6)
		near(t, "u's share "+monthLabel(m.Month), g.Chart.Forecast[i].Point-g0.Chart.Forecast[i].Point, 60*float64(5+i), 1e-6)
		near(t, "upper "+monthLabel(m.Month), m.UpperForecast, g.Chart.Forecast[i].Point+0.6*0.2*300*float64(i+1), 1e-6)
	}
	near(t, "2026-11", g.Forecasts[0].Point, 12900, 1e-6)
	near(t, "2027-10", g.Forecasts[3].Point, 14880, 1e-6)
	near(t, "2026-11 upper", g.Months[0].UpperForecast, 12936, 1e-6)
	near(t, "2027-10 base devices", g.Scenarios[3].BaseDevices, 200*16+100*16, 1e-9)
	if !reflect.DeepEqual(with.Gateways[1], without.Gateways[1]) {
		t.Error("g02, farther from u, changed")
	}
	if !reflect.DeepEqual(with.LastMonth, without.LastMonth) || !reflect.DeepEqual(with.DemandAccuracy, without.DemandAccuracy) {
		t.Error("the backtests of the past changed: u's sales are not in the history")
	}
	want := "u is routed to no gateway in fixture.yml: it is sized with g01, the gateway with the lowest round trip from it " +
		"(40 ms). Its devices (those of the sales file; none installed before it) are added to g01's forecast months at " +
		"0.600 connections per device, g01's own, the slope of its devices line, and not to the months its line is fitted " +
		"on; placement judges a new gateway for it like any other client region."
	if !slices.Contains(with.Assumptions, want) {
		t.Errorf("assumptions lack %q", want)
	}
	if len(with.NewGateways) != 1 || slices.Contains(with.NewGateways[0].ClientRegions, "u") {
		t.Errorf("new gateways %+v: u is within the latency target", with.NewGateways)
	}
}

// Far from every gateway, u is a placement candidate like any region:
// 150 ms from g01, the nearest, and 10 ms from a region of its own, with
// 1,000 devices a month (16,000 by 2027-10, none installed before) it
// gets a gateway there. Its devices connect to no gateway yet: however
// dear re-pointing is, moving it re-points none.
func TestBuildUnservedRegionPlaced(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 12, flat: true, unserved: 50, repoint: 1000}
	home := awsRegions[2]
	fx.uRTT = func(aws string) int {
		switch aws {
		case fx.aws(0):
			return 150
		case home:
			return 10
		}
		return 300
	}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Gateways[0].AdoptedRegions; len(a) != 1 || a[0].RTTMillis != 150 {
		t.Errorf("g01 adopts %+v", a)
	}
	if len(p.NewGateways) != 1 {
		t.Fatalf("new gateways %+v", p.NewGateways)
	}
	ng := p.NewGateways[0]
	if ng.AWSRegion != home || !slices.Equal(ng.ClientRegions, []string{"u"}) || ng.RTTBeforeMillis != 150 || ng.RTTAfterMillis != 10 {
		t.Errorf("new gateway %+v", ng)
	}
	near(t, "devices", ng.Devices, 16000, 1e-9)
	if ng.RepointUSD != 0 || len(p.Placement.Regions) != 1 || p.Placement.Regions[0].DevicesInField != 0 ||
		p.Placement.Regions[0].Outcome != report.PlacementNewGateway {
		t.Errorf("new gateway re-pointing $%v, placement %+v: want u moved, nothing in the field", ng.RepointUSD, p.Placement.Regions)
	}
}

// A gateway forecast from its history alone has no connections per
// device; u then takes the mean slope of the fleet's lines (g01's 0.6
// here), each sales scenario on its side of the band. g02's history
// starts in 2026-10: a single month, too few for a line.
func TestBuildUnservedRegionFleetRatio(t *testing.T) {
	fx := fixture{gateways: 2, days: 120, end: nov2026, horizon: 12, flat: true}
	cut := func(in *Inputs) {
		for _, s := range in.History.Series {
			if s.Cluster != "g02" {
				continue
			}
			for k := range s.Values {
				if s.Start.Add(time.Duration(k) * s.Step).Before(month(2026, time.October)) {
					s.Values[k] = math.NaN()
				}
			}
		}
	}
	in := fx.inputs(t)
	cut(&in)
	without, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	fx.unserved, fx.uRTT = 5, func(aws string) int {
		if aws == fx.aws(1) {
			return 40
		}
		return 300
	}
	in = fx.inputs(t)
	cut(&in)
	with, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	g, g0 := with.Gateways[1], without.Gateways[1]
	if g.Method != report.MethodHistory || len(g.AdoptedRegions) != 1 || g.AdoptedRegions[0].RatioFrom != report.RatioFleet {
		t.Fatalf("g02: method %q, adopted %+v", g.Method, g.AdoptedRegions)
	}
	near(t, "fleet ratio", g.AdoptedRegions[0].ConnectionsPerDevice, 0.6, 1e-12)
	for i := range g.Months {
		planned := 100 * float64(i+1) // u's devices planned since October
		f, f0 := g.Chart.Forecast[i], g0.Chart.Forecast[i]
		sold := 100 * float64(5+i)
		near(t, "point", f.Point-f0.Point, 0.6*sold, 1e-6)
		near(t, "lo95", f.Lo95-f0.Lo95, 0.6*(sold-0.2*planned), 1e-6)
		near(t, "hi95", f.Hi95-f0.Hi95, 0.6*(sold+0.2*planned), 1e-6)
	}

	// Without any line there is no figure to convert u's devices with.
	fx.days = 45
	_, err = Build(fx.inputs(t))
	want := `fixture.yml: client region "u" is routed to no gateway, and no gateway's devices line is usable to turn its ` +
		`devices into connections (g02, the nearest, is forecast from its history alone); list it under a gateway's serves`
	if err == nil || err.Error() != want {
		t.Errorf("error\n got %v\nwant %s", err, want)
	}
}

// A new market that sells fast: the proposed gateway opens with this
// month's deployment and must grow on its path; each step of that path is
// a later action with its deadline, like an existing gateway's, and the
// actions' deployments are the path's (report.NewGateway.Months).
func TestBuildNewGatewayGrowsOnItsPath(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 12, flat: true, unserved: 1000}
	home := awsRegions[2]
	fx.uRTT = func(aws string) int {
		if aws == home {
			return 10
		}
		return 150
	}
	p, ng := buildOneNewGateway(t, fx)
	var changes []int
	for m := 1; m < len(ng.Months); m++ {
		if ng.Months[m].Deployment != ng.Months[m-1].Deployment {
			changes = append(changes, m)
		}
	}
	if len(changes) == 0 {
		t.Fatalf("the new gateway's path never changes (%s throughout): the case does not test its later steps", deployment(ng.Months[0].Deployment))
	}
	var later []report.Action
	for _, a := range p.Actions {
		if a.Gateway == ng.Name && a.Kind == report.ActionLater {
			later = append(later, a)
		}
	}
	for _, a := range later {
		t.Log(a.Text())
	}
	if len(later) != len(changes) {
		t.Fatalf("%d later actions for %s, want one per change of its path (months %v): %+v", len(later), ng.Name, changes, later)
	}
	last := ng.Months[changes[len(changes)-1]]
	wantOpen := fmt.Sprintf("its path reaches %s in %s (the later steps)", deployment(last.Deployment), monthLabel(last.Month))
	if i := slices.IndexFunc(p.Actions, func(a report.Action) bool { return a.Kind == report.ActionOpen }); i < 0 ||
		!strings.Contains(p.Actions[i].Reason, wantOpen) {
		t.Errorf("open action %+v, want it to say %q", p.Actions, wantOpen)
	}
	lead := fx.inputs(t).Fleet.Targets.LeadTimeMonths
	for i, m := range changes {
		a, want := later[i], ng.Months[m]
		if *a.From != ng.Months[m-1].Deployment || *a.To != want.Deployment || !a.Month.Equal(want.Month) ||
			!a.Start.Equal(ng.Months[max(m-lead, 0)].Month) {
			t.Errorf("step %d: %s, want %s to %s in place by %s, started %d month(s) before",
				i, a.Text(), deployment(ng.Months[m-1].Deployment), deployment(want.Deployment), monthLabel(want.Month), lead)
		}
	}
}
