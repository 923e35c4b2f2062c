// Package plan joins the planner's models into the monthly report's data:
// demand per gateway from history and sales, the cheapest deployment for
// every month of the horizon, new gateways for badly served client regions,
// forecast accuracy, last month's forecast against what happened, and the
// actions to take. Build is pure: the same inputs give the same plan.
package plan

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/latency"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// USDPerMsDevice is what placement pays, per month, for one device's round
// trip being 1 ms shorter: a new gateway costing $200 a month must save
// 200,000 ms x devices (2,000 devices 100 ms each) to be proposed.
const USDPerMsDevice = 0.001

// AccuracyDays is the horizon, in days, of the accuracy backtests on daily
// p95 series: about the month a plan is acted on.
const AccuracyDays = 30

// forecastsAhead are the months ahead the report's forecast table shows.
var forecastsAhead = []int{1, 3, 6, 12}

// Inputs is everything a plan is built from; the names say where each
// came from, for the report.
type Inputs struct {
	Fleet     *fleet.Fleet
	FleetName string
	// Sales are the rows of the sales file, actuals and plan alike.
	Sales     []sales.Row
	SalesName string
	Catalog   *catalog.Catalog
	// CatalogName is the catalog file; empty means the embedded snapshot.
	CatalogName string
	Latency     *latency.Table
	// LatencyName is the latency file; empty means the embedded table.
	LatencyName string
	// Profile, when ProfileSource names it, sizes every cluster: the
	// user's own. Otherwise each gateway gets the profile of Profiles (nil:
	// the embedded set) nearest the RabbitMQ version its history shows;
	// ProfilesName is that set's directory ("" for the embedded set).
	Profile       capacity.Profile
	ProfileSource string
	Profiles      *capacity.Set
	ProfilesName  string
	History       *history.Snapshot
	// HistorySource says where History came from (Kind, Location); Build
	// fills in its range from History.
	HistorySource report.HistorySource
	// Demand are the demand model's rules; the zero value means
	// DefaultDemandRules().
	Demand DemandRules
}

// rules are in's demand rules, the defaults when not given.
func (in Inputs) rules() DemandRules {
	if in.Demand == (DemandRules{}) {
		return DefaultDemandRules()
	}
	return in.Demand
}

// Build computes the plan. The history's end is the plan's "as of"; the
// horizon starts with the first month that begins at or after it. Every
// problem with the inputs is an error naming the input and what is wrong,
// and no plan is returned.
func Build(in Inputs) (*report.Plan, error) {
	if err := checkInputs(in); err != nil {
		return nil, err
	}
	f, t := in.Fleet, in.Fleet.Targets
	asOf := in.History.End.UTC()
	months := monthGrid(asOf, t.HorizonMonths)
	rules := in.rules()
	spread := learnSpread(in.Sales, months[0], rules.DefaultSpread)
	book := newSalesBook(f, in.Sales, spread)
	src := historyName(in.HistorySource)

	adoptions, err := adopt(in)
	if err != nil {
		return nil, err
	}
	adopted := adoptedBy(adoptions)
	gws := f.Gateways()
	demands := make([]*gatewayDemand, len(gws))
	for i, g := range gws {
		d, err := fitDemand(in.History, g, adopted[g.Name], book, months, rules)
		if err != nil {
			return nil, fmt.Errorf("%s: gateway %q: %w", src, g.Name, err)
		}
		demands[i] = d
	}
	if err := sizeAdopted(demands, book, months, in.FleetName); err != nil {
		return nil, err
	}
	for _, d := range demands {
		if err := d.bound(t.Interval); err != nil {
			return nil, fmt.Errorf("%s: gateway %q: %w", src, d.cluster.Name, err)
		}
	}
	req := sizing.Request{
		Months: months, Targets: t, Catalog: in.Catalog, Profile: in.defaultProfile(), Limits: capacity.DefaultLimits(),
	}
	choices := map[string]*capacity.Choice{}
	sels := make([]capacity.Selection, len(demands))
	for i, d := range demands {
		sels[i] = selectProfile(in, d.cluster.Name)
		c := capacityChoice(clusterSamples(in.History, d.cluster, d.conns), d.cluster, in.Catalog, sels[i].Profile, capacityRule(t))
		choices[d.cluster.Name] = &c
		req.Gateways = append(req.Gateways, sizing.Gateway{
			Name: d.cluster.Name, AWSRegion: d.cluster.AWSRegion, Upper: d.upper, Load: d.load,
			FailoverTo: d.cluster.FailoverTo,
			Current:    sizing.Deployment{InstanceType: d.cluster.InstanceType, Nodes: d.cluster.Nodes},
			Profile:    &c.Profile, Limits: &c.Limits,
		})
	}
	// Placement comes first: a new gateway's clients count in its failover
	// partner's check, so the new gateways are sized with the existing ones.
	np, err := placeNewGateways(in, demands, book, months, req, choices)
	if err != nil {
		return nil, err
	}
	joint := req
	joint.Gateways = append(slices.Clone(req.Gateways), np.sizing...)
	plans, err := sizing.Plan(joint)
	if err != nil {
		return nil, err
	}
	if err := feasible(plans); err != nil {
		return nil, err
	}
	plans, newPlans := plans[:len(demands)], plans[len(demands):]
	if err := np.size(newPlans, in.Catalog, t); err != nil {
		return nil, err
	}
	paths := make([]gatewayPath, len(plans))
	for i, gp := range plans {
		if paths[i], err = choosePath(gp, req.Gateways[i].Current, in.Catalog, t); err != nil {
			return nil, err
		}
	}

	p := &report.Plan{
		SchemaVersion: report.SchemaVersion,
		AsOf:          asOf,
		HorizonMonths: t.HorizonMonths,
		Inputs:        reportInputs(in, sels),
	}
	for i, d := range demands {
		p.Gateways = append(p.Gateways, reportGateway(d, plans[i], paths[i], joint.Gateways, t))
		p.Capacity = append(p.Capacity, reportCapacity(d.cluster.Name, *choices[d.cluster.Name], sels[i]))
	}
	p.NewGateways, p.Placement = np.gateways, np.placement
	bp, err := planBackend(in, demands, len(np.gateways), months)
	if err != nil {
		return nil, err
	}
	clusters := make([]pathed, 0, len(plans)+len(np.gateways)+1)
	for i, g := range p.Gateways {
		clusters = append(clusters, gatewayPathed(g.Name, g.Months, plans[i], paths[i]))
	}
	for i, g := range p.NewGateways {
		clusters = append(clusters, gatewayPathed(g.Name, g.Months, np.plans[i], np.paths[i]))
	}
	if bp != nil {
		p.Backend = bp.report()
		p.Capacity = append(p.Capacity, reportCapacity(bp.demand.cluster.Name, bp.choice, bp.sel))
		clusters = append(clusters, backendPathed(p.Backend, bp))
		p.Inputs = reportInputs(in, append(slices.Clone(sels), bp.sel))
	}
	if p.Accuracy, err = Backtest(in.History, gatewayNames(gws), AccuracyDays); err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	p.DemandAccuracy = demandAccuracy(demands)
	p.SalesSpread = spread.report(in.Sales)
	for _, d := range demands {
		c, err := lastMonthCheck(d, book, asOf, t.Interval, rules.MinR2)
		if err != nil {
			return nil, fmt.Errorf("%s: gateway %q: last month's forecast: %w", src, d.cluster.Name, err)
		}
		if c != nil {
			p.LastMonth = append(p.LastMonth, *c)
		}
	}
	p.Ratios = ratios(demands)
	p.Actions = actions(p, clusters, t)
	p.Summary.FleetCost = fleetCosts(p)
	highs, fromSales, err := highUppers(req, demands, t)
	if err != nil {
		return nil, err
	}
	p.Summary.HighScenario = []report.HighScenarioGateway{}
	if fromSales {
		if p.Summary.HighScenario, err = highScenario(joint, highs, paths, in.Catalog, t); err != nil {
			return nil, err
		}
		if bp != nil {
			breq := sizing.Request{Months: months, Targets: t, Catalog: in.Catalog}
			if p.Summary.HighScenarioBackend, err = highBackend(bp, highs, breq, in.Catalog, t); err != nil {
				return nil, err
			}
		}
	}
	p.Assumptions = append(assumptions(in, demands, book, months, np, choices, sels, rules), backendAssumptions(bp, t)...)
	p.Assumptions = append(p.Assumptions, relaxedNotes(clusters, t)...)
	if err := p.Validate(); err != nil {
		return nil, err // a bug here, not bad input: the models gave a figure the report cannot show
	}
	return p, nil
}

// checkInputs rejects what Build cannot start from.
func checkInputs(in Inputs) error {
	switch {
	case in.Fleet == nil:
		return errors.New("plan: no fleet")
	case in.Catalog == nil:
		return errors.New("plan: no instance catalog")
	case in.Latency == nil:
		return errors.New("plan: no latency table")
	case in.History == nil:
		return errors.New("plan: no history")
	}
	if len(in.Fleet.Gateways()) == 0 {
		return fmt.Errorf("%s: no gateway to plan", in.FleetName)
	}
	if err := in.Fleet.Check(in.Catalog); err != nil {
		return err
	}
	if err := in.rules().Validate(); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if in.ProfileSource != "" {
		if err := in.Profile.Validate(); err != nil {
			return fmt.Errorf("%s: %w", in.ProfileSource, err)
		}
	}
	// Read has checked a file already; rows from anywhere else must not
	// leave a month to be read as no sales either.
	if err := sales.CheckComplete(in.Sales, salesName(in), in.Fleet.ClientRegionNames()); err != nil {
		return err
	}
	if err := checkLatency(in); err != nil {
		return err
	}
	src := historyName(in.HistorySource)
	if err := in.History.Validate(); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if len(in.History.Series) == 0 {
		return fmt.Errorf("%s: the history holds no series", src)
	}
	return nil
}

// checkLatency makes sure the table knows every served client region's
// round trip to its gateway: placement starts from those. An unserved
// region needs one to some gateway (adopt).
func checkLatency(in Inputs) error {
	for _, r := range in.Fleet.ClientRegionNames() {
		g, served := in.Fleet.GatewayFor(r)
		if _, ok := in.Latency.Millis(r, g.AWSRegion); served && !ok {
			return fmt.Errorf("%s: no round trip from client region %q to %s, where gateway %q runs", latencyName(in), r, g.AWSRegion, g.Name)
		}
	}
	return nil
}

// latencyName names the latency table in errors.
func latencyName(in Inputs) string {
	if in.LatencyName == "" {
		return "embedded latency table"
	}
	return in.LatencyName
}

// feasible turns a month no deployment can carry into an error: the
// report has no way to show "nothing fits", and recommending less than
// the load would be worse than no report.
func feasible(plans []sizing.GatewayPlan) error {
	for _, gp := range plans {
		for _, m := range gp.Months {
			if m.Best == nil {
				return fmt.Errorf("gateway %q, %s: %s; move some of its client regions to another gateway or shorten horizon_months",
					gp.Name, monthLabel(m.Month), m.Reason)
			}
		}
	}
	return nil
}

func reportInputs(in Inputs, sels []capacity.Selection) report.Inputs {
	h := in.HistorySource
	h.Start, h.End = in.History.Start.UTC(), in.History.End.UTC()
	h.StepSeconds = int64(in.History.Step / time.Second)
	cat := in.CatalogName
	if cat == "" {
		cat = "embedded snapshot"
	}
	return report.Inputs{
		FleetFile: in.FleetName, SalesFile: in.SalesName, CatalogSource: cat,
		CapacitySource: in.profilesSource(), RabbitMQVersion: profileVersions(sels), History: h,
	}
}

// salesName names the sales rows in errors and assumptions.
func salesName(in Inputs) string {
	if in.SalesName == "" {
		return "sales"
	}
	return in.SalesName
}

// historyName names the history in errors, e.g. `snapshot "demo.json"`.
func historyName(h report.HistorySource) string {
	if h.Kind == "" && h.Location == "" {
		return "history"
	}
	return fmt.Sprintf("history from %s %q", h.Kind, h.Location)
}

func gatewayNames(gws []fleet.Cluster) []string {
	out := make([]string, len(gws))
	for i, g := range gws {
		out[i] = g.Name
	}
	return out
}
