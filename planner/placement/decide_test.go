package placement

import (
	"reflect"
	"testing"
)

// One region, A: 100 devices (96 in the field), 150 ms from its gateway
// in "home"; the existing gateway "near" is 60 ms from it, a new site
// "new" 20 ms. At $0.5 per ms-device, in ms-devices: re-pointing 96 x
// $2.5 over 24 months = $10 a month = 20; near grows by $500 = 1,000; a
// new gateway costs $3,000 = 6,000. Stay 15,000; reassign to near 6,000 +
// 20 + 1,000 = 7,020; new 2,000 + 20 + 6,000 = 8,020; both open, A takes
// new: 8,020. The reassignment wins, though the new gateway alone would
// pay too (gain $6,500 against $3,010).
func TestPlaceReassignsRatherThanOpens(t *testing.T) {
	rtt := table{
		{"A", "home"}: 150, {"A", "near"}: 60, {"A", "new"}: 20,
		{"B", "near"}: 30, // within the target: not a candidate
	}
	var grown []float64
	res, err := Place(Problem{
		Regions: []ClientRegion{
			{Name: "A", Devices: 100, InField: 96, ServedBy: "gw-home"},
			{Name: "B", Devices: 5000, InField: 5000, ServedBy: "gw-near"},
		},
		Sites:    []string{"home", "near", "new"},
		Existing: []Gateway{{Name: "gw-home", AWSRegion: "home"}, {Name: "gw-near", AWSRegion: "near"}},
		RTT:      rtt.rtt, TargetMillis: 100,
		Cost: func(site string, _ float64) (float64, bool) {
			if site != "new" {
				t.Errorf("an existing gateway's region %s priced as a new site", site)
			}
			return 3000, true
		},
		Growth: func(gw string, devices float64) (float64, bool) {
			if gw == "gw-near" {
				grown = append(grown, devices)
			}
			return 500, true
		},
		USDPerMsDevice: 0.5, RepointUSDPerDevice: 2.5, AmortiseMonths: 24,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{
		Candidates: []string{"A"},
		Decisions: []Decision{{
			Region: "A", Outcome: Reassigned, From: "gw-home", To: "gw-near", Devices: 100, InField: 96,
			BeforeMillis: 150, AfterMillis: 60, RepointUSD: 240,
			BestNew: &Alternative{AWSRegion: "new", Millis: 20, GatewayUSD: 3000, RepointUSD: 10, GainUSD: 6500},
		}},
		Reassignments: []Reassignment{{
			Gateway: "gw-near", AWSRegion: "near", Devices: 100, BeforeMillis: 150, AfterMillis: 60,
			MonthlyCost: 500, RepointUSD: 240,
			Regions: []Move{{Region: "A", Devices: 100, BeforeMillis: 150, AfterMillis: 60}},
		}},
		Before: 15000, After: 6000,
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got  %+v\nwant %+v", res, want)
	}
	for _, d := range grown {
		if d != 100 {
			t.Errorf("gw-near grown for %v devices, want A's 100", d)
		}
	}
}

// A high re-pointing cost keeps A where it is: 100 devices, all in the
// field, 150 ms today, 20 ms from a new site costing $1,000 a month. At
// $0.5 per ms-device the gain is 100 x 130 x 0.5 = $6,500 a month. Free
// re-pointing opens the site (2,000 + 2,000 < 15,000 ms-devices); at
// $1,500 a device over 24 months, $6,250 a month, it costs $7,250 against
// $6,500: no new gateway, and the decision says by how much. The existing
// gw-mid, 90 ms from A and growing $100 for it, never pays: 9,000 + 200
// (+ 12,500 re-pointing) against 4,000 for the new site, or 15,000 for
// staying.
func TestPlaceRepointingKeepsRegion(t *testing.T) {
	rtt := table{{"A", "home"}: 150, {"A", "new"}: 20, {"A", "mid"}: 90}
	p := Problem{
		Regions:  []ClientRegion{{Name: "A", Devices: 100, InField: 100, ServedBy: "gw-home"}},
		Sites:    []string{"new"},
		Existing: []Gateway{{Name: "gw-home", AWSRegion: "home"}, {Name: "gw-mid", AWSRegion: "mid"}},
		RTT:      rtt.rtt, TargetMillis: 100,
		Cost:           func(string, float64) (float64, bool) { return 1000, true },
		Growth:         func(string, float64) (float64, bool) { return 100, true },
		USDPerMsDevice: 0.5, AmortiseMonths: 24,
	}
	free, err := Place(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(free.Proposals) != 1 || free.Decisions[0].Outcome != NewGateway || free.Decisions[0].To != "new" {
		t.Errorf("free re-pointing: %+v, want A moved to a new gateway in new", free)
	}

	p.RepointUSDPerDevice = 1500
	res, err := Place(p)
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{
		Candidates: []string{"A"},
		Decisions: []Decision{{
			Region: "A", Outcome: Stays, From: "gw-home", Devices: 100, InField: 100, BeforeMillis: 150, AfterMillis: 150,
			BestNew:      &Alternative{AWSRegion: "new", Millis: 20, GatewayUSD: 1000, RepointUSD: 6250, GainUSD: 6500},
			BestExisting: &Alternative{Gateway: "gw-mid", AWSRegion: "mid", Millis: 90, GatewayUSD: 100, RepointUSD: 6250, GainUSD: 3000},
		}},
		Before: 15000, After: 15000,
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got  %+v\nwant %+v", res, want)
	}

	// Spread over twice the months, re-pointing costs $3,125 a month and
	// the site pays again: 2,000 + 6,250 + 2,000 < 15,000.
	p.AmortiseMonths = 48
	if res, _ := Place(p); len(res.Proposals) != 1 || res.Proposals[0].RepointUSD != 150000 {
		t.Errorf("over 48 months: %+v, want the new site, re-pointing $150,000 once", res.Proposals)
	}
}

// Four regions above the target, two existing gateways (us, eu), three
// new sites. At $1 per ms-device, $1,000 a new site, re-pointing $2 a
// device over 20 months and an existing gateway growing $4 a device:
//
//	          us   eu   sa  seoul tokyo  devices  in field  today
//	brazil   120  185   10   270   260     200      150     gw-us
//	chile    120  200   10   260   250     100       50     gw-us
//	japan    150  200  260    30     5     100      100     gw-eu
//	korea    160  210  270     5    30     100      100     gw-eu
//
// Today 77,000 ms-devices. Greedy: seoul (40,520, tied with tokyo and
// earlier by name), then sa (8,540), then tokyo (7,040: japan and korea
// each 5 ms plus $10 a month re-pointing), then nothing improves; a
// reassignment of japan to gw-us (15,010 + growth 400) never beats a new
// site. Failover partners, device-weighted: sa's regions are 120 ms from
// gw-us, 190 from gw-eu; japan's and korea's are 30 ms from the other's
// new site, nearer than either existing gateway.
func TestPlaceOpensWithFailoverPartner(t *testing.T) {
	rtt := table{}
	for c, row := range map[string][5]float64{
		"brazil": {120, 185, 10, 270, 260}, "chile": {120, 200, 10, 260, 250},
		"japan": {150, 200, 260, 30, 5}, "korea": {160, 210, 270, 5, 30},
	} {
		for j, site := range []string{"us", "eu", "sa", "seoul", "tokyo"} {
			rtt[[2]string{c, site}] = row[j]
		}
	}
	rtt[[2]string{"uk", "eu"}] = 15
	res, err := Place(Problem{
		Regions: []ClientRegion{
			{Name: "brazil", Devices: 200, InField: 150, ServedBy: "gw-us"},
			{Name: "uk", Devices: 500, InField: 500, ServedBy: "gw-eu"},
			{Name: "chile", Devices: 100, InField: 50, ServedBy: "gw-us"},
			{Name: "japan", Devices: 100, InField: 100, ServedBy: "gw-eu"},
			{Name: "korea", Devices: 100, InField: 100, ServedBy: "gw-eu"},
		},
		Sites:    []string{"us", "eu", "tokyo", "seoul", "sa"},
		Existing: []Gateway{{Name: "gw-us", AWSRegion: "us"}, {Name: "gw-eu", AWSRegion: "eu"}},
		RTT:      rtt.rtt, TargetMillis: 100,
		Cost:           func(string, float64) (float64, bool) { return 1000, true },
		Growth:         func(_ string, devices float64) (float64, bool) { return 4 * devices, true },
		USDPerMsDevice: 1, RepointUSDPerDevice: 2, AmortiseMonths: 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{
		Candidates: []string{"brazil", "chile", "japan", "korea"},
		Decisions: []Decision{
			{Region: "brazil", Outcome: NewGateway, From: "gw-us", To: "sa", Devices: 200, InField: 150, BeforeMillis: 120, AfterMillis: 10, RepointUSD: 300},
			{Region: "chile", Outcome: NewGateway, From: "gw-us", To: "sa", Devices: 100, InField: 50, BeforeMillis: 120, AfterMillis: 10, RepointUSD: 100},
			{Region: "japan", Outcome: NewGateway, From: "gw-eu", To: "tokyo", Devices: 100, InField: 100, BeforeMillis: 200, AfterMillis: 5, RepointUSD: 200},
			{Region: "korea", Outcome: NewGateway, From: "gw-eu", To: "seoul", Devices: 100, InField: 100, BeforeMillis: 210, AfterMillis: 5, RepointUSD: 200},
		},
		Proposals: []Proposal{
			{AWSRegion: "sa", Devices: 300, BeforeMillis: 120, AfterMillis: 10, MonthlyCost: 1000, RepointUSD: 400,
				Regions: []Move{
					{Region: "brazil", Devices: 200, BeforeMillis: 120, AfterMillis: 10},
					{Region: "chile", Devices: 100, BeforeMillis: 120, AfterMillis: 10},
				},
				FailoverTo: &Failover{Gateway: "gw-us", Millis: 120}},
			{AWSRegion: "seoul", Devices: 100, BeforeMillis: 210, AfterMillis: 5, MonthlyCost: 1000, RepointUSD: 200,
				Regions:    []Move{{Region: "korea", Devices: 100, BeforeMillis: 210, AfterMillis: 5}},
				FailoverTo: &Failover{Gateway: "tokyo", New: true, Millis: 30}},
			{AWSRegion: "tokyo", Devices: 100, BeforeMillis: 200, AfterMillis: 5, MonthlyCost: 1000, RepointUSD: 200,
				Regions:    []Move{{Region: "japan", Devices: 100, BeforeMillis: 200, AfterMillis: 5}},
				FailoverTo: &Failover{Gateway: "seoul", New: true, Millis: 30}},
		},
		Before: 77000, After: 4000,
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("got  %+v\nwant %+v", res, want)
	}
}
