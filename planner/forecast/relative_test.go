package forecast

import (
	"math"
	"strings"
	"testing"
)

func TestLevelsAndRelative(t *testing.T) {
	y := []float64{1, 2, 3, 4, 5, 6}
	lv := levels(y, plan{origins: []int{2, 4}}, 2)
	if want := []float64{1.5, 3.5, 5.5}; len(lv) != 3 || lv[0] != want[0] || lv[1] != want[1] || lv[2] != want[2] {
		t.Fatalf("levels = %v, want %v", lv, want)
	}
	rel := relative([][]float64{{3, math.NaN()}, {7, -3.5}}, lv)
	if rel[0][0] != 2 || !math.IsNaN(rel[0][1]) || rel[1][0] != 2 || rel[1][1] != -1 {
		t.Errorf("relative = %v", rel)
	}
	b := bands{[]float64{-1}, []float64{2}, []float64{-2}, []float64{3}}.scaled(2)
	if b.lo80[0] != -2 || b.hi80[0] != 4 || b.lo95[0] != -4 || b.hi95[0] != 6 {
		t.Errorf("bands scaled by 2: %v", b)
	}
}

// A series whose level grows tenfold over 200 months, with noise
// proportional to the level, gets bands about as wide relative to its
// forecast as the same series without growth: the errors are pooled
// relative to the level. With absolute errors pooled over the backtest,
// whose origins span a fourfold rise, the ratio was 0.73.
func TestForecastMultiplicativeBandsFollowLevel(t *testing.T) {
	const n, m = 200, 12
	pattern := []float64{0.8, 0.9, 1.1, 1.3, 1.2, 1.0, 0.9, 0.8, 0.9, 1.0, 1.1, 1.0}
	relWidth := func(growth float64) float64 {
		y := make([]float64, n)
		for i := range y {
			level := 100 * math.Pow(growth, float64(i)/n)
			noise := 0.03 * math.Sin(float64(i)*1.7) * math.Cos(float64(i)*0.31)
			y[i] = level * pattern[i%m] * (1 + noise)
		}
		res, err := Forecast(y, Options{Horizon: m, Periods: []int{m}})
		if err != nil {
			t.Fatal(err)
		}
		if growth > 1 && !strings.Contains(res.Model, "M)") && !strings.Contains(res.Model, "mult") {
			t.Fatalf("growth %v: %s is not multiplicative", growth, res.Model)
		}
		var w float64
		for k := range res.Point {
			w += (res.Hi95[k] - res.Lo95[k]) / res.Point[k]
		}
		return w / m
	}
	grown, flat := relWidth(10), relWidth(1)
	t.Logf("relative 95%% width %.4f growing, %.4f flat", grown, flat)
	if r := grown / flat; r < 0.9 || r > 1.3 {
		t.Errorf("relative 95%% width %.4f growing, %.4f flat (ratio %.2f), want a ratio within 0.9-1.3", grown, flat, r)
	}
}

// Errors twice as large in the later blocks vary less once divided by a
// level that doubles there too.
func TestBlockSpread(t *testing.T) {
	errs := make([][]float64, 10)
	lv := make([]float64, 11)
	for j := range errs {
		lv[j] = 1
		if j >= 5 {
			lv[j] = 2
		}
		errs[j] = []float64{lv[j], -lv[j]}
	}
	lv[10] = 2
	if a, r := blockSpread(errs), blockSpread(relative(errs, lv)); !(r == 0 && a > 0.3) {
		t.Errorf("block spread %v as they are, %v relative; want > 0.3 (block RMS 1, 1, 1.58, 2, 2) and 0", a, r)
	}
}
