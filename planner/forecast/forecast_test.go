package forecast

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// A perfectly linear series is forecast exactly, by Holt's linear trend
// ETS(A,A,N): the linear-trend baseline (MASE 0 too) is reported but not
// chosen, and the initial states fitted to the first ten values already
// give zero one-step errors.
func TestForecastLinearIsExact(t *testing.T) {
	y := make([]float64, 300)
	for i := range y {
		y[i] = 100 + 2.5*float64(i)
	}
	res, err := Forecast(y, Options{Horizon: 48})
	if err != nil {
		t.Fatal(err)
	}
	if res.Model != "ETS(A,A,N)" || res.Season != 1 || res.BaselineMASE["linear-trend"] != 0 {
		t.Errorf("model %s, season %d, linear-trend MASE %v; want ETS(A,A,N), 1, 0", res.Model, res.Season, res.BaselineMASE["linear-trend"])
	}
	for k, v := range res.Point {
		if want := 100 + 2.5*float64(300+k); math.Abs(v-want) > 1e-6 {
			t.Fatalf("step %d: forecast %v, want %v", k+1, v, want)
		}
		if res.Hi95[k]-res.Lo95[k] > 1e-6 {
			t.Fatalf("step %d: 95%% interval %v wide on an exact line", k+1, res.Hi95[k]-res.Lo95[k])
		}
	}
}

// A pure seasonal series keeps its season: the period is found and the
// forecast repeats the cycle.
func TestForecastSeasonalKeepsSeason(t *testing.T) {
	pattern := func(i int) float64 {
		x := 2 * math.Pi * float64(i%24) / 24
		return 500 + 120*math.Sin(x) + 40*math.Cos(2*x)
	}
	y := make([]float64, 24*28)
	for i := range y {
		y[i] = pattern(i)
	}
	res, err := Forecast(y, Options{Horizon: 72, Periods: []int{24, 168}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Season != 24 {
		t.Fatalf("season %d, want 24", res.Season)
	}
	for k, v := range res.Point {
		if want := pattern(len(y) + k); math.Abs(v-want) > 1e-6 {
			t.Fatalf("step %d: forecast %v, want %v (model %s)", k+1, v, want, res.Model)
		}
	}
}

// A flat series forecasts flat, with intervals of (near) zero width.
func TestForecastFlat(t *testing.T) {
	for _, n := range []int{1, 5, 40, 500} {
		y := make([]float64, n)
		for i := range y {
			y[i] = 0.1
		}
		res, err := Forecast(y, Options{Horizon: 24})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for k, v := range res.Point {
			if math.Abs(v-0.1) > 1e-12 || res.Hi95[k]-res.Lo95[k] > 1e-9 {
				t.Fatalf("n=%d step %d: forecast %v in [%v, %v], want 0.1 with zero width", n, k+1, v, res.Lo95[k], res.Hi95[k])
			}
		}
	}
}

// Gaps, counter resets and short histories never make Forecast fail, and
// every output is finite.
func TestForecastNeverFailsOnAwkwardInput(t *testing.T) {
	counter := make([]float64, 24*30)
	var c float64
	for i := range counter {
		c += 100 + 50*math.Sin(2*math.Pi*float64(i)/24)
		if i == 200 || i == 500 {
			c = 7 // process restart
		}
		counter[i] = c
	}
	punch(counter, 300, 5)
	punch(counter, 600, 40)
	gappy := hourlySeries(24*7*6, 5)
	punch(gappy, 0, 30) // leading
	punch(gappy, len(gappy)-3, 3)
	cases := []struct {
		name string
		y    []float64
		opts Options
	}{
		{"counter with resets and gaps", counter, Options{Horizon: 48, Counter: true, Periods: []int{24}}},
		{"gaps at both ends", gappy, Options{Horizon: 100, Periods: []int{24, 168}}},
		{"one value", []float64{3}, Options{Horizon: 5}},
		{"two values", []float64{3, 4}, Options{Horizon: 5}},
		{"thirteen months", monthlySeries(13, 1), Options{Horizon: 12, Periods: []int{12}}},
		{"given season longer than history", monthlySeries(20, 1), Options{Horizon: 6, Season: 24}},
		{"given season, two cycles", monthlySeries(24, 1), Options{Horizon: 12, Season: 12}},
		{"mostly missing", append(make([]float64, 3), nan, nan, nan, nan, nan, 1, nan), Options{Horizon: 3}},
		{"two-point counter", []float64{5, 2}, Options{Horizon: 2, Counter: true}},
	}
	for _, c := range cases {
		res, err := Forecast(c.y, c.opts)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, s := range [][]float64{res.Point, res.Lo80, res.Hi80, res.Lo95, res.Hi95} {
			if len(s) != c.opts.Horizon {
				t.Errorf("%s: %d values, want %d", c.name, len(s), c.opts.Horizon)
			}
			for _, v := range s {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s: non-finite output %v (model %s)", c.name, v, res.Model)
					break
				}
			}
		}
	}
}

func TestForecastErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		y    []float64
		opts Options
		want string
	}{
		{"empty", nil, Options{Horizon: 3}, "empty series"},
		{"all NaN", []float64{nan, nan}, Options{Horizon: 3}, "no observed values (all 2 are NaN)"},
		{"zero horizon", []float64{1, 2}, Options{}, "horizon must be positive, got 0"},
		{"negative horizon", []float64{1, 2}, Options{Horizon: -1}, "horizon must be positive, got -1"},
		{"infinite value", []float64{1, math.Inf(1)}, Options{Horizon: 1}, "value 1 is +Inf"},
		{"negative season", []float64{1, 2}, Options{Horizon: 1, Season: -2}, "season must be 0 (detect) or positive, got -2"},
		{"one-value counter", []float64{1}, Options{Horizon: 1, Counter: true}, "counter needs at least 2 values"},
		{"counter with one observation", []float64{nan, 4, nan}, Options{Horizon: 1, Counter: true}, "fewer than 2 observed values"},
	} {
		_, err := Forecast(c.y, c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// Same input, bit-identical output.
func TestForecastDeterministic(t *testing.T) {
	y := hourlySeries(24*7*10, 4)
	opts := Options{Horizon: 24 * 7, Periods: []int{24, 168}}
	a, err := Forecast(y, opts)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, err := Forecast(y, opts)
		if err != nil {
			t.Fatal(err)
		}
		same := func(x, y []float64) bool {
			for i := range x {
				if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
					return false
				}
			}
			return len(x) == len(y)
		}
		if !same(a.Point, b.Point) || !same(a.Lo80, b.Lo80) || !same(a.Hi95, b.Hi95) ||
			a.Model != b.Model || math.Float64bits(a.MASE) != math.Float64bits(b.MASE) ||
			math.Float64bits(a.Coverage95) != math.Float64bits(b.Coverage95) {
			t.Fatal("two runs on the same input differ")
		}
		for k, v := range a.BaselineMASE {
			if math.Float64bits(b.BaselineMASE[k]) != math.Float64bits(v) {
				t.Fatalf("baseline %s differs", k)
			}
		}
	}
}

// The result reports the baselines and every candidate.
func TestForecastReportsBaselines(t *testing.T) {
	res, err := Forecast(monthlySeries(96, 2), Options{Horizon: 12, Periods: []int{12}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range res.Candidates {
		names = append(names, c.Model)
	}
	want := []string{"seasonal-naive", "linear-trend", "ETS(A,A,A)", "Theta", "MSTL(12)+ETS(A,A,N)",
		"Combination(ETS(A,A,A), Theta, MSTL(12)+ETS(A,A,N))"}
	if len(res.BaselineMASE) != 2 || !slices.Equal(names, want) {
		t.Fatalf("baselines %v, candidates %v, want %v", res.BaselineMASE, names, want)
	}
	for _, c := range res.Candidates {
		if c.Model == res.Model && c.MASE != res.MASE {
			t.Errorf("chosen %s: MASE %v, candidate list says %v", res.Model, res.MASE, c.MASE)
		}
		if c.MASE < res.MASE && c.Model != "linear-trend" {
			t.Errorf("%s has MASE %v below the chosen %s's %v", c.Model, c.MASE, res.Model, res.MASE)
		}
	}
}

// Every method refuses bad input with an error and never panics: no
// values, too few, and NaN (which Forecast never passes on).
func TestMethodsBadInput(t *testing.T) {
	methods := []Method{
		SeasonalNaive{Period: 24}, LinearTrend{}, ETSMethod{Trend: DampedTrend, Period: 12},
		ETSMethod{Period: 4, Multiplicative: true}, ETSAuto{Period: 12}, ETSAuto{Period: 1},
		ThetaMethod{Period: 12}, MSTLMethod{Periods: []int{24, 168}},
	}
	for _, m := range methods {
		for _, y := range [][]float64{nil, {1}, {nan, nan, nan, nan, nan, nan, nan, nan, nan, nan}} {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s on %v: panic %v", m.Name(), y, r)
					}
				}()
				if _, err := m.Fit(y); err == nil && len(y) < 2 {
					t.Errorf("%s on %v: no error", m.Name(), y)
				}
			}()
		}
	}
}

// A series that was never negative is never forecast below zero, its
// bounds included; one with a negative value keeps its bands as drawn.
// The series falls towards zero, so its bands, drawn around a falling
// forecast, reach below it.
func TestForecastFloorsNeverNegativeSeriesAtZero(t *testing.T) {
	y := make([]float64, 240)
	for i := range y {
		y[i] = 400 - 1.5*float64(i) + 20*math.Sin(float64(i*i%97))
	}
	res, err := Forecast(y, Options{Horizon: 48})
	if err != nil {
		t.Fatal(err)
	}
	var floored int
	for k := range res.Point {
		for _, v := range []float64{res.Point[k], res.Lo80[k], res.Hi80[k], res.Lo95[k], res.Hi95[k]} {
			if v < 0 {
				t.Fatalf("step %d: %v below zero for a series never negative (%s)", k+1, v, res.Model)
			}
		}
		if res.Lo95[k] == 0 {
			floored++
		}
	}
	if floored == 0 {
		t.Fatalf("no 95%% lower bound reached zero (%s, last lo95 %v): the case does not test the floor", res.Model, res.Lo95[47])
	}

	y[0] = -1 // a quantity that can be negative
	res, err = Forecast(y, Options{Horizon: 48})
	if err != nil {
		t.Fatal(err)
	}
	if lo := slices.Min(res.Lo95); lo >= 0 {
		t.Errorf("lowest 95%% bound %v with a negative value in the history: want the band as drawn, below zero", lo)
	}
}

// Twelve values give a backtest of two one-step errors: too few to draw
// bands from (minEmpirical), so the intervals are the random walk's over
// the history, 80% inside 95%, growing with √k, whatever the widening
// would have made of two errors (it made both bands one, 5 to 8 times
// the data's range).
func TestForecastShortBacktestFallsBackToRandomWalk(t *testing.T) {
	y := []float64{100.238, 100.544, 100.370, 100.604, 100.626, 100.066, 100.013, 100.837, 100.259, 100.234, 100.996, 100.470}
	res, err := Forecast(y, Options{Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Origins == 0 || res.Origins*res.BacktestHorizon >= minEmpirical {
		t.Fatalf("%d origins x %d steps: the case needs a backtest of fewer than %d errors", res.Origins, res.BacktestHorizon, minEmpirical)
	}
	var ss float64
	for i := 1; i < len(y); i++ {
		ss += (y[i] - y[i-1]) * (y[i] - y[i-1])
	}
	sigma := math.Sqrt(ss / float64(len(y)-1))
	for k, v := range res.Point {
		s := sigma * math.Sqrt(float64(k+1))
		got := [4]float64{res.Lo80[k] - v, res.Hi80[k] - v, res.Lo95[k] - v, res.Hi95[k] - v}
		want := [4]float64{-z80 * s, z80 * s, -z95 * s, z95 * s}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Fatalf("step %d: offsets %v, want the random walk's %v", k+1, got, want)
			}
		}
	}
}

// The intervals do not depend on the unit: a series of bytes near 10¹⁶
// gets the bands of the same series in units of 10¹⁶ bytes, scaled (they
// once rounded to zero width, the relative offsets added to the point
// before they were scaled), and values near 10¹⁵⁵, whose squares overflow,
// still get finite, nested bands.
func TestForecastBandsScaleWithTheSeries(t *testing.T) {
	unit := make([]float64, 200)
	for i := range unit {
		// noise that grows with a level that grows: the bands are drawn
		// from errors relative to the level (relative.go)
		unit[i] = (1 + float64(i)/20) * (1 + 0.2*math.Sin(float64(i*i%101)))
	}
	scaled := func(c float64) []float64 {
		y := make([]float64, len(unit))
		for i, v := range unit {
			y[i] = c * v
		}
		return y
	}
	base, err := Forecast(unit, Options{Horizon: 4})
	if err != nil {
		t.Fatal(err)
	}
	big, err := Forecast(scaled(1e16), Options{Horizon: 4})
	if err != nil {
		t.Fatal(err)
	}
	for k := range base.Point {
		w, wb := base.Hi95[k]-base.Lo80[k], (big.Hi95[k]-big.Lo80[k])/1e16
		if w <= 0 || math.Abs(wb-w) > 1e-6*w {
			t.Errorf("step %d: hi95 − lo80 %v at unit scale, %v × 10¹⁶ at 10¹⁶", k+1, w, wb)
		}
	}
	huge, err := Forecast(scaled(1e155), Options{Horizon: 4})
	if err != nil {
		t.Fatal(err)
	}
	for k := range huge.Point {
		b := []float64{huge.Lo95[k], huge.Lo80[k], huge.Hi80[k], huge.Hi95[k]}
		if !finite(b) || !slices.IsSorted(b) || b[0] == b[3] {
			t.Errorf("step %d at 10¹⁵⁵: bounds %v, want finite, nested and apart", k+1, b)
		}
	}
}

// choose: the lowest MASE wins, the simplest of equals, linear trend
// never, and another model must beat seasonal naive by the margin.
func TestChoose(t *testing.T) {
	cands := []scored{{name: "seasonal-naive"}, {name: "linear-trend"}, {name: "ETS(A,N,N)"}, {name: "Theta"}, {name: "median"}}
	for _, c := range []struct {
		why    string
		mases  []float64
		margin float64
		want   int
	}{
		{"lowest wins", []float64{1, 0.5, 0.8, 0.7, 0.75}, 0, 3},
		{"linear trend is a baseline, never chosen", []float64{1, 0.1, 0.8, 0.9, 0.95}, 0, 2},
		{"ties go to the simpler (earlier) model", []float64{1, 1, 0.8, 0.8, 0.8}, 0, 2},
		{"within the margin: seasonal naive stays", []float64{1, 1, 0.95, 0.96, 0.97}, 0.1, 0},
		{"exactly at the margin is enough", []float64{1, 1, 0.9, 0.96, 0.97}, 0.1, 2},
		{"past the margin", []float64{1, 1, 0.89, 0.96, 0.97}, 0.1, 2},
		{"NaN does not count", []float64{math.NaN(), 1, math.NaN(), 0.9, math.NaN()}, 0.1, 3},
		{"nothing scored", []float64{math.NaN(), 0.5, math.NaN(), math.NaN(), math.NaN()}, 0.1, -1},
	} {
		if got := choose(cands, c.mases, c.margin); got != c.want {
			t.Errorf("%s: choose(%v, margin %v) = %d, want %d", c.why, c.mases, c.margin, got, c.want)
		}
	}
}

// The margin shrinks with the evidence: 0.1/√B for a backtest spanning B
// horizon-long blocks.
func TestShrinkMargin(t *testing.T) {
	for _, c := range []struct {
		origins []int
		horizon int
		want    float64
	}{
		{[]int{100}, 48, 0.1},                          // one block
		{[]int{100, 124, 148}, 48, 0.1 / math.Sqrt(2)}, // origins 48 apart: two
		{[]int{0, 10, 468}, 13, 0.1 / math.Sqrt(37)},   // 36 horizons apart: 37
	} {
		if got := shrinkMargin(plan{origins: c.origins, horizon: c.horizon}); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("origins %v, horizon %d: margin %v, want %v", c.origins, c.horizon, got, c.want)
		}
	}
}
