package forecast

import (
	"math"
	"slices"
	"testing"
)

func TestMakePlan(t *testing.T) {
	for _, c := range []struct {
		name                   string
		n, h, m                int
		wantOrigins            []int
		wantHorizon, wantWidth int
	}{
		// Two years hourly, 30 days ahead: the span is ten horizons, 7200
		// h, so 80 origins 7200/79 = 91 h apart, the last one 720 h before
		// the end; fit window max(8·168, 2·720) = 1440.
		{"hourly", 17520, 720, 168, nil, 720, 1440},
		// Eight years monthly, a year ahead: the first origin keeps half
		// the 96-month window before it, so origins at months 48..84.
		{"monthly", 96, 12, 12, []int{48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65,
			66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84}, 12, 96},
		// 13 values: 10 are needed to train, leaving 3 one-step origins.
		{"short", 13, 12, 1, []int{10, 11, 12}, 1, 30},
		{"too short", 5, 3, 1, nil, 0, 30},
	} {
		p := makePlan(c.n, c.h, c.m, 0, 0, 0)
		if c.name == "hourly" {
			if len(p.origins) != 80 || p.origins[79] != 17520-720 || p.origins[1]-p.origins[0] != 91 || p.origins[0] != 16800-79*91 {
				t.Errorf("hourly: origins %v", p.origins)
			}
		} else if !slices.Equal(p.origins, c.wantOrigins) {
			t.Errorf("%s: origins %v, want %v", c.name, p.origins, c.wantOrigins)
		}
		if p.horizon != c.wantHorizon || p.window != c.wantWidth {
			t.Errorf("%s: horizon %d window %d, want %d and %d", c.name, p.horizon, p.window, c.wantHorizon, c.wantWidth)
		}
	}
}

func TestBacktestNaiveByHand(t *testing.T) {
	y := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	observed := []bool{true, true, true, true, true, true, false, true}
	p := plan{origins: []int{5, 6}, horizon: 2, window: 10}
	errs, err := backtest(SeasonalNaive{Period: 1}, y, observed, p)
	if err != nil {
		t.Fatal(err)
	}
	// From origin 5 the naive forecast is y[4] = 5: errors 6-5 and (y[6]
	// was imputed) none. From origin 6 it is 6: none, then 8-6.
	want := [][]float64{{1, nan}, {nan, 2}}
	for j := range want {
		for k := range want[j] {
			if g, w := errs[j][k], want[j][k]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Fatalf("errs = %v, want %v", errs, want)
			}
		}
	}
}

// An updatable model is fitted at the first origin of each third of the
// origins and moved forward in between: with six origins it is fitted at
// the first, third and fifth, and its backtest errors from the second
// origin are those of the first origin's model after it has taken in the
// values between the origins.
func TestBacktestUpdatesETS(t *testing.T) {
	y := monthlySeries(60, 9)
	observed := make([]bool, len(y))
	for i := range observed {
		observed[i] = true
	}
	p := plan{origins: []int{40, 43, 46, 49, 52, 55}, horizon: 3, window: 100}
	method := ETSMethod{Trend: DampedTrend, Period: 12}
	errs, err := backtest(method, y, observed, p)
	if err != nil {
		t.Fatal(err)
	}
	m, err := method.Fit(y[:40])
	if err != nil {
		t.Fatal(err)
	}
	m.(Updater).Update(y[40:43])
	f := m.Forecast(3)
	for k := range f {
		if want := y[43+k] - f[k]; errs[1][k] != want {
			t.Fatalf("error at step %d: %v, want %v", k, errs[1][k], want)
		}
	}
	// Refitted at the third origin, on the 46 values before it.
	m, err = method.Fit(y[:46])
	if err != nil {
		t.Fatal(err)
	}
	f = m.Forecast(3)
	for k := range f {
		if want := y[46+k] - f[k]; errs[2][k] != want {
			t.Fatalf("third origin, step %d: error %v, want %v", k, errs[2][k], want)
		}
	}
}

// MASE by hand, m = 2, y = 1, 4, 2, 7, …: from origin 3 the in-sample
// seasonal naive MAE is |2-1|/1 = 1; from origin 4 it is (|2-1|+|7-4|)/2 =
// 2. Errors (0.5, unobserved) from origin 3 and (1, -3) from origin 4
// scale to 0.5, 0.5 and 1.5, so MASE = 2.5/3 (Hyndman & Koehler 2006).
func TestMASEByHand(t *testing.T) {
	y := []float64{1, 4, 2, 7, 5, 9}
	p := plan{origins: []int{3, 4}, horizon: 2}
	got := mase(y, 2, p, [][]float64{{0.5, nan}, {1, -3}})
	if want := 2.5 / 3; math.Abs(got-want) > 1e-15 {
		t.Errorf("MASE = %v, want %v", got, want)
	}
	if got := mase(y, 2, p, [][]float64{{nan, nan}, {nan, nan}}); !math.IsNaN(got) {
		t.Errorf("MASE without errors = %v, want NaN", got)
	}
	// A constant history has scale 0: a perfect forecast scores 0, not NaN.
	if got := mase([]float64{3, 3, 3, 3}, 1, plan{origins: []int{2}, horizon: 2}, [][]float64{{0, 0}}); got != 0 {
		t.Errorf("MASE of a perfect forecast of a constant = %v, want 0", got)
	}
}
