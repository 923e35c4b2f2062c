package report

import (
	"math"
	"strings"
	"time"
)

// Summary is the decision in brief: what the fleet costs now and later on
// the plan's paths, and what sales at the high scenario would do to it.
// The actions and their deadlines are Plan.Actions; the report's summary
// lists them too.
type Summary struct {
	// FleetCost is the fleet's monthly cost, proposed gateways and the
	// backend included:
	// today's deployments first (months_ahead 0), then the plan's paths
	// 1, 6, 12 and 24 months ahead, the horizon's last month standing in
	// for those beyond it.
	FleetCost []FleetCost `json:"fleet_cost"`
	// HighScenario is every existing gateway under the high sales
	// scenario; empty when no gateway is forecast from the sales plan.
	HighScenario []HighScenarioGateway `json:"high_scenario"`
	// HighScenarioBackend is the backend under the gateways' high-scenario
	// traffic; nil without a backend or when no gateway is forecast from
	// the sales plan.
	HighScenarioBackend *HighScenarioBackend `json:"high_scenario_backend"`
}

// FleetCost is the fleet's cost in one month. MonthsAhead counts as in
// Forecast (1 is the horizon's first month); 0 is today's deployments, in
// the month of as_of.
type FleetCost struct {
	MonthsAhead    int       `json:"months_ahead"`
	Month          time.Time `json:"month"`
	MonthlyCostUSD float64   `json:"monthly_cost_usd"`
}

// HighScenarioGateway is one existing gateway when sales come in at the
// high scenario: sized with the high scenario's upper forecast where its
// forecast comes from the sales plan, and with the neighbours failing
// over to it at theirs.
type HighScenarioGateway struct {
	Gateway string `json:"gateway"`
	// RunsOut is the first month whose high-scenario demand the base
	// plan's deployment of that month does not carry within the targets;
	// nil when it carries every month's.
	RunsOut *RunOut `json:"runs_out"`
	// BasePathCostUSD is the base plan's path cost over the horizon (the
	// gateway's path_cost_usd); HighPathCostUSD that of the path sized for
	// the high scenario, nil when no deployment carries some month of it,
	// which Infeasible then names.
	BasePathCostUSD float64  `json:"base_path_cost_usd"`
	HighPathCostUSD *float64 `json:"high_path_cost_usd"`
	Infeasible      string   `json:"infeasible,omitempty"`
}

// RunOut is the month a base-plan deployment falls short of the high
// scenario: its upper forecast, and what the deployment carries that
// month (Binding as in Current).
type RunOut struct {
	Month         time.Time `json:"month"`
	UpperForecast float64   `json:"upper_forecast"`
	Deployment
	CapacityConnections float64 `json:"capacity_connections"`
	Binding             string  `json:"binding"`
}

// HighScenarioBackend is the backend when sales come in at the high
// scenario, its fields as HighScenarioGateway's in messages per second.
type HighScenarioBackend struct {
	Backend         string         `json:"backend"`
	RunsOut         *BackendRunOut `json:"runs_out"`
	BasePathCostUSD float64        `json:"base_path_cost_usd"`
	HighPathCostUSD *float64       `json:"high_path_cost_usd"`
	Infeasible      string         `json:"infeasible,omitempty"`
}

// BackendRunOut is RunOut in messages per second.
type BackendRunOut struct {
	Month                  time.Time `json:"month"`
	UpperMessagesPerSecond float64   `json:"upper_messages_per_second"`
	Deployment
	CapacityMessagesPerSecond float64 `json:"capacity_messages_per_second"`
	Binding                   string  `json:"binding"`
}

// summarySection opens the report: the fleet's cost, what to do by when,
// and the risk if sales come in high.
func summarySection(p *Plan) section {
	s := section{ID: secSummary, Title: "Executive summary"}
	if c := costSentence(p.Summary.FleetCost); c != "" {
		s.Text = append(s.Text, c)
	}
	if len(p.Actions) == 0 {
		s.Text = append(s.Text, "No action needed within the horizon.")
	} else {
		s.Text = append(s.Text, "What to do, and by when (the reasons are under Actions):")
		for _, a := range p.Actions {
			s.Bullets = append(s.Bullets, a.deadlineText())
		}
	}
	s.Notes = append(placementHeadline(p), highScenarioText(p.Summary.HighScenario, p.HorizonMonths)...)
	s.Notes = append(s.Notes, HighBackendText(p.Summary.HighScenarioBackend)...)
	return s
}

// costSentence says what the fleet costs a month today and ahead.
func costSentence(costs []FleetCost) string {
	var today string
	var ahead []string
	for _, c := range costs {
		switch c.MonthsAhead {
		case 0:
			today = "The fleet costs " + usd(c.MonthlyCostUSD) + " a month today"
		case 1:
			ahead = append(ahead, usd(c.MonthlyCostUSD)+" in "+month(c.Month)+" (after this month's actions)")
		default:
			ahead = append(ahead, usd(c.MonthlyCostUSD)+" in "+month(c.Month)+" ("+months(c.MonthsAhead)+" ahead)")
		}
	}
	if len(ahead) == 0 {
		if today == "" {
			return ""
		}
		return today + "."
	}
	s := "on the plan, proposed gateways included, it costs " + list(ahead) + "."
	if today == "" {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return today + "; " + s
}

// highScenarioText says which gateways the high sales scenario would
// exhaust on the base plan, and what a plan sized for it would cost more.
func highScenarioText(hs []HighScenarioGateway, horizon int) []string {
	if len(hs) == 0 {
		return []string{"No gateway is forecast from the sales plan, so the sales scenarios change nothing."}
	}
	var out, fine []string
	for _, g := range hs {
		if r := g.RunsOut; r != nil {
			out = append(out, g.Gateway+" runs out in "+month(r.Month)+", its upper forecast of "+count(r.UpperForecast)+
				" connections above the "+count(r.CapacityConnections)+" that "+r.Deployment.label()+" carries then (binding: "+r.Binding+")")
		} else {
			fine = append(fine, g.Gateway)
		}
	}
	lead := "If sales come in at the high scenario (the plan times 1 plus its spread), on the base plan's deployments: "
	switch {
	case len(out) == 0:
		lead += "every gateway carries the high demand to the horizon's end."
	case len(fine) == 0:
		lead += strings.Join(out, "; ") + "."
	default:
		lead += strings.Join(out, "; ") + "; " + list(fine) + " " + carries(len(fine)) + " the high demand to the horizon's end."
	}
	text := []string{lead}
	var base, high float64
	for _, g := range hs {
		if g.HighPathCostUSD == nil {
			return append(text, "No plan carries the high scenario: "+g.Gateway+", "+g.Infeasible+".")
		}
		base, high = base+g.BasePathCostUSD, high+*g.HighPathCostUSD
	}
	sized := "Sized for the high scenario, the existing gateways would cost " + usd(high) + " over " + months(horizon) +
		" against the base plan's " + usd(base)
	switch d := high - base; {
	case math.Round(d) > 0: // in whole dollars, as shown
		sized += ": " + usd(d) + " more, " + usd(d/float64(horizon)) + " a month on average."
	case math.Round(d) < 0:
		sized += ": " + usd(-d) + " less (its path changes differently)."
	default:
		sized += ": the same."
	}
	return append(text, sized)
}

// HighBackendText says whether the backend's base path carries the
// gateways' high-scenario traffic, and what a path sized for it costs.
func HighBackendText(b *HighScenarioBackend) []string {
	if b == nil {
		return nil
	}
	text := "At the high scenario the backend " + b.Backend + " carries the gateways' traffic on the base plan's path to the horizon's end"
	if r := b.RunsOut; r != nil {
		text = "At the high scenario the backend " + b.Backend + " runs out in " + month(r.Month) + ", its upper forecast of " +
			count(r.UpperMessagesPerSecond) + " messages/s above the " + count(r.CapacityMessagesPerSecond) + " that " +
			r.Deployment.label() + " carries then (binding: " + r.Binding + ")"
	}
	if b.HighPathCostUSD == nil {
		return []string{text + "; no deployment carries " + b.Infeasible + "."}
	}
	if d := *b.HighPathCostUSD - b.BasePathCostUSD; math.Round(d) > 0 {
		return []string{text + "; sized for it, its path would cost " + usd(d) + " more over the horizon."}
	}
	return []string{text + "."}
}

func carries(n int) string {
	if n == 1 {
		return "carries"
	}
	return "carry"
}

// list joins items as "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Headlines are the summary's sentences without the actions, and what
// changed since the previous report, as plain text: what the command
// prints besides the actions.
func Headlines(p *Plan) []string {
	var out []string
	if c := costSentence(p.Summary.FleetCost); c != "" {
		out = append(out, c)
	}
	out = append(out, placementHeadline(p)...)
	out = append(out, highScenarioText(p.Summary.HighScenario, p.HorizonMonths)...)
	out = append(out, HighBackendText(p.Summary.HighScenarioBackend)...)
	if s := changesSection(p); s != nil {
		out = append(out, s.Text...)
		out = append(out, s.Bullets...)
	}
	return out
}

// placementHeadline is placement's decision when some client region is
// above the latency target: whether a new gateway pays, and if not why.
func placementHeadline(p *Plan) []string {
	if len(p.Placement.Regions) == 0 {
		return nil
	}
	return []string{"Placement: " + p.Placement.Decision}
}
