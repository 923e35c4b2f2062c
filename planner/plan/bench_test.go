package plan

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// BenchmarkForecast50Regions is issue 3's performance case: 50 client
// regions (one gateway each), a 24-month horizon, 30 instance types and
// two years of hourly history per series, node series included (the
// capacity fit runs); one op is Build, the migration paths among it, plus
// writing the report. The history is generated before the timer starts, standing
// in for reading a snapshot (the Prometheus fetch is measured apart).
func BenchmarkForecast50Regions(b *testing.B) {
	fx := fixture{gateways: 50, days: 730, end: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), horizon: 24, types: 30, nodeMetrics: true}
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
