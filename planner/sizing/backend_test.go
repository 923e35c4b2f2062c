package sizing

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
)

// tinyBackend is a two-type catalog and a backend of 100 connections at
// 3,000 then 3,500 messages/s, on N+1 with 25% headroom, 3 nodes or more,
// odd. A "small" node (2 vCPU, $0.10 an hour) holding c connections
// carries (2 − c·1e-4)/1e-3 messages/s; a "big" one (8 vCPU, $0.45)
// (8 − c·1e-4)/1e-3.
func tinyBackend() (Request, Backend) {
	cat := &catalog.Catalog{Source: "test", Types: []catalog.InstanceType{
		{Name: "small", VCPU: 2, MemoryGiB: 8, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.10}},
		{Name: "big", VCPU: 8, MemoryGiB: 32, NetworkGbps: 1, PricePerHour: map[string]float64{"eu": 0.45}},
	}}
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	req := Request{
		Months:  []time.Time{nov, nov.AddDate(0, 1, 0)},
		Targets: fleet.Targets{Headroom: 0.25, Redundancy: 1, MaxReconnectSeconds: 300, MinNodes: 3, OddNodes: true},
		Catalog: cat,
	}
	b := Backend{
		Name: "backend", AWSRegion: "eu", Messages: []float64{3000, 3500}, Connections: []float64{100, 100},
		Current: Deployment{InstanceType: "small", Nodes: 3},
		Profile: capacity.Profile{RabbitMQVersion: "test", MeasuredOn: "paper", MemoryBaseBytes: 1 << 30,
			MemoryPerConnectionBytes: 1 << 20, FDsPerConnection: 1, CPUSecondsPerOpen: 1e-2, CPUSecondsPerMessage: 1e-3,
			CPUSecondsPerConnectionIdle: 1e-4, AcceptsPerSecondPerCore: 100, BytesPerMessage: 100},
		Limits: capacity.Limits{MemoryHighWatermark: 0.5, FDLimit: 65536, CPUTarget: 1},
	}
	return req, b
}

// 3 x small: each of the 2 survivors holds 100·1.25/2 = 62.5 connections
// and carries 1,993.75 messages/s, 2 x 1,993.75/1.25 = 3,190 in all: it
// carries 3,000, not 3,500. 5 x small (31.25 connections, 1,996.875 each)
// carries 4 x 1,996.875/1.25 = 6,390 for $365 a month, against 3 x big's
// 2 x 7,993.75/1.25 = 12,790 for $985.50.
func TestPlanBackend(t *testing.T) {
	req, b := tinyBackend()
	gp, err := PlanBackend(req, b)
	if err != nil {
		t.Fatal(err)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-6 }
	m0, m1 := gp.Months[0].Best, gp.Months[1].Best
	if m0 == nil || m0.Deployment != (Deployment{"small", 3}) || !near(m0.Capacity, 3190) || !near(m0.MonthlyCost, 219) || m0.Binding() != capacity.CPU {
		t.Errorf("month 0: %+v, want 3 x small carrying 3190 for $219 (binding cpu)", m0)
	}
	if m1 == nil || m1.Deployment != (Deployment{"small", 5}) || !near(m1.Capacity, 6390) || !near(m1.MonthlyCost, 365) {
		t.Errorf("month 1: %+v, want 5 x small carrying 6390 for $365", m1)
	}
	big, ok := gp.Judge(Deployment{"big", 3}, 1)
	if !ok || !near(big.Capacity, 12790) || !near(big.MonthlyCost, 985.5) || !big.OK {
		t.Errorf("3 x big in month 1: %+v, want 12790 for $985.50", big)
	}
	if c := gp.Current; c == nil || !c.Exhausts || c.MonthsUntilExhaustion != 1 {
		t.Errorf("current %+v: want 3 x small exhausted in month 1", c)
	}
	// Options span the fewest that pass to the most any month needs: 3
	// and 5 small in month 0, 5 small and 3 big in month 1 (big needs 3).
	var labels []string
	for _, a := range gp.Months[1].Options {
		labels = append(labels, a.InstanceType+"x"+string(rune('0'+a.Nodes)))
	}
	if strings.Join(labels, " ") != "smallx5 bigx3" {
		t.Errorf("month 1 options %v, want smallx5 bigx3", labels)
	}
}

// Messages waiting in queues take memory: 6 million of 1,000 bytes, 3.75
// million a survivor of 3 x small with the headroom (6M x 1.25 / 2),
// overflow its 4 GiB watermark (1 GiB base and 62.5 MiB of connections
// leave room for 3,155,689,472 bytes, so the backend may queue 5,049,103
// messages); 5 x small (1.875 million a survivor) hold them.
func TestPlanBackendQueuedMessages(t *testing.T) {
	req, b := tinyBackend()
	b.Queued, b.BytesPerQueued = []float64{6e6, 6e6}, 1000
	gp, err := PlanBackend(req, b)
	if err != nil {
		t.Fatal(err)
	}
	if m0 := gp.Months[0].Best; m0 == nil || m0.Deployment != (Deployment{"small", 5}) {
		t.Errorf("month 0: %+v, want 5 x small", m0)
	}
	three, ok := gp.Judge(Deployment{"small", 3}, 0)
	if !ok || three.OK || three.Binding() != capacity.Memory || three.Capacity != 0 {
		t.Errorf("3 x small: %+v, want no capacity, bound by memory", three)
	}
	b.Queued = []float64{5049103, 0} // the most 3 x small holds
	if gp, err = PlanBackend(req, b); err != nil || gp.Months[0].Best.Deployment != (Deployment{"small", 3}) {
		t.Errorf("at the edge: %+v, %v; want 3 x small", gp.Months[0].Best, err)
	}
	b.Queued = []float64{5049104, 0} // one more
	if gp, err = PlanBackend(req, b); err != nil || gp.Months[0].Best.Deployment != (Deployment{"small", 5}) {
		t.Errorf("one past the edge: %+v, %v; want 5 x small", gp.Months[0].Best, err)
	}
}

func TestPlanBackendBadInput(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Backend)
		want   string
	}{
		{"NaN messages", func(b *Backend) { b.Messages[1] = math.NaN() }, `backend "backend": month 2026-12: messages per second NaN must be finite and not negative`},
		{"short connections", func(b *Backend) { b.Connections = b.Connections[:1] }, `backend "backend": 1 forecasts of connections for 2 months`},
		{"unknown type", func(b *Backend) { b.Current.InstanceType = "huge" }, `backend "backend": current instance type "huge" is not in the catalog`},
		{"short queued", func(b *Backend) { b.Queued = []float64{1} }, `backend "backend": 1 forecasts of queued messages for 2 months`},
		{"negative queued", func(b *Backend) { b.Queued = []float64{1, -1} }, `backend "backend": month 2026-12: queued messages -1 must be finite and not negative`},
		{"profile", func(b *Backend) { b.Profile.CPUSecondsPerMessage = 0 }, `backend "backend": capacity profile: field "cpu_seconds_per_message": 0 must be positive and finite`},
	} {
		req, b := tinyBackend()
		c.change(&b)
		if _, err := PlanBackend(req, b); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}
