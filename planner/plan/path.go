package plan

import (
	"fmt"
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/path"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// gatewayPath is a gateway's migration path: the assessment of the chosen
// deployment in every month, and what it costs.
type gatewayPath struct {
	months []sizing.Assessment
	res    path.Result
}

// choosePath runs the path optimiser on sizing's options. current is
// today's deployment (zero nodes for a new gateway), judged month 0.
func choosePath(gp sizing.GatewayPlan, current sizing.Deployment, cat *catalog.Catalog, t fleet.Targets) (gatewayPath, error) {
	option := func(a sizing.Assessment) path.Option {
		return path.Option{
			Type: a.InstanceType, Family: path.Family(a.InstanceType), Nodes: a.Nodes,
			Size: a.Size, Cost: a.MonthlyCost,
		}
	}
	p := path.Problem{Prices: path.Prices{
		Migration: t.MigrationPriceUSD, NodeChange: t.NodeChangePriceUSD,
		PaybackMonths: max(t.PaybackMonths, 1), NoDownsizeWithin: t.NoDownsizeWithinMonths,
	}}
	if current.Nodes > 0 && gp.Current != nil {
		o := option(gp.Current.Months[0])
		p.Start = &o
	}
	for _, m := range gp.Months {
		opts := make([]path.Option, len(m.Options))
		for i, a := range m.Options {
			opts[i] = option(a)
		}
		p.Months = append(p.Months, opts)
	}
	res, err := path.Solve(p)
	if err != nil {
		return gatewayPath{}, fmt.Errorf("cluster %q: %w", gp.Name, err)
	}
	out := gatewayPath{res: res}
	for m, j := range res.Choice {
		out.months = append(out.months, gp.Months[m].Options[j])
	}
	return out, nil
}

// relaxedNotes say which clusters' paths had to break the rule against a
// downsize and an upsize within no_downsize_within_months of each other:
// their demand swings so that every option of one month is larger than
// all of the month before's, then every one smaller (Solve then drops the
// rule for that cluster rather than plan nothing).
func relaxedNotes(clusters []pathed, t fleet.Targets) []string {
	var out []string
	for _, c := range clusters {
		if c.path.res.RuleRelaxed {
			out = append(out, fmt.Sprintf("%s: no path keeps no_downsize_within_months (%d): its demand rises and falls "+
				"beyond what one deployment carries within that window, so its path ignores the rule; check its forecast.",
				c.name, t.NoDownsizeWithinMonths))
		}
	}
	return out
}

// step is one change of a path: the deployment from month m on.
type step struct {
	m        int
	from, to sizing.Assessment
}

// steps are the months a path changes the deployment, today's included
// (month 0 against the current deployment).
func (p gatewayPath) steps(current *sizing.Current) []step {
	var out []step
	for m, a := range p.months {
		var from sizing.Assessment
		switch {
		case m > 0:
			from = p.months[m-1]
		case current != nil:
			from = current.Months[0]
		default:
			continue // a new gateway opens; placement says so
		}
		if from.Deployment != a.Deployment {
			out = append(out, step{m, from, a})
		}
	}
	return out
}

// total is the path's cost over the horizon.
func (p gatewayPath) total() float64 {
	return math.Round((p.res.InstanceCost+p.res.ChangeCost)*100) / 100
}
