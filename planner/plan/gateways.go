package plan

import (
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// reportGateway is one existing gateway's part of the report. gws are the
// sized gateways, for the neighbours' loads.
func reportGateway(d *gatewayDemand, gp sizing.GatewayPlan, path gatewayPath, gws []sizing.Gateway, t fleet.Targets) report.Gateway {
	cur := gp.Current.Months[0]
	now := d.last().P95
	g := report.Gateway{
		Name:           d.cluster.Name,
		AWSRegion:      d.cluster.AWSRegion,
		ClientRegions:  d.cluster.Serves,
		AdoptedRegions: reportAdopted(d.adopted),
		Connections:    now,
		ChurnPerSecond: d.churn,
		Current: report.Current{
			Deployment:          report.Deployment{Nodes: cur.Nodes, InstanceType: cur.InstanceType},
			CapacityConnections: cur.Capacity,
			Binding:             cur.Binding(),
			Headroom:            headroom(now, cur.Capacity),
			MonthlyCostUSD:      cur.MonthlyCost,
		},
		Months:      monthPlans(gp.Months, path.months),
		Storm:       storm(gp.Months[0].Upper, path.months[0], gws, t),
		PathCostUSD: path.total(),
		PathChanges: path.res.Changes,
		Method:      d.method(),
		Fit:         demandFit(d),
	}
	for _, ahead := range forecastsAhead {
		if ahead > len(d.preds) {
			break
		}
		p := d.preds[ahead-1]
		g.Forecasts = append(g.Forecasts, report.Forecast{
			MonthsAhead: ahead, Month: gp.Months[ahead-1].Month,
			Point: p.Point, Lo80: p.Lo80, Hi80: p.Hi80, Lo95: p.Lo95, Hi95: p.Hi95,
		})
		if d.line != nil {
			s, lo, hi := d.future[ahead-1], d.low[ahead-1], d.high[ahead-1]
			g.Scenarios = append(g.Scenarios, report.ScenarioForecast{
				MonthsAhead: ahead, Month: gp.Months[ahead-1].Month,
				LowDevices: s.Low, BaseDevices: s.Base, HighDevices: s.High,
				Low:  report.Band95{Point: lo.Point, Lo95: lo.Lo95, Hi95: lo.Hi95},
				High: report.Band95{Point: hi.Point, Lo95: hi.Lo95, Hi95: hi.Hi95},
			})
		}
	}
	if gp.Current.Exhausts {
		e := gp.Current.MonthsUntilExhaustion
		g.ExhaustionMonth = &e
	}
	g.Chart = chart(d, g)
	return g
}

// demandFit is the report's view of the devices line, nil without one.
func demandFit(d *gatewayDemand) *report.DemandFit {
	l := d.fit
	if l == nil {
		return nil
	}
	return &report.DemandFit{
		Slope: l.B, SlopeStdErr: l.SEB, Intercept: l.A, InterceptStdErr: l.SEA, R2: l.RSquared, N: l.N,
		Flaws: append([]string{}, d.flaws...),
	}
}

// headroom is the share of capacity free at load: negative when over, -1
// when the deployment carries nothing within the targets.
func headroom(load, capacity float64) float64 {
	if capacity <= 0 {
		return -1
	}
	return 1 - load/capacity
}

// monthPlans are the path's deployments month by month; binding is the
// constraint that sets each one's capacity, as sizing computed it.
func monthPlans(ms []sizing.MonthPlan, chosen []sizing.Assessment) []report.MonthPlan {
	out := make([]report.MonthPlan, len(ms))
	for i, m := range ms {
		b := chosen[i]
		out[i] = report.MonthPlan{
			Month: m.Month, UpperForecast: m.Upper,
			Deployment:          report.Deployment{Nodes: b.Nodes, InstanceType: b.InstanceType},
			CapacityConnections: b.Capacity, Binding: b.Binding(), MonthlyCostUSD: b.MonthlyCost,
		}
	}
	return out
}

// storm restates the sizing's storm check of this month's recommendation
// case by case; sizing only keeps the capacity the tightest case allows.
// With A the smaller of a node's memory and fd capacities, losing the
// largest node passes when the survivors re-accept in time and carry
// upper/(n−1) each below A; a neighbour failing over passes when its
// clients arrive in time and n nodes carry both loads below A each.
func storm(upper float64, a sizing.Assessment, gws []sizing.Gateway, t fleet.Targets) report.Storm {
	n := float64(a.Nodes)
	alarm := math.Min(a.Node.ByResource[capacity.Memory], a.Node.ByResource[capacity.FD])
	limit := t.MaxReconnectSeconds
	s := report.Storm{
		LimitSeconds: limit,
		LargestNode: report.StormCase{
			DroppedConnections: upper / n,
			ReconnectSeconds:   a.ReconnectSeconds,
			Pass:               a.ReconnectSeconds <= limit && upper <= (n-1)*alarm,
		},
	}
	if a.FailoverFrom != "" {
		var nb float64
		for _, g := range gws {
			if g.Name == a.FailoverFrom {
				nb = g.Upper[0]
			}
		}
		s.NeighbourFailover = &report.StormCase{
			Neighbour:          a.FailoverFrom,
			DroppedConnections: nb,
			ReconnectSeconds:   a.FailoverSeconds,
			Pass:               a.FailoverSeconds <= limit && upper+nb <= n*alarm,
		}
	}
	return s
}

// chart draws the monthly p95 history, the forecast band and the capacity
// as steps: the current deployment's over the history, then the
// recommended one's wherever it changes, and at the horizon's end.
func chart(d *gatewayDemand, g report.Gateway) report.Chart {
	var c report.Chart
	for _, p := range d.kept {
		c.History = append(c.History, report.Point{Time: p.Start, Value: p.P95})
	}
	for i, p := range d.preds {
		c.Forecast = append(c.Forecast, report.BandPoint{
			Time: g.Months[i].Month, Point: p.Point, Lo80: p.Lo80, Hi80: p.Hi80, Lo95: p.Lo95, Hi95: p.Hi95,
		})
	}
	c.Capacity = append(c.Capacity, report.Point{Time: c.History[0].Time, Value: g.Current.CapacityConnections})
	for i, m := range g.Months {
		if i == 0 || i == len(g.Months)-1 || m.CapacityConnections != g.Months[i-1].CapacityConnections {
			c.Capacity = append(c.Capacity, report.Point{Time: m.Month, Value: m.CapacityConnections})
		}
	}
	return c
}
