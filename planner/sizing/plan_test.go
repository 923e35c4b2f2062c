package sizing

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
)

// The test profile makes memory bind at 1024·(GiB − 1) connections per
// node: watermark 0.5, base 2²⁹ bytes, 2¹⁹ bytes per connection; CPU
// (2²⁰ connections per vCPU) and fds (2²⁰) never bind. Accepts: 100 per
// core per second.
func testProfile() capacity.Profile {
	return capacity.Profile{
		RabbitMQVersion: "test", MeasuredOn: "paper",
		MemoryBaseBytes: 1 << 29, MemoryPerConnectionBytes: 1 << 19, FDsPerConnection: 1,
		CPUSecondsPerOpen: 1e-3, CPUSecondsPerMessage: 1e-3, CPUSecondsPerConnectionIdle: 1.0 / (1 << 20),
		AcceptsPerSecondPerCore: 100, BytesPerMessage: 100,
	}
}

var testLimits = capacity.Limits{MemoryHighWatermark: 0.5, FDLimit: 1 << 20, CPUTarget: 1}

// small 1024 connections a node at $0.10/h, medium 2048 at $0.15/h, large
// 4096 (4 vCPU) at $0.40/h in "eu"; far is offered only in "us".
func testCatalog() *catalog.Catalog {
	return &catalog.Catalog{Source: "test", Types: []catalog.InstanceType{
		{Name: "small", VCPU: 2, MemoryGiB: 2, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.10}},
		{Name: "medium", VCPU: 2, MemoryGiB: 3, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.15}},
		{Name: "large", VCPU: 4, MemoryGiB: 5, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.40}},
		{Name: "far", VCPU: 64, MemoryGiB: 512, NetworkGbps: 1, PricePerHour: map[string]float64{"us": 0.01}},
	}}
}

func months(n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = time.Date(2025, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC)
	}
	return out
}

func request(maxSeconds float64, gws ...Gateway) Request {
	n := 0
	if len(gws) > 0 {
		n = len(gws[0].Upper)
	}
	return Request{
		Months: months(n), Gateways: gws,
		Targets: fleet.Targets{Headroom: 0.25, Redundancy: 1, MaxReconnectSeconds: maxSeconds},
		Catalog: testCatalog(), Profile: testProfile(), Limits: testLimits,
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

type want struct {
	typ                           string
	nodes                         int
	cost, capacity                float64
	limit                         string
	headroom, reconnect, failover float64
	from                          string
}

func checkBest(t *testing.T, what string, mp MonthPlan, w want) {
	t.Helper()
	b := mp.Best
	if b == nil {
		t.Fatalf("%s: no plan: %s", what, mp.Reason)
	}
	if b.InstanceType != w.typ || b.Nodes != w.nodes || !near(b.MonthlyCost, w.cost) || !near(b.Capacity, w.capacity) ||
		b.Limit != w.limit || !near(b.Headroom, w.headroom) || !near(b.ReconnectSeconds, w.reconnect) ||
		!near(b.FailoverSeconds, w.failover) || b.FailoverFrom != w.from || !b.OK {
		t.Errorf("%s:\n got %s x%d $%v cap %v (%s) headroom %v reconnect %v failover %v from %q ok %v\nwant %+v",
			what, b.InstanceType, b.Nodes, b.MonthlyCost, b.Capacity, b.Limit, b.Headroom, b.ReconnectSeconds,
			b.FailoverSeconds, b.FailoverFrom, b.OK, w)
	}
}

// 3,000 connections, headroom 0.25, N+1: small needs 5 nodes (4·1024 ≥
// 3750, $365), medium 3 (2·2048, $328.50), large 2 ($584). Medium x3 wins;
// its capacity is 2·2048/1.25 = 3276.8 (headroom binds), headroom
// 4096/3000 − 1, and losing a node drops 1000 clients onto 2 survivors of
// 2 vCPU at 100/s each: 2.5 s.
func TestPlanCheapest(t *testing.T) {
	plans, err := Plan(request(1000, Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{3000}}))
	if err != nil {
		t.Fatal(err)
	}
	checkBest(t, "gw-a", plans[0].Months[0], want{"medium", 3, 328.5, 3276.8, LimitHeadroom, 4096.0/3000 - 1, 2.5, 0, ""})
	b := plans[0].Months[0].Best
	if b.Node.Binding != capacity.Memory || b.Node.Connections != 2048 {
		t.Errorf("node %+v, want memory 2048", b.Node)
	}
	if plans[0].Current != nil {
		t.Errorf("a gateway with no deployment has a current plan: %+v", plans[0].Current)
	}
}

// With 2 s to reconnect, medium x3's 2.5 s fails (its capacity falls to
// 2·3·2·100·2 = 2400 by storm time) and small x5 wins: 600 dropped
// clients onto 4 survivors at 200/s each take 0.75 s.
func TestPlanStormTimeDecides(t *testing.T) {
	plans, err := Plan(request(2, Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{3000}}))
	if err != nil {
		t.Fatal(err)
	}
	checkBest(t, "gw-a", plans[0].Months[0], want{"small", 5, 365, 3276.8, LimitHeadroom, 4096.0/3000 - 1, 0.75, 0, ""})

	r := rules{headroom: 0.25, maxSeconds: 2, redundancy: 1, acceptsPerCore: 100}
	a := assessTest(1, 3, 3000, nil, r)
	if a.OK || a.Limit != LimitStormTime || !near(a.Capacity, 2400) {
		t.Errorf("medium x3 at 2 s: ok %v, %s %v; want failing on storm-time at 2400", a.OK, a.Limit, a.Capacity)
	}
}

// failoverPlans sizes gw-a (3,000 connections) and gw-b (4,000), which
// fails over to gw-a.
func failoverPlans(t *testing.T, maxSeconds float64) []GatewayPlan {
	t.Helper()
	plans, err := Plan(request(maxSeconds,
		Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{3000}},
		Gateway{Name: "gw-b", AWSRegion: "eu", Upper: []float64{4000}, FailoverTo: "gw-a"}))
	if err != nil {
		t.Fatal(err)
	}
	return plans
}

// assessTest judges n nodes of the test catalog's type i, idle clients.
func assessTest(i, n int, upper float64, nbs []neighbour, r rules) Assessment {
	typ := testCatalog().Types[i]
	return assess(typ, n, typ.PricePerHour["eu"], capacity.PerNode(testProfile(), typ, capacity.PerConnection{}, testLimits), upper, nbs, r)
}

// gw-b (4,000 connections) fails over to gw-a (3,000). For gw-a, medium x3
// fails the failover alarm (3·2048 − 4000 = 2144 < 3000); medium x4 holds
// (4·2048 − 4000 = 4192, which binds) and re-accepts gw-b's 4,000 at
// 4·200/s in 5 s: $438. small needs 7 ($511), large 2 ($584).
// gw-b alone: small x6 and medium x4 both cost $438.00; fewer nodes wins.
func TestPlanFailover(t *testing.T) {
	plans := failoverPlans(t, 10)
	checkBest(t, "gw-a", plans[0].Months[0], want{"medium", 4, 438, 4192, LimitFailoverAlarm, 3.0*2048/3000 - 1, 750.0 / 600, 5, "gw-b"})
	checkBest(t, "gw-b", plans[1].Months[0], want{"medium", 4, 438, 3.0 * 2048 / 1.25, LimitHeadroom, 3.0*2048/4000 - 1, 1000.0 / 600, 0, ""})
}

// With 4 s, gw-b's 4,000 clients need n·200 ≥ 1000/s on medium (5 nodes,
// $547.50) but small x7 meets both the alarm and 4000/1400 s: $511.
func TestPlanFailoverTime(t *testing.T) {
	plans := failoverPlans(t, 4)
	checkBest(t, "gw-a", plans[0].Months[0], want{"small", 7, 511, 7*1024 - 4000, LimitFailoverAlarm, 6.0*1024/3000 - 1, 3000.0 / 7 / 1200, 4000.0 / 1400, "gw-b"})

	r := rules{headroom: 0.25, maxSeconds: 4, redundancy: 1, acceptsPerCore: 100}
	a := assessTest(1, 4, 0, []neighbour{{"gw-b", 4000}}, r)
	if a.OK || a.Limit != LimitFailoverTime || a.Capacity != 0 {
		t.Errorf("medium x4, 5 s > 4 s even with no own load: ok %v, %s %v", a.OK, a.Limit, a.Capacity)
	}
}

// Equal cost in whole cents: 3 x a-one (3·$0.10) against 2 x b-two
// (2·$0.15), both $219.00 — fewer nodes wins; b-two against its identical
// c-copy, listed first — the name decides.
func TestPlanTies(t *testing.T) {
	req := request(1000, Gateway{Name: "gw", AWSRegion: "eu", Upper: []float64{1500}})
	req.Catalog = &catalog.Catalog{Types: []catalog.InstanceType{
		{Name: "c-copy", VCPU: 2, MemoryGiB: 3, PricePerHour: map[string]float64{"eu": 0.15}},
		{Name: "a-one", VCPU: 2, MemoryGiB: 2, PricePerHour: map[string]float64{"eu": 0.10}},
		{Name: "b-two", VCPU: 2, MemoryGiB: 3, PricePerHour: map[string]float64{"eu": 0.15}},
	}}
	plans, err := Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if b := plans[0].Months[0].Best; b == nil || b.InstanceType != "b-two" || b.Nodes != 2 {
		t.Errorf("got %+v, want b-two x2", b)
	}
}

// With N+0, the survivors' alarm binds: 2 x small carry 1024 per survivor,
// less than the headroom rule's 2·1024/1.25.
func TestAssessStormAlarm(t *testing.T) {
	r := rules{headroom: 0.25, maxSeconds: 1000, redundancy: 0, acceptsPerCore: 100}
	a := assessTest(0, 2, 1100, nil, r)
	if a.OK || a.Limit != LimitStormAlarm || a.Capacity != 1024 {
		t.Errorf("ok %v, %s %v; want failing on storm-alarm at 1024", a.OK, a.Limit, a.Capacity)
	}
	one := assessTest(0, 1, 10, nil, r)
	if one.OK || !math.IsInf(one.ReconnectSeconds, 1) || one.Capacity != 0 {
		t.Errorf("one node: %+v", one)
	}
	zero := assessTest(0, 2, 0, nil, r)
	if !zero.OK || !math.IsInf(zero.Headroom, 1) || zero.ReconnectSeconds != 0 {
		t.Errorf("no load: %+v", zero)
	}
}

// Today's medium x3 carries 3276.8 within the targets: the third month's
// 3,500 exhausts it. large x3 (2·4096/1.25 = 6553.6) lasts the horizon.
func TestPlanCurrentExhaustion(t *testing.T) {
	upper := []float64{2000, 3000, 3500, 4000}
	plans, err := Plan(request(1000,
		Gateway{Name: "gw-a", AWSRegion: "eu", Upper: upper, Current: Deployment{"medium", 3}},
		Gateway{Name: "gw-b", AWSRegion: "eu", Upper: upper, Current: Deployment{"large", 3}}))
	if err != nil {
		t.Fatal(err)
	}
	a := plans[0].Current
	if a == nil || !a.Exhausts || a.MonthsUntilExhaustion != 2 || len(a.Months) != 4 {
		t.Fatalf("gw-a current: %+v", a)
	}
	for m, as := range a.Months {
		if !near(as.Capacity, 3276.8) || as.OK != (m < 2) || !near(as.MonthlyCost, 328.5) {
			t.Errorf("gw-a month %d: capacity %v ok %v cost %v", m, as.Capacity, as.OK, as.MonthlyCost)
		}
	}
	if b := plans[1].Current; b == nil || b.Exhausts || !near(b.Months[3].Capacity, 6553.6) {
		t.Errorf("gw-b current: %+v", b)
	}
	if got := plans[0].Months[3].Month; !got.Equal(time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("month 3 is %v", got)
	}
}

func TestPlanInfeasible(t *testing.T) {
	req := request(1000,
		Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{1e5}},
		Gateway{Name: "gw-m", AWSRegion: "mars", Upper: []float64{10}})
	req.MaxNodes = 4
	plans, err := Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		"no instance type offered in eu carries 100000 connections within the targets with at most 4 nodes",
		"no instance type in the catalog is offered in mars",
	} {
		if mp := plans[i].Months[0]; mp.Best != nil || mp.Reason != want {
			t.Errorf("%s: best %+v, reason %q; want %q", plans[i].Name, mp.Best, mp.Reason, want)
		}
	}
}

func TestPlanValidation(t *testing.T) {
	ok := func() Request {
		return request(1000,
			Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{1, 2}},
			Gateway{Name: "gw-b", AWSRegion: "eu", Upper: []float64{1, 2}, FailoverTo: "gw-a", Current: Deployment{"small", 2}})
	}
	if _, err := Plan(ok()); err != nil {
		t.Fatalf("valid request: %v", err)
	}
	for _, tc := range []struct {
		edit func(*Request)
		want string
	}{
		{func(r *Request) { r.Catalog = nil }, "sizing: no instance catalog"},
		{func(r *Request) { r.Profile.AcceptsPerSecondPerCore = 0 },
			`sizing: capacity profile: field "accepts_per_second_per_core": 0 must be positive and finite`},
		{func(r *Request) { r.Limits.CPUTarget = 0 }, "sizing: limits: CPU target 0 must be in (0, 1]"},
		{func(r *Request) { r.Targets.Headroom = -0.1 }, "sizing: headroom -0.1 must be finite and not negative"},
		{func(r *Request) { r.Targets.Redundancy = -1 }, "sizing: redundancy -1 must not be negative"},
		{func(r *Request) { r.Targets.MaxReconnectSeconds = 0 }, "sizing: max_reconnect_seconds 0 must be positive and finite"},
		{func(r *Request) { r.MaxNodes = -1 }, "sizing: max nodes -1 must not be negative"},
		{func(r *Request) { r.Gateways[1].Name = "gw-a" }, `sizing: gateway "gw-a" appears twice`},
		{func(r *Request) { r.Gateways[0].Name = "" }, "sizing: a gateway has no name"},
		{func(r *Request) { r.Gateways[0].Upper = []float64{1} }, `sizing: gateway "gw-a": 1 upper forecasts for 2 months`},
		{func(r *Request) { r.Gateways[0].Upper[1] = math.NaN() }, `sizing: gateway "gw-a": month 2025-02: upper forecast NaN must be finite and not negative`},
		{func(r *Request) { r.Gateways[0].Upper[0] = -5 }, `sizing: gateway "gw-a": month 2025-01: upper forecast -5 must be finite and not negative`},
		{func(r *Request) { r.Gateways[0].Load.OpensPerSecond = -1 },
			`sizing: gateway "gw-a": opens per second per connection: -1 must be finite and not negative`},
		{func(r *Request) { r.Gateways[1].FailoverTo = "gw-x" }, `sizing: gateway "gw-b": failover_to "gw-x" is not another gateway of the request`},
		{func(r *Request) { r.Gateways[1].FailoverTo = "gw-b" }, `sizing: gateway "gw-b": failover_to "gw-b" is not another gateway of the request`},
		{func(r *Request) { r.Gateways[1].Current.Nodes = -2 }, `sizing: gateway "gw-b": current nodes -2 must not be negative`},
		{func(r *Request) { r.Gateways[1].Current.InstanceType = "huge" }, `sizing: gateway "gw-b": current instance type "huge" is not in the catalog`},
		{func(r *Request) { r.Gateways[1].Current.InstanceType = "far" }, `sizing: gateway "gw-b": current instance type "far" has no price in eu`},
	} {
		req := ok()
		tc.edit(&req)
		plans, err := Plan(req)
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v\nwant %s", err, tc.want)
		}
		if plans != nil {
			t.Errorf("%s: plans returned with the error", tc.want)
		}
	}
}

// Plans are the same, field for field, however often they are drawn.
func TestPlanDeterministic(t *testing.T) {
	mk := func() Request {
		return request(10,
			Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{3000, 3500}, Current: Deployment{"medium", 3}},
			Gateway{Name: "gw-b", AWSRegion: "eu", Upper: []float64{4000, 100}, FailoverTo: "gw-a"})
	}
	first, _ := Plan(mk())
	for range 20 {
		again, _ := Plan(mk())
		for i := range first {
			for m := range first[i].Months {
				a, b := first[i].Months[m].Best, again[i].Months[m].Best
				if a.InstanceType != b.InstanceType || a.Nodes != b.Nodes || a.Capacity != b.Capacity || a.Limit != b.Limit {
					t.Fatalf("%s month %d differs: %+v vs %+v", first[i].Name, m, a, b)
				}
			}
		}
	}
	if first[0].Name != "gw-a" || first[1].Name != "gw-b" {
		t.Errorf("order %s, %s; want request order", first[0].Name, first[1].Name)
	}
}

// min_nodes 3 and odd_nodes, on small alone (1024 connections a node, N+1
// and 25% headroom):
//
//	 500 connections: 2 nodes would do ((2−1)·1024/1.25 = 819); min 3.
//	2000 connections: 4 nodes would do (3·1024/1.25 = 2457); odd: 5.
//
// Every option is odd and at least 3, up to the most any month needs.
func TestPlanMinOddNodes(t *testing.T) {
	req := request(1000, Gateway{Name: "gw-a", AWSRegion: "eu", Upper: []float64{500, 2000}})
	req.Catalog.Types = req.Catalog.Types[:1] // small only
	req.Targets.MinNodes, req.Targets.OddNodes = 3, true
	plans, err := Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	for m, want := range []int{3, 5} {
		mp := plans[0].Months[m]
		if mp.Best == nil || mp.Best.Nodes != want {
			t.Fatalf("month %d: best %+v, want %d nodes", m, mp.Best, want)
		}
		var got []int
		for _, o := range mp.Options {
			got = append(got, o.Nodes)
			if o.Nodes < 3 || o.Nodes%2 == 0 || !o.OK {
				t.Errorf("month %d: option %d x %s breaks min 3 odd or fails", m, o.Nodes, o.InstanceType)
			}
		}
		if wantOpts := map[int][]int{0: {3, 5}, 1: {5}}[m]; !slices.Equal(got, wantOpts) {
			t.Errorf("month %d: options %v, want %v", m, got, wantOpts)
		}
	}
}

// The binding constraint is the one that set the capacity: the node's
// resource under the headroom target, else the storm or failover target.
func TestAssessmentBinding(t *testing.T) {
	for _, c := range []struct {
		limit, node, want string
	}{
		{LimitHeadroom, "memory", "memory"},
		{LimitHeadroom, "fd", "fd"},
		{LimitStormTime, "memory", "storm-time"},
		{LimitFailoverAlarm, "cpu", "failover-alarm"},
	} {
		a := Assessment{Limit: c.limit, Node: capacity.NodeCapacity{Binding: c.node}}
		if got := a.Binding(); got != c.want {
			t.Errorf("limit %s, node %s: binding %s, want %s", c.limit, c.node, got, c.want)
		}
	}
}
