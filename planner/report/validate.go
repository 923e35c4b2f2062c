package report

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// maxErrors bounds how many problems Validate lists: a plan full of NaN
// would otherwise drown the first one.
const maxErrors = 10

// Validate reports every field of p the report cannot show, each named by
// its JSON path, e.g. `gateways["gateway-eu"].months[2].upper_forecast: NaN
// is not a number`. Write writes nothing for an invalid plan.
func (p *Plan) Validate() error {
	return p.validate(SchemaVersion)
}

// validate is Validate accepting schema versions from oldest on: a
// previous report (ReadPrevious) may be one version older, whose fields
// are a subset of this one's with the same meaning.
func (p *Plan) validate(oldest int) error {
	if p == nil {
		return errors.New("report: invalid plan: nil")
	}
	c := &checker{}
	switch {
	case oldest == SchemaVersion && p.SchemaVersion != SchemaVersion:
		c.fail("schema_version", "%d, want %d", p.SchemaVersion, SchemaVersion)
	case p.SchemaVersion < oldest || p.SchemaVersion > SchemaVersion:
		c.fail("schema_version", "%d, want %d to %d", p.SchemaVersion, oldest, SchemaVersion)
	}
	c.instant("as_of", p.AsOf)
	if p.HorizonMonths < 1 {
		c.fail("horizon_months", "%d, want at least 1", p.HorizonMonths)
	}
	c.inputs("inputs", p.Inputs)
	c.summary("summary", p.Summary, p.SchemaVersion >= 4)
	if p.Changes != nil {
		c.changes("changes", *p.Changes)
	}
	for i, a := range p.Actions {
		c.action(index("actions", i, ""), a)
	}
	names := map[string]string{}
	for i, g := range p.Gateways {
		path := index("gateways", i, g.Name)
		c.unique(names, path, g.Name)
		c.gateway(path, g, p.HorizonMonths)
	}
	for i, g := range p.NewGateways {
		path := index("new_gateways", i, g.Name)
		c.unique(names, path, g.Name)
		c.newGateway(path, g, p.HorizonMonths)
	}
	if p.SchemaVersion >= 5 {
		c.placement("placement", p.Placement)
	}
	if b := p.Backend; b != nil {
		c.unique(names, "backend", b.Name)
		c.backend("backend", *b, p.HorizonMonths)
	}
	for i, a := range p.Accuracy {
		c.accuracy(index("accuracy", i, a.Series), a)
	}
	for i, a := range p.DemandAccuracy {
		c.demandAccuracy(index("demand_accuracy", i, a.Gateway), a)
	}
	c.salesSpread("sales_spread", p.SalesSpread)
	for i, l := range p.LastMonth {
		c.lastMonth(index("last_month", i, l.Gateway), l)
	}
	for i, s := range p.Assumptions {
		c.text(index("assumptions", i, ""), s)
	}
	for i, r := range p.Ratios {
		c.ratio(index("ratios", i, r.Name), r)
	}
	for i, f := range p.Capacity {
		path := index("capacity", i, f.Cluster)
		c.text(path+".cluster", f.Cluster)
		c.text(path+".profile.source", f.Profile.Source)
		c.text(path+".profile.rabbitmq_version", f.Profile.RabbitMQVersion)
		c.text(path+".profile.why", f.Profile.Why)
		for j, x := range f.Figures {
			fp := index(path+".figures", j, x.Name)
			c.text(fp+".unit", x.Unit)
			if x.Observed != nil {
				c.number(fp+".observed", *x.Observed)
			}
			c.optional(fp+".r2", x.R2, 1)
			c.nonNegative(fp+".profile", x.Profile)
			if x.Used != "observed" && x.Used != "profile" {
				c.fail(fp+".used", "%q, want \"observed\" or \"profile\"", x.Used)
			}
		}
	}
	return c.err()
}

// summary checks the fleet's costs (required from version 4 on: a plan
// always has today's) and the high scenario.
func (c *checker) summary(path string, s Summary, required bool) {
	if required && len(s.FleetCost) == 0 {
		c.fail(path+".fleet_cost", "empty, want at least today's")
	}
	for i, f := range s.FleetCost {
		fp := index(path+".fleet_cost", i, "")
		if i > 0 && f.MonthsAhead <= s.FleetCost[i-1].MonthsAhead {
			c.fail(fp+".months_ahead", "%d, want more than %d", f.MonthsAhead, s.FleetCost[i-1].MonthsAhead)
		} else if i == 0 && f.MonthsAhead != 0 {
			c.fail(fp+".months_ahead", "%d, want 0 (today) first", f.MonthsAhead)
		}
		c.month(fp+".month", f.Month)
		c.nonNegative(fp+".monthly_cost_usd", f.MonthlyCostUSD)
	}
	if b := s.HighScenarioBackend; b != nil {
		bp := path + ".high_scenario_backend"
		c.text(bp+".backend", b.Backend)
		if r := b.RunsOut; r != nil {
			c.runOut(bp+".runs_out", r.Month, r.Deployment, r.Binding,
				"upper_messages_per_second", r.UpperMessagesPerSecond, "capacity_messages_per_second", r.CapacityMessagesPerSecond)
		}
		c.highCosts(bp, b.BasePathCostUSD, b.HighPathCostUSD, b.Infeasible)
	}
	for i, g := range s.HighScenario {
		gp := index(path+".high_scenario", i, g.Gateway)
		c.text(gp+".gateway", g.Gateway)
		if r := g.RunsOut; r != nil {
			c.runOut(gp+".runs_out", r.Month, r.Deployment, r.Binding,
				"upper_forecast", r.UpperForecast, "capacity_connections", r.CapacityConnections)
		}
		c.highCosts(gp, g.BasePathCostUSD, g.HighPathCostUSD, g.Infeasible)
	}
}

// runOut checks a high-scenario run-out: its month, deployment and
// binding, and its demand and capacity under their JSON names.
func (c *checker) runOut(path string, m time.Time, d Deployment, binding, upperName string, upper float64, capName string, capacity float64) {
	c.month(path+".month", m)
	c.nonNegative(path+"."+upperName, upper)
	c.deployment(path, d)
	c.nonNegative(path+"."+capName, capacity)
	c.text(path+".binding", binding)
}

// highCosts checks a high scenario's path costs: exactly one of the high
// path's cost and why there is none.
func (c *checker) highCosts(path string, base float64, high *float64, infeasible string) {
	c.nonNegative(path+".base_path_cost_usd", base)
	if high != nil {
		c.nonNegative(path+".high_path_cost_usd", *high)
	}
	if (high == nil) == (infeasible == "") {
		c.fail(path+".infeasible", "%q with high_path_cost_usd %s: want exactly one of them", infeasible, presence(high != nil))
	}
}

func presence(set bool) string {
	if set {
		return "set"
	}
	return "null"
}

func (c *checker) changes(path string, ch Changes) {
	c.text(path+".previous_file", ch.PreviousFile)
	c.instant(path+".previous_as_of", ch.PreviousAsOf)
	c.nonNegative(path+".fleet_cost_usd", ch.FleetCostUSD)
	c.nonNegative(path+".previous_fleet_cost_usd", ch.PreviousCostUSD)
	for i, g := range ch.Gateways {
		gp := index(path+".gateways", i, g.Gateway)
		c.text(gp+".gateway", g.Gateway)
		if g.Previous == nil && g.Now == nil {
			c.fail(gp, "neither previous nor now")
		}
		c.gatewayFigures(gp+".previous", g.Previous)
		c.gatewayFigures(gp+".now", g.Now)
		for j, w := range g.Changed {
			c.text(index(gp+".changed", j, ""), w)
		}
	}
}

func (c *checker) gatewayFigures(path string, f *GatewayFigures) {
	if f == nil {
		return
	}
	c.deployment(path+".deployment", f.Deployment)
	c.nonNegative(path+".monthly_cost_usd", f.MonthlyCostUSD)
	if v := f.Forecast12; v != nil {
		c.month(path+".forecast_12.month", v.Month)
		c.nonNegative(path+".forecast_12.value", v.Value)
	}
	if s := f.NextStep; s != nil {
		c.month(path+".next_step.start", s.Start)
		c.month(path+".next_step.month", s.Month)
		c.deployment(path+".next_step.to", s.To)
	}
}

func (c *checker) inputs(path string, in Inputs) {
	c.text(path+".fleet_file", in.FleetFile)
	c.text(path+".sales_file", in.SalesFile)
	c.text(path+".catalog_source", in.CatalogSource)
	c.text(path+".capacity_source", in.CapacitySource)
	c.text(path+".rabbitmq_version", in.RabbitMQVersion)
	h := in.History
	if h.Kind != "snapshot" && h.Kind != "prometheus" {
		c.fail(path+".history.kind", "%q, want \"snapshot\" or \"prometheus\"", h.Kind)
	}
	c.text(path+".history.location", h.Location)
	c.instant(path+".history.start", h.Start)
	c.instant(path+".history.end", h.End)
	if !h.Start.Before(h.End) {
		c.fail(path+".history.end", "%s is not after start %s", stamp(h.End), stamp(h.Start))
	}
	if h.StepSeconds <= 0 {
		c.fail(path+".history.step_seconds", "%d, want > 0", h.StepSeconds)
	}
}

func (c *checker) action(path string, a Action) {
	switch a.Kind {
	case ActionScale:
		c.text(path+".gateway", a.Gateway)
		c.deploymentPtr(path+".from", a.From, true)
		c.deploymentPtr(path+".to", a.To, true)
	case ActionOpen:
		c.text(path+".gateway", a.Gateway)
		c.text(path+".aws_region", a.AWSRegion)
		c.regions(path+".client_regions", a.ClientRegions, true)
		c.deploymentPtr(path+".to", a.To, false)
	case ActionNote:
		c.text(path+".reason", a.Reason)
	case ActionLater:
		c.text(path+".gateway", a.Gateway)
		c.deploymentPtr(path+".from", a.From, true)
		c.deploymentPtr(path+".to", a.To, true)
		if a.Month == nil || a.Start == nil {
			c.fail(path+".month", "a later step needs month and start")
		} else if c.month(path+".month", *a.Month) && c.month(path+".start", *a.Start) && a.Start.After(*a.Month) {
			c.fail(path+".start", "%s is after month %s", month(*a.Start), month(*a.Month))
		}
	default:
		c.fail(path+".kind", "%q, want %q, %q, %q or %q", a.Kind, ActionScale, ActionOpen, ActionLater, ActionNote)
	}
}

func (c *checker) gateway(path string, g Gateway, horizon int) {
	c.text(path+".name", g.Name)
	c.text(path+".aws_region", g.AWSRegion)
	c.regions(path+".client_regions", g.ClientRegions, false)
	for i, a := range g.AdoptedRegions {
		ap := index(path+".adopted_regions", i, "")
		c.text(ap+".client_region", a.ClientRegion)
		c.positive(ap+".rtt_ms", a.RTTMillis)
		c.positive(ap+".connections_per_device", a.ConnectionsPerDevice)
		if a.RatioFrom != RatioGateway && a.RatioFrom != RatioFleet {
			c.fail(ap+".ratio_from", "%q, want %q or %q", a.RatioFrom, RatioGateway, RatioFleet)
		}
	}
	c.nonNegative(path+".connections_p95", g.Connections)
	c.nonNegative(path+".churn_per_second", g.ChurnPerSecond)
	prev := 0
	for i, f := range g.Forecasts {
		fp := index(path+".forecasts", i, "")
		if f.MonthsAhead <= prev {
			c.fail(fp+".months_ahead", "%d, want more than %d", f.MonthsAhead, prev)
		}
		prev = f.MonthsAhead
		c.month(fp+".month", f.Month)
		c.band(fp, f.Point, f.Lo80, f.Hi80, f.Lo95, f.Hi95)
	}
	cur := path + ".current"
	c.deployment(cur, g.Current.Deployment)
	c.nonNegative(cur+".capacity_connections", g.Current.CapacityConnections)
	c.text(cur+".binding", g.Current.Binding)
	c.number(cur+".headroom", g.Current.Headroom)
	c.nonNegative(cur+".monthly_cost_usd", g.Current.MonthlyCostUSD)
	if len(g.Months) != horizon {
		c.fail(path+".months", "%d months, want horizon_months %d", len(g.Months), horizon)
	}
	c.monthPlans(path+".months", g.Months)
	if e := g.ExhaustionMonth; e != nil && (*e < 0 || *e >= len(g.Months)) {
		c.fail(path+".exhaustion_month", "%d is outside months [0, %d)", *e, len(g.Months))
	}
	c.storm(path+".storm", g.Storm)
	c.chart(path+".chart", g.Chart)
	c.nonNegative(path+".path_cost_usd", g.PathCostUSD)
	c.demand(path, g)
}

// demand checks a gateway's method, fit and scenarios.
func (c *checker) demand(path string, g Gateway) {
	if g.Method != MethodSales && g.Method != MethodHistory {
		c.fail(path+".method", "%q, want %q or %q", g.Method, MethodSales, MethodHistory)
	}
	if f := g.Fit; f != nil {
		c.number(path+".fit.slope", f.Slope)
		c.nonNegative(path+".fit.slope_std_err", f.SlopeStdErr)
		c.number(path+".fit.intercept", f.Intercept)
		c.nonNegative(path+".fit.intercept_std_err", f.InterceptStdErr)
		c.optional(path+".fit.r2", &f.R2, 1)
		if f.N < 3 {
			c.fail(path+".fit.n", "%d, want at least 3", f.N)
		}
		for i, s := range f.Flaws {
			c.text(index(path+".fit.flaws", i, ""), s)
		}
		if (g.Method == MethodSales) != (len(f.Flaws) == 0) {
			c.fail(path+".method", "%q with %d flaws of the fit", g.Method, len(f.Flaws))
		}
	} else if g.Method == MethodSales {
		c.fail(path+".fit", "null, but the method is %q", MethodSales)
	}
	if g.Method != MethodSales && len(g.Scenarios) > 0 {
		c.fail(path+".scenarios", "%d, but the method is %q", len(g.Scenarios), g.Method)
	}
	for i, s := range g.Scenarios {
		sp := index(path+".scenarios", i, "")
		c.month(sp+".month", s.Month)
		ok := c.nonNegative(sp+".low_devices", s.LowDevices)
		ok = c.nonNegative(sp+".base_devices", s.BaseDevices) && ok
		ok = c.nonNegative(sp+".high_devices", s.HighDevices) && ok
		if ok && !(s.LowDevices <= s.BaseDevices && s.BaseDevices <= s.HighDevices) {
			c.fail(sp, "devices %g, %g, %g are not low <= base <= high", s.LowDevices, s.BaseDevices, s.HighDevices)
		}
		c.band(sp+".low", s.Low.Point, s.Low.Lo95, s.Low.Hi95, s.Low.Lo95, s.Low.Hi95)
		c.band(sp+".high", s.High.Point, s.High.Lo95, s.High.Hi95, s.High.Lo95, s.High.Hi95)
	}
}

func (c *checker) demandAccuracy(path string, a DemandAccuracy) {
	c.text(path+".gateway", a.Gateway)
	if a.Forecasts < 0 || a.MaxAhead < 0 {
		c.fail(path, "forecasts %d, max_ahead %d: want non-negative", a.Forecasts, a.MaxAhead)
	}
	for i, e := range a.Error95 {
		c.nonNegative(index(path+".error95", i, "")+".value", e.Value)
	}
	c.optional(path+".coverage80", a.Coverage80, 1)
	c.optional(path+".coverage95", a.Coverage95, 1)
}

func (c *checker) salesSpread(path string, s SalesSpread) {
	if !(s.Default > 0 && s.Default <= 1) {
		c.fail(path+".default", "%g, want above 0 and at most 1", s.Default)
	}
	if s.Source != SpreadLearned && s.Source != SpreadDefault {
		c.fail(path+".source", "%q, want %q or %q", s.Source, SpreadLearned, SpreadDefault)
	}
}

func (c *checker) newGateway(path string, g NewGateway, horizon int) {
	c.text(path+".name", g.Name)
	c.text(path+".aws_region", g.AWSRegion)
	c.regions(path+".client_regions", g.ClientRegions, true)
	c.nonNegative(path+".devices", g.Devices)
	c.nonNegative(path+".rtt_before_ms", g.RTTBeforeMillis)
	c.nonNegative(path+".rtt_after_ms", g.RTTAfterMillis)
	c.nonNegative(path+".failover_rtt_ms", g.FailoverRTTMillis)
	c.nonNegative(path+".repoint_usd", g.RepointUSD)
	if len(g.Months) < 1 || len(g.Months) > horizon {
		c.fail(path+".months", "%d months, want 1 to horizon_months %d", len(g.Months), horizon)
	}
	c.monthPlans(path+".months", g.Months)
}

// placement checks the decision is stated and every region's figures.
func (c *checker) placement(path string, p Placement) {
	c.text(path+".decision", p.Decision)
	c.nonNegative(path+".repoint_usd_per_device", p.RepointUSDPerDevice)
	for i, r := range p.Regions {
		rp := index(path+".regions", i, r.ClientRegion)
		c.text(rp+".client_region", r.ClientRegion)
		c.text(rp+".from", r.From)
		switch r.Outcome {
		case PlacementStays:
			if r.To != "" {
				c.fail(rp+".to", "%q, want empty for a region that stays", r.To)
			}
		case PlacementReassigned, PlacementNewGateway:
			c.text(rp+".to", r.To)
		default:
			c.fail(rp+".outcome", "%q, want %q, %q or %q", r.Outcome, PlacementStays, PlacementReassigned, PlacementNewGateway)
		}
		c.nonNegative(rp+".devices", r.Devices)
		c.nonNegative(rp+".devices_in_field", r.DevicesInField)
		c.nonNegative(rp+".rtt_before_ms", r.RTTBeforeMillis)
		c.nonNegative(rp+".rtt_after_ms", r.RTTAfterMillis)
		c.nonNegative(rp+".repoint_usd", r.RepointUSD)
		c.text(rp+".why", r.Why)
	}
}

// monthPlans checks consecutive months, each a deployment that carries its
// upper forecast's figures.
func (c *checker) monthPlans(path string, ms []MonthPlan) {
	for i, m := range ms {
		mp := index(path, i, "")
		if c.month(mp+".month", m.Month) && i > 0 {
			if want := ms[0].Month.AddDate(0, i, 0); !m.Month.Equal(want) {
				c.fail(mp+".month", "%s, want %s (consecutive months)", month(m.Month), month(want))
			}
		}
		c.nonNegative(mp+".upper_forecast", m.UpperForecast)
		c.deployment(mp, m.Deployment)
		c.nonNegative(mp+".capacity_connections", m.CapacityConnections)
		c.text(mp+".binding", m.Binding)
		c.nonNegative(mp+".monthly_cost_usd", m.MonthlyCostUSD)
	}
}

func (c *checker) storm(path string, s Storm) {
	limit := s.LimitSeconds
	if c.number(path+".limit_seconds", limit) && limit <= 0 {
		c.fail(path+".limit_seconds", "%g, want > 0", limit)
	}
	if !(limit > 0) {
		limit = math.Inf(1) // already reported: judge no verdict by it
	}
	c.stormCase(path+".largest_node", s.LargestNode, limit)
	if n := s.NeighbourFailover; n != nil {
		c.text(path+".neighbour_failover.neighbour", n.Neighbour)
		c.stormCase(path+".neighbour_failover", *n, limit)
	}
}

// stormCase also catches a verdict that contradicts the time limit.
func (c *checker) stormCase(path string, s StormCase, limit float64) {
	c.nonNegative(path+".dropped_connections", s.DroppedConnections)
	if c.nonNegative(path+".reconnect_seconds", s.ReconnectSeconds) && s.Pass && s.ReconnectSeconds > limit {
		c.fail(path+".pass", "true, but reconnect_seconds %g exceeds limit_seconds %g", s.ReconnectSeconds, limit)
	}
}

func (c *checker) chart(path string, ch Chart) {
	if len(ch.History) == 0 {
		c.fail(path+".history", "empty, want at least one point")
	}
	c.points(path+".history", ch.History)
	c.points(path+".capacity", ch.Capacity)
	var last time.Time
	for i, b := range ch.Forecast {
		bp := index(path+".forecast", i, "")
		c.ordered(bp+".time", b.Time, last, i)
		last = b.Time
		c.band(bp, b.Point, b.Lo80, b.Hi80, b.Lo95, b.Hi95)
	}
}

func (c *checker) points(path string, ps []Point) {
	var last time.Time
	for i, pt := range ps {
		pp := index(path, i, "")
		c.ordered(pp+".time", pt.Time, last, i)
		last = pt.Time
		c.nonNegative(pp+".value", pt.Value)
	}
}

func (c *checker) accuracy(path string, a Accuracy) {
	c.text(path+".series", a.Series)
	c.text(path+".model", a.Model)
	c.optional(path+".mase", a.MASE, math.Inf(1))
	c.optional(path+".seasonal_naive_mase", a.SeasonalNaiveMASE, math.Inf(1))
	c.optional(path+".linear_trend_mase", a.LinearTrendMASE, math.Inf(1))
	c.optional(path+".coverage80", a.Coverage80, 1)
	c.optional(path+".coverage95", a.Coverage95, 1)
}

func (c *checker) lastMonth(path string, l LastMonthCheck) {
	c.text(path+".gateway", l.Gateway)
	c.month(path+".month", l.Month)
	if l.Interval != 80 && l.Interval != 95 {
		c.fail(path+".interval", "%d, want 80 or 95", l.Interval)
	}
	ok := c.nonNegative(path+".point", l.Point)
	ok = c.nonNegative(path+".lo", l.Lo) && ok
	ok = c.nonNegative(path+".hi", l.Hi) && ok
	ok = c.nonNegative(path+".actual", l.Actual) && ok
	if !ok {
		return
	}
	if l.Lo > l.Hi {
		c.fail(path+".lo", "%g is above hi %g", l.Lo, l.Hi)
	}
	if inside := l.Lo <= l.Actual && l.Actual <= l.Hi; inside != l.Inside {
		c.fail(path+".inside", "%t, but lo %g <= actual %g <= hi %g is %t", l.Inside, l.Lo, l.Actual, l.Hi, inside)
	}
}

func (c *checker) ratio(path string, r Ratio) {
	c.text(path+".name", r.Name)
	c.text(path+".scope", r.Scope)
	c.number(path+".value", r.Value)
	c.optional(path+".std_err", r.StdErr, math.Inf(1))
}

// index names element i of a list, by its name when it has one.
func index(path string, i int, name string) string {
	if name != "" {
		return path + "[" + strconv.Quote(name) + "]"
	}
	return path + "[" + strconv.Itoa(i) + "]"
}

// backend checks the backend's figures and its months, as a gateway's.
func (c *checker) backend(path string, b Backend, horizon int) {
	c.text(path+".name", b.Name)
	c.text(path+".aws_region", b.AWSRegion)
	for _, f := range []struct {
		name string
		v    *float64
	}{{"messages_per_second_p95", b.MessagesPerSecond}, {"own_messages_per_second", b.OwnMessagesPerSecond},
		{"own_connections", b.OwnConnections}, {"queued_messages_p95", b.QueuedMessages}} {
		if f.v != nil {
			c.nonNegative(path+"."+f.name, *f.v)
		}
	}
	c.nonNegative(path+".bytes_per_queued_message", b.BytesPerQueuedMessage)
	if b.FederationLinks < 0 {
		c.fail(path+".federation_links", "%d, want at least 0", b.FederationLinks)
	}
	for i, f := range b.Federated {
		fp := index(path+".federated", i, f.Gateway)
		c.text(fp+".gateway", f.Gateway)
		c.nonNegative(fp+".messages_per_second_per_connection", f.MessagesPerConnection)
	}
	for i, n := range b.Notes {
		c.text(index(path+".notes", i, ""), n)
	}
	cur := path + ".current"
	c.deployment(cur, b.Current.Deployment)
	c.nonNegative(cur+".capacity_messages_per_second", b.Current.CapacityMessagesPerSecond)
	c.text(cur+".binding", b.Current.Binding)
	c.nonNegative(cur+".monthly_cost_usd", b.Current.MonthlyCostUSD)
	if len(b.Months) != horizon {
		c.fail(path+".months", "%d months, want horizon_months %d", len(b.Months), horizon)
	}
	for i, m := range b.Months {
		mp := index(path+".months", i, "")
		if c.month(mp+".month", m.Month) && i > 0 {
			if want := b.Months[0].Month.AddDate(0, i, 0); !m.Month.Equal(want) {
				c.fail(mp+".month", "%s, want %s (consecutive months)", month(m.Month), month(want))
			}
		}
		ok := c.nonNegative(mp+".upper_messages_per_second", m.UpperMessagesPerSecond)
		ok = c.nonNegative(mp+".federated_messages_per_second", m.FederatedPerSecond) && ok
		if ok && m.FederatedPerSecond > m.UpperMessagesPerSecond {
			c.fail(mp+".federated_messages_per_second", "%g exceeds upper_messages_per_second %g", m.FederatedPerSecond, m.UpperMessagesPerSecond)
		}
		c.nonNegative(mp+".connections", m.Connections)
		if (m.QueuedMessages == nil) != (b.QueuedMessages == nil) {
			c.fail(mp+".queued_messages", "%s while queued_messages_p95 is %s: want both or neither", presence(m.QueuedMessages != nil), presence(b.QueuedMessages != nil))
		} else if m.QueuedMessages != nil {
			c.nonNegative(mp+".queued_messages", *m.QueuedMessages)
		}
		c.deployment(mp, m.Deployment)
		c.nonNegative(mp+".capacity_messages_per_second", m.CapacityMessagesPerSecond)
		c.text(mp+".binding", m.Binding)
		c.nonNegative(mp+".monthly_cost_usd", m.MonthlyCostUSD)
	}
	if e := b.ExhaustionMonth; e != nil && (*e < 0 || *e >= len(b.Months)) {
		c.fail(path+".exhaustion_month", "%d is outside months [0, %d)", *e, len(b.Months))
	}
	c.nonNegative(path+".path_cost_usd", b.PathCostUSD)
}
