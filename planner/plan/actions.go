package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// pathed is one cluster's path as the actions read it: its months and
// their upper forecasts in unit, its sizing and the path chosen.
type pathed struct {
	name   string
	unit   string
	months []time.Time
	upper  []float64
	plan   sizing.GatewayPlan
	path   gatewayPath
}

// gatewayPathed is a gateway's path for the actions, an existing one's or
// a proposed one's (whose first month is its opening, an action of its
// own: steps leaves it out).
func gatewayPathed(name string, months []report.MonthPlan, gp sizing.GatewayPlan, path gatewayPath) pathed {
	c := pathed{name: name, unit: "connections", plan: gp, path: path}
	for _, m := range months {
		c.months, c.upper = append(c.months, m.Month), append(c.upper, m.UpperForecast)
	}
	return c
}

// backendPathed is the backend's path for the actions.
func backendPathed(b *report.Backend, bp *backendPlan) pathed {
	c := pathed{name: b.Name, unit: "messages per second", plan: bp.plan, path: bp.path}
	for _, m := range b.Months {
		c.months, c.upper = append(c.months, m.Month), append(c.upper, m.UpperMessagesPerSecond)
	}
	return c
}

// actions are the steps of every cluster's path (the gateways', the
// proposed gateways' after their opening, then the backend's), and the
// proposed gateways to open. A step that takes effect
// this month is a scale action; a later one says the month it must be in
// place and the month it must start, lead months before (this month at
// the earliest). Scaling now comes first (it keeps clients connected),
// then opening, then the later steps by start month; each kind in fleet
// order.
func actions(p *report.Plan, clusters []pathed, t fleet.Targets) []report.Action {
	lead := t.LeadTimeMonths
	var scale, open, later []report.Action
	for _, c := range clusters {
		steps := c.path.steps(c.plan.Current)
		for k, st := range steps {
			from := report.Deployment{Nodes: st.from.Nodes, InstanceType: st.from.InstanceType}
			to := report.Deployment{Nodes: st.to.Nodes, InstanceType: st.to.InstanceType}
			a := report.Action{Gateway: c.name, From: &from, To: &to, Reason: stepReason(c, st, t)}
			if k+1 < len(steps) {
				a.Reason += fmt.Sprintf("; it serves until %s, the path's next step", monthLabel(c.months[steps[k+1].m]))
			} else {
				a.Reason += "; it serves to the horizon's end"
			}
			if st.m == 0 {
				a.Kind = report.ActionScale
				scale = append(scale, a)
				continue
			}
			month, start := c.months[st.m], c.months[max(st.m-lead, 0)]
			if late := lead - st.m; late > 0 {
				a.Reason += fmt.Sprintf("; with the %d-month lead time it should have started in %s: it starts %s late",
					lead, monthLabel(c.months[0].AddDate(0, -late, 0)), monthCount(late))
			}
			a.Kind, a.Month, a.Start = report.ActionLater, &month, &start
			later = append(later, a)
		}
	}
	slices.SortStableFunc(later, func(a, b report.Action) int { return a.Start.Compare(*b.Start) })
	for _, g := range p.NewGateways {
		to := g.Months[0].Deployment
		reason := fmt.Sprintf("round trip from %.0f ms to %.0f ms for %.0f devices forecast by the horizon's end", g.RTTBeforeMillis, g.RTTAfterMillis, g.Devices)
		if g.FailoverTo != "" {
			reason += "; it fails over to " + g.FailoverTo
		}
		// Its path's later steps are later actions (clusters holds it), in
		// month order: the last says where the path goes.
		for k := len(later) - 1; k >= 0; k-- {
			if a := later[k]; a.Gateway == g.Name {
				reason += fmt.Sprintf("; its path reaches %d x %s in %s (the later steps)", a.To.Nodes, a.To.InstanceType, monthLabel(*a.Month))
				break
			}
		}
		open = append(open, report.Action{
			Kind: report.ActionOpen, Gateway: g.Name, To: &to, AWSRegion: g.AWSRegion, ClientRegions: g.ClientRegions,
			Reason: reason,
		})
	}
	return append(append(scale, open...), later...)
}

// monthCount says "1 month", "3 months".
func monthCount(n int) string {
	if n == 1 {
		return "1 month"
	}
	return fmt.Sprintf("%d months", n)
}

// stepReason says why a path changes the deployment: the old one no
// longer carries the month's upper forecast within the targets (naming the
// constraint that sets its capacity that month), it breaks the node count
// rules, or the change pays (the path is the cheapest over the horizon,
// change prices included).
func stepReason(c pathed, st step, t fleet.Targets) string {
	gp, month, upper, unit := c.plan, c.months[st.m], c.upper[st.m], c.unit
	// st.from was judged against the month before (the path's previous
	// month; today's deployment against this month): judged again against
	// this month, its capacity and binding constraint are this month's, a
	// gateway failing over here having grown meanwhile.
	from, judged := gp.Judge(st.from.Deployment, st.m)
	if !judged {
		from = st.from
	}
	// An option of the month is a deployment that passes and keeps the
	// node count rules; today's deployment may do neither.
	fits := slices.ContainsFunc(gp.Months[st.m].Options, func(a sizing.Assessment) bool { return a.Deployment == st.from.Deployment })
	short := !from.OK
	if !judged && st.m > 0 { // a plan sizing did not make: the month before's figures are all there is
		short = !fits && from.Capacity < upper
	}
	when := "this month's"
	if st.m > 0 {
		when = monthLabel(month) + "'s"
	}
	switch {
	case st.m == 0 && short:
		return fmt.Sprintf("%s upper forecast of %.0f %s exceeds the %.0f the current deployment carries within the targets (binding: %s)",
			when, upper, unit, from.Capacity, from.Binding())
	case short:
		return fmt.Sprintf("%s upper forecast of %.0f %s exceeds the %.0f %d x %s carries within the targets (binding: %s)",
			when, upper, unit, from.Capacity, from.Nodes, from.InstanceType, from.Binding())
	case !fits && !sizing.NodesAllowed(t, from.Nodes):
		return fmt.Sprintf("%d nodes break the node count rule (min_nodes, odd_nodes): a majority must survive the loss of a node",
			from.Nodes)
	case !fits:
		return fmt.Sprintf("%d x %s carries %s upper forecast of %.0f %s but is not among the deployments sized for it",
			from.Nodes, from.InstanceType, when, upper, unit)
	case st.to.MonthlyCost < from.MonthlyCost:
		return fmt.Sprintf("$%.2f a month less from %s on; the path is the cheapest over the horizon with the change prices",
			from.MonthlyCost-st.to.MonthlyCost, monthLabel(month))
	}
	return fmt.Sprintf("carries %s upper forecast of %.0f %s on the path that is cheapest over the horizon",
		when, upper, unit)
}
