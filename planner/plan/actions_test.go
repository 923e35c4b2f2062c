package plan

import (
	"slices"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/path"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// Actions come from each gateway's path: today's step is a scale action
// with why, a later step says when it must start (lead time 1 month) and
// be in place.
func TestActions(t *testing.T) {
	as := func(n int, typ string, capacity_ float64, cost float64, ok bool) sizing.Assessment {
		return sizing.Assessment{Deployment: sizing.Deployment{InstanceType: typ, Nodes: n}, Capacity: capacity_,
			Limit: sizing.LimitHeadroom, Node: capacity.NodeCapacity{Binding: "memory"}, MonthlyCost: cost, OK: ok}
	}
	l3, l5 := as(3, "r5.large", 31000, 276, true), as(5, "r5.large", 62000, 460, true)
	x2 := as(2, "r5.xlarge", 40000, 368, true)
	c3 := as(3, "c5.large", 20480.4, 186, false)
	c3.Limit = sizing.LimitFailoverAlarm
	uppers := []float64{30000, 30000, 40000, 40000}
	type gw struct {
		name    string
		current sizing.Assessment
		path    []sizing.Assessment
		options [][]sizing.Assessment
	}
	gws := []gw{
		{"grow", l3, []sizing.Assessment{l3, l3, l5, l5}, [][]sizing.Assessment{{l3, l5}, {l3, l5}, {l5}, {l5}}},
		{"even", x2, []sizing.Assessment{l3, l3, l5, l5}, [][]sizing.Assessment{{l3, l5}, {l3, l5}, {l5}, {l5}}},
		{"short", c3, []sizing.Assessment{l5, l5, l5, l5}, [][]sizing.Assessment{{l3, l5}, {l3, l5}, {l5}, {l5}}},
	}
	p := &report.Plan{NewGateways: []report.NewGateway{{Name: "gateway-sa-east-1", AWSRegion: "sa-east-1", ClientRegions: []string{"brazil"},
		Devices: 20816.8, RTTBeforeMillis: 120, RTTAfterMillis: 10,
		Months: []report.MonthPlan{{Deployment: report.Deployment{Nodes: 3, InstanceType: "m5.large"}}}}}}
	var clusters []pathed
	for _, g := range gws {
		rg := report.Gateway{Name: g.name}
		gp := sizing.GatewayPlan{Name: g.name, Current: &sizing.Current{Months: []sizing.Assessment{g.current}}}
		for m, u := range uppers {
			rg.Months = append(rg.Months, report.MonthPlan{Month: nov2026.AddDate(0, m, 0), UpperForecast: u})
			gp.Months = append(gp.Months, sizing.MonthPlan{Month: nov2026.AddDate(0, m, 0), Upper: u, Options: g.options[m]})
		}
		p.Gateways = append(p.Gateways, rg)
		clusters = append(clusters, gatewayPathed(rg.Name, rg.Months, gp, gatewayPath{months: g.path}))
	}
	var got []string
	for _, a := range actions(p, clusters, fleet.Targets{LeadTimeMonths: 1, MinNodes: 3, OddNodes: true}) {
		got = append(got, a.Kind+": "+a.Text())
	}
	want := []string{
		"scale: scale even from 2 x r5.xlarge to 3 x r5.large: 2 nodes break the node count rule (min_nodes, odd_nodes): a majority must survive the loss of a node; it serves until 2027-01, the path's next step",
		"scale: scale short from 3 x c5.large to 5 x r5.large: this month's upper forecast of 30000 connections exceeds the 20480 the current deployment carries within the targets (binding: failover-alarm); it serves to the horizon's end",
		"open: open gateway-sa-east-1 in sa-east-1 for brazil with 3 x m5.large: round trip from 120 ms to 10 ms for 20817 devices forecast by the horizon's end",
		"later: start 2026-12: scale grow from 3 x r5.large to 5 x r5.large, in place by 2027-01: 2027-01's upper forecast of 40000 connections exceeds the 31000 3 x r5.large carries within the targets (binding: memory); it serves to the horizon's end",
		"later: start 2026-12: scale even from 3 x r5.large to 5 x r5.large, in place by 2027-01: 2027-01's upper forecast of 40000 connections exceeds the 31000 3 x r5.large carries within the targets (binding: memory); it serves to the horizon's end",
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions:\n%q\nwant:\n%q", got, want)
	}
	// With a 3-month lead time the step in place by 2027-01 should have
	// started in 2026-10: it starts this month, and says it is late.
	acts := actions(p, clusters, fleet.Targets{LeadTimeMonths: 3, MinNodes: 3, OddNodes: true})
	late := acts[len(acts)-1].Text()
	if wantLate := "start 2026-11: scale even from 3 x r5.large to 5 x r5.large, in place by 2027-01: 2027-01's upper forecast of " +
		"40000 connections exceeds the 31000 3 x r5.large carries within the targets (binding: memory); it serves to the horizon's " +
		"end; with the 3-month lead time it should have started in 2026-10: it starts 1 month late"; late != wantLate {
		t.Errorf("late step:\n%s\nwant:\n%s", late, wantLate)
	}
}

// The report's binding is the constraint that set the capacity (issue 11:
// a failover-bound month read "memory", the node's resource).
func TestMonthPlansBinding(t *testing.T) {
	a := sizing.Assessment{Deployment: sizing.Deployment{InstanceType: "m5.large", Nodes: 5}, Capacity: 60000,
		Limit: sizing.LimitFailoverAlarm, Node: capacity.NodeCapacity{Binding: capacity.Memory}}
	b := a
	b.Limit = sizing.LimitHeadroom
	ms := []sizing.MonthPlan{{Month: nov2026, Upper: 50000}, {Month: nov2026.AddDate(0, 1, 0), Upper: 50000}}
	got := monthPlans(ms, []sizing.Assessment{a, b})
	if got[0].Binding != "failover-alarm" || got[1].Binding != "memory" {
		t.Errorf("bindings %q, %q; want failover-alarm, memory", got[0].Binding, got[1].Binding)
	}
}

// A step forced by a gateway failing over here names the failover alarm,
// with the old deployment's capacity in the step's month, not the month
// before's (nor the node count rule, which 3 nodes keep). gw-a carries
// 3,000 connections both months on "medium" (2,048 a node by memory);
// gw-b, failing over to it, grows from 2,000 to 4,000. 3 x medium passes
// the first month (headroom binds: 2·2048/1.25 = 3,277; failover alarm
// 3·2048 − 2000 = 4,144) and fails the second (3·2048 − 4000 = 2,144 <
// 3,000): 4 x medium (4·2048 − 4000 = 4,192) takes over.
func TestStepReasonFailoverBinds(t *testing.T) {
	cat := &catalog.Catalog{Source: "test", Types: []catalog.InstanceType{
		{Name: "medium", VCPU: 2, MemoryGiB: 3, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.15}},
	}}
	targets := fleet.Targets{Headroom: 0.25, Redundancy: 1, MaxReconnectSeconds: 10, MinNodes: 3, LeadTimeMonths: 1}
	current := sizing.Deployment{InstanceType: "medium", Nodes: 3}
	plans, err := sizing.Plan(sizing.Request{
		Months: []time.Time{nov2026, nov2026.AddDate(0, 1, 0)}, Targets: targets, Catalog: cat,
		Profile: capacity.Profile{
			RabbitMQVersion: "test", MeasuredOn: "paper",
			MemoryBaseBytes: 1 << 29, MemoryPerConnectionBytes: 1 << 19, FDsPerConnection: 1,
			CPUSecondsPerOpen: 1e-3, CPUSecondsPerMessage: 1e-3, CPUSecondsPerConnectionIdle: 1.0 / (1 << 20),
			AcceptsPerSecondPerCore: 100, BytesPerMessage: 100,
		},
		Limits: capacity.Limits{MemoryHighWatermark: 0.5, FDLimit: 1 << 20, CPUTarget: 1},
		Gateways: []sizing.Gateway{
			{Name: "gw-a", AWSRegion: "eu", Upper: []float64{3000, 3000}, Current: current},
			{Name: "gw-b", AWSRegion: "eu", Upper: []float64{2000, 4000}, FailoverTo: "gw-a"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	gp := plans[0]
	path, err := choosePath(gp, current, cat, targets)
	if err != nil {
		t.Fatal(err)
	}
	rg := report.Gateway{Name: gp.Name}
	for _, m := range gp.Months {
		rg.Months = append(rg.Months, report.MonthPlan{Month: m.Month, UpperForecast: m.Upper})
	}
	steps := path.steps(gp.Current)
	if len(steps) != 1 || steps[0].m != 1 || steps[0].from.Nodes != 3 || steps[0].to.Nodes != 4 {
		t.Fatalf("steps %+v, want 3 -> 4 x medium in the second month", steps)
	}
	if c := steps[0].from.Capacity; c < 3000 { // the month before's figure hides the failure
		t.Fatalf("3 x medium carries %v the first month, want at least 3000", c)
	}
	got := stepReason(gatewayPathed(rg.Name, rg.Months, gp, path), steps[0], targets)
	want := "2026-12's upper forecast of 3000 connections exceeds the 2144 3 x medium carries within the targets (binding: failover-alarm)"
	if got != want {
		t.Errorf("reason:\n %q\nwant\n %q", got, want)
	}
}

// A path that had to drop the rule against down-then-up is named in the
// assumptions; one that kept it is not.
func TestRelaxedNotes(t *testing.T) {
	clusters := []pathed{{name: "kept", path: gatewayPath{res: path.Result{}}}, {name: "swings", path: gatewayPath{res: path.Result{RuleRelaxed: true}}}}
	got := relaxedNotes(clusters, fleet.Targets{NoDownsizeWithinMonths: 6})
	want := []string{"swings: no path keeps no_downsize_within_months (6): its demand rises and falls beyond what one " +
		"deployment carries within that window, so its path ignores the rule; check its forecast."}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
