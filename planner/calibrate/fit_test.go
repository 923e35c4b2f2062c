package calibrate

import (
	"math"
	"testing"
)

// A hand-computed line: x̄ 1.5, ȳ 2.75, Sxx 5, Sxy 5.5, so b = 1.1 and
// a = 1.1; residuals −0.1, 0.8, −1.3, 0.6 give SSE 2.7 and σ² 1.35, so
// SE(b) = √(1.35/5) = √0.27, SE(a) = √(1.35·(1/4 + 2.25/5)) = √0.945, and
// R² = 1 − 2.7/8.75.
func TestFitLine(t *testing.T) {
	f, err := fitLine("test", []float64{0, 1, 2, 3}, []float64{1, 3, 2, 5})
	if err != nil {
		t.Fatal(err)
	}
	want := Fit{Intercept: 1.1, Slope: 1.1, InterceptSE: math.Sqrt(0.945), SlopeSE: math.Sqrt(0.27), RSquared: 1 - 2.7/8.75, N: 4}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"intercept", f.Intercept, want.Intercept}, {"slope", f.Slope, want.Slope},
		{"intercept SE", f.InterceptSE, want.InterceptSE}, {"slope SE", f.SlopeSE, want.SlopeSE},
		{"R²", f.RSquared, want.RSquared},
	} {
		near(t, c.name, c.got, c.want)
	}
	if f.N != 4 {
		t.Errorf("N = %d, want 4", f.N)
	}
}

func TestFitLineErrors(t *testing.T) {
	for _, tc := range []struct {
		x, y []float64
		err  string
	}{
		{[]float64{0, 100}, []float64{1, 2}, "fitting memory per connection: demand: 2 points, need at least 3 to fit a line with an error estimate"},
		{[]float64{5, 5, 5}, []float64{1, 2, 3}, "fitting memory per connection: demand: every x is 5: a slope needs at least two distinct values"},
		{[]float64{0, 1, 2}, []float64{1, math.NaN(), 3}, "fitting memory per connection: demand: y[1] is NaN"},
	} {
		if _, err := fitLine("memory per connection", tc.x, tc.y); err == nil || err.Error() != tc.err {
			t.Errorf("%v, %v: error %v, want %s", tc.x, tc.y, err, tc.err)
		}
	}
}
