package forecast

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// arimaOrder is ARIMA(P,D,Q)(0,SD,0)[M]: D first differences and SD
// differences at lag M, then an ARMA(P,Q) with a constant mean when at most
// one difference was taken (a mean of the once-differenced series is a
// drift).
type arimaOrder struct{ P, D, Q, SD, M int }

func (o arimaOrder) String() string {
	if o.SD == 0 {
		return fmt.Sprintf("ARIMA(%d,%d,%d)", o.P, o.D, o.Q)
	}
	return fmt.Sprintf("ARIMA(%d,%d,%d)(0,%d,0)[%d]", o.P, o.D, o.Q, o.SD, o.M)
}

func (o arimaOrder) hasMean() bool { return o.D+o.SD <= 1 }

// diffPoly returns c with (1-B)^D (1-B^M)^SD = Σ_i c_i B^i, c_0 = 1.
func (o arimaOrder) diffPoly() []float64 {
	c := []float64{1}
	mul := func(lag int) {
		out := make([]float64, len(c)+lag)
		for i, v := range c {
			out[i] += v
			out[i+lag] -= v
		}
		c = out
	}
	for range o.D {
		mul(1)
	}
	for range o.SD {
		mul(o.M)
	}
	return c
}

// ARIMAMethod fits an ARIMA of fixed orders, estimating its coefficients
// by conditional least squares (CSS, Box & Jenkins §7.1): the one-step
// errors of the differenced, demeaned series with pre-sample errors set to
// zero, their sum of squares minimised by Nelder-Mead over the partial
// autocorrelations (tanh of the free parameters), which keeps the AR part
// stationary and the MA part invertible (Jones 1980, "Maximum likelihood
// fitting of ARMA models to time series with missing observations";
// Monahan 1984).
type ARIMAMethod struct{ Order arimaOrder }

// Name returns the orders, e.g. "ARIMA(1,1,1)".
func (am ARIMAMethod) Name() string { return am.Order.String() }

// MinLength is the differencing's loss plus ten values per coefficient,
// at least 20.
func (am ARIMAMethod) MinLength() int {
	o := am.Order
	return o.D + o.SD*o.M + max(20, 10*(o.P+o.Q+1))
}

// Fit fits the coefficients to y.
func (am ARIMAMethod) Fit(y []float64) (Model, error) {
	if len(y) < am.MinLength() {
		return nil, errTooShort(am, len(y))
	}
	return fitARIMA(y, am.Order)
}

// ARIMA is a fitted ARIMAMethod: x_t = w_t - μ with w the differenced
// series follows
//
//	x_t = Σ_i φ_i x_{t-i} + e_t + Σ_j θ_j e_{t-j}.
type ARIMA struct {
	Order      arimaOrder
	Phi, Theta []float64
	Mean       float64
	Sigma2     float64 // CSS error variance
	AICc       float64
	hist       []float64
}

func fitARIMA(y []float64, o arimaOrder) (*ARIMA, error) {
	w := difference(y, o.diffPoly())
	a := &ARIMA{Order: o, hist: append([]float64(nil), y...)}
	if o.hasMean() {
		for _, v := range w {
			a.Mean += v
		}
		a.Mean /= float64(len(w))
	}
	x := make([]float64, len(w))
	for i, v := range w {
		x[i] = v - a.Mean
	}
	dim := o.P + o.Q
	decode := func(u []float64) (phi, theta []float64) {
		phi = pacfToAR(u[:o.P])
		theta = pacfToAR(u[o.P:])
		for j := range theta {
			theta[j] = -theta[j]
		}
		return phi, theta
	}
	u := make([]float64, dim)
	if dim > 0 {
		scratch := make([]float64, len(x))
		objective := func(u []float64) float64 {
			phi, theta := decode(u)
			sse := cssErrors(x, phi, theta, scratch)
			if math.IsNaN(sse) || math.IsInf(sse, 0) {
				return math.MaxFloat64
			}
			return sse
		}
		settings := &optimize.Settings{
			FuncEvaluations: nmEvalsPerDim * dim,
			Converger:       &optimize.FunctionConverge{Relative: nmRelTol, Iterations: nmStallIters},
		}
		res, err := optimize.Minimize(optimize.Problem{Func: objective}, u, settings,
			&optimize.NelderMead{SimplexSize: 0.5})
		if res == nil || res.F == math.MaxFloat64 {
			if err == nil {
				err = errors.New("one-step errors are not finite")
			}
			return nil, fmt.Errorf("forecast: fitting %s: %w", o, err)
		}
		u = res.X
	}
	a.Phi, a.Theta = decode(u)
	sse := cssErrors(x, a.Phi, a.Theta, nil)
	n := float64(len(x) - o.P)
	a.Sigma2 = sse / n
	// Gaussian log-likelihood at the CSS estimate; the coefficients,
	// the mean if any and σ² are counted.
	k := float64(dim + 1)
	if o.hasMean() {
		k++
	}
	ll := -n / 2 * (math.Log(2*math.Pi*math.Max(a.Sigma2, 1e-300)) + 1)
	a.AICc = -2*ll + 2*k + 2*k*(k+1)/math.Max(n-k-1, 1)
	return a, nil
}

// pacfToAR maps free parameters u to the coefficients of a stationary
// AR polynomial 1 - Σ a_j B^j through the partial autocorrelations
// r_k = tanh(u_k) and the Durbin-Levinson recursion
// a^(k)_j = a^(k-1)_j - r_k a^(k-1)_{k-j}, a^(k)_k = r_k.
func pacfToAR(u []float64) []float64 {
	a := make([]float64, 0, len(u))
	for k, v := range u {
		r := math.Tanh(v)
		next := make([]float64, k+1)
		for j := 0; j < k; j++ {
			next[j] = a[j] - r*a[k-1-j]
		}
		next[k] = r
		a = next
	}
	return a
}

// difference applies Σ_i c_i B^i to y: w_t = Σ_i c_i y_{t+len(c)-1-i}.
// Only the non-zero c_i are visited: a seasonal difference at lag 168 has
// four of 170.
func difference(y, c []float64) []float64 {
	lag := len(c) - 1
	var idx []int
	for i, ci := range c {
		if ci != 0 {
			idx = append(idx, i)
		}
	}
	w := make([]float64, max(0, len(y)-lag))
	for t := range w {
		for _, i := range idx {
			w[t] += c[i] * y[t+lag-i]
		}
	}
	return w
}

// cssErrors computes the one-step errors of x under (φ, θ), zero before
// index p, into e when non-nil, and returns their sum of squares from p on.
func cssErrors(x, phi, theta, e []float64) float64 {
	if e == nil {
		e = make([]float64, len(x))
	}
	p := len(phi)
	var sse float64
	for t := p; t < len(x); t++ {
		v := x[t]
		for i, f := range phi {
			v -= f * x[t-1-i]
		}
		for j, th := range theta {
			if t-1-j >= 0 {
				v -= th * e[t-1-j]
			}
		}
		e[t] = v
		sse += v * v
	}
	return sse
}

// Update takes in new observations; the coefficients stay.
func (a *ARIMA) Update(y []float64) { a.hist = append(a.hist, y...) }

// Forecast runs the ARMA recursion forward with future errors zero and
// undoes the differencing.
func (a *ARIMA) Forecast(h int) []float64 {
	c := a.Order.diffPoly()
	w := difference(a.hist, c)
	x := make([]float64, len(w), len(w)+h)
	for i, v := range w {
		x[i] = v - a.Mean
	}
	e := make([]float64, len(w)+h)
	cssErrors(x, a.Phi, a.Theta, e)
	y := append([]float64(nil), a.hist...)
	out := make([]float64, h)
	for k := range out {
		t := len(x)
		var v float64
		for i, f := range a.Phi {
			if t-1-i >= 0 {
				v += f * x[t-1-i]
			}
		}
		for j, th := range a.Theta {
			if t-1-j >= 0 {
				v += th * e[t-1-j]
			}
		}
		x = append(x, v)
		// y_t = w_t - Σ_{i≥1} c_i y_{t-i}
		yt := v + a.Mean
		for i := 1; i < len(c); i++ {
			if c[i] != 0 {
				yt -= c[i] * y[len(y)-i]
			}
		}
		y = append(y, yt)
		out[k] = yt
	}
	return out
}

// Name returns the orders.
func (a *ARIMA) Name() string { return a.Order.String() }

// Spec returns the method that fits the same orders again.
func (a *ARIMA) Spec() Method { return ARIMAMethod{Order: a.Order} }
