package plan

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sizing"
)

// backendHistory is October 2026, hourly and flat: the backend publishes
// 100 messages/s with 40 connections opening 0.4 a second and 500
// messages waiting in its queues, gateway g1 publishes 20 and g2 30, all
// of which their federation links take. Metrics the caller leaves out
// ("cluster metric") are absent.
func backendHistory(without ...string) *history.Snapshot {
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	n := 31 * 24
	s := &history.Snapshot{Version: history.FormatVersion, Start: start, End: start.Add(time.Duration(n) * time.Hour), Step: time.Hour}
	add := func(metric, cluster string, v float64) {
		for _, w := range without {
			if w == cluster+" "+metric {
				return
			}
		}
		x := history.Series{Metric: metric, Cluster: cluster, Start: start, Step: time.Hour, Values: make([]float64, n)}
		for i := range x.Values {
			x.Values[i] = v
		}
		s.Series = append(s.Series, x)
	}
	add(metricPublished, "core", 100)
	add(metricConnections, "core", 40)
	add(metricOpened, "core", 0.4)
	add(history.MetricQueuedMessages, "core", 500)
	add(metricPublished, "g1", 20)
	add(metricPublished, "g2", 30)
	add(history.MetricFederatedMessages, "g1", 20) // every message crosses the links
	add(history.MetricFederatedMessages, "g2", 30)
	history.SortSeries(s.Series)
	return s
}

// twoGateways: g1 forecast at 1,000 then 2,000 connections of 0.02
// messages/s each, g2 at 3,000 both months of 0.01.
func twoGateways() []*gatewayDemand {
	return []*gatewayDemand{
		{cluster: fleet.Cluster{Name: "g1"}, upper: []float64{1000, 2000}, load: capacity.PerConnection{MessagesPerSecond: 0.02}},
		{cluster: fleet.Cluster{Name: "g2"}, upper: []float64{3000, 3000}, load: capacity.PerConnection{MessagesPerSecond: 0.01}},
	}
}

var novDec = []time.Time{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}

// Own traffic 100 − 20 − 30 = 50; federated 1,000·0.02 + 3,000·0.01 =
// 50, then 2,000·0.02 + 30 = 70: 100 and 120 messages/s. Connections: 40
// own plus 3 links (2 gateways, 1 proposed); churn 0.4/40 = 0.01.
func TestFitBackend(t *testing.T) {
	b := fleet.Cluster{Name: "core", Role: fleet.RoleBackend}
	bd, err := fitBackend(backendHistory(), b, twoGateways(), 1, novDec)
	if err != nil {
		t.Fatal(err)
	}
	if bd.own == nil || *bd.own != 50 || bd.total == nil || *bd.total != 100 || bd.ownConns == nil || *bd.ownConns != 40 {
		t.Fatalf("own %v, total %v, own connections %v: want 50, 100, 40", bd.own, bd.total, bd.ownConns)
	}
	if !equal(bd.federated, 50, 70) || !equal(bd.messages, 100, 120) || !equal(bd.conns, 43, 43) || math.Abs(bd.opens-0.01) > 1e-12 {
		t.Errorf("federated %v, messages %v, connections %v, opens %v: want [50 70], [100 120], [43 43], 0.01",
			bd.federated, bd.messages, bd.conns, bd.opens)
	}
	// The 500 queued grow with the messages: 500 at 100 messages/s, 600
	// at 120.
	shares := "core: of the messages each gateway published in its last 30 days, its federation links took g1 100%, g2 100% " +
		"(rabbitfleet_federation_link_upstream_acknowledged_messages_total, by upstream_cluster): the backend carries that share " +
		"of each gateway's forecast traffic."
	if bd.queuedNow == nil || *bd.queuedNow != 500 || !equal(bd.queued, 500, 600) || !reflect.DeepEqual(bd.notes, []string{shares}) {
		t.Errorf("queued now %v, by month %v, notes %q: want 500, [500 600], the shares alone", bd.queuedNow, bd.queued, bd.notes)
	}
	// Without the series nothing is queued, and the notes say so.
	bd, err = fitBackend(backendHistory("core "+history.MetricQueuedMessages), b, twoGateways(), 1, novDec)
	if err != nil {
		t.Fatal(err)
	}
	if bd.queuedNow != nil || bd.queued != nil || len(bd.notes) != 2 || bd.notes[1] != "core: no queued_messages series in the "+
		"history: messages waiting in its queues are not sized for, beyond what the memory high watermark leaves free." {
		t.Errorf("queued now %v, by month %v, notes %q", bd.queuedNow, bd.queued, bd.notes)
	}
}

// The federation links take half of g1's 20 messages/s; g2's history has
// no link traffic, so all its 30 count. Own traffic 100 − 10 − 30 = 60;
// federated 1,000·0.02·0.5 + 3,000·0.01 = 40, then 2,000·0.01 + 30 = 50:
// 100 and 110 messages/s.
func TestFitBackendFederatedShare(t *testing.T) {
	h := backendHistory("g2 " + history.MetricFederatedMessages)
	for i := range h.Series {
		if x := &h.Series[i]; x.Metric == history.MetricFederatedMessages && x.Cluster == "g1" {
			for k := range x.Values {
				x.Values[k] = 10
			}
		}
	}
	bd, err := fitBackend(h, fleet.Cluster{Name: "core", Role: fleet.RoleBackend}, twoGateways(), 0, novDec)
	if err != nil {
		t.Fatal(err)
	}
	if bd.own == nil || *bd.own != 60 || !equal(bd.perConn, 0.01, 0.01) || !equal(bd.federated, 40, 50) || !equal(bd.messages, 100, 110) {
		t.Errorf("own %v, per connection %v, federated %v, messages %v: want 60, [0.01 0.01], [40 50], [100 110]",
			bd.own, bd.perConn, bd.federated, bd.messages)
	}
	want := []string{
		"core: of the messages each gateway published in its last 30 days, its federation links took g1 50% " +
			"(rabbitfleet_federation_link_upstream_acknowledged_messages_total, by upstream_cluster): the backend carries that share " +
			"of each gateway's forecast traffic.",
		"core: no federation link traffic in the history for g2 (rabbitfleet_federation_link_upstream_acknowledged_messages_total, " +
			"by upstream_cluster): every message such a gateway publishes is taken to cross its links.",
	}
	if !reflect.DeepEqual(bd.notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", bd.notes, want)
	}
}

// A backend without message or connection history is sized for the
// federated traffic and the links alone, and says so: no panic, no zero
// passed off as measured.
func TestFitBackendWithoutHistory(t *testing.T) {
	b := fleet.Cluster{Name: "core", Role: fleet.RoleBackend}
	h := backendHistory("core "+metricPublished, "core "+metricConnections, "core "+metricOpened)
	bd, err := fitBackend(h, b, twoGateways(), 0, novDec)
	if err != nil {
		t.Fatal(err)
	}
	if bd.own != nil || bd.total != nil || bd.ownConns != nil {
		t.Errorf("own %v, total %v, own connections %v: want nil (unknown)", bd.own, bd.total, bd.ownConns)
	}
	if !equal(bd.messages, 50, 70) || !equal(bd.conns, 2, 2) {
		t.Errorf("messages %v, connections %v: want [50 70] and [2 2]", bd.messages, bd.conns)
	}
	text := strings.Join(bd.notes, "\n")
	for _, want := range []string{"no messages_published_per_second series", "sized for the gateways' federated traffic alone",
		"no connections series", "churn costs is left out"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes lack %q:\n%s", want, text)
		}
	}
}

// The backend's path on the tiny catalog of sizing's test: 3 x small
// carries the first month's 3,000 messages/s (3,190), 5 x small the
// second's 3,500 (6,390); the path keeps 3 then adds 2 nodes at $50 each:
// $219 + $365 + $100 = $684.
func TestBackendPath(t *testing.T) {
	req, b, gp, path := tinyBackendPath(t)
	if len(path.months) != 2 || path.months[0].Deployment != (sizing.Deployment{InstanceType: "small", Nodes: 3}) ||
		path.months[1].Deployment != (sizing.Deployment{InstanceType: "small", Nodes: 5}) || path.total() != 684 {
		t.Fatalf("path %+v costing %v, want 3 then 5 x small for $684", path.months, path.total())
	}
	c := pathed{name: "backend", unit: "messages per second", months: req.Months, upper: b.Messages, plan: gp, path: path}
	steps := path.steps(gp.Current)
	want := "2026-12's upper forecast of 3500 messages per second exceeds the 3190 3 x small carries within the targets (binding: cpu)"
	if len(steps) != 1 || stepReason(c, steps[0], req.Targets) != want {
		t.Errorf("steps %+v, want one: %s", steps, want)
	}
}

// tinyBackendPath is tinyBackendRequest sized, with its path.
func tinyBackendPath(t *testing.T) (sizing.Request, sizing.Backend, sizing.GatewayPlan, gatewayPath) {
	t.Helper()
	req, b := tinyBackendRequest()
	gp, err := sizing.PlanBackend(req, b)
	if err != nil {
		t.Fatal(err)
	}
	path, err := choosePath(gp, b.Current, req.Catalog, req.Targets)
	if err != nil {
		t.Fatal(err)
	}
	return req, b, gp, path
}

// tinyBackendRequest is sizing's tinyBackend: "small" (2 vCPU, $0.10 an
// hour) and "big" (8 vCPU, $0.45) in region eu.
func tinyBackendRequest() (sizing.Request, sizing.Backend) {
	req := sizing.Request{
		Months: novDec,
		Targets: fleet.Targets{Headroom: 0.25, Redundancy: 1, MaxReconnectSeconds: 300, MinNodes: 3, OddNodes: true,
			MigrationPriceUSD: 500, NodeChangePriceUSD: 50, PaybackMonths: 6, NoDownsizeWithinMonths: 6},
		Catalog: &catalog.Catalog{Source: "test", Types: []catalog.InstanceType{
			{Name: "small", VCPU: 2, MemoryGiB: 8, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.10}},
			{Name: "big", VCPU: 8, MemoryGiB: 32, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.45}},
		}},
	}
	b := sizing.Backend{
		Name: "backend", AWSRegion: "eu", Messages: []float64{3000, 3500}, Connections: []float64{100, 100},
		Current: sizing.Deployment{InstanceType: "small", Nodes: 3},
		Profile: capacity.Profile{RabbitMQVersion: "test", MeasuredOn: "paper", MemoryBaseBytes: 1 << 30,
			MemoryPerConnectionBytes: 1 << 20, FDsPerConnection: 1, CPUSecondsPerOpen: 1e-2, CPUSecondsPerMessage: 1e-3,
			CPUSecondsPerConnectionIdle: 1e-4, AcceptsPerSecondPerCore: 100, BytesPerMessage: 100},
		Limits: capacity.Limits{MemoryHighWatermark: 0.5, FDLimit: 65536, CPUTarget: 1},
	}
	return req, b
}

// A fleet with a backend the history knows nothing of still plans: the
// backend is sized for the gateways' traffic and its links, and the
// report says what was left out.
func TestBuildBackendWithoutHistory(t *testing.T) {
	fx := fixture{gateways: 2, days: 400, end: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), horizon: 6}
	in := fx.inputs(t)
	in.Fleet.Clusters = append(in.Fleet.Clusters, fleet.Cluster{
		Name: "core", Role: fleet.RoleBackend, AWSRegion: fx.aws(0), InstanceType: in.Catalog.Types[0].Name, Nodes: 3,
	})
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	b := p.Backend
	if b == nil || b.OwnMessagesPerSecond != nil || b.MessagesPerSecond != nil || b.OwnConnections != nil || len(b.Months) != 6 {
		t.Fatalf("backend %+v: want 6 months, own figures unknown (nil)", b)
	}
	if !strings.Contains(strings.Join(b.Notes, " "), "its own traffic is unknown and left out") {
		t.Errorf("notes %q do not say the own traffic is left out", b.Notes)
	}
	for m, bm := range b.Months {
		if bm.UpperMessagesPerSecond != bm.FederatedPerSecond || bm.Connections != float64(b.FederationLinks) {
			t.Errorf("month %d: %+v: want the federated traffic and the links alone", m, bm)
		}
	}
}

func TestTwoBackendsRejected(t *testing.T) {
	f := &fleet.Fleet{Clusters: []fleet.Cluster{{Name: "a", Role: fleet.RoleBackend}, {Name: "b", Role: fleet.RoleBackend}}}
	_, _, err := theBackend(f, "fleet.yml")
	if err == nil || err.Error() != "fleet.yml: 2 clusters of role backend (a, b); the planner sizes one backend, the one every gateway federates to" {
		t.Errorf("err %v", err)
	}
}

func equal(got []float64, want ...float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			return false
		}
	}
	return true
}

// At the high scenario the backend carries the gateways' high traffic at
// their messages per connection, plus its own: tinyBackend's 3 x small
// carries 3,190 messages/s, so 30,000 connections at 0.1 each and 200 of
// its own (3,200) exhaust it in the first month, and the path sized for
// it runs 5 x small from the start: $365 a month twice plus 2 nodes
// added at $50, $830 against the base path's $684.
func TestHighBackend(t *testing.T) {
	req, b, gp, path := tinyBackendPath(t)
	own := 200.0
	bp := &backendPlan{demand: &backendDemand{perConn: []float64{0.1}, own: &own}, request: b, plan: gp, path: path}
	got, err := highBackend(bp, [][]float64{{30000, 33000}}, req, req.Catalog, req.Targets)
	if err != nil {
		t.Fatal(err)
	}
	high := 830.0
	want := &report.HighScenarioBackend{
		Backend: "backend", BasePathCostUSD: 684, HighPathCostUSD: &high,
		RunsOut: &report.BackendRunOut{
			Month: novDec[0], UpperMessagesPerSecond: 3200, Deployment: report.Deployment{Nodes: 3, InstanceType: "small"},
			CapacityMessagesPerSecond: path.months[0].Capacity, Binding: "cpu",
		},
	}
	if math.Abs(path.months[0].Capacity-3190) > 1e-6 {
		t.Fatalf("3 x small carries %v messages/s, want 3,190", path.months[0].Capacity)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("high backend %+v, runs out %+v, high cost %v;\nwant %+v, runs out %+v, high cost 830", got, got.RunsOut, *got.HighPathCostUSD, want, want.RunsOut)
	}
	if b.Messages[0] != 3000 {
		t.Errorf("highBackend changed the base request: %v", b.Messages)
	}
	text := report.HighBackendText(got)
	if len(text) != 1 || text[0] != "At the high scenario the backend backend runs out in 2026-11, its upper forecast of 3,200 messages/s above "+
		"the 3,190 that 3 x small carries then (binding: cpu); sized for it, its path would cost $146 more over the horizon." {
		t.Errorf("text %q", text)
	}
}
