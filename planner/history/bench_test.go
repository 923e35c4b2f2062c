package history

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"
)

// fleet50 is two years of hourly history for 50 gateways: every query,
// connections split over two protocols, 550 series of 17,520 values.
func fleet50() *Snapshot {
	n := 17520
	s := &Snapshot{Version: FormatVersion, Start: t2024, End: t2024.Add(time.Duration(n) * time.Hour), Step: time.Hour}
	for c := range 50 {
		cluster := fmt.Sprintf("gateway-%02d", c)
		for _, q := range Queries() {
			labelSets := []map[string]string{nil}
			if len(q.By) > 1 {
				labelSets = []map[string]string{{"protocol": "mqtt"}, {"protocol": "stomp"}}
			}
			for _, l := range labelSets {
				v := make([]float64, n)
				for i := range v {
					v[i] = math.Round(1000 * (1 + float64(c) + 0.3*math.Sin(float64(i)/24*2*math.Pi)))
				}
				v[n/2] = math.NaN()
				s.Series = append(s.Series, Series{Metric: q.Metric, Cluster: cluster, Labels: l, Start: s.Start, Step: time.Hour, Values: v})
			}
		}
	}
	return s
}

func BenchmarkWriteFleet50(b *testing.B) {
	s := fleet50()
	path := filepath.Join(b.TempDir(), "snap.json.gz")
	for b.Loop() {
		if err := Write(path, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFleet50(b *testing.B) {
	for _, name := range []string{"snap.json", "snap.json.gz"} {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), name)
			if err := Write(path, fleet50()); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := Read(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
