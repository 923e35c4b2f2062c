package plan

import (
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// Four gateways g01..g04 on a flat fixture: r02 and r04 are 175 ms from
// their own gateways (g02 in ap-southeast-2, g04 in eu-central-1). r04 is
// 10 ms from ap-southeast-1, where no gateway runs, and 25 ms from g03
// (ap-south-1). r02 is made 20 ms from ap-northeast-1 and is 25 ms from g01
// (af-south-1): a new gateway would save it 5 ms more than g01 does, about
// $123 a month for its 24,520 devices, less than the new gateway's $272
// costs beyond the $90 g01 grows by (sizing's figures at the horizon's end).
// So r02 is reassigned to g01, r04 gets a new gateway failing over to g03,
// and g03's failover check counts the new gateway's clients.
func TestPlacementReassignsAndOpens(t *testing.T) {
	fx := fixture{gateways: 4, days: 120, end: nov2026, horizon: 12, flat: true,
		rtt: map[[2]string]int{{"r02", "ap-northeast-1"}: 20}}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Placement
	if len(got.Regions) != 2 {
		t.Fatalf("placement regions %+v, want r02 and r04", got.Regions)
	}
	r02, r04 := got.Regions[0], got.Regions[1]
	if r02.ClientRegion != "r02" || r02.Outcome != report.PlacementReassigned || r02.From != "g02" || r02.To != "g01" ||
		r02.RTTBeforeMillis != 175 || r02.RTTAfterMillis != 25 || r02.Devices != 24520 || r02.DevicesInField != 22100 {
		t.Errorf("r02: %+v, want reassigned from g02 to g01, 175 -> 25 ms, 24,520 devices, 22,100 in the field", r02)
	}
	if r04.ClientRegion != "r04" || r04.Outcome != report.PlacementNewGateway || r04.To != "gateway-ap-southeast-1" ||
		r04.RTTAfterMillis != 10 {
		t.Errorf("r04: %+v, want moved to the new gateway-ap-southeast-1 at 10 ms", r04)
	}
	want := "Open gateway-ap-southeast-1 in ap-southeast-1 for r04 (10 ms instead of 175), $263 a month at the horizon's " +
		"end, failing over to g03 (25 ms). Reassign r02 to g01 (25 ms instead of 175): it grows by $90 a month at the " +
		"horizon's end, and re-pointing costs $0 once."
	if got.Decision != want {
		t.Errorf("decision\n%s\nwant\n%s", got.Decision, want)
	}
	if len(p.NewGateways) != 1 || p.NewGateways[0].FailoverTo != "g03" || p.NewGateways[0].FailoverRTTMillis != 25 {
		t.Fatalf("new gateways %+v, want gateway-ap-southeast-1 failing over to g03", p.NewGateways)
	}
	g03 := p.Gateways[2]
	if nb := g03.Storm.NeighbourFailover; nb == nil || nb.Neighbour != "gateway-ap-southeast-1" ||
		nb.DroppedConnections != p.NewGateways[0].Months[0].UpperForecast {
		t.Errorf("g03's failover case %+v, want the new gateway's %v connections", nb, p.NewGateways[0].Months[0].UpperForecast)
	}
}

// Re-pointing at $100 a device, spread over the 12 months, costs more than
// either new gateway gains: no new gateway, both regions stay, and the
// report says what opening each would cost against what it would gain.
func TestPlacementNoNewGateway(t *testing.T) {
	fx := fixture{gateways: 4, days: 120, end: nov2026, horizon: 12, flat: true, repoint: 100}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.NewGateways) != 0 {
		t.Errorf("new gateways %+v, want none", p.NewGateways)
	}
	// r02: 22,100 devices in the field x $100 / 12 = $184,167 a month;
	// 24,520 devices x 165 ms x $0.001 = $4,046 a month.
	want := "No new gateway: opening gateway-ap-northeast-1 for r02 would cost $184,438 a month (re-pointing $184,167 of " +
		"it) against a latency gain worth $4,046 a month; opening gateway-ap-southeast-1 for r04 would cost $202,763 a " +
		"month (re-pointing $202,500 of it) against a latency gain worth $4,481 a month."
	if p.Placement.Decision != want {
		t.Errorf("decision\n%s\nwant\n%s", p.Placement.Decision, want)
	}
	for _, r := range p.Placement.Regions {
		if r.Outcome != report.PlacementStays || r.To != "" || r.RepointUSD != 0 {
			t.Errorf("%+v, want it to stay", r)
		}
	}
	// r02 is 25 ms from g01, which would grow by $90 a month for it.
	if why := p.Placement.Regions[0].Why; why != "stays on g02 (175 ms): opening gateway-ap-northeast-1 (10 ms) for r02 "+
		"would cost $184,438 a month (the gateway $272 at the horizon's end, re-pointing 22,100 devices $184,167 a month "+
		"over 12 months) against a latency gain worth $4,046 a month; reassigning it to g01 (25 ms) would cost $184,256 a "+
		"month (g01 growing $90, re-pointing $184,167 a month over 12 months) against a latency gain worth $3,678 a month" {
		t.Errorf("r02's why: %s", why)
	}
	if p.Placement.RepointUSDPerDevice != 100 || p.Placement.AmortiseMonths != 12 {
		t.Errorf("placement prices %+v", p.Placement)
	}
}

// The demo: brazil, a new market routed to no gateway and 120 ms from
// gateway-us, the nearest, gets gateway-sa-east-1 (10 ms) failing over to
// gateway-us. Re-pointing prices change nothing there: brazil has no
// device in the field yet (its sales start in 2026-12), so at $10 a
// device it still opens, re-pointing nothing.
func TestDemoPlacement(t *testing.T) {
	in := demoInputs(t)
	for _, price := range []float64{0, 10} {
		in.Fleet.Targets.RepointUSDPerDevice = price
		p, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.NewGateways) != 1 || p.NewGateways[0].Name != "gateway-sa-east-1" || p.NewGateways[0].FailoverTo != "gateway-us" ||
			p.NewGateways[0].RepointUSD != 0 {
			t.Fatalf("$%g a device: new gateways %+v, want gateway-sa-east-1 failing over to gateway-us, nothing re-pointed", price, p.NewGateways)
		}
		if !strings.HasPrefix(p.Placement.Decision, "Open gateway-sa-east-1 in sa-east-1 for brazil (10 ms instead of 120)") {
			t.Errorf("$%g a device: decision %q", price, p.Placement.Decision)
		}
		if r := p.Placement.Regions; len(r) != 1 || r[0].Outcome != report.PlacementNewGateway || r[0].DevicesInField != 0 {
			t.Errorf("$%g a device: regions %+v, want brazil to the new gateway with no device in the field", price, r)
		}
	}
}
