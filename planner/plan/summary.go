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

// highScenario sizes the existing gateways again with the high sales
// scenario's upper forecasts (the gateways forecast from the sales plan;
// the others' forecasts do not depend on it, but a neighbour failing over
// to them may), then judges each month of the base plan's paths against
// it and finds the paths the high scenario would take. None when no
// gateway is forecast from the sales plan.
func highScenario(req sizing.Request, demands []*gatewayDemand, base []gatewayPath, cat *catalog.Catalog, t fleet.Targets) ([]report.HighScenarioGateway, error) {
	high := req
	high.Gateways = slices.Clone(req.Gateways)
	fromSales := false
	for i, d := range demands {
		if d.line == nil {
			continue
		}
		fromSales = true
		high.Gateways[i].Upper = make([]float64, len(d.high))
		for m, h := range d.high {
			u, err := h.Upper(t.Interval)
			if err != nil {
				return nil, err
			}
			high.Gateways[i].Upper[m] = u
		}
	}
	if !fromSales {
		return []report.HighScenarioGateway{}, nil
	}
	plans, err := sizing.Plan(high)
	if err != nil {
		return nil, fmt.Errorf("high sales scenario: %w", err)
	}
	plans = plans[:len(demands)] // the new gateways, after the existing ones, fail over at their base forecast
	out := make([]report.HighScenarioGateway, len(plans))
	for i, gp := range plans {
		g := report.HighScenarioGateway{Gateway: gp.Name, BasePathCostUSD: base[i].total()}
		for m, a := range base[i].months {
			if j, ok := gp.Judge(a.Deployment, m); ok && !j.OK {
				g.RunsOut = &report.RunOut{
					Month: gp.Months[m].Month, UpperForecast: gp.Months[m].Upper,
					Deployment:          report.Deployment{Nodes: j.Nodes, InstanceType: j.InstanceType},
					CapacityConnections: j.Capacity, Binding: j.Binding(),
				}
				break
			}
		}
		if k := slices.IndexFunc(gp.Months, func(m sizing.MonthPlan) bool { return m.Best == nil }); k >= 0 {
			g.Infeasible = monthLabel(gp.Months[k].Month) + ": " + gp.Months[k].Reason
		} else {
			hp, err := choosePath(gp, high.Gateways[i].Current, cat, t)
			if err != nil {
				return nil, fmt.Errorf("high sales scenario: %w", err)
			}
			c := hp.total()
			g.HighPathCostUSD = &c
		}
		out[i] = g
	}
	return out, nil
}
