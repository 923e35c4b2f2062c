package plan

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// BenchmarkForecast50Regions is issues 3 and 11's performance case: 50
// client regions (one gateway each) and a backend, a 24-month horizon, 30
// instance types and two years of hourly history per series, node and
// broker-host CPU series included (the capacity and CPU fits run); one op
// is Build (demand, sizing, the migration paths, placement, the backend,
// the high scenario for gateways and backend) plus writing the report. The history is generated before the timer starts, standing
// in for reading a snapshot (the Prometheus fetch is measured apart).
func BenchmarkForecast50Regions(b *testing.B) {
	fx := fixture{gateways: 50, days: 730, end: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), horizon: 24, types: 30, nodeMetrics: true, cpu: true, backend: true}
	in := fx.inputs(b)
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		p, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		if err := report.Write(filepath.Join(dir, strconv.Itoa(i)), p); err != nil {
			b.Fatal(err)
		}
	}
}
