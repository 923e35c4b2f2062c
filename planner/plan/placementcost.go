package plan

import (
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/placement"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// costFunc prices a new gateway for placement: the cheapest deployment
// sizing finds for its devices at the horizon's end, with like's capacity
// profile and limits (nil: the request's). Placement asks the same
// question many times, so answers are kept.
func (np newGatewayPlan) costFunc(req sizing.Request, end time.Time, like *capacity.Choice) placement.Cost {
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
		if like != nil {
			r.Gateways[0].Profile, r.Gateways[0].Limits = &like.Profile, &like.Limits
		}
		c := math.NaN()
		if plans, err := sizing.Plan(r); err == nil && plans[0].Months[0].Best != nil {
			c = plans[0].Months[0].Best.MonthlyCost
		}
		seen[k] = c
		return c, !math.IsNaN(c)
	}
}

// growthFunc prices a reassignment for placement: how much the cheapest
// deployment for an existing gateway's upper forecast at the horizon's end
// grows when it also carries devices more, at the fleet's connections per
// device, with the gateway's own profile, limits and load. Like costFunc it
// leaves failover out, and the gateway a region leaves is not credited
// with what it frees: it stays sized for what the fleet file routes to it.
func (np newGatewayPlan) growthFunc(req sizing.Request, end time.Time) placement.Growth {
	type key struct {
		gateway string
		devices float64
	}
	seen := map[key]float64{}
	cheapest := func(g sizing.Gateway, upper float64) float64 {
		r := req
		r.Months = []time.Time{end}
		r.Gateways = []sizing.Gateway{{Name: g.Name, AWSRegion: g.AWSRegion, Upper: []float64{upper}, Load: g.Load, Profile: g.Profile, Limits: g.Limits}}
		if plans, err := sizing.Plan(r); err == nil && plans[0].Months[0].Best != nil {
			return plans[0].Months[0].Best.MonthlyCost
		}
		return math.NaN()
	}
	return func(name string, devices float64) (float64, bool) {
		k := key{name, devices}
		if c, ok := seen[k]; ok {
			return c, !math.IsNaN(c)
		}
		c := math.NaN()
		for _, g := range req.Gateways {
			if g.Name == name && len(g.Upper) > 0 {
				own := g.Upper[len(g.Upper)-1]
				c = math.Max(cheapest(g, own+devices*np.perDevice)-cheapest(g, own), 0)
			}
		}
		seen[k] = c
		return c, !math.IsNaN(c)
	}
}
