package plan

import (
	"fmt"
	"math"
	"slices"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// summaryAhead are the months ahead the summary gives the fleet's cost
// for, besides today's.
var summaryAhead = []int{1, 6, 12, 24}

// fleetCosts is the fleet's monthly cost today (the current deployments)
// and on the plan's paths summaryAhead months ahead, proposed gateways
// and the backend included; a month beyond the horizon is its last month, given once.
// Sums are in cents.
func fleetCosts(p *report.Plan) []report.FleetCost {
	today := report.FleetCost{Month: monthStart(p.AsOf)}
	for _, g := range p.Gateways {
		today.MonthlyCostUSD += g.Current.MonthlyCostUSD
	}
	if b := p.Backend; b != nil {
		today.MonthlyCostUSD += b.Current.MonthlyCostUSD
	}
	today.MonthlyCostUSD = roundCents(today.MonthlyCostUSD)
	out := []report.FleetCost{today}
	for _, ahead := range summaryAhead {
		ahead = min(ahead, p.HorizonMonths)
		if ahead == out[len(out)-1].MonthsAhead {
			continue
		}
		c := report.FleetCost{MonthsAhead: ahead, Month: p.Gateways[0].Months[ahead-1].Month}
		for _, g := range p.Gateways {
			c.MonthlyCostUSD += g.Months[ahead-1].MonthlyCostUSD
		}
		for _, g := range p.NewGateways {
			if ahead <= len(g.Months) {
				c.MonthlyCostUSD += g.Months[ahead-1].MonthlyCostUSD
			}
		}
		if b := p.Backend; b != nil {
			c.MonthlyCostUSD += b.Months[ahead-1].MonthlyCostUSD
		}
		c.MonthlyCostUSD = roundCents(c.MonthlyCostUSD)
		out = append(out, c)
	}
	return out
}

func roundCents(v float64) float64 { return math.Round(v*100) / 100 }

// highUppers are the existing gateways' upper forecasts under the high
// sales scenario: the high scenario's bound for those forecast from the
// sales plan, the base plan's for the others. false when no gateway is
// forecast from the sales plan: the scenarios then change nothing.
func highUppers(req sizing.Request, demands []*gatewayDemand, t fleet.Targets) ([][]float64, bool, error) {
	out := make([][]float64, len(demands))
	fromSales := false
	for i, d := range demands {
		out[i] = req.Gateways[i].Upper
		if d.line == nil {
			continue
		}
		fromSales = true
		out[i] = make([]float64, len(d.high))
		for m, h := range d.high {
			u, err := h.Upper(t.Interval)
			if err != nil {
				return nil, false, err
			}
			out[i][m] = u
		}
	}
	return out, fromSales, nil
}

// highScenario sizes the existing gateways again with the high sales
// scenario's upper forecasts (highUppers: the gateways forecast from the
// sales plan; the others' forecasts do not depend on it, but a neighbour
// failing over to them may), then judges each month of the base plan's
// paths against it and finds the paths the high scenario would take.
func highScenario(req sizing.Request, highs [][]float64, base []gatewayPath, cat *catalog.Catalog, t fleet.Targets) ([]report.HighScenarioGateway, error) {
	high := req
	high.Gateways = slices.Clone(req.Gateways)
	for i := range highs {
		high.Gateways[i].Upper = highs[i]
	}
	plans, err := sizing.Plan(high)
	if err != nil {
		return nil, fmt.Errorf("high sales scenario: %w", err)
	}
	plans = plans[:len(highs)] // the new gateways, after the existing ones, fail over at their base forecast
	out := make([]report.HighScenarioGateway, len(plans))
	for i, gp := range plans {
		g := report.HighScenarioGateway{Gateway: gp.Name, BasePathCostUSD: base[i].total()}
		m, a, ok := runsOut(gp, base[i])
		if ok {
			g.RunsOut = &report.RunOut{
				Month: gp.Months[m].Month, UpperForecast: gp.Months[m].Upper,
				Deployment:          report.Deployment{Nodes: a.Nodes, InstanceType: a.InstanceType},
				CapacityConnections: a.Capacity, Binding: a.Binding(),
			}
		}
		g.HighPathCostUSD, g.Infeasible, err = highPath(gp, high.Gateways[i].Current, cat, t)
		if err != nil {
			return nil, err
		}
		out[i] = g
	}
	return out, nil
}

// highBackend sizes the backend again for the gateways' high-scenario
// traffic (highs times each gateway's messages per connection, plus its
// own) and judges the base plan's path against it.
func highBackend(bp *backendPlan, highs [][]float64, req sizing.Request, cat *catalog.Catalog, t fleet.Targets) (*report.HighScenarioBackend, error) {
	bd := bp.demand
	messages := make([]float64, len(req.Months))
	for m := range messages {
		for i, u := range highs {
			messages[m] += u[m] * bd.perConn[i]
		}
		messages[m] += value(bd.own)
	}
	b := bp.request
	b.Messages = messages
	gp, err := sizing.PlanBackend(req, b)
	if err != nil {
		return nil, fmt.Errorf("high sales scenario: %w", err)
	}
	out := &report.HighScenarioBackend{Backend: b.Name, BasePathCostUSD: bp.path.total()}
	if m, a, ok := runsOut(gp, bp.path); ok {
		out.RunsOut = &report.BackendRunOut{
			Month: gp.Months[m].Month, UpperMessagesPerSecond: gp.Months[m].Upper,
			Deployment:                report.Deployment{Nodes: a.Nodes, InstanceType: a.InstanceType},
			CapacityMessagesPerSecond: a.Capacity, Binding: a.Binding(),
		}
	}
	out.HighPathCostUSD, out.Infeasible, err = highPath(gp, b.Current, cat, t)
	return out, err
}

// runsOut is the first month whose high-scenario demand the base path's
// deployment of that month does not carry, with that deployment judged.
func runsOut(high sizing.GatewayPlan, base gatewayPath) (int, sizing.Assessment, bool) {
	for m, a := range base.months {
		if j, ok := high.Judge(a.Deployment, m); ok && !j.OK {
			return m, j, true
		}
	}
	return 0, sizing.Assessment{}, false
}

// highPath is the cost of the path sized for the high scenario, or the
// first month no deployment carries.
func highPath(gp sizing.GatewayPlan, current sizing.Deployment, cat *catalog.Catalog, t fleet.Targets) (*float64, string, error) {
	if k := slices.IndexFunc(gp.Months, func(m sizing.MonthPlan) bool { return m.Best == nil }); k >= 0 {
		return nil, monthLabel(gp.Months[k].Month) + ": " + gp.Months[k].Reason, nil
	}
	hp, err := choosePath(gp, current, cat, t)
	if err != nil {
		return nil, "", fmt.Errorf("high sales scenario: %w", err)
	}
	c := hp.total()
	return &c, "", nil
}
