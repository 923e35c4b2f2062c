package plan

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/placement"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// newGatewayPlan is the placement's outcome.
type newGatewayPlan struct {
	gateways []report.NewGateway
	// sizing are the new gateways to size, in the order of gateways.
	sizing    []sizing.Gateway
	placement report.Placement
	// perDevice is the fleet's upper-forecast connections per device a new
	// gateway is sized with; load its per-connection load.
	perDevice float64
	load      capacity.PerConnection
	// plans and paths are each new gateway's sizing and path (size), for
	// the actions: its later steps are actions like an existing gateway's.
	plans []sizing.GatewayPlan
	paths []gatewayPath
}

// regionDevices estimates devices per client region in each month. Sales
// give what was sold since the sales file begins; the devices installed
// before it are only known per gateway, as its line's intercept over its
// slope, and are shared among its regions by their sales so far (equally
// when none sold). A region no gateway serves has no installed base: no
// gateway's history shows any of its devices.
type regionDevices struct {
	base map[string]float64
	book *salesBook
}

func newRegionDevices(demands []*gatewayDemand, book *salesBook, asOf time.Time) regionDevices {
	rd := regionDevices{base: map[string]float64{}, book: book}
	for _, d := range demands {
		var base float64
		if l := d.line; l != nil && l.A > 0 && l.B > 0 {
			base = l.A / l.B
		}
		sold := book.devices(d.cluster.Serves, monthStart(asOf))
		for _, r := range d.cluster.Serves {
			share := 1 / float64(len(d.cluster.Serves))
			if sold > 0 {
				share = book.cumulative(r, monthStart(asOf)) / sold
			}
			rd.base[r] = base * share
		}
	}
	return rd
}

func (rd regionDevices) at(region string, month time.Time) float64 {
	return rd.base[region] + rd.book.cumulative(region, month)
}

// placeNewGateways decides, for the client regions served above the
// latency target and judged on the devices at the horizon's end, whether
// each stays, is reassigned to a nearer existing gateway or moves to a
// new one, and makes each new gateway a sizing.Gateway for every month of
// the horizon, its failover partner named, for Build to size with the
// existing ones (so that the partner's failover check counts its clients).
// req is the existing gateways' sizing request, for its targets, catalog
// and profile.
func placeNewGateways(in Inputs, demands []*gatewayDemand, book *salesBook, months []time.Time, req sizing.Request, choices map[string]*capacity.Choice) (newGatewayPlan, error) {
	f := in.Fleet
	end := months[len(months)-1]
	rd := newRegionDevices(demands, book, in.History.End)
	np := newGatewayPlan{}
	var upper, devices float64
	for _, d := range demands {
		upper += d.upper[len(d.upper)-1]
		for _, r := range append(slices.Clone(d.cluster.Serves), regionsOf(d.adopted)...) {
			devices += rd.at(r, end)
		}
		np.load.OpensPerSecond = math.Max(np.load.OpensPerSecond, d.load.OpensPerSecond)
		np.load.MessagesPerSecond = math.Max(np.load.MessagesPerSecond, d.load.MessagesPerSecond)
	}
	if devices > 0 {
		np.perDevice = upper / devices
	}

	t := f.Targets
	// A new gateway is sized as the gateway its first client region leaves
	// (below); it is priced alike, with the capacity figures of the gateway
	// serving the first region above the target: one broker for the
	// fleet is the usual case, and the figures placement compares are
	// then the ones the report shows.
	var like *capacity.Choice
	for _, r := range f.ClientRegionNames() {
		g, _ := servingGateway(demands, r)
		if ms, ok := in.Latency.Millis(r, g.AWSRegion); ok && ms > t.LatencyTargetMillis {
			like = choices[g.Name]
			break
		}
	}
	prob := placement.Problem{
		Sites:               in.Latency.AWSRegions(),
		RTT:                 in.Latency.Millis,
		TargetMillis:        t.LatencyTargetMillis,
		USDPerMsDevice:      USDPerMsDevice,
		Cost:                np.costFunc(req, end, like),
		Growth:              np.growthFunc(req, end),
		RepointUSDPerDevice: t.RepointUSDPerDevice,
		AmortiseMonths:      len(months),
	}
	for _, g := range f.Gateways() {
		prob.Existing = append(prob.Existing, placement.Gateway{Name: g.Name, AWSRegion: g.AWSRegion})
	}
	today := monthStart(in.History.End)
	for _, r := range f.ClientRegionNames() { // an unserved region from the gateway that adopted it
		g, _ := servingGateway(demands, r)
		var inField float64
		if _, served := f.GatewayFor(r); served {
			inField = rd.at(r, today) // an unserved region's devices connect nowhere yet: nothing to re-point
		}
		prob.Regions = append(prob.Regions, placement.ClientRegion{Name: r, Devices: rd.at(r, end), InField: inField, ServedBy: g.Name})
	}
	res, err := placement.Place(prob)
	if err != nil {
		return np, err
	}

	taken := map[string]bool{}
	for _, c := range f.Clusters {
		taken[c.Name] = true
	}
	names := map[string]string{} // a proposal's AWS region to its name
	for _, p := range res.Proposals {
		names[p.AWSRegion] = newName(p.AWSRegion, taken)
	}
	for _, p := range res.Proposals {
		ng := report.NewGateway{
			Name: names[p.AWSRegion], AWSRegion: p.AWSRegion, Devices: p.Devices,
			RTTBeforeMillis: p.BeforeMillis, RTTAfterMillis: p.AfterMillis, RepointUSD: p.RepointUSD,
		}
		if fo := p.FailoverTo; fo != nil {
			ng.FailoverTo, ng.FailoverRTTMillis = fo.Gateway, fo.Millis
			if fo.New {
				ng.FailoverTo = names[fo.Gateway]
			}
		}
		g := sizing.Gateway{Name: ng.Name, AWSRegion: p.AWSRegion, Load: np.load, FailoverTo: ng.FailoverTo}
		for _, mv := range p.Regions {
			ng.ClientRegions = append(ng.ClientRegions, mv.Region)
		}
		// Sized as the gateway its first client region leaves: the same
		// broker, so the same capacity per connection and limits.
		if from, ok := servingGateway(demands, ng.ClientRegions[0]); ok && choices[from.Name] != nil {
			g.Profile, g.Limits = &choices[from.Name].Profile, &choices[from.Name].Limits
		}
		for _, m := range months {
			var dev float64
			for _, r := range ng.ClientRegions {
				dev += rd.at(r, m)
			}
			g.Upper = append(g.Upper, dev*np.perDevice)
		}
		np.gateways = append(np.gateways, ng)
		np.sizing = append(np.sizing, g)
	}
	np.placement = reportPlacement(res, names, taken, f)
	return np, nil
}

// size gives each new gateway its months from plans, sizing's plans of
// np.sizing in order, along the cheapest path.
func (np *newGatewayPlan) size(plans []sizing.GatewayPlan, cat *catalog.Catalog, t fleet.Targets) error {
	np.plans, np.paths = plans, make([]gatewayPath, len(np.gateways))
	for i := range np.gateways {
		gp, err := choosePath(plans[i], sizing.Deployment{}, cat, t)
		if err != nil {
			return err
		}
		np.gateways[i].Months = monthPlans(plans[i].Months, gp.months)
		np.paths[i] = gp
	}
	return nil
}

// newName is "gateway-<aws region>", made unique among the fleet's
// clusters and the other proposals.
func newName(awsRegion string, taken map[string]bool) string {
	name := "gateway-" + awsRegion
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("gateway-%s-%d", awsRegion, i)
	}
	taken[name] = true
	return name
}
