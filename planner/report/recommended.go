package report

// named is a gateway's name and region with this month's recommendation.
type named struct {
	name, awsRegion string
	MonthPlan
}

// recommended lists this month's recommendation of every gateway, existing
// and new.
func recommended(p *Plan) []named {
	var out []named
	for _, g := range p.Gateways {
		out = append(out, named{g.Name, g.AWSRegion, thisMonth(g.Months)})
	}
	for _, g := range p.NewGateways {
		out = append(out, named{g.Name, g.AWSRegion, thisMonth(g.Months)})
	}
	return out
}

// thisMonth is the first month's plan; Validate guarantees there is one.
func thisMonth(ms []MonthPlan) MonthPlan {
	if len(ms) == 0 {
		return MonthPlan{}
	}
	return ms[0]
}

// lastMonth is the horizon's last month's plan.
func lastMonth(ms []MonthPlan) MonthPlan {
	if len(ms) == 0 {
		return MonthPlan{}
	}
	return ms[len(ms)-1]
}
