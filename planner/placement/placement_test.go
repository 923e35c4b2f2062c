package placement

import (
	"math"
	"reflect"
	"testing"
)

// table is a round-trip table for tests; a missing pair is unknown.
type table map[[2]string]float64

func (t table) rtt(client, aws string) (float64, bool) {
	v, ok := t[[2]string{client, aws}]
	return v, ok
}

// Three client regions of 100 devices each, all 300 ms from their gateway
// in "home"; three sites:
//
//	      X    M    Z
//	A    10   70  300
//	B    60   40   60
//	C   300   40   10
//
// Each new gateway costs $2,250 a month, at $0.5 per ms-device 4,500
// ms-devices. In hundreds of ms-devices the objective is latency + 45 a
// site: none 900; {M} 150+45 = 195; {X} or {Z} 370+45 = 415; {M,X}
// 90+90 = 180; {M,Z} 120+90 = 210; {X,Z} 80+90 = 170; {M,X,Z} 60+135 = 195.
// Greedy opens M, then X (180), and stops (adding Z gives 195); the swap
// M→Z reaches the optimum {X,Z} = 170. B is 60 ms from both X and Z and
// goes to X, the earlier name.
func TestPlaceGreedyThenSwap(t *testing.T) {
	rtt := table{}
	for c, row := range map[string][3]float64{"A": {10, 70, 300}, "B": {60, 40, 60}, "C": {300, 40, 10}} {
		for j, site := range []string{"X", "M", "Z"} {
			rtt[[2]string{c, site}] = row[j]
		}
		rtt[[2]string{c, "home"}] = 300
	}
	var sites []string
	p := Problem{
		Regions: []ClientRegion{
			{Name: "A", Devices: 100, ServedBy: "home"},
			{Name: "B", Devices: 100, ServedBy: "home"},
			{Name: "C", Devices: 100, ServedBy: "home"},
		},
		Sites: []string{"Z", "M", "X", "home"}, Existing: []Gateway{{Name: "home", AWSRegion: "home"}},
		RTT: rtt.rtt, TargetMillis: 100,
		Cost: func(site string, _ float64) (float64, bool) {
			sites = append(sites, site)
			return 2250, true
		},
		USDPerMsDevice: 0.5,
	}
	res, err := Place(p)
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{
		Candidates: []string{"A", "B", "C"},
		Proposals: []Proposal{
			{AWSRegion: "X", Devices: 200, BeforeMillis: 300, AfterMillis: 35, MonthlyCost: 2250, Regions: []Move{
				{Region: "A", Devices: 100, BeforeMillis: 300, AfterMillis: 10},
				{Region: "B", Devices: 100, BeforeMillis: 300, AfterMillis: 60},
			}, FailoverTo: &Failover{Gateway: "Z", New: true, Millis: 180}}, // home 300
			{AWSRegion: "Z", Devices: 100, BeforeMillis: 300, AfterMillis: 10, MonthlyCost: 2250, Regions: []Move{
				{Region: "C", Devices: 100, BeforeMillis: 300, AfterMillis: 10},
			}, FailoverTo: &Failover{Gateway: "home", Millis: 300}}, // X 300 too: the existing one first
		},
		Decisions: []Decision{
			{Region: "A", Outcome: NewGateway, From: "home", To: "X", Devices: 100, BeforeMillis: 300, AfterMillis: 10},
			{Region: "B", Outcome: NewGateway, From: "home", To: "X", Devices: 100, BeforeMillis: 300, AfterMillis: 60},
			{Region: "C", Outcome: NewGateway, From: "home", To: "Z", Devices: 100, BeforeMillis: 300, AfterMillis: 10},
		},
		Before: 90000, After: 8000,
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got  %+v\nwant %+v", res, want)
	}
	for _, site := range sites {
		if site == "home" {
			t.Fatal("an existing gateway's region was costed as a new site")
		}
	}
	again, _ := Place(p)
	if !reflect.DeepEqual(again, res) {
		t.Error("a second run differs")
	}
}

// The cost term decides how many gateways pay for themselves: two client
// regions, 200 ms today; X is near A, Y near B. In ms-devices: {X}
// 2000+7500 = 9500, {Y} 12000+1500 = 13500, {X,Y} 3500, plus cost a site.
func TestPlaceCostTerm(t *testing.T) {
	rtt := table{
		{"A", "home"}: 200, {"B", "home"}: 200,
		{"A", "X"}: 20, {"B", "X"}: 150,
		{"A", "Y"}: 120, {"B", "Y"}: 30,
	}
	p := func(usd float64) Problem {
		return Problem{
			Regions: []ClientRegion{{Name: "A", Devices: 100, ServedBy: "home"}, {Name: "B", Devices: 50, ServedBy: "home"}},
			Sites:   []string{"X", "Y"}, Existing: []Gateway{{Name: "home", AWSRegion: "home"}}, RTT: rtt.rtt, TargetMillis: 100,
			Cost:           func(string, float64) (float64, bool) { return usd, true },
			USDPerMsDevice: 1,
		}
	}
	for _, tc := range []struct {
		usd  float64
		want []string
	}{
		{1000, []string{"X", "Y"}}, // {X,Y} 5500 < {X} 10500
		{5000, []string{"X", "Y"}}, // 13500 < 14500
		{7000, []string{"X"}},      // 17500 > 16500
		{25000, nil},               // {X} 34500 > 30000 today
	} {
		res, err := Place(p(tc.usd))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, pr := range res.Proposals {
			got = append(got, pr.AWSRegion)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("$%v a site: proposals %v, want %v", tc.usd, got, tc.want)
		}
		if res.Before != 30000 {
			t.Errorf("before %v, want 30000", res.Before)
		}
	}
	// Without a cost term every site that lowers latency opens.
	free := p(0)
	free.Cost = nil
	res, _ := Place(free)
	if len(res.Proposals) != 2 || res.After != 3500 || res.Proposals[0].MonthlyCost != 0 {
		t.Errorf("free: %+v", res)
	}
}

// Every region within the target: no candidate, nothing proposed, and the
// cost function is never called.
func TestPlaceNothingToDo(t *testing.T) {
	rtt := table{{"A", "home"}: 40, {"B", "home"}: 100, {"A", "X"}: 5, {"B", "X"}: 5}
	res, err := Place(Problem{
		Regions: []ClientRegion{{Name: "A", Devices: 1000, ServedBy: "home"}, {Name: "B", Devices: 10, ServedBy: "home"}},
		Sites:   []string{"X"}, Existing: []Gateway{{Name: "home", AWSRegion: "home"}}, RTT: rtt.rtt, TargetMillis: 100,
		Cost: func(string, float64) (float64, bool) {
			t.Error("cost asked with no candidate")
			return 0, true
		},
		USDPerMsDevice: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 0 || len(res.Proposals) != 0 || res.Before != 0 || res.After != 0 {
		t.Errorf("got %+v, want nothing", res)
	}
}

// A site that cannot be built for its demand, or whose round trip to a
// region is unknown, is not used for it; a site no better than today is
// not proposed.
func TestPlaceUnbuildableAndUnknown(t *testing.T) {
	rtt := table{
		{"A", "home"}: 250, {"B", "home"}: 250,
		{"A", "near"}: 20, {"B", "near"}: 20,
		{"A", "ok"}:    90, // B has no figure for "ok"
		{"A", "worse"}: 300, {"B", "worse"}: 260,
	}
	res, err := Place(Problem{
		Regions: []ClientRegion{{Name: "A", Devices: 10, ServedBy: "home"}, {Name: "B", Devices: 10, ServedBy: "home"}},
		Sites:   []string{"near", "ok", "worse"}, Existing: []Gateway{{Name: "home", AWSRegion: "home"}}, RTT: rtt.rtt, TargetMillis: 100,
		Cost: func(site string, _ float64) (float64, bool) {
			return 1, site != "near" // nothing is offered in "near"
		},
		USDPerMsDevice: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Proposal{{AWSRegion: "ok", Devices: 10, BeforeMillis: 250, AfterMillis: 90, MonthlyCost: 1,
		Regions:    []Move{{Region: "A", Devices: 10, BeforeMillis: 250, AfterMillis: 90}},
		FailoverTo: &Failover{Gateway: "home", Millis: 250}}}
	if !reflect.DeepEqual(res.Proposals, want) || res.After != 900+2500 {
		t.Errorf("got %+v after %v\nwant %+v", res.Proposals, res.After, want)
	}
}

func TestPlaceErrors(t *testing.T) {
	rtt := table{{"A", "home"}: 50}
	base := func() Problem {
		return Problem{
			Regions:  []ClientRegion{{Name: "A", Devices: 1, ServedBy: "home"}},
			Existing: []Gateway{{Name: "home", AWSRegion: "home"}}, RTT: rtt.rtt, TargetMillis: 100,
		}
	}
	for _, tc := range []struct {
		edit func(*Problem)
		want string
	}{
		{func(p *Problem) { p.RTT = nil }, "placement: no round-trip table"},
		{func(p *Problem) { p.TargetMillis = 0 }, "placement: latency target 0 ms must be positive and finite"},
		{func(p *Problem) { p.TargetMillis = math.Inf(1) }, "placement: latency target +Inf ms must be positive and finite"},
		{func(p *Problem) {
			p.Cost = func(string, float64) (float64, bool) { return 0, true }
		}, "placement: USD per ms-device 0 must be positive and finite"},
		{func(p *Problem) { p.RepointUSDPerDevice = 1 }, "placement: re-pointing is spread over 0 months, want at least 1"},
		{func(p *Problem) { p.RepointUSDPerDevice = math.NaN() }, "placement: re-pointing $NaN per device must be finite and not negative"},
		{func(p *Problem) {
			p.RepointUSDPerDevice, p.AmortiseMonths = 1, 24
		}, "placement: USD per ms-device 0 must be positive and finite"},
		{func(p *Problem) { p.Regions[0].Devices = -1 }, `placement: client region "A": devices -1 and 0 in the field must be finite and not negative`},
		{func(p *Problem) { p.Regions[0].InField = math.Inf(1) }, `placement: client region "A": devices 1 and +Inf in the field must be finite and not negative`},
		{func(p *Problem) { p.Regions[0].ServedBy = "gone" }, `placement: client region "A" is served by "gone", not an existing gateway`},
		{func(p *Problem) { p.Existing = append(p.Existing, p.Existing[0]) }, `placement: gateway "home" appears twice`},
		{func(p *Problem) { p.Regions = append(p.Regions, p.Regions[0]) }, `placement: client region "A" appears twice`},
		{func(p *Problem) { p.Existing[0].AWSRegion = "moon" }, `placement: no round trip from client region "A" to moon, where its gateway runs`},
	} {
		p := base()
		tc.edit(&p)
		if res, err := Place(p); err == nil || err.Error() != tc.want || res != nil {
			t.Errorf("got %v, %v\nwant %s", res, err, tc.want)
		}
	}
	if _, err := Place(base()); err != nil {
		t.Errorf("valid problem: %v", err)
	}
}
