package plan

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// demoInputs are the inputs `planner forecast` plans with no flags, but
// for the latency table: the demo fleet names client regions (uk,
// germany, ...) the embedded table does not know.
func demoInputs(t testing.TB) Inputs {
	t.Helper()
	f, err := fleet.Parse(demo.Fleet(), "demo fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sales.Read(bytes.NewReader(demo.Sales()), "demo sales.csv", f.ClientRegionNames(), sales.HolesAreErrors)
	if err != nil {
		t.Fatal(err)
	}
	return Inputs{
		Fleet: f, FleetName: "demo fleet.yml", Sales: rows, SalesName: "demo sales.csv",
		Catalog: catalog.Default(), Latency: demoLatency(t),
		History:       demo.History(),
		HistorySource: report.HistorySource{Kind: "snapshot", Location: "demo history"},
	}
}

// The demo's capacity comes from its own history: the generator's 105 kB
// (MQTT) and 75 kB (STOMP) per connection, 85% MQTT, with ~12% memory
// fragmentation, is ~113 kB a connection; one descriptor a connection
// plus 110 a node; limits 60% of RAM and 65,536 descriptors a node. The
// fit must find these (within 10% for memory, whose mix and fragmentation
// drift) and size with them, flagging the profile's 423 kB and the
// default 1,048,576 descriptors as more than 20% off.
func TestDemoCapacityObserved(t *testing.T) {
	in := demoInputs(t)
	in.Profile, in.ProfileSource = capacity.Default(), capacity.DefaultName // 423 kB: memory would bind, were the fit not used
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Capacity) != 4 || p.Capacity[3].Cluster != "backend" {
		t.Fatalf("%d capacity fits, want the 3 gateways' and the backend's", len(p.Capacity))
	}
	for _, c := range p.Capacity[:3] { // the backend's memory is the profile's
		got := map[string]report.CapacityFigure{}
		for _, f := range c.Figures {
			got[f.Name] = f
		}
		for _, w := range []struct {
			name        string
			want, share float64
			differs     bool
		}{
			{capacity.FigureMemoryPerConnection, 113e3, 0.1, true},
			{capacity.FigureFDsPerConnection, 1, 0.01, false},
			{capacity.FigureFDBase, 110, 0.05, false},
			{capacity.FigureWatermark, 0.6, 1e-6, false},
			{capacity.FigureFDLimit, 65536, 0, true},
		} {
			f, ok := got[w.name]
			switch {
			case !ok || f.Observed == nil:
				t.Errorf("%s: %s: not observed", c.Cluster, w.name)
			case math.Abs(*f.Observed-w.want) > w.share*w.want:
				t.Errorf("%s: %s observed %v, want %v within %v%%", c.Cluster, w.name, *f.Observed, w.want, 100*w.share)
			case f.Used != capacity.UsedObserved || f.Differs != w.differs:
				t.Errorf("%s: %s: used %s, differs %v; want observed, %v", c.Cluster, w.name, f.Used, f.Differs, w.differs)
			}
		}
	}
	// Sized with it: in the demo, 2-vCPU types bind on CPU, and no
	// deployment is bound by memory at the profile's 423 kB a connection.
	for _, g := range p.Gateways {
		for _, m := range g.Months {
			if m.Binding == capacity.Memory {
				t.Errorf("%s %v: binding memory, want the observed memory cost to leave memory unbound", g.Name, m.Month)
			}
		}
	}
}

// The demo's broker hosts pay its cpuScale times the 4.3.6 profile's CPU
// costs, plus 0.1 cores a node: the CPU fit finds both on every cluster,
// the backend included, sizes with them, and flags only gateway-us's 1.45
// as more than 20% off the profile.
func TestDemoCPUObserved(t *testing.T) {
	p, err := Build(demoInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Capacity) != 4 {
		t.Fatalf("%d capacity fits, want 4", len(p.Capacity))
	}
	for _, c := range p.Capacity {
		want := map[string]float64{"backend": 1.0, "gateway-eu": 1.1, "gateway-us": 1.45, "gateway-ap": 1.1}[c.Cluster]
		for _, f := range c.Figures {
			switch {
			case f.Name == capacity.FigureCPUScale && (f.Observed == nil || math.Abs(*f.Observed-want) > 0.03*want ||
				f.Used != capacity.UsedObserved || f.Differs != (c.Cluster == "gateway-us")):
				t.Errorf("%s: CPU scale %+v, want %v within 3%%, used, differing only for gateway-us", c.Cluster, f, want)
			case f.Name == capacity.FigureCPUBase && (f.Observed == nil || math.Abs(*f.Observed-0.1) > 0.02):
				t.Errorf("%s: idle CPU %+v, want 0.1 cores a node within 0.02", c.Cluster, f)
			}
		}
	}
}

// The demo backend holds 1,400 bytes a queued message (planner/demo),
// times up to 12% of fragmentation: the fit finds it, and its queues,
// about a second of traffic at their p95, grow with its messages.
func TestDemoBackendQueues(t *testing.T) {
	p, err := Build(demoInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	b := p.Backend
	if b == nil || b.QueuedMessages == nil || b.BytesPerQueuedMessage < 1400 || b.BytesPerQueuedMessage > 1400*1.13 {
		t.Fatalf("backend %+v: want a queue depth and 1,400–1,582 bytes a queued message", b)
	}
	if q := *b.QueuedMessages; q < 0.9**b.MessagesPerSecond || q > 1.5**b.MessagesPerSecond {
		t.Errorf("p95 queued %v against p95 %v messages/s: want about a second's worth", q, *b.MessagesPerSecond)
	}
	first, last := b.Months[0], b.Months[len(b.Months)-1]
	if first.QueuedMessages == nil || last.QueuedMessages == nil ||
		math.Abs(*last.QueuedMessages / *first.QueuedMessages - last.UpperMessagesPerSecond/first.UpperMessagesPerSecond) > 1e-9 {
		t.Errorf("queued %v then %v, messages %v then %v: want them in proportion", first.QueuedMessages, last.QueuedMessages,
			first.UpperMessagesPerSecond, last.UpperMessagesPerSecond)
	}
}

// A history without node metrics (the fixture has only connections,
// opens and messages) falls back to the profile and the default limits,
// and the report says so.
func TestBuildFallsBackToProfile(t *testing.T) {
	fx := fixture{gateways: 1, days: 120, end: nov2026, horizon: 12, flat: true}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Capacity[0].Figures {
		if f.Used != capacity.UsedProfile || f.Observed != nil || f.Why == "" {
			t.Errorf("%s: %+v, want the profile and why", f.Name, f)
		}
	}
	if !slices.ContainsFunc(p.Assumptions, func(s string) bool {
		return strings.Contains(s, "g01: the history has no usable node memory or file descriptor series") &&
			strings.Contains(s, "sized with the capacity profile and the default limits")
	}) {
		t.Errorf("no assumption says g01 falls back to the profile: %q", p.Assumptions)
	}
}
