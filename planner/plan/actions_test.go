package plan

import (
	"slices"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

func TestActions(t *testing.T) {
	dep := func(n int, typ string) report.Deployment { return report.Deployment{Nodes: n, InstanceType: typ} }
	months := func(upper float64, d report.Deployment, cost float64) []report.MonthPlan {
		var out []report.MonthPlan
		for i := range 4 {
			out = append(out, report.MonthPlan{Month: nov2026.AddDate(0, i, 0), UpperForecast: upper + 1000*float64(i),
				Deployment: d, CapacityConnections: 50000, Binding: "memory", MonthlyCostUSD: cost})
		}
		return out
	}
	at := func(i int) *int { return &i }
	gw := func(name string, cur report.Deployment, curCost float64, ms []report.MonthPlan, exhausts *int) report.Gateway {
		return report.Gateway{Name: name, Current: report.Current{Deployment: cur, MonthlyCostUSD: curCost}, Months: ms, ExhaustionMonth: exhausts}
	}
	grow := months(30000, dep(4, "r5.large"), 400)
	grow[2].Deployment = dep(5, "r5.large")
	p := &report.Plan{
		Gateways: []report.Gateway{
			gw("over", dep(3, "c5.large"), 300, months(30000, dep(4, "r5.large"), 400), at(0)),
			gw("soon", dep(4, "r5.large"), 400, grow, at(2)),
			gw("later", dep(4, "r5.large"), 400, months(30000, dep(4, "r5.large"), 400), at(3)),
			gw("fine", dep(4, "r5.large"), 400, months(30000, dep(4, "r5.large"), 400), nil),
			gw("dear", dep(4, "m5.xlarge"), 700.5, months(30000, dep(4, "r5.large"), 400), nil),
			gw("runs-out", dep(3, "m5.large"), 300, months(30000, dep(4, "m5.large"), 400), at(1)),
		},
		NewGateways: []report.NewGateway{{Name: "gateway-sa-east-1", AWSRegion: "sa-east-1", ClientRegions: []string{"brazil"},
			Devices: 20816.8, RTTBeforeMillis: 120, RTTAfterMillis: 10, Months: months(5000, dep(2, "m5.large"), 220)}},
	}
	plans := make([]sizing.GatewayPlan, len(p.Gateways))
	plans[0].Current = &sizing.Current{Months: []sizing.Assessment{{Capacity: 20480.4}}}
	var got []string
	for _, a := range actions(p, plans) {
		got = append(got, a.Kind+": "+a.Text())
	}
	want := []string{
		"scale: scale over from 3 x c5.large to 4 x r5.large: this month's upper forecast of 30000 connections exceeds the 20480 the current deployment carries within the targets",
		"scale: scale dear from 4 x m5.xlarge to 4 x r5.large: carries this month's upper forecast of 30000 connections for $300.50 a month less",
		"scale: scale runs-out from 3 x m5.large to 4 x m5.large: the current deployment runs out of capacity in 2026-12",
		"open: open gateway-sa-east-1 in sa-east-1 for brazil with 2 x m5.large: round trip from 120 ms to 10 ms for 20817 forecast devices",
		"note: soon: the current 4 x r5.large runs out of capacity in 2027-01 (upper forecast 32000 connections); plan 5 x r5.large by then",
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions:\n%q\nwant:\n%q", got, want)
	}
}
