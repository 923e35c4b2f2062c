package plan

import (
	"math"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// From generated history through the whole path the planner takes (the
// snapshot's series summed per cluster, clusterSamples, the fits, the
// rule), every planted cost comes back within 5%: 120 kB and one
// descriptor a connection, 400 MB and 110 descriptors an idle node, 1.3
// times the profile's CPU and 0.1 cores an idle node, 60% of RAM and
// 65,536 descriptors a node (fixture.nodeMetrics, fixture.cpu). The
// memory differs from the default profile's 423 kB by more than 20%,
// the descriptor limit from its 1,048,576 and the CPU scale from its 1:
// each is flagged; an idle node's figures are shown, never flagged.
func TestBuildRecoversPlantedCapacity(t *testing.T) {
	fx := fixture{gateways: 2, days: 120, end: nov2026, horizon: 6, nodeMetrics: true, cpu: true}
	p, err := Build(fx.inputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Capacity) != 2 {
		t.Fatalf("%d capacity fits, want 2", len(p.Capacity))
	}
	for _, c := range p.Capacity {
		got := map[string]report.CapacityFigure{}
		for _, f := range c.Figures {
			got[f.Name] = f
		}
		for _, w := range []struct {
			name    string
			want    float64
			differs bool
		}{
			{capacity.FigureMemoryPerConnection, 120e3, true},
			{capacity.FigureMemoryBase, 400e6, false},
			{capacity.FigureFDsPerConnection, 1, false},
			{capacity.FigureFDBase, 110, false},
			{capacity.FigureCPUScale, 1.3, true},
			{capacity.FigureCPUBase, 0.1, false},
			{capacity.FigureWatermark, 0.6, false},
			{capacity.FigureFDLimit, 65536, true},
		} {
			f, ok := got[w.name]
			switch {
			case !ok || f.Observed == nil:
				t.Errorf("%s: %s not observed", c.Cluster, w.name)
			case math.Abs(*f.Observed-w.want) > 0.05*w.want:
				t.Errorf("%s: %s observed %v, want %v within 5%%", c.Cluster, w.name, *f.Observed, w.want)
			case f.Used != capacity.UsedObserved:
				t.Errorf("%s: %s used %s, want observed (%s)", c.Cluster, w.name, f.Used, f.Why)
			case f.Differs != w.differs:
				t.Errorf("%s: %s observed %v against the profile's %v: differs %v, want %v", c.Cluster, w.name, *f.Observed, f.Profile, f.Differs, w.differs)
			}
		}
	}
}
