package plan

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/placement"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// newGatewayPlan is the placement's outcome.
type newGatewayPlan struct {
	gateways []report.NewGateway
	// perDevice is the fleet's upper-forecast connections per device a new
	// gateway is sized with; load its per-connection load.
	perDevice float64
	load      capacity.PerConnection
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

// placeNewGateways proposes new gateways for the client regions served
// above the latency target, judged on the devices at the horizon's end,
// and sizes each for every month of the horizon. req is the existing
// gateways' sizing request, for its targets, catalog and profile.
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

	prob := placement.Problem{
		Sites:          in.Latency.AWSRegions(),
		RTT:            in.Latency.Millis,
		TargetMillis:   f.Targets.LatencyTargetMillis,
		USDPerMsDevice: USDPerMsDevice,
		Cost:           np.costFunc(req, end),
	}
	for _, g := range f.Gateways() {
		prob.Existing = append(prob.Existing, g.AWSRegion)
	}
	for _, r := range f.ClientRegionNames() { // an unserved region from the gateway that adopted it
		g, _ := servingGateway(demands, r)
		prob.Regions = append(prob.Regions, placement.ClientRegion{Name: r, Devices: rd.at(r, end), ServedFrom: g.AWSRegion})
	}
	res, err := placement.Place(prob)
	if err != nil {
		return np, err
	}
	if len(res.Proposals) == 0 {
		return np, nil
	}

	sreq := req
	sreq.Gateways = nil
	taken := map[string]bool{}
	for _, c := range f.Clusters {
		taken[c.Name] = true
	}
	for _, p := range res.Proposals {
		ng := report.NewGateway{
			Name: newName(p.AWSRegion, taken), AWSRegion: p.AWSRegion, Devices: p.Devices,
			RTTBeforeMillis: p.BeforeMillis, RTTAfterMillis: p.AfterMillis,
		}
		g := sizing.Gateway{Name: ng.Name, AWSRegion: p.AWSRegion, Load: np.load}
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
		sreq.Gateways = append(sreq.Gateways, g)
	}
	plans, err := sizing.Plan(sreq)
	if err != nil {
		return np, err
	}
	if err := feasible(plans); err != nil {
		return np, err
	}
	for i := range np.gateways {
		gp, err := choosePath(plans[i], sizing.Deployment{}, in.Catalog, f.Targets)
		if err != nil {
			return np, err
		}
		np.gateways[i].Months = monthPlans(plans[i].Months, gp.months)
	}
	return np, nil
}

// costFunc prices a new gateway for placement: the cheapest deployment
// sizing finds for its devices at the horizon's end. Placement asks the
// same question many times, so answers are kept.
func (np newGatewayPlan) costFunc(req sizing.Request, end time.Time) placement.Cost {
	type key struct {
		region  string
		devices float64
	}
	seen := map[key]float64{}
	return func(region string, devices float64) (float64, bool) {
		k := key{region, devices}
		if c, ok := seen[k]; ok {
			return c, !math.IsNaN(c)
		}
		r := req
		r.Months = []time.Time{end}
		r.Gateways = []sizing.Gateway{{Name: "new", AWSRegion: region, Upper: []float64{devices * np.perDevice}, Load: np.load}}
		c := math.NaN()
		if plans, err := sizing.Plan(r); err == nil && plans[0].Months[0].Best != nil {
			c = plans[0].Months[0].Best.MonthlyCost
		}
		seen[k] = c
		return c, !math.IsNaN(c)
	}
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
