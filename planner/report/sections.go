package report

import (
	"fmt"
	"strconv"
	"strings"
)

// The report's text is built once as plain cells (this file) and rendered
// by report.md and report.html alike, so the two never disagree.

// document is the report's content without markup. Its fields are exported
// for html/template.
type document struct {
	Title    string
	Sections []section
}

// section is one "##" section: paragraphs, bullets, notes (paragraphs
// after the bullets), then tables. The tables of a Collapsed section are
// long reference material: report.html folds them in a <details>.
type section struct {
	ID        string
	Title     string
	Text      []string
	Bullets   []string
	Notes     []string
	Tables    []table
	Collapsed bool
}

// table is a titled table of plain-text cells.
type table struct {
	Title string
	Cols  []column
	Rows  [][]string
}

// column is a table heading; Right aligns numbers.
type column struct {
	Name  string
	Right bool
}

// Section ids, in the report's order; changes only with a previous
// report.
const (
	secSummary     = "summary"
	secChanges     = "changes"
	secActions     = "actions"
	secGateways    = "gateways"
	secDemand      = "demand"
	secNewGateways = "new-gateways"
	secStorm       = "storm"
	secCapacity    = "capacity"
	secAccuracy    = "accuracy"
	secLastMonth   = "last-month"
	secAssumptions = "assumptions"
	secInputs      = "inputs"
	secAppendix    = "appendix"
)

// buildDocument leads with the decision (the summary, what changed, the
// actions) and ends with the inputs and the month-by-month appendix.
func buildDocument(p *Plan) document {
	d := document{Title: "Capacity plan as of " + stamp(p.AsOf), Sections: []section{summarySection(p)}}
	if c := changesSection(p); c != nil {
		d.Sections = append(d.Sections, *c)
	}
	d.Sections = append(d.Sections, actionsSection(p), gatewaysSection(p))
	if b := backendSection(p); b != nil {
		d.Sections = append(d.Sections, *b)
	}
	d.Sections = append(d.Sections,
		demandSection(p),
		newGatewaysSection(p),
		stormSection(p),
		capacitySection(p),
		accuracySection(p),
		lastMonthSection(p),
		assumptionsSection(p),
		inputsSection(p),
		appendixSection(p),
	)
	return d
}

// inputsSection says where the plan's data came from, to reproduce it.
func inputsSection(p *Plan) section {
	return section{ID: secInputs, Title: "Inputs", Bullets: inputLines(p)}
}

// appendixSection is every gateway's deployment month by month: the
// reference behind the summary and the paths, out of the main flow.
func appendixSection(p *Plan) section {
	t := table{Title: "Migration path: deployment by month", Cols: cols("Gateway", "Month", "Upper forecast:r", "Deployment", "Capacity:r", "Binding", "Monthly cost:r")}
	for _, g := range p.Gateways {
		t.Rows = append(t.Rows, monthRows(g.Name, g.Months)...)
	}
	s := section{
		ID: secAppendix, Title: "Appendix: deployment by month",
		Text:   []string{"Each gateway's path month by month: the upper forecast sized for, the deployment, what it carries within the targets and what it costs (recommendations.csv holds the same, with the proposed gateways and the backend)."},
		Tables: []table{t}, Collapsed: true,
	}
	if b := p.Backend; b != nil {
		bt := table{Title: "Backend " + b.Name + ": deployment by month, in messages per second", Cols: cols("Month",
			"Upper messages/s:r", "Federated:r", "Connections:r", "Queued:r", "Deployment", "Capacity messages/s:r", "Binding", "Monthly cost:r")}
		for _, m := range b.Months {
			bt.Rows = append(bt.Rows, backendMonthRow(m))
		}
		s.Tables = append(s.Tables, bt)
	}
	return s
}

func inputLines(p *Plan) []string {
	in := p.Inputs
	h := in.History
	return []string{
		"Horizon: " + months(p.HorizonMonths),
		"Fleet: " + in.FleetFile,
		"Sales forecast: " + in.SalesFile,
		"Instance catalog: " + in.CatalogSource,
		"Capacity profiles: " + in.CapacitySource + " (RabbitMQ " + in.RabbitMQVersion + ")",
		"History: " + h.Kind + " " + h.Location + ", " + stamp(h.Start) + " to " + stamp(h.End) + ", step " + step(h.StepSeconds),
	}
}

func actionsSection(p *Plan) section {
	s := section{ID: secActions, Title: "Actions"}
	var now, later []string
	for _, a := range p.Actions {
		if a.Kind == ActionLater {
			later = append(later, a.Text())
		} else {
			now = append(now, a.Text())
		}
	}
	if len(now) == 0 {
		s.Text = []string{"No action needed this month."}
	}
	s.Bullets = now
	if len(later) > 0 {
		if len(now) > 0 {
			s.Text = []string{"This month, then the later steps of each cluster's path, each with the month it must start (lead time included)."}
		} else {
			s.Text = append(s.Text, "Later steps of each cluster's path, each with the month it must start (lead time included):")
		}
		s.Bullets = append(s.Bullets, later...)
	}
	return s
}

func capacitySection(p *Plan) section {
	s := section{
		ID:    secCapacity,
		Title: "Capacity per node: observed against the profile",
		Text: []string{"The first table says which capacity profile sized each cluster, and why. " +
			"Memory and file descriptors per connection and per idle node are fitted by least squares " +
			"on each gateway's history (per node: used over nodes running against connections over nodes running); " +
			"the limits are read from the exporter's metrics. CPU is the broker hosts' busy cores (node_exporter) " +
			"against the cores the profile's costs predict for the same connections, opens and messages: its slope " +
			"scales the profile's CPU costs, its intercept is a node's idle cores. The backend's memory and " +
			"descriptors are the profile's (its memory moves with messages). Used says which figure sized the " +
			"cluster, and why."},
	}
	t := table{Title: "Figures: observed against the profile", Cols: cols("Cluster", "Figure", "Observed:r", "R²:r", "Samples:r", "Profile:r", "Used", "Why")}
	for _, c := range p.Capacity {
		for _, f := range c.Figures {
			obs, r2, n := "none", "", ""
			if f.Observed != nil {
				obs = figure(*f.Observed, f.Unit)
			}
			if f.R2 != nil {
				r2 = decimal(*f.R2)
			}
			if f.Samples > 0 {
				n = count(float64(f.Samples))
			}
			t.Rows = append(t.Rows, []string{c.Cluster, f.Name, obs, r2, n, figure(f.Profile, f.Unit), f.Used, f.Why})
			if f.Differs {
				s.Bullets = append(s.Bullets, c.Cluster+": "+f.Name+" observed "+figure(*f.Observed, f.Unit)+
					" differs from the profile's "+figure(f.Profile, f.Unit)+" by more than 20%.")
			}
		}
	}
	if len(t.Rows) == 0 {
		s.Text = append(s.Text, "No cluster to show.")
		return s
	}
	s.Tables = []table{profileTable(p), t}
	return s
}

// profileTable says which capacity profile sized each gateway, and why.
func profileTable(p *Plan) table {
	t := table{Title: "Capacity profile per gateway", Cols: cols("Gateway", "RabbitMQ", "Profile", "Measured on RabbitMQ", "Why")}
	for _, c := range p.Capacity {
		v := c.RabbitMQVersion
		if v == "" {
			v = "unknown"
		}
		t.Rows = append(t.Rows, []string{c.Cluster, v, c.Profile.Source, c.Profile.RabbitMQVersion, c.Profile.Why})
	}
	return t
}

func gatewaysSection(p *Plan) section {
	summary := table{Cols: cols("Gateway", "AWS region", "Client regions", "p95 connections:r", "Churn/s:r",
		"Deployment", "Capacity:r", "Headroom:r", "Exhausted", "Cost now:r", "Recommended", "Cost recommended:r")}
	ahead := table{Title: "Forecast p95 connections", Cols: cols("Gateway", "Months ahead:r", "Month", "Forecast:r", "80% interval:r", "95% interval:r")}
	for _, g := range p.Gateways {
		rec := thisMonth(g.Months)
		summary.Rows = append(summary.Rows, []string{
			g.Name, g.AWSRegion, clientRegions(g), count(g.Connections), decimal(g.ChurnPerSecond),
			g.Current.label(), count(g.Current.CapacityConnections), percent(g.Current.Headroom), exhaustion(g, p.HorizonMonths),
			usd(g.Current.MonthlyCostUSD), rec.label(), usd(rec.MonthlyCostUSD),
		})
		for _, f := range g.Forecasts {
			ahead.Rows = append(ahead.Rows, []string{
				g.Name, strconv.Itoa(f.MonthsAhead), month(f.Month), count(f.Point), interval(f.Lo80, f.Hi80), interval(f.Lo95, f.Hi95),
			})
		}
	}
	return section{ID: secGateways, Title: "Gateways", Tables: []table{summary, ahead, pathTable(p)}}
}

// clientRegions lists the regions a gateway serves, then those it carries
// for want of a gateway of their own, with why it is the one.
func clientRegions(g Gateway) string {
	out := strings.Join(g.ClientRegions, ", ")
	for _, a := range g.AdoptedRegions {
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("%s (no gateway; nearest, %s ms, at %s connections per device)",
			a.ClientRegion, decimal(a.RTTMillis), decimal(a.ConnectionsPerDevice))
	}
	return out
}

// pathTable sums up each gateway's migration path over the horizon.
func pathTable(p *Plan) table {
	t := table{Title: "Migration path over the horizon", Cols: cols("Gateway", "Now", "Changes:r", "Last", "Cost over the horizon:r")}
	for _, g := range p.Gateways {
		t.Rows = append(t.Rows, []string{
			g.Name, g.Current.label(), strconv.Itoa(g.PathChanges), g.Months[len(g.Months)-1].label(), usd(g.PathCostUSD),
		})
	}
	return t
}

func exhaustion(g Gateway, horizon int) string {
	e := g.ExhaustionMonth
	switch {
	case e == nil || *e >= len(g.Months):
		return "not within " + months(horizon)
	case *e == 0:
		return month(g.Months[0].Month) + " (this month)"
	}
	return month(g.Months[*e].Month) + " (in " + months(*e) + ")"
}

func monthRows(name string, ms []MonthPlan) [][]string {
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []string{
			name, month(m.Month), count(m.UpperForecast), m.Deployment.label(), count(m.CapacityConnections), m.Binding, usd(m.MonthlyCostUSD),
		})
	}
	return rows
}

// newGatewaysSection is the placement: its decision first, then the new
// gateways and every client region above the latency target.
func newGatewaysSection(p *Plan) section {
	s := section{ID: secNewGateways, Title: "Placement: new gateways and reassignments"}
	if p.Placement.Decision != "" {
		s.Text = []string{p.Placement.Decision}
	} else if len(p.NewGateways) == 0 { // a report of schema version 4
		s.Text = []string{"No new gateway proposed: every client region is served within the latency target."}
	}
	if len(p.NewGateways) > 0 {
		// Its devices are the horizon's end's: beside them the deployment
		// that carries them then, and apart the one it opens with.
		t := table{Title: "New gateways", Cols: cols("Gateway", "AWS region", "Client regions", "RTT before:r",
			"RTT after:r", "Opens with", "At the horizon's end", "Fails over to", "Re-pointing once:r")}
		for _, g := range p.NewGateways {
			open, end := thisMonth(g.Months), lastMonth(g.Months)
			failover := "none known"
			if g.FailoverTo != "" {
				failover = g.FailoverTo + " (" + millis(g.FailoverRTTMillis) + ")"
			}
			t.Rows = append(t.Rows, []string{
				g.Name, g.AWSRegion, strings.Join(g.ClientRegions, ", "), millis(g.RTTBeforeMillis), millis(g.RTTAfterMillis),
				open.label() + ", " + usd(open.MonthlyCostUSD) + " a month",
				end.label() + ", " + usd(end.MonthlyCostUSD) + " a month, for " + count(g.Devices) + " devices",
				failover, usd(g.RepointUSD),
			})
		}
		s.Tables = append(s.Tables, t)
	}
	if len(p.Placement.Regions) > 0 {
		t := table{Title: "Client regions above the latency target", Cols: cols("Client region", "Outcome", "Served by",
			"Moves to", "Devices:r", "In the field:r", "RTT before:r", "RTT after:r", "Re-pointing once:r", "Why")}
		for _, r := range p.Placement.Regions {
			to := r.To
			if to == "" {
				to = "-"
			}
			t.Rows = append(t.Rows, []string{
				r.ClientRegion, r.Outcome, r.From, to, count(r.Devices), count(r.DevicesInField),
				millis(r.RTTBeforeMillis), millis(r.RTTAfterMillis), usd(r.RepointUSD), r.Why,
			})
		}
		s.Tables = append(s.Tables, t)
	}
	return s
}

func stormSection(p *Plan) section {
	t := table{Cols: cols("Gateway", "Deployment", "Limit:r", "Largest node fails:r", "Neighbour fails over:r", "Result")}
	for _, g := range p.Gateways {
		st := g.Storm
		neighbour := "none"
		if n := st.NeighbourFailover; n != nil {
			neighbour = n.Neighbour + ": " + stormCase(*n)
		}
		t.Rows = append(t.Rows, []string{
			g.Name, thisMonth(g.Months).label(), seconds(st.LimitSeconds), stormCase(st.LargestNode), neighbour, passFail(st.Pass()),
		})
	}
	return section{
		ID:    secStorm,
		Title: "Reconnection-storm budget",
		Text: []string{"This month's recommended deployment after losing its largest node and, separately, after its " +
			"failover neighbour fails as a whole: the survivors must re-accept every dropped client within the limit, " +
			"below their memory and file-descriptor alarms."},
		Tables: []table{t},
	}
}

func stormCase(s StormCase) string {
	return seconds(s.ReconnectSeconds) + " for " + count(s.DroppedConnections) + " clients (" + passFail(s.Pass) + ")"
}

func accuracySection(p *Plan) section {
	demand := table{
		Title: "Sales-driven forecast (the one sizing uses): devices line, rolling origin, 1 to 12 months ahead",
		Cols: cols("Gateway", "Backtest forecasts:r", "Farthest backtested:r", "95% error 1 month:r", "3 months:r",
			"6 months:r", "12 months:r", "80% coverage:r", "95% coverage:r", "Sales in the backtest"),
	}
	for _, a := range p.DemandAccuracy {
		errs := make([]string, 4)
		for i := range errs {
			errs[i] = "n/a"
		}
		for i, e := range a.Error95 {
			if i < len(errs) {
				errs[i] = "±" + tenths(e.Value)
			}
		}
		sold := "as sold (the line's error only)"
		if a.SalesPlanned {
			sold = "as planned (with the plan's error)"
		}
		demand.Rows = append(demand.Rows, append(append([]string{a.Gateway, count(float64(a.Forecasts)), months(a.MaxAhead)},
			errs...), optional(a.Coverage80, percent), optional(a.Coverage95, percent), sold))
	}
	engine := table{
		Title: "Time-series engine on each cluster's daily p95, 30 days ahead: how predictable the history is on its own; not the sizing forecast",
		Cols:  cols("Series", "Model", "MASE:r", "Seasonal naive MASE:r", "Linear trend MASE:r", "80% coverage:r", "95% coverage:r"),
	}
	for _, a := range p.Accuracy {
		engine.Rows = append(engine.Rows, []string{
			a.Series, a.Model, optional(a.MASE, score), optional(a.SeasonalNaiveMASE, score), optional(a.LinearTrendMASE, score),
			optional(a.Coverage80, percent), optional(a.Coverage95, percent),
		})
	}
	s := section{
		ID:    secAccuracy,
		Title: "Forecast accuracy",
		Text: []string{"The devices line is refitted on the first months of the history and forecasts each later month " +
			"(rolling origin). 95% error is the line's relative error some months ahead that its intervals allow " +
			"(beyond the farthest backtested month it grows with the square root of the months). Coverage is the share " +
			"of backtest forecasts inside their 80% and 95% intervals, each drawn from the other origins' errors; " +
			"n/a where the history was too short.",
			"The engine's table scores a different forecast: MASE below 1 beats a naive forecast; the baselines are " +
				"seasonal naive and a linear trend."},
	}
	if len(demand.Rows) == 0 {
		s.Text = append(s.Text, "No gateway is forecast from its devices line.")
	} else {
		s.Tables = append(s.Tables, demand)
	}
	s.Tables = append(s.Tables, engine)
	return s
}

// demandSection shows each gateway's devices line and the forecasts under
// the sales scenarios.
func demandSection(p *Plan) section {
	s := section{
		ID:    secDemand,
		Title: "Demand: connections from sales",
		Text: []string{"Each gateway's monthly p95 connections are fitted by least squares on the devices sold in its " +
			"client regions. A line with a negative or near-zero slope, or an R² under the threshold, is not used: " +
			"the gateway is forecast from its history alone (method history).",
			"Scenarios: " + spreadSentence(p.SalesSpread) + " The base forecast's interval holds both the line's and " +
				"the sales plan's error; the low and high forecasts' only the line's, given those sales."},
	}
	fit := table{Title: "Fit", Cols: cols("Gateway", "Connections per device:r", "Standard error:r", "Intercept:r",
		"Standard error:r", "R²:r", "Months:r", "Method", "Flagged")}
	sc := table{Title: "Sales scenarios", Cols: cols("Gateway", "Months ahead:r", "Month", "Low sales:r", "Base:r",
		"High sales:r", "Low devices:r", "High devices:r")}
	for _, g := range p.Gateways {
		if f := g.Fit; f != nil {
			flaws := "no"
			if len(f.Flaws) > 0 {
				flaws = strings.Join(f.Flaws, "; ")
			}
			fit.Rows = append(fit.Rows, []string{g.Name, decimal(f.Slope), decimal(f.SlopeStdErr), count(f.Intercept),
				count(f.InterceptStdErr), score(f.R2), strconv.Itoa(f.N), g.Method, flaws})
		} else {
			fit.Rows = append(fit.Rows, []string{g.Name, "n/a", "", "", "", "", "", g.Method, "too little history"})
		}
		for i, x := range g.Scenarios {
			base := ""
			if i < len(g.Forecasts) {
				f := g.Forecasts[i]
				base = withInterval(f.Point, f.Lo95, f.Hi95)
			}
			sc.Rows = append(sc.Rows, []string{g.Name, strconv.Itoa(x.MonthsAhead), month(x.Month),
				withInterval(x.Low.Point, x.Low.Lo95, x.Low.Hi95), base, withInterval(x.High.Point, x.High.Lo95, x.High.Hi95),
				count(x.LowDevices), count(x.HighDevices)})
		}
	}
	s.Tables = []table{fit}
	if len(sc.Rows) > 0 {
		s.Tables = append(s.Tables, sc)
	}
	return s
}

// spreadSentence says how uncertain the sales plan is taken to be.
func spreadSentence(s SalesSpread) string {
	src := "the stated default"
	if s.Source == SpreadLearned {
		src = "learned from " + count(float64(s.Samples)) + " past months with both a plan and an actual"
	}
	own := ""
	if s.RowsWithOwn > 0 {
		own = count(float64(s.RowsWithOwn)) + " rows of the sales file state their own uncertainty; the others take "
	} else {
		own = "every row of the sales plan takes "
	}
	return own + "±" + percent(s.Default) + " (" + src + "). Low and high sales are the plan times 1 minus and plus that spread."
}

// withInterval formats a forecast with its 95% interval:
// "12,000 (11,500 – 12,600)".
func withInterval(point, lo, hi float64) string {
	return count(point) + " (" + interval(lo, hi) + ")"
}

func lastMonthSection(p *Plan) section {
	s := section{ID: secLastMonth, Title: "Last month's forecast against what happened"}
	if len(p.LastMonth) == 0 {
		s.Text = []string{"No forecast was made a month ago."}
		return s
	}
	t := table{Cols: cols("Gateway", "Month", "Forecast:r", "Interval:r", "Actual p95:r", "Inside")}
	for _, l := range p.LastMonth {
		t.Rows = append(t.Rows, []string{
			l.Gateway, month(l.Month), count(l.Point), strconv.Itoa(l.Interval) + "%: " + interval(l.Lo, l.Hi), count(l.Actual), yesNo(l.Inside),
		})
	}
	s.Tables = []table{t}
	return s
}

func assumptionsSection(p *Plan) section {
	s := section{ID: secAssumptions, Title: "Assumptions", Bullets: p.Assumptions}
	if len(p.Ratios) == 0 {
		return s
	}
	t := table{Title: "Fitted ratios", Cols: cols("Ratio", "Scope", "Value:r", "Standard error:r", "Unit")}
	for _, r := range p.Ratios {
		t.Rows = append(t.Rows, []string{r.Name, r.Scope, decimal(r.Value), optional(r.StdErr, decimal), r.Unit})
	}
	s.Tables = []table{t}
	return s
}

// cols makes columns from names; a ":r" suffix aligns one right.
func cols(names ...string) []column {
	cs := make([]column, len(names))
	for i, n := range names {
		name, right := strings.CutSuffix(n, ":r")
		cs[i] = column{Name: name, Right: right}
	}
	return cs
}
