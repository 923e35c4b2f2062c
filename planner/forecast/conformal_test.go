package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Type-7 quantiles of 1..10 as R's quantile(1:10, c(.025, .1, .9, .975))
// gives them: h = 9p, so 1.225, 1.9, 9.1, 9.775. The input is shuffled
// because quantile7 selects rather than sorts.
func TestQuantile7(t *testing.T) {
	for _, c := range []struct{ p, want float64 }{
		{0.025, 1.225}, {0.1, 1.9}, {0.5, 5.5}, {0.9, 9.1}, {0.975, 9.775}, {0, 1}, {1, 10},
	} {
		x := []float64{7, 3, 10, 1, 9, 2, 8, 5, 4, 6}
		if got := quantile7(x, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile7(1..10, %v) = %v, want %v", c.p, got, c.want)
		}
	}
}

// Past a run of +Inf the quantile is +Inf, not the NaN of ∞ - ∞.
func TestQuantile7Inf(t *testing.T) {
	inf := math.Inf(1)
	if got := quantile7([]float64{inf, 1, inf, 2}, 0.9); !math.IsInf(got, 1) {
		t.Errorf("quantile7 with two +Inf at 0.9 = %v, want +Inf", got)
	}
}

func TestIsotonic(t *testing.T) {
	for _, c := range []struct{ in, want []float64 }{
		{[]float64{1, 3, 2, 4}, []float64{1, 2.5, 2.5, 4}},
		{[]float64{3, 2, 1}, []float64{2, 2, 2}},
		{[]float64{1, 2, 3}, []float64{1, 2, 3}},
		{[]float64{2, 1, 5, 3, 3}, []float64{1.5, 1.5, 11.0 / 3, 11.0 / 3, 11.0 / 3}},
	} {
		x := append([]float64(nil), c.in...)
		isotonic(x)
		assertClose(t, "isotonic", x, c.want, 1e-12)
	}
}

// Errors drawn as e = σ_k z with σ_k = √k and z standard normal: the bands
// must come out near ±1.2816σ_k and ±1.96σ_k, widen with k, keep
// lo95 <= lo80 <= hi80 <= hi95, and cover about 80% and 95% of held-out
// errors.
func TestErrorBandsGaussian(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	const origins, hb = 40, 48
	errs := make([][]float64, origins)
	for j := range errs {
		errs[j] = make([]float64, hb)
		for k := range errs[j] {
			errs[j][k] = math.Sqrt(float64(k+1)) * r.NormFloat64()
		}
	}
	b := errorBands(errs, 2*hb)
	for k := 0; k < 2*hb; k++ {
		if !(b.lo95[k] <= b.lo80[k] && b.lo80[k] <= b.hi80[k] && b.hi80[k] <= b.hi95[k]) {
			t.Fatalf("step %d: bands out of order: %v %v %v %v", k, b.lo95[k], b.lo80[k], b.hi80[k], b.hi95[k])
		}
		if k > 0 && b.hi95[k]-b.lo95[k] < b.hi95[k-1]-b.lo95[k-1]-1e-12 {
			t.Fatalf("step %d: 95%% band narrower than at step %d", k, k-1)
		}
	}
	for _, k := range []int{7, 23, 47} {
		sigma := math.Sqrt(float64(k + 1))
		if w := (b.hi95[k] - b.lo95[k]) / 2; math.Abs(w/sigma-1.96) > 0.35 {
			t.Errorf("step %d: 95%% half-width %.2fσ, want about 1.96σ", k, w/sigma)
		}
		if w := (b.hi80[k] - b.lo80[k]) / 2; math.Abs(w/sigma-1.2816) > 0.25 {
			t.Errorf("step %d: 80%% half-width %.2fσ, want about 1.28σ", k, w/sigma)
		}
	}
	// Beyond the backtest horizon the offsets grow by √(k/H).
	if got, want := b.hi95[2*hb-1], b.hi95[hb-1]*math.Sqrt(2); math.Abs(got-want) > 1e-9 {
		t.Errorf("extrapolated hi95 = %v, want %v", got, want)
	}
	c80, c95 := coverage(errs)
	if math.Abs(c80-0.80) > 0.05 || math.Abs(c95-0.95) > 0.03 {
		t.Errorf("held-out coverage %.3f / %.3f, want about 0.80 / 0.95", c80, c95)
	}
}

func TestErrorBandsZeroErrors(t *testing.T) {
	errs := [][]float64{{0, 0, 0}, {0, 0, 0}, {0, 0, 0}}
	b := errorBands(errs, 5)
	for k := range b.lo95 {
		if b.lo95[k] != 0 || b.hi95[k] != 0 || b.lo80[k] != 0 || b.hi80[k] != 0 {
			t.Fatalf("zero errors must give zero-width bands, got %+v", b)
		}
	}
}

// A seasonal random walk of period 4 whose every lag-4 difference is 4:
// σ = 4, and k+1 steps ahead sums ⌊k/4⌋+1 seasonal steps.
func TestRandomWalkBandsSeasonal(t *testing.T) {
	season := []float64{10, -3, 7, 0}
	y := make([]float64, 12)
	for i := range y {
		y[i] = season[i%4] + float64(i)
	}
	b := randomWalkBands(y, 9, 4)
	for k := range 9 {
		s := 4 * math.Sqrt(float64(k/4+1))
		if math.Abs(b.hi80[k]-z80*s) > 1e-12 || math.Abs(b.lo95[k]+z95*s) > 1e-12 {
			t.Errorf("step %d: hi80 %v lo95 %v, want %v and %v", k+1, b.hi80[k], b.lo95[k], z80*s, -z95*s)
		}
	}
	// Under two seasons of history: the plain random walk, σ the RMS of
	// the first differences of the first 7 values.
	var ss float64
	for i := 1; i < 7; i++ {
		ss += (y[i] - y[i-1]) * (y[i] - y[i-1])
	}
	plain := randomWalkBands(y[:7], 2, 4)
	if s := math.Sqrt(ss / 6); math.Abs(plain.hi95[1]-z95*s*math.Sqrt(2)) > 1e-12 {
		t.Errorf("7 values, period 4: hi95 at step 2 %v, want the random walk's %v", plain.hi95[1], z95*s*math.Sqrt(2))
	}
}
