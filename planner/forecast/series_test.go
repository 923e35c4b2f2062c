package forecast

import (
	"math"
	"slices"
	"testing"
)

var nan = math.NaN()

func TestGaps(t *testing.T) {
	got := Gaps([]float64{nan, 1, nan, nan, 2, 3, nan})
	want := []Gap{{0, 1}, {2, 2}, {6, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("Gaps = %v, want %v", got, want)
	}
}

func TestFillGaps(t *testing.T) {
	for _, c := range []struct {
		name      string
		y         []float64
		m, linear int
		want      []float64
	}{
		{"linear", []float64{1, nan, nan, 4}, 1, 3, []float64{1, 2, 3, 4}},
		{"leading takes first value", []float64{nan, nan, 5, 6}, 1, 3, []float64{5, 5, 5, 6}},
		{"trailing takes last value", []float64{1, 2, nan}, 1, 3, []float64{1, 2, 2}},
		{"short gap in a seasonal series is linear", []float64{0, 10, 20, 1, 11, 21, nan, 5}, 3, 2, []float64{0, 10, 20, 1, 11, 21, 13, 5}},
		// Seasonal fill by hand, m = 3, gap y[6..9] (L = 4):
		// base = y[3], y[4], y[5], y[3] = 1, 11, 21, 1 and base(10) = y[4] = 11;
		// dL = y[5] - y[2] = 1, dR = y[10] - 11 = 3;
		// fill = base + 1 + (i+1)/5·2 = 2.4, 12.8, 23.2, 3.6.
		{"seasonal", []float64{0, 10, 20, 1, 11, 21, nan, nan, nan, nan, 14, 24}, 3, 2,
			[]float64{0, 10, 20, 1, 11, 21, 2.4, 12.8, 23.2, 3.6, 14, 24}},
		// Trailing seasonal gap, m = 2: dL = y[3] - y[1] = 1, no right edge,
		// so fill = base + 1 = 2+1, 6+1, 2+1.
		{"trailing seasonal", []float64{1, 5, 2, 6, nan, nan, nan}, 2, 1, []float64{1, 5, 2, 6, 3, 7, 3}},
		{"seasonal gap without a season before it is linear", []float64{1, nan, nan, nan, nan, 6}, 3, 1, []float64{1, 2, 3, 4, 5, 6}},
	} {
		t.Run(c.name, func(t *testing.T) {
			assertClose(t, "filled", FillGaps(c.y, c.m, c.linear), c.want, 1e-12)
		})
	}
	all := FillGaps([]float64{nan, nan}, 1, 3)
	if !math.IsNaN(all[0]) || !math.IsNaN(all[1]) {
		t.Errorf("all-NaN series: got %v, want it unchanged", all)
	}
}

func TestIncrements(t *testing.T) {
	for _, c := range []struct {
		name    string
		counter []float64
		want    []float64
	}{
		{"monotonic", []float64{0, 5, 10, 12}, []float64{5, 5, 2}},
		// A drop is a restart from zero: 10 -> 3 increased by 3.
		{"reset", []float64{0, 5, 10, 3, 8}, []float64{5, 5, 3, 5}},
		{"gap spreads the increase", []float64{0, nan, 10}, []float64{5, 5}},
		{"reset inside a gap", []float64{10, nan, nan, 3}, []float64{1, 1, 1}},
		{"unobserved ends", []float64{nan, 2, 4, nan}, []float64{nan, 2, nan}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Increments(c.counter)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] && !(math.IsNaN(got[i]) && math.IsNaN(c.want[i])) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			}
		})
	}
	if got := Increments([]float64{1}); len(got) != 0 {
		t.Errorf("one value: got %v, want no increments", got)
	}
}

func TestLine(t *testing.T) {
	// Least squares through (0,1), (1,3), (2,2), (3,6): t̄ = 1.5, ȳ = 3,
	// Sxy = -1.5·-2 + -0.5·0 + 0.5·-1 + 1.5·3 = 7, Sxx = 5, so b = 1.4 and
	// a = 3 - 1.4·1.5 = 0.9.
	a, b := line([]float64{1, 3, 2, 6})
	assertClose(t, "line", []float64{a, b}, []float64{0.9, 1.4}, 1e-12)
}

// Increments is increments without the observed mask.
func Increments(counter []float64) []float64 { // test helper
	out, _ := increments(counter)
	return out
}
