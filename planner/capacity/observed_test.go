package capacity

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// planted is a cluster of 3 nodes whose history follows planted costs:
// 400 MB and 110 descriptors per node with no clients, 120 kB and 1.5
// descriptors per connection, with 1% noise on memory; limits 10 GB and
// 65,536 descriptors per node. Connections swing daily between 20,000
// and 60,000 over a month of hours, and a node is down for one hour.
// Broker-host CPU is 1.5 times what testChoiceProfile's costs predict
// plus 0.05 cores per node, with 2% noise, under churn and publishing
// that move apart from the connections (opens peak at another hour).
func planted(t *testing.T) Samples {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 30 * 24
	s := Samples{DefaultNodes: 3}
	for i := range n {
		nodes := 3.0
		if i == 100 {
			nodes = 2
		}
		c := math.Round(40000 + 20000*math.Sin(2*math.Pi*float64(i)/24))
		s.Connections = append(s.Connections, c)
		s.Nodes = append(s.Nodes, nodes)
		s.MemoryUsed = append(s.MemoryUsed, (nodes*400e6+120e3*c)*(1+0.01*rng.NormFloat64()))
		s.FDUsed = append(s.FDUsed, nodes*110+1.5*c)
		s.MemoryLimit = append(s.MemoryLimit, 3*10e9) // the limit series keeps counting the stopped node
		s.FDLimit = append(s.FDLimit, nodes*65536)
		opens := 20 + 15*math.Cos(2*math.Pi*float64(i)/24)
		msgs := c / 30 * (1 + 0.2*math.Sin(2*math.Pi*float64(i)/(7*24)))
		p := testChoiceProfile()
		predicted := c*p.CPUSecondsPerConnectionIdle + opens*p.CPUSecondsPerOpen + msgs*p.CPUSecondsPerMessage
		s.OpensPerSecond = append(s.OpensPerSecond, opens)
		s.MessagesPerSecond = append(s.MessagesPerSecond, msgs)
		s.CPUBusy = append(s.CPUBusy, (nodes*0.05+1.5*predicted)*(1+0.02*rng.NormFloat64()))
	}
	s.MemoryUsed[5], s.Connections[6] = math.NaN(), math.NaN() // gaps are left out
	return s
}

func within(got, want, share float64) bool { return math.Abs(got-want) <= share*math.Abs(want) }

// The fit recovers the planted costs within 5%.
func TestFitRecoversPlantedCosts(t *testing.T) {
	o := Fit(planted(t))
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"memory per connection", o.Memory.PerConnection, 120e3},
		{"memory base", o.Memory.Base, 400e6},
		{"fds per connection", o.FD.PerConnection, 1.5},
		{"fd base", o.FD.Base, 110},
		{"fd limit", o.FDLimit, 65536},
		{"memory limit", o.MemoryLimitBytes, 10e9},
	} {
		if !within(c.got, c.want, 0.05) {
			t.Errorf("%s: %v, want %v within 5%%", c.name, c.got, c.want)
		}
	}
	cpu := FitCPU(planted(t), testChoiceProfile())
	if !within(cpu.PerConnection, 1.5, 0.05) || !within(cpu.Base, 0.05, 0.05) || cpu.N != 30*24-1 || cpu.R2 < 0.95 {
		t.Errorf("CPU fit %+v, want scale 1.5 and 0.05 cores a node within 5%%, R² ≥ 0.95, over all but the one gap", cpu)
	}
	if o.Memory.R2 < 0.95 || o.FD.R2 < 0.999 || o.Memory.N != 30*24-2 {
		t.Errorf("memory R² %v over %d samples, fd R² %v: want a good fit over all but the two gaps", o.Memory.R2, o.Memory.N, o.FD.R2)
	}
}

func testChoiceProfile() Profile {
	return Profile{RabbitMQVersion: "t", MeasuredOn: "t", MemoryBaseBytes: 140e6, MemoryPerConnectionBytes: 423333,
		FDsPerConnection: 1.02, CPUSecondsPerOpen: 1e-3, CPUSecondsPerMessage: 1e-4, CPUSecondsPerConnectionIdle: 1e-5,
		AcceptsPerSecondPerCore: 100, BytesPerMessage: 100}
}

// A good fit drives sizing and its mismatch with the profile is flagged;
// the observed limits replace the defaults.
func TestChooseObservedAndMismatch(t *testing.T) {
	p := testChoiceProfile()
	ram := 10e9 / 0.6
	o := Fit(planted(t))
	o.CPU = FitCPU(planted(t), p)
	c := Choose(p, DefaultLimits(), ram, o, Rule{Source: "auto", MinR2: 0.8, MinSamples: 168})
	if !within(c.Profile.CPUSecondsPerOpen, 1.5e-3, 0.05) || !within(c.Profile.CPUSecondsPerMessage, 1.5e-4, 0.05) ||
		!within(c.Profile.CPUSecondsPerConnectionIdle, 1.5e-5, 0.05) || !within(c.Limits.CPUBase, 0.05, 0.05) {
		t.Errorf("CPU costs %+v, base %v cores: want the profile's times 1.5 and 0.05 cores", c.Profile, c.Limits.CPUBase)
	}
	if !within(c.Profile.MemoryPerConnectionBytes, 120e3, 0.05) || !within(c.Profile.FDsPerConnection, 1.5, 0.05) {
		t.Errorf("profile used: %+v, want the observed costs", c.Profile)
	}
	if !within(c.Limits.MemoryHighWatermark, 0.6, 1e-9) || c.Limits.FDLimit != 65536 || !within(c.Limits.FDBase, 110, 0.05) {
		t.Errorf("limits %+v, want watermark 0.6, 65,536 fds, base 110", c.Limits)
	}
	differs := map[string]bool{}
	for _, f := range c.Figures {
		differs[f.Name] = f.Differs()
		if f.Name != FigureFDBase && f.Name != FigureMemoryBase && f.Name != FigureCPUBase && f.Used != UsedObserved {
			t.Errorf("%s: used %s (%s), want observed", f.Name, f.Used, f.Why)
		}
	}
	want := map[string]bool{
		FigureMemoryPerConnection: true, // 120 kB against 423 kB
		FigureFDsPerConnection:    true, // 1.5 against 1.02
		FigureWatermark:           false,
		FigureFDLimit:             true, // 65,536 against 1,048,576
		FigureCPUScale:            true, // 1.5 times the profile's costs
		FigureCPUBase:             false,
	}
	for name, w := range want {
		if differs[name] != w {
			t.Errorf("%s: differs %v, want %v", name, differs[name], w)
		}
	}
	// Capacity follows: memory (10 GB − 0.4 GB)/120 kB = 80,000 a node,
	// fds (65,536 − 110)/1.5 = 43,617.
	ty := testType(ram)
	nc := PerNode(c.Profile, ty, PerConnection{}, c.Limits)
	if !within(nc.ByResource[Memory], 80000, 0.05) || !within(nc.ByResource[FD], 43617, 0.05) || nc.Binding != FD {
		t.Errorf("node capacity %+v, want memory ~80,000 and fd ~43,617 binding", nc)
	}
	// CPU: testType's vCPU·0.7 less 0.05 cores, over 1.5 × the idle cost
	// (no churn or messages in this load).
	wantCPU := (float64(ty.VCPU)*0.7 - 0.05) / 1.5e-5
	if !within(nc.ByResource[CPU], wantCPU, 0.05) {
		t.Errorf("CPU capacity %v, want %v within 5%%", nc.ByResource[CPU], wantCPU)
	}
}

// History without node metrics falls back to the profile and the
// default limits, and says so.
func TestChooseFallsBackWithoutNodeMetrics(t *testing.T) {
	s := planted(t)
	s.MemoryUsed, s.FDUsed, s.MemoryLimit, s.FDLimit, s.Nodes = nil, nil, nil, nil, nil
	p := testChoiceProfile()
	c := Choose(p, DefaultLimits(), 16e9, Fit(s), Rule{Source: "auto", MinR2: 0.8, MinSamples: 168})
	if !reflect.DeepEqual(c.Profile, p) || c.Limits != DefaultLimits() {
		t.Errorf("got %+v %+v, want the profile and the default limits", c.Profile, c.Limits)
	}
	for _, f := range c.Figures {
		if f.Used != UsedProfile || f.HasObserved || f.Why == "" || f.Differs() {
			t.Errorf("%s: %+v, want the profile, nothing observed, and why", f.Name, f)
		}
	}
}

// The rule: a poor fit or too few samples keep the profile under auto;
// observed takes any usable fit; profile ignores the fit.
func TestChooseRule(t *testing.T) {
	noisy := Line{Base: 1e8, PerConnection: 1e5, R2: 0.5, N: 1000}
	short := Line{Base: 1e8, PerConnection: 1e5, R2: 0.99, N: 50}
	for _, c := range []struct {
		l    Line
		rule Rule
		want string
	}{
		{noisy, Rule{Source: "auto", MinR2: 0.8, MinSamples: 168}, UsedProfile},
		{short, Rule{Source: "auto", MinR2: 0.8, MinSamples: 168}, UsedProfile},
		{noisy, Rule{Source: "observed", MinR2: 0.8, MinSamples: 168}, UsedObserved},
		{Line{Base: 1, PerConnection: -1, R2: 0.9, N: 1000}, Rule{Source: "observed", MinR2: 0.8, MinSamples: 168}, UsedProfile},
		{Line{Base: 1, PerConnection: 1e5, R2: 0.9, N: 1000}, Rule{Source: "profile", MinR2: 0.8, MinSamples: 168}, UsedProfile},
		{Line{Base: 1, PerConnection: 1e5, R2: 0.9, N: 1000}, Rule{Source: "auto", MinR2: 0.8, MinSamples: 168}, UsedObserved},
	} {
		if got, why := judge(c.l, c.rule); got != c.want || why == "" {
			t.Errorf("%+v under %+v: %s (%s), want %s", c.l, c.rule, got, why, c.want)
		}
	}
}

// testType has ram bytes of RAM and CPU enough never to bind.
func testType(ram float64) catalog.InstanceType {
	return catalog.InstanceType{Name: "t.fit", VCPU: 64, MemoryGiB: ram / (1 << 30), NetworkGbps: 10}
}
