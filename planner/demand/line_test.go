package demand

import (
	"math"
	"math/rand/v2"
	"testing"
)

func closeTo(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s: %v, want %v (±%v)", what, got, want, tol)
	}
}

// Anscombe's first data set (Anscombe 1973, "Graphs in statistical
// analysis", The American Statistician 27(1)), whose fit every statistics
// package quotes; R's summary(lm(y1 ~ x1, anscombe)) prints
//
//	(Intercept) 3.0001  Std. Error 1.1247
//	x1          0.5001  Std. Error 0.1179
//	Residual standard error: 1.237 on 9 degrees of freedom
//	Multiple R-squared: 0.6665
//
// The prediction intervals at x0 = 10 and 20 are the textbook formula
// ŷ ± t·σ·√(1 + 1/n + (x0−x̄)²/Sxx) with x̄ = 9, Sxx = 110 and the t table's
// t(0.90, 9) = 1.3830, t(0.975, 9) = 2.2622.
func TestFitLineAnscombe(t *testing.T) {
	x := []float64{10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5}
	y := []float64{8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68}
	l, err := FitLine(x, y)
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "intercept", l.A, 3.0001, 5e-5)
	closeTo(t, "slope", l.B, 0.5001, 5e-5)
	closeTo(t, "SE intercept", l.SEA, 1.1247, 5e-5)
	closeTo(t, "SE slope", l.SEB, 0.1179, 5e-5)
	closeTo(t, "sigma", l.Sigma, 1.237, 5e-4)
	closeTo(t, "R²", l.RSquared, 0.6665, 5e-5)
	if l.N != 11 || l.MeanX != 9 || l.Sxx != 110 {
		t.Errorf("n %d, mean x %v, Sxx %v; want 11, 9, 110", l.N, l.MeanX, l.Sxx)
	}
	for _, tc := range []struct {
		x0                            float64
		point, lo80, hi80, lo95, hi95 float64
	}{
		{10, 8.0010, 6.2073, 9.7947, 5.0671, 10.9349},
		{20, 13.0019, 10.4704, 15.5334, 8.8613, 17.1425},
	} {
		p := l.Predict(tc.x0)
		closeTo(t, "point", p.Point, tc.point, 1e-4)
		closeTo(t, "lo80", p.Lo80, tc.lo80, 5e-4)
		closeTo(t, "hi80", p.Hi80, tc.hi80, 5e-4)
		closeTo(t, "lo95", p.Lo95, tc.lo95, 5e-4)
		closeTo(t, "hi95", p.Hi95, tc.hi95, 5e-4)
	}
}

// Points on an exact line give back the line, zero residual error, and
// zero-width intervals at the fitted points and beyond: the forecast is the
// line itself.
func TestFitLineExactProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	for trial := range 200 {
		a, b := rng.Float64()*2000-1000, rng.Float64()*2-0.5
		n := 3 + rng.IntN(30)
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = float64(i*1000) + rng.Float64()*500 // distinct, increasing like devices
			y[i] = a + b*x[i]
		}
		l, err := FitLine(x, y)
		if err != nil {
			t.Fatal(err)
		}
		scale := 1e-9 * (math.Abs(a) + math.Abs(b)*x[n-1] + 1)
		if math.Abs(l.A-a) > scale || math.Abs(l.B-b) > scale/x[n-1]*10 || l.Sigma > scale {
			t.Fatalf("trial %d: a %v b %v sigma %v; want %v %v 0", trial, l.A, l.B, l.Sigma, a, b)
		}
		future := append(append([]float64(nil), x...), x[n-1]+5000, x[n-1]*3)
		preds, err := l.PredictAll(future)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range preds {
			want := a + b*future[i]
			tol := 1e-8 * (math.Abs(want) + 1)
			if math.Abs(p.Point-want) > tol || p.Hi95-p.Lo95 > tol || p.Hi80-p.Lo80 > tol {
				t.Fatalf("trial %d at x=%v: %+v, want %v with zero width", trial, future[i], p, want)
			}
		}
	}
}

// Intervals widen away from the mean of x and the 95% one holds the 80%.
func TestPredictIntervalsNestAndWiden(t *testing.T) {
	l, err := FitLine([]float64{1, 2, 3, 4, 5}, []float64{2, 4.5, 5.5, 8.5, 9.5})
	if err != nil {
		t.Fatal(err)
	}
	prev := 0.0
	for _, x0 := range []float64{3, 4, 6, 10, 100} {
		p := l.Predict(x0)
		if !(p.Lo95 < p.Lo80 && p.Lo80 < p.Point && p.Point < p.Hi80 && p.Hi80 < p.Hi95) {
			t.Errorf("x0 %v: not nested: %+v", x0, p)
		}
		if w := p.Hi95 - p.Lo95; w <= prev {
			t.Errorf("x0 %v: width %v not wider than %v", x0, w, prev)
		} else {
			prev = w
		}
	}
}

func TestFitLineErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		want string
	}{
		{"lengths", []float64{1, 2, 3}, []float64{1, 2}, "demand: 3 x values but 2 y values"},
		{"two points", []float64{1, 2}, []float64{1, 2}, "demand: 2 points, need at least 3 to fit a line with an error estimate"},
		{"NaN y", []float64{1, 2, 3}, []float64{1, math.NaN(), 3}, "demand: y[1] is NaN"},
		{"Inf x", []float64{1, 2, math.Inf(1)}, []float64{1, 2, 3}, "demand: x[2] is +Inf"},
		{"flat x", []float64{7, 7, 7}, []float64{1, 2, 3}, "demand: every x is 7: a slope needs at least two distinct values"},
	} {
		if _, err := FitLine(tc.x, tc.y); err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	l, _ := FitLine([]float64{1, 2, 3}, []float64{1, 2, 4})
	if _, err := l.PredictAll([]float64{4, math.NaN()}); err == nil || err.Error() != "demand: future x[1] is NaN" {
		t.Errorf("NaN future: %v", err)
	}
	var zero Line
	if p := zero.Predict(1); !math.IsNaN(p.Point) || !math.IsNaN(p.Hi95) {
		t.Errorf("zero line predicts %+v, want NaN", p)
	}
	if _, err := zero.PredictAll([]float64{1}); err == nil {
		t.Error("zero line: no error")
	}
}

func TestPredictionUpper(t *testing.T) {
	p := Prediction{Point: 1, Lo80: 0, Hi80: 2, Lo95: -1, Hi95: 3}
	for _, tc := range []struct {
		interval int
		want     float64
	}{{80, 2}, {95, 3}} {
		if got, err := p.Upper(tc.interval); err != nil || got != tc.want {
			t.Errorf("Upper(%d) = %v, %v; want %v", tc.interval, got, err, tc.want)
		}
	}
	if _, err := p.Upper(90); err == nil || err.Error() != "demand: interval 90: want 80 or 95" {
		t.Errorf("Upper(90): %v", err)
	}
}
