package capacity

import (
	"math"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// hand is a profile with round figures, so every capacity below can be
// worked out on paper.
func hand() Profile {
	return Profile{
		RabbitMQVersion: "test", MeasuredOn: "paper",
		MemoryBaseBytes:             147483648, // 2 GiB - 147483648 = 2e9
		MemoryPerConnectionBytes:    400000,
		FDsPerConnection:            1.25,
		CPUSecondsPerOpen:           0.005,
		CPUSecondsPerMessage:        1e-4,
		CPUSecondsPerConnectionIdle: 1.5e-4,
		AcceptsPerSecondPerCore:     100,
		BytesPerMessage:             500,
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestPerNodeHandComputed(t *testing.T) {
	typ := catalog.InstanceType{Name: "t.test", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.1}
	limits := Limits{MemoryHighWatermark: 0.5, FDLimit: 10000, CPUTarget: 0.5}
	for _, tc := range []struct {
		name    string
		load    PerConnection
		want    map[string]float64
		binding string
	}{
		{
			// memory (4·2³⁰·0.5 − 147483648)/400000 = 5000
			// cpu    2·0.5/(1.5e-4 + 0.01·0.005 + 0.5·1e-4) = 1/2.5e-4 = 4000
			// fd     10000/1.25 = 8000
			// net    0.1e9/8·0.7/(0.5·500) = 8.75e6/250 = 35000
			name: "cpu binds", load: PerConnection{OpensPerSecond: 0.01, MessagesPerSecond: 0.5},
			want:    map[string]float64{Memory: 5000, CPU: 4000, FD: 8000, Network: 35000},
			binding: CPU,
		},
		{
			// cpu 1/(1.5e-4 + 0 + 20·1e-4) = 1/2.15e-3 = 465.116…
			// net 8.75e6/(20·500) = 875
			name: "heavy publishers: cpu still binds", load: PerConnection{MessagesPerSecond: 20},
			want:    map[string]float64{Memory: 5000, CPU: 1 / 2.15e-3, FD: 8000, Network: 875},
			binding: CPU,
		},
		{
			// idle: cpu 1/1.5e-4 = 6666.67, no network figure; memory binds
			name: "idle: memory binds, no network", load: PerConnection{},
			want:    map[string]float64{Memory: 5000, CPU: 1 / 1.5e-4, FD: 8000},
			binding: Memory,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PerNode(hand(), typ, tc.load, limits)
			if got.Binding != tc.binding || !near(got.Connections, tc.want[tc.binding]) {
				t.Errorf("binding %s at %v, want %s at %v", got.Binding, got.Connections, tc.binding, tc.want[tc.binding])
			}
			if len(got.ByResource) != len(tc.want) {
				t.Errorf("resources %v, want %v", got.ByResource, tc.want)
			}
			for r, w := range tc.want {
				if g, ok := got.ByResource[r]; !ok || !near(g, w) {
					t.Errorf("%s: %v, want %v", r, g, w)
				}
			}
		})
	}
}

// The network binds when a fat pipe of small messages meets a thin link.
func TestPerNodeNetworkBinds(t *testing.T) {
	p := hand()
	p.BytesPerMessage = 100000
	typ := catalog.InstanceType{Name: "t.test", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.1}
	// net 8.75e6/(0.5·1e5) = 175 < cpu 4000
	got := PerNode(p, typ, PerConnection{OpensPerSecond: 0.01, MessagesPerSecond: 0.5},
		Limits{MemoryHighWatermark: 0.5, FDLimit: 10000, CPUTarget: 0.5})
	if got.Binding != Network || !near(got.Connections, 175) {
		t.Errorf("got %s %v, want network 175", got.Binding, got.Connections)
	}
}

// The fd limit binds when it is low, as on a node started through su with
// its limit of 1024 (the facts' fd alarm at ~900 MQTT clients).
func TestPerNodeFDBinds(t *testing.T) {
	typ := catalog.InstanceType{Name: "t.test", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.1}
	got := PerNode(hand(), typ, PerConnection{}, Limits{MemoryHighWatermark: 0.5, FDLimit: 1000, CPUTarget: 0.5})
	if got.Binding != FD || !near(got.Connections, 800) {
		t.Errorf("got %s %v, want fd 800", got.Binding, got.Connections)
	}
}

// Equal capacities bind in the order memory, cpu, fd, network.
func TestPerNodeTieGoesToMemory(t *testing.T) {
	p := hand()
	p.CPUSecondsPerConnectionIdle = 1.0 / 4096 // cpu 2·0.5·4096 = 4096
	p.MemoryBaseBytes = 509083648              // memory (2³¹ − 509083648)/400000 = 4096
	typ := catalog.InstanceType{Name: "t.test", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.1}
	got := PerNode(p, typ, PerConnection{}, Limits{MemoryHighWatermark: 0.5, FDLimit: 10000, CPUTarget: 0.5})
	if got.ByResource[CPU] != 4096 || got.ByResource[Memory] != 4096 {
		t.Fatalf("setup: %v", got.ByResource)
	}
	if got.Binding != Memory {
		t.Errorf("binding %s, want memory", got.Binding)
	}
}

// A type too small for the broker's base memory carries nothing; bad
// figures give zero, never NaN or a panic.
func TestPerNodeDegenerate(t *testing.T) {
	tiny := catalog.InstanceType{Name: "t.nano", VCPU: 2, MemoryGiB: 0.125, NetworkGbps: 1}
	got := PerNode(hand(), tiny, PerConnection{}, DefaultLimits())
	if got.Binding != Memory || got.Connections != 0 {
		t.Errorf("tiny: %s %v, want memory 0", got.Binding, got.Connections)
	}
	got = PerNode(Profile{}, catalog.InstanceType{}, PerConnection{OpensPerSecond: math.NaN()}, Limits{})
	if got.Connections != 0 || math.IsNaN(got.Connections) {
		t.Errorf("zero inputs: %v", got)
	}
	for r, v := range got.ByResource {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			t.Errorf("%s: %v", r, v)
		}
	}
}

// The default profile on a 4-vCPU, 16 GiB node with idle clients: memory
// binds at (16·2³⁰·0.6 − 1.4e8)/423333 = 24018.73, far below cpu's
// 4·0.7/3.67e-5 = 76294.28 — RabbitMQ 3.10's MQTT clients are memory-bound.
func TestPerNodeDefaultProfile(t *testing.T) {
	typ := catalog.InstanceType{Name: "m5.xlarge", VCPU: 4, MemoryGiB: 16, NetworkGbps: 10}
	got := PerNode(Default(), typ, PerConnection{}, DefaultLimits())
	if got.Binding != Memory || math.Abs(got.Connections-24018.731141678065) > 1e-6 {
		t.Errorf("got %s %v, want memory 24018.73", got.Binding, got.Connections)
	}
	if math.Abs(got.ByResource[CPU]-76294.27792915532) > 1e-6 {
		t.Errorf("cpu %v, want 76294.28", got.ByResource[CPU])
	}
	if math.Abs(got.ByResource[FD]-1048576/1.02) > 1e-6 {
		t.Errorf("fd %v", got.ByResource[FD])
	}
}

func TestValidateLoadAndLimits(t *testing.T) {
	if err := DefaultLimits().Validate(); err != nil {
		t.Error(err)
	}
	for _, tc := range []struct {
		l    Limits
		want string
	}{
		{Limits{MemoryHighWatermark: 0, FDLimit: 1, CPUTarget: 0.5}, "memory high watermark 0 must be in (0, 1]"},
		{Limits{MemoryHighWatermark: 0.6, FDLimit: 1, CPUTarget: 1.5}, "CPU target 1.5 must be in (0, 1]"},
		{Limits{MemoryHighWatermark: 0.6, FDLimit: -1, CPUTarget: 0.5}, "fd limit -1 must be positive and finite"},
	} {
		if err := tc.l.Validate(); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %q", tc.l, err, tc.want)
		}
	}
	if err := (PerConnection{OpensPerSecond: 0.1}).Validate(); err != nil {
		t.Error(err)
	}
	err := PerConnection{MessagesPerSecond: -2}.Validate()
	if err == nil || err.Error() != "messages per second per connection: -2 must be finite and not negative" {
		t.Errorf("got %v", err)
	}
}
