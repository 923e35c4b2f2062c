package plan

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// adoption is a client region the fleet file routes to no gateway, sized
// with the existing gateway it has the lowest round trip to. Its devices
// are added to that gateway's forecast months, never to the months the
// gateway's devices line is fitted on: the gateway's history holds none
// of the region's connections, so fitting the region's sales against it
// would bend the line.
type adoption struct {
	region  string
	gateway fleet.Cluster
	millis  float64
	// perDevice turns the region's devices into connections: the
	// gateway's slope when its line forecasts (fromLine), else the mean
	// slope of the fleet's lines.
	perDevice float64
	fromLine  bool
}

// adopt finds the nearest gateway of every unserved client region: the
// lowest round trip, the earlier in the fleet file on a tie.
func adopt(in Inputs) ([]adoption, error) {
	var out []adoption
	for _, r := range in.Fleet.Unserved() {
		a := adoption{region: r, millis: math.Inf(1)}
		for _, g := range in.Fleet.Gateways() {
			if ms, ok := in.Latency.Millis(r, g.AWSRegion); ok && ms < a.millis {
				a.gateway, a.millis = g, ms
			}
		}
		if a.gateway.Name == "" {
			return nil, fmt.Errorf("%s: no round trip from client region %q to the AWS region of any gateway: %s routes it to "+
				"no gateway, and the nearest one is to carry it", latencyName(in), r, in.FleetName)
		}
		out = append(out, a)
	}
	return out, nil
}

// adoptedBy groups adoptions by gateway name.
func adoptedBy(as []adoption) map[string][]adoption {
	out := map[string][]adoption{}
	for _, a := range as {
		out[a.gateway.Name] = append(out[a.gateway.Name], a)
	}
	return out
}

// regions are the adopted regions' names.
func regionsOf(as []adoption) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.region
	}
	return out
}

// sizeAdopted sets each adopted region's connections per device. A
// gateway forecast by its line has the region's devices in its future
// already (fitDemand), at its own slope. One forecast from its history
// alone has no figure per device: the region's devices are converted at
// the mean slope of the fleet's lines and added to its forecast, each
// sales scenario to the bounds on its side (as if the errors moved
// together: the wider band). Without any line there is nothing to convert
// with, and that is an error rather than a guess.
func sizeAdopted(demands []*gatewayDemand, book *salesBook, months []time.Time, fleetName string) error {
	var slopes []float64
	for _, d := range demands {
		if d.line != nil {
			slopes = append(slopes, d.line.B)
		}
	}
	known := months[0].AddDate(0, -1, 0)
	for _, d := range demands {
		for k := range d.adopted {
			a := &d.adopted[k]
			if d.line != nil {
				a.perDevice, a.fromLine = d.line.B, true
				continue
			}
			if len(slopes) == 0 {
				return fmt.Errorf("%s: client region %q is routed to no gateway, and no gateway's devices line is usable to turn "+
					"its devices into connections (%s, the nearest, is forecast from its history alone); list it under a gateway's serves",
					fleetName, a.region, d.cluster.Name)
			}
			a.perDevice = mean(slopes)
			for i, m := range months {
				s, _ := book.scenario([]string{a.region}, known, m, false)
				p := &d.preds[i]
				p.Point += a.perDevice * s.Base
				p.Lo80, p.Lo95 = p.Lo80+a.perDevice*s.Low, p.Lo95+a.perDevice*s.Low
				p.Hi80, p.Hi95 = p.Hi80+a.perDevice*s.High, p.Hi95+a.perDevice*s.High
			}
		}
	}
	return nil
}

// servingGateway is the gateway that carries region in the plan: the one
// whose serves lists it, else the one that adopted it.
func servingGateway(demands []*gatewayDemand, region string) (fleet.Cluster, bool) {
	for _, d := range demands {
		if slices.Contains(d.cluster.Serves, region) || slices.Contains(regionsOf(d.adopted), region) {
			return d.cluster, true
		}
	}
	return fleet.Cluster{}, false
}

// reportAdopted is the gateway's adopted regions as the report shows them.
func reportAdopted(as []adoption) []report.AdoptedRegion {
	var out []report.AdoptedRegion
	for _, a := range as {
		from := report.RatioFleet
		if a.fromLine {
			from = report.RatioGateway
		}
		out = append(out, report.AdoptedRegion{
			ClientRegion: a.region, RTTMillis: a.millis, ConnectionsPerDevice: a.perDevice, RatioFrom: from,
		})
	}
	return out
}

// adoptionText states why each adopted region is where it is.
func adoptionText(demands []*gatewayDemand, fleetName string) []string {
	var out []string
	for _, d := range demands {
		for _, a := range d.adopted {
			ratio := d.cluster.Name + "'s own, the slope of its devices line"
			if !a.fromLine {
				ratio = "the mean slope of the fleet's devices lines, " + d.cluster.Name + " being forecast from its history alone"
			}
			out = append(out, fmt.Sprintf("%s is routed to no gateway in %s: it is sized with %s, the gateway with the lowest "+
				"round trip from it (%g ms). Its devices (those of the sales file; none installed before it) are added to %s's "+
				"forecast months at %.3f connections per device, %s, and not to the months its line is fitted on; placement "+
				"judges a new gateway for it like any other client region.",
				a.region, fleetName, d.cluster.Name, a.millis, d.cluster.Name, a.perDevice, ratio))
		}
	}
	return out
}

func mean(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}
