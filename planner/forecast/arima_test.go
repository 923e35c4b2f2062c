package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// arma simulates x_t = Σ φ_i x_{t-i} + e_t + Σ θ_j e_{t-j} with standard
// normal e, after a burn-in of 200 steps.
func arma(n int, phi, theta []float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	const burn = 200
	x := make([]float64, n+burn)
	e := make([]float64, n+burn)
	for t := range x {
		e[t] = r.NormFloat64()
		x[t] = e[t]
		for i, f := range phi {
			if t-1-i >= 0 {
				x[t] += f * x[t-1-i]
			}
		}
		for j, th := range theta {
			if t-1-j >= 0 {
				x[t] += th * e[t-1-j]
			}
		}
	}
	return x[burn:]
}

// Conditional least squares recovers planted coefficients from 3,000
// values: the standard error of each is about 1/√3000 ≈ 0.02, the
// tolerance is 0.06.
func TestARIMARecoversCoefficients(t *testing.T) {
	for _, c := range []struct {
		name       string
		phi, theta []float64
		o          arimaOrder
	}{
		{"AR(2)", []float64{0.6, -0.3}, nil, arimaOrder{P: 2, M: 1}},
		{"MA(1)", nil, []float64{0.5}, arimaOrder{Q: 1, M: 1}},
		{"ARMA(1,1)", []float64{0.7}, []float64{-0.4}, arimaOrder{P: 1, Q: 1, M: 1}},
	} {
		y := arma(3000, c.phi, c.theta, 1)
		a, err := fitARIMA(y, c.o)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		t.Logf("%s: φ %.3f θ %.3f σ² %.3f", c.name, a.Phi, a.Theta, a.Sigma2)
		for i, want := range c.phi {
			if math.Abs(a.Phi[i]-want) > 0.06 {
				t.Errorf("%s: φ%d = %.3f, want %.2f", c.name, i+1, a.Phi[i], want)
			}
		}
		for j, want := range c.theta {
			if math.Abs(a.Theta[j]-want) > 0.06 {
				t.Errorf("%s: θ%d = %.3f, want %.2f", c.name, j+1, a.Theta[j], want)
			}
		}
		if math.Abs(a.Sigma2-1) > 0.08 {
			t.Errorf("%s: σ² = %.3f, want 1", c.name, a.Sigma2)
		}
	}
}

// The AICc choice finds the planted orders of an AR(2), and a random
// walk is differenced once (KPSS).
func TestARIMAAutoOrders(t *testing.T) {
	m, err := ARIMAAuto{Period: 1}.Fit(arma(1000, []float64{0.6, -0.3}, nil, 2))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*ARIMA).Order; got.P != 2 || got.D != 0 || got.Q != 0 {
		t.Errorf("AR(2): chose %v, want ARIMA(2,0,0)", got)
	}
	walk := arma(1000, nil, nil, 3)
	for i := 1; i < len(walk); i++ {
		walk[i] += walk[i-1]
	}
	m, err = ARIMAAuto{Period: 1}.Fit(walk)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*ARIMA).Order; got.D != 1 || got.SD != 0 {
		t.Errorf("random walk: chose %v, want one difference", got)
	}
}

// A line is forecast exactly: one difference leaves a constant, its mean
// is the drift. A repeated season is forecast exactly by the seasonal
// difference.
func TestARIMAForecastKnownAnswers(t *testing.T) {
	line := make([]float64, 100)
	for i := range line {
		line[i] = 5 + 2*float64(i)
	}
	a, err := fitARIMA(line, arimaOrder{D: 1, M: 1})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range a.Forecast(5) {
		if want := 5 + 2*float64(100+k); math.Abs(v-want) > 1e-9 {
			t.Errorf("line, step %d: %v, want %v", k+1, v, want)
		}
	}
	pattern := []float64{3, 7, 1, 4, 9, 2, 6}
	seasonal := make([]float64, 140)
	for i := range seasonal {
		seasonal[i] = pattern[i%7] + 10
	}
	m, err := ARIMAAuto{Period: 7}.Fit(seasonal)
	if err != nil {
		t.Fatal(err)
	}
	if o := m.(*ARIMA).Order; o.SD != 1 || o.M != 7 {
		t.Errorf("seasonal: chose %v, want a seasonal difference at lag 7", o)
	}
	for k, v := range m.Forecast(14) {
		if want := pattern[(140+k)%7] + 10; math.Abs(v-want) > 1e-9 {
			t.Errorf("seasonal, step %d: %v, want %v", k+1, v, want)
		}
	}
}

// Update then Forecast equals fitting the same coefficients on the longer
// series: the recursions run over all values seen.
func TestARIMAUpdate(t *testing.T) {
	y := arma(400, []float64{0.5}, []float64{0.3}, 4)
	a, err := fitARIMA(y[:300], arimaOrder{P: 1, Q: 1, M: 1})
	if err != nil {
		t.Fatal(err)
	}
	b := &ARIMA{Order: a.Order, Phi: a.Phi, Theta: a.Theta, Mean: a.Mean, hist: slices.Clone(y)}
	a.Update(y[300:])
	if got, want := a.Forecast(10), b.Forecast(10); !slices.Equal(got, want) {
		t.Errorf("after Update %v, want %v", got, want)
	}
}

func TestDiffPolyAndPACF(t *testing.T) {
	got := arimaOrder{D: 1, SD: 1, M: 4}.diffPoly()
	if want := []float64{1, -1, 0, 0, -1, 1}; !slices.Equal(got, want) {
		t.Errorf("(1-B)(1-B^4) = %v, want %v", got, want)
	}
	// Partial autocorrelations r1, r2 give φ = (r1(1-r2), r2).
	r1, r2 := 0.5, -0.25
	phi := pacfToAR([]float64{math.Atanh(r1), math.Atanh(r2)})
	if math.Abs(phi[0]-r1*(1-r2)) > 1e-12 || math.Abs(phi[1]-r2) > 1e-12 {
		t.Errorf("pacfToAR = %v, want [%v %v]", phi, r1*(1-r2), r2)
	}
}

// KPSS: rejects level stationarity of random walks, not of white noise
// (5% level; 200 values, 200 series each).
func TestKPSS(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	var walks, noise int
	for range 200 {
		w, x := make([]float64, 200), make([]float64, 200)
		var s float64
		for i := range w {
			s += r.NormFloat64()
			w[i], x[i] = s, r.NormFloat64()
		}
		if kpssRejects(w) {
			walks++
		}
		if kpssRejects(x) {
			noise++
		}
	}
	if walks < 180 || noise > 20 {
		t.Errorf("rejected %d of 200 random walks (want ≥ 180) and %d of 200 white noises (want ≤ 20)", walks, noise)
	}
	if kpssRejects(make([]float64, 50)) {
		t.Errorf("a constant series is stationary")
	}
}
