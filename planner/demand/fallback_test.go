package demand

import (
	"math"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

func hourly(start time.Time, days int, perDay func(d int) float64) history.Series {
	s := history.Series{Metric: "connections", Cluster: "gw", Start: start, Step: time.Hour}
	for d := range days {
		for range 24 {
			s.Values = append(s.Values, perDay(d))
		}
	}
	return s
}

// A flat history forecasts flat: each month's bands sit on the level.
func TestFallbackFlat(t *testing.T) {
	s := hourly(utc("2024-01-01T00:00:00Z"), 40, func(int) float64 { return 1000 }) // to 9 February
	got, res, err := Fallback(s, 3)
	if err != nil {
		t.Fatal(err)
	}
	months := []string{"2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z"}
	if len(got) != 3 {
		t.Fatalf("%d months, want 3", len(got))
	}
	// 9 Feb → 31 May: 20 + 31 + 30 + 31 days ahead
	if len(res.Point) != 112 {
		t.Errorf("daily horizon %d, want 112", len(res.Point))
	}
	for i, m := range got {
		if !m.Month.Equal(utc(months[i])) {
			t.Errorf("month %d: %v, want %s", i, m.Month, months[i])
		}
		for _, v := range []float64{m.Point, m.Lo80, m.Hi80, m.Lo95, m.Hi95} {
			if math.Abs(v-1000) > 1e-6 {
				t.Errorf("%s: %+v, want 1000 throughout", months[i], m.Prediction)
			}
		}
	}
}

// A daily level rising by 10 a day (0 on 1 January 2024, 60 days of
// history) is a line the engine extends exactly; March's days hold
// 600, 610, …, 900 and their LinInterp p95 is 0.55·880 + 0.45·890 = 884.5.
func TestFallbackLinear(t *testing.T) {
	s := hourly(utc("2024-01-01T00:00:00Z"), 60, func(d int) float64 { return 10 * float64(d) })
	got, res, err := Fallback(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Month.Equal(utc("2024-03-01T00:00:00Z")) {
		t.Fatalf("got %+v", got)
	}
	if math.Abs(got[0].Point-884.5) > 1e-6 {
		t.Errorf("March p95 point %v, want 884.5 (model %s)", got[0].Point, res.Model)
	}
	if !(got[0].Hi95 >= got[0].Hi80 && got[0].Hi80 >= got[0].Point-1e-6) {
		t.Errorf("bands not ordered: %+v", got[0].Prediction)
	}
}

func TestFallbackErrors(t *testing.T) {
	s := hourly(utc("2024-01-01T00:00:00Z"), 2, func(int) float64 { return 1 })
	if _, _, err := Fallback(s, 0); err == nil || err.Error() != "demand: fallback horizon 0 months must be positive" {
		t.Errorf("months 0: %v", err)
	}
	if _, _, err := Fallback(history.Series{Metric: "connections", Cluster: "gw", Step: time.Hour}, 1); err == nil ||
		err.Error() != `demand: series connections{cluster="gw"} is empty` {
		t.Errorf("empty: %v", err)
	}
	nan := hourly(utc("2024-01-01T00:00:00Z"), 3, func(int) float64 { return math.NaN() })
	if _, _, err := Fallback(nan, 1); err == nil {
		t.Error("all NaN: no error")
	}
}
