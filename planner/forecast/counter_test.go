package forecast

import (
	"math"
	"strings"
	"testing"
)

func TestIsResetCounter(t *testing.T) {
	rising := func(n int) []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = 10 + float64(i)
		}
		return y
	}
	withReset := rising(100)
	withReset[50] = 0.5 // below a tenth of 59
	smallDrop := rising(100)
	smallDrop[50] = 55 // a fall, not to near zero
	negative := rising(100)
	negative[0] = -1
	gaps := rising(100)
	gaps[10], gaps[11] = math.NaN(), math.NaN()
	gaps[50] = 0
	tooManyResets := rising(100)
	for i := 5; i < 100; i += 10 {
		tooManyResets[i] = 0
	}
	for _, c := range []struct {
		name string
		y    []float64
		want bool
	}{
		{"rising, never reset", rising(100), false},
		{"reset to near zero", withReset, true},
		{"reset and gaps", gaps, true},
		{"small drop", smallDrop, false},
		{"negative", negative, false},
		{"flat", make([]float64, 100), false},
		{"too short", rising(30), false},
		{"a reset every ten steps", tooManyResets, false},
	} {
		if got := isResetCounter(c.y); got != c.want {
			t.Errorf("%s: isResetCounter = %v, want %v", c.name, got, c.want)
		}
	}
}

// A counter rising by exactly 3 a step, restarted twice (counting 3 in
// the step of the restart), is forecast as its last value plus 3 a step,
// with intervals of zero width: the increments are constant.
func TestForecastCounterLevels(t *testing.T) {
	y := make([]float64, 400)
	var c float64
	for i := range y {
		c += 3
		if i == 150 || i == 320 {
			c = 3
		}
		y[i] = c
	}
	res, err := Forecast(y, Options{Horizon: 24})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Counter || !strings.HasPrefix(res.Explain(), "counter, increments by model ") {
		t.Fatalf("not read as a counter: %s", res.Explain())
	}
	for k, v := range res.Point {
		want := y[len(y)-1] + 3*float64(k+1)
		if math.Abs(v-want) > 1e-9 {
			t.Fatalf("step %d: forecast %v, want %v", k+1, v, want)
		}
		if w := res.Hi95[k] - res.Lo95[k]; w > 1e-9 {
			t.Fatalf("step %d: 95%% interval %v wide for constant increments", k+1, w)
		}
	}
	// The same series flagged as a counter by the caller forecasts the
	// increments themselves.
	inc, err := Forecast(y, Options{Horizon: 24, Counter: true})
	if err != nil {
		t.Fatal(err)
	}
	if inc.Counter || math.Abs(inc.Point[0]-3) > 1e-9 {
		t.Errorf("Counter option: first forecast %v (Counter %v), want the increment 3", inc.Point[0], inc.Counter)
	}
}

func TestCumulativeErrors(t *testing.T) {
	y := []float64{0, 0, 1, 2, 3, 4}
	observed := []bool{true, true, true, false, true, true}
	p := plan{origins: []int{2, 3}, horizon: 3}
	f := [][]float64{{0, 0, 0}, {1, 1, 1}}
	got := cumulativeErrors(f, y, observed, p)
	// origin 2: errors 1, 2, 3 (the second imputed) → 1, NaN, 6;
	// origin 3: errors 1, 2, 3 (the first imputed) → NaN, 3, 6.
	want := [][]float64{{1, math.NaN(), 6}, {math.NaN(), 3, 6}}
	for j := range want {
		for k := range want[j] {
			g, w := got[j][k], want[j][k]
			if math.IsNaN(w) != math.IsNaN(g) || (!math.IsNaN(w) && g != w) {
				t.Errorf("c[%d][%d] = %v, want %v", j, k, g, w)
			}
		}
	}
}

// The base is the last observed value plus the increments imputed after
// it.
func TestCounterBase(t *testing.T) {
	values := []float64{1, 2, 4, math.NaN(), math.NaN()}
	y := []float64{1, 2, 5, 7} // increments as Forecast sees them, the last two imputed
	if got := counterBase(values, y); got != 4+5+7 {
		t.Errorf("counterBase = %v, want 16", got)
	}
}
