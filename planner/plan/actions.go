package plan

import (
	"fmt"

	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// actions are this month's to-dos: scaling the gateways whose recommended
// deployment differs from today's, opening the proposed gateways, and a
// note for a gateway that needs no change yet but runs out within
// WarnMonths. Scaling comes first (it keeps clients connected), each kind
// in fleet order.
func actions(p *report.Plan, plans []sizing.GatewayPlan) []report.Action {
	var scale, open, notes []report.Action
	for i, g := range p.Gateways {
		rec := g.Months[0]
		if rec.Deployment != g.Current.Deployment {
			from, to := g.Current.Deployment, rec.Deployment
			scale = append(scale, report.Action{
				Kind: report.ActionScale, Gateway: g.Name, From: &from, To: &to, Reason: scaleReason(g, plans[i]),
			})
			continue
		}
		if e := g.ExhaustionMonth; e != nil && *e < WarnMonths {
			at := g.Months[*e]
			notes = append(notes, report.Action{Kind: report.ActionNote, Reason: fmt.Sprintf(
				"%s: the current %d x %s runs out of capacity in %s (upper forecast %.0f connections); plan %d x %s by then",
				g.Name, g.Current.Nodes, g.Current.InstanceType, monthLabel(at.Month), at.UpperForecast, at.Nodes, at.InstanceType)})
		}
	}
	for _, g := range p.NewGateways {
		to := g.Months[0].Deployment
		open = append(open, report.Action{
			Kind: report.ActionOpen, Gateway: g.Name, To: &to, AWSRegion: g.AWSRegion, ClientRegions: g.ClientRegions,
			Reason: fmt.Sprintf("round trip from %.0f ms to %.0f ms for %.0f forecast devices", g.RTTBeforeMillis, g.RTTAfterMillis, g.Devices),
		})
	}
	return append(append(scale, open...), notes...)
}

func scaleReason(g report.Gateway, gp sizing.GatewayPlan) string {
	rec := g.Months[0]
	switch e := g.ExhaustionMonth; {
	case e != nil && *e == 0:
		return fmt.Sprintf("this month's upper forecast of %.0f connections exceeds the %.0f the current deployment carries within the targets",
			rec.UpperForecast, gp.Current.Months[0].Capacity)
	case e != nil && *e < len(g.Months):
		return fmt.Sprintf("the current deployment runs out of capacity in %s", monthLabel(g.Months[*e].Month))
	case rec.MonthlyCostUSD < g.Current.MonthlyCostUSD:
		return fmt.Sprintf("carries this month's upper forecast of %.0f connections for $%.2f a month less",
			rec.UpperForecast, g.Current.MonthlyCostUSD-rec.MonthlyCostUSD)
	}
	return fmt.Sprintf("the cheapest deployment for this month's upper forecast of %.0f connections", rec.UpperForecast)
}
