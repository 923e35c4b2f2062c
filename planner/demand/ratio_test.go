package demand

import (
	"math"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// num holds 1..48 from t0; den holds 40 values from t0+2h, all 2 but a NaN
// at its end and a 0 before it. Both cover t0+2h…t0+41h; a 10 h window
// ending at t0+41h takes num 33..42 over 2, less the NaN and the 0:
// 16.5, 17, …, 20, whose LinInterp p95 is 0.4·19.5 + 0.6·20 = 19.8.
func TestRatioP95(t *testing.T) {
	t0 := utc("2024-06-01T00:00:00Z")
	num, den := ratioSeries(t0, "connections_opened_per_second", "connections")
	got, err := RatioP95(num, den, 10*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-19.8) > 1e-12 {
		t.Errorf("p95 %v, want 19.8", got)
	}
	// The same with the roles of start swapped: den begins first.
	got, err = RatioP95(history.Series{Start: t0, Step: time.Hour, Values: []float64{6, 6, 6, 6}},
		history.Series{Start: t0.Add(-2 * time.Hour), Step: time.Hour, Values: []float64{1, 1, 3, 2}}, 24*time.Hour)
	// 6/3 and 6/2 overlap: LinInterp p95 of {2, 3} is 0.1·2 + 0.9·3 = 2.9
	if err != nil || math.Abs(got-2.9) > 1e-12 {
		t.Errorf("den first: %v, %v; want 2.9", got, err)
	}
}

// The same window as TestRatioP95's: num 33..42 less the NaN's and the
// 0's instants (41 and 42, at den's last two), 33..40 over eight 2s:
// (33+…+40)/16 = 292/16.
func TestRatioOfSums(t *testing.T) {
	t0 := utc("2024-06-01T00:00:00Z")
	num, den := ratioSeries(t0, "federated_messages_per_second", "messages_published_per_second")
	got, err := RatioOfSums(num, den, 10*time.Hour)
	if err != nil || math.Abs(got-292.0/16) > 1e-12 {
		t.Errorf("ratio of sums %v, %v; want 292/16", got, err)
	}
	if _, err := RatioOfSums(num, history.Series{Metric: "m", Cluster: "gw", Start: t0, Step: time.Hour, Values: []float64{0, math.NaN()}}, time.Hour); err == nil {
		t.Error("no instant with a positive denominator: want an error")
	}
}

// ratioSeries are TestRatioP95's: num 1..48 from t0, den 40 values from
// t0+2h, all 2 but a NaN at its end and a 0 before it.
func ratioSeries(t0 time.Time, numMetric, denMetric string) (num, den history.Series) {
	num = history.Series{Metric: numMetric, Cluster: "gw", Start: t0, Step: time.Hour}
	for i := range 48 {
		num.Values = append(num.Values, float64(i+1))
	}
	den = history.Series{Metric: denMetric, Cluster: "gw", Start: t0.Add(2 * time.Hour), Step: time.Hour}
	for range 40 {
		den.Values = append(den.Values, 2)
	}
	den.Values[39], den.Values[38] = math.NaN(), 0
	return num, den
}

func TestRatioP95Errors(t *testing.T) {
	t0 := utc("2024-06-01T00:00:00Z")
	a := history.Series{Metric: "a", Cluster: "gw", Start: t0, Step: time.Hour, Values: []float64{1, 2}}
	for _, tc := range []struct {
		name string
		den  history.Series
		want string
	}{
		{"step", history.Series{Metric: "b", Cluster: "gw", Start: t0, Step: time.Minute, Values: []float64{1}},
			`demand: a{cluster="gw"} has step 1h0m0s but b{cluster="gw"} has 1m0s`},
		{"grid", history.Series{Metric: "b", Cluster: "gw", Start: t0.Add(time.Minute), Step: time.Hour, Values: []float64{1}},
			`demand: a{cluster="gw"} and b{cluster="gw"} are not sampled at the same instants`},
		{"overlap", history.Series{Metric: "b", Cluster: "gw", Start: t0.Add(5 * time.Hour), Step: time.Hour, Values: []float64{1}},
			`demand: a{cluster="gw"} and b{cluster="gw"} do not overlap in time`},
		{"no data", history.Series{Metric: "b", Cluster: "gw", Start: t0, Step: time.Hour, Values: []float64{0, math.NaN()}},
			`demand: no instant in the last 720h0m0s where both a{cluster="gw"} and b{cluster="gw"} are observed (and the latter positive)`},
	} {
		if _, err := RatioP95(a, tc.den, RatioWindow); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// PerConnection reads the two rates per connection over the last 30 days only: an
// older burst of churn does not count.
func TestPerConnection(t *testing.T) {
	t0 := utc("2024-01-01T00:00:00Z")
	n := 40 * 24
	mk := func(metric string, f func(i int) float64) history.Series {
		s := history.Series{Metric: metric, Cluster: "gw", Start: t0, Step: time.Hour, Values: make([]float64, n)}
		for i := range s.Values {
			s.Values[i] = f(i)
		}
		return s
	}
	conns := mk("connections", func(int) float64 { return 1000 })
	opened := mk("connections_opened_per_second", func(i int) float64 {
		if i < 5*24 {
			return 500 // a storm 35-40 days ago
		}
		return 2
	})
	published := mk("messages_published_per_second", func(int) float64 { return 250 })
	got, err := PerConnection(opened, published, conns)
	if err != nil {
		t.Fatal(err)
	}
	if want := (capacity.PerConnection{OpensPerSecond: 0.002, MessagesPerSecond: 0.25}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for i := range published.Values { // a counter read wrong
		published.Values[i] = -1
	}
	if _, err := PerConnection(opened, published, conns); err == nil ||
		err.Error() != `demand: cluster "gw": messages per second per connection: -0.001 must be finite and not negative` {
		t.Errorf("negative: %v", err)
	}
}
