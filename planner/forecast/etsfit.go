package forecast

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// ETSMethod fits an ETS model with the given trend and season length
// (Period <= 1: no season) by FitETS.
type ETSMethod struct {
	Trend  Trend
	Period int
	// Multiplicative: a multiplicative season (ETS.Multiplicative).
	Multiplicative bool
	// Start, when set, starts the optimiser at these smoothing
	// parameters with a start simplex a third the usual size (a warm
	// start: the backtest refits the kind of model fitted on the final
	// window from there).
	Start *ETSParams
}

// Name returns the taxonomy name, e.g. "ETS(A,Ad,A)".
func (m ETSMethod) Name() string { return etsName(m.Trend, m.Period, m.Multiplicative) }

// MinLength is two seasons for a seasonal model (the initial seasonal
// states need them), else 3 with a trend and 2 without.
func (m ETSMethod) MinLength() int {
	switch {
	case m.Period > 1:
		return max(2*m.Period, 4)
	case m.Trend != NoTrend:
		return 3
	}
	return 2
}

// Fit calls FitETS.
func (m ETSMethod) Fit(y []float64) (Model, error) {
	if len(y) < m.MinLength() {
		return nil, errTooShort(m, len(y))
	}
	if m.Multiplicative && !allPositive(y) {
		return nil, fmt.Errorf("forecast: %s needs a positive series", m.Name())
	}
	return fitETS(y, m.Trend, m.Period, m.Multiplicative && m.Period > 1, m.Start)
}

// Parameter bounds: R forecast::ets's defaults for bounds = "usual"
// (lower 1e-4 and upper 0.9999 for α, β, γ; 0.8 <= φ <= 0.98; β < α and
// γ < 1-α; see also FPP3 §8.6), φ kept below 0.98 so a damped trend stays
// distinguishable from an undamped one. Here the lower bounds of β and γ
// are relative: 1e-4·α and 1e-4·(1-α).
const (
	parLo, parHi = 1e-4, 0.9999
	phiLo, phiHi = 0.8, 0.98
)

// Optimiser budget. Each evaluation is one pass over the fit window; these
// limits keep a four-parameter fit on a few thousand points within a few
// milliseconds while converging on the test series.
const (
	nmSimplex     = 1.0 // initial simplex edge in logit space
	nmEvalsPerDim = 100
	nmStallIters  = 20
	nmRelTol      = 1e-6
)

// FitETS fits ETS(A,trend,season) to y (no NaN) by minimising the one-step
// sum of squared errors Σ e_t² (the Gaussian likelihood of an
// additive-error model, Hyndman et al. 2008 §5.2) over α, β, γ, φ and the
// initial level ℓ₀ and slope b₀, with Nelder-Mead (gonum/optimize). The
// bounds are enforced by optimising unconstrained x ∈ ℝ^k mapped through
// the logistic σ(x) = 1/(1+e^-x):
//
//	α = a + (A-a)σ(x₁),  β = α(a + (A-a)σ(x₂)),
//	γ = (1-α)(a + (A-a)σ(x₃)),  φ = 0.8 + 0.18σ(x₄),
//	ℓ₀ = ℓ̂₀ + d·x₅,  b₀ = b̂₀ + d·x₆/10,
//
// with a = 1e-4, A = 0.9999, ℓ̂₀ and b̂₀ the heuristic states of
// InitialStates and d the mean absolute first difference of y (the step
// of the optimiser's start simplex is then about one typical change). The
// start is α = 0.2, β = 0.1α, γ = 0.1(1-α), φ = 0.95 and the heuristic
// states. The m seasonal states stay at InitialStates' values: with 24 or
// 168 of them a joint optimisation would cost more than the rest of the
// forecast (R's ets does not fit seasons over 24 at all).
func FitETS(y []float64, trend Trend, period int) (*ETS, error) {
	return fitETS(y, trend, period, false, nil)
}

func fitETS(y []float64, trend Trend, period int, mult bool, start *ETSParams) (*ETS, error) {
	m := max(period, 1)
	init, err := initialStates(y, trend, m, mult)
	if err != nil {
		return nil, err
	}
	hasSeason := m > 1
	// Parameter vector layout: α, then β* with a trend, γ* with a season,
	// φ when damped, then ℓ₀ and b₀ with a trend.
	iBeta, iGamma, iPhi, iSlope := -1, -1, -1, -1
	dim := 1
	if trend != NoTrend {
		iBeta, dim = dim, dim+1
	}
	if hasSeason {
		iGamma, dim = dim, dim+1
	}
	if trend == DampedTrend {
		iPhi, dim = dim, dim+1
	}
	iLevel := dim
	dim++
	if trend != NoTrend {
		iSlope, dim = dim, dim+1
	}
	d := meanAbsDiff(y)
	decode := func(x []float64) (ETSParams, float64, float64) {
		p := ETSParams{Phi: 1}
		p.Alpha = parLo + (parHi-parLo)*logistic(x[0])
		if iBeta >= 0 {
			p.Beta = p.Alpha * (parLo + (parHi-parLo)*logistic(x[iBeta]))
		}
		if iGamma >= 0 {
			p.Gamma = (1 - p.Alpha) * (parLo + (parHi-parLo)*logistic(x[iGamma]))
		}
		if iPhi >= 0 {
			p.Phi = phiLo + (phiHi-phiLo)*logistic(x[iPhi])
		}
		l0, b0 := init.Level+d*x[iLevel], init.Slope
		if iSlope >= 0 {
			b0 += d * x[iSlope] / 10
		}
		return p, l0, b0
	}
	st := ETSParams{Alpha: 0.2, Beta: 0.02, Gamma: 0.08, Phi: 0.95}
	simplex := nmSimplex
	if start != nil {
		st, simplex = *start, nmSimplex/3
	}
	// inv maps a value in [lo, hi] to x, clamped inside the open interval.
	inv := func(v, lo, hi float64) float64 {
		p := (v - lo) / (hi - lo)
		return logit(math.Min(math.Max(p, 1e-6), 1-1e-6))
	}
	x0 := make([]float64, dim)
	x0[0] = inv(st.Alpha, parLo, parHi)
	if iBeta >= 0 {
		x0[iBeta] = inv(st.Beta/st.Alpha, parLo, parHi)
	}
	if iGamma >= 0 {
		x0[iGamma] = inv(st.Gamma/(1-st.Alpha), parLo, parHi)
	}
	if iPhi >= 0 {
		x0[iPhi] = inv(st.Phi, phiLo, phiHi)
	}

	scratch := make([]float64, len(init.Season))
	model := &ETS{Trend: trend, Period: m, Multiplicative: mult}
	objective := func(x []float64) float64 {
		model.ETSParams, model.Level, model.Slope = decode(x)
		copy(scratch, init.Season)
		sse := model.run(y, scratch, nil)
		if math.IsNaN(sse) || math.IsInf(sse, 0) {
			return math.MaxFloat64
		}
		return sse
	}
	settings := &optimize.Settings{
		FuncEvaluations: nmEvalsPerDim * dim,
		Converger: &optimize.FunctionConverge{
			Relative:   nmRelTol,
			Iterations: nmStallIters,
		},
	}
	res, err := optimize.Minimize(optimize.Problem{Func: objective}, x0, settings,
		&optimize.NelderMead{SimplexSize: simplex})
	// An evaluation limit is not an error here: the best point so far is
	// used. Only a start that cannot be evaluated at all fails the fit.
	if res == nil || res.F == math.MaxFloat64 {
		if err == nil {
			err = errors.New("one-step errors are not finite")
		}
		return nil, fmt.Errorf("forecast: fitting %s: %w", model.Name(), err)
	}
	fit := &ETS{Trend: trend, Period: m, Multiplicative: mult}
	fit.ETSParams, fit.Level, fit.Slope = decode(res.X)
	fit.Season = append([]float64(nil), init.Season...)
	fit.Update(y)
	fit.N = len(y)
	return fit, nil
}

// meanAbsDiff is (1/(n-1)) Σ |y_t - y_{t-1}|, floored at 1e-9·(1 + mean |y|)
// so that it can scale a step on a constant series.
func meanAbsDiff(y []float64) float64 {
	var s, a float64
	for i, v := range y {
		a += math.Abs(v)
		if i > 0 {
			s += math.Abs(v - y[i-1])
		}
	}
	floor := 1e-9 * (1 + a/float64(max(len(y), 1)))
	if len(y) < 2 {
		return floor
	}
	return math.Max(s/float64(len(y)-1), floor)
}

// NumParams is the number of estimated values k of the model: the
// smoothing parameters, φ when damped, ℓ₀, b₀ with a trend, m-1 free
// seasonal states (they sum to zero) and the error variance, as counted by
// R's forecast::ets.
func (e *ETS) NumParams() int {
	k := 3 // α, ℓ₀, σ²
	if e.Trend != NoTrend {
		k += 2
	}
	if e.Trend == DampedTrend {
		k++
	}
	if len(e.Season) > 0 {
		k += len(e.Season) // γ and m-1 states
	}
	return k
}

// AICc is the corrected Akaike criterion of the fit (Hyndman et al. 2008
// §7.1; FPP3 §8.6) from its one-step SSE over the N values it was fitted
// on, with the Gaussian log-likelihood up to a constant:
//
//	AIC  = N log(SSE/N) + 2k,   AICc = AIC + 2k(k+1)/(N-k-1),
//
// +Inf when N <= k+1 (too few values to compare).
func (e *ETS) AICc() float64 {
	n, k := float64(e.N), float64(e.NumParams())
	if n <= k+1 {
		return math.Inf(1)
	}
	sse := math.Max(e.SSE, 1e-300)
	return n*math.Log(sse/n) + 2*k + 2*k*(k+1)/(n-k-1)
}

// ETSAuto fits the additive-error ETS family for a season length (Period
// <= 1: none) and keeps the lowest AICc: with a season ETS(A,N,A),
// ETS(A,A,A) and ETS(A,Ad,A), without ETS(A,N,N), ETS(A,A,N) and
// ETS(A,Ad,N); members the series is too short for are skipped. Equal
// AICc goes to the member listed first (fewer parameters). For a positive
// series with a season, the winning trend is then also fitted with a
// multiplicative season (ETS(A,·,M)), which replaces it if its AICc is
// lower: one extra fit rather than three, since the trend choice hardly
// depends on the form of the season.
type ETSAuto struct {
	Period int
}

// Name returns "ETS"; the fitted model names its member.
func (ETSAuto) Name() string { return "ETS" }

// MinLength is the shortest member's.
func (a ETSAuto) MinLength() int { return ETSMethod{Trend: NoTrend, Period: a.Period}.MinLength() }

// Fit fits every member and returns the lowest AICc's.
func (a ETSAuto) Fit(y []float64) (Model, error) {
	var best *ETS
	var firstErr error
	for _, tr := range []Trend{NoTrend, AdditiveTrend, DampedTrend} {
		m := ETSMethod{Trend: tr, Period: a.Period}
		if len(y) < m.MinLength() {
			continue
		}
		fit, err := FitETS(y, tr, a.Period)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if best == nil || fit.AICc() < best.AICc() {
			best = fit
		}
	}
	if best == nil {
		if firstErr == nil {
			firstErr = errTooShort(a, len(y))
		}
		return nil, firstErr
	}
	if a.Period > 1 && allPositive(y) {
		if fit, err := fitETS(y, best.Trend, a.Period, true, nil); err == nil && fit.AICc() < best.AICc() {
			best = fit
		}
	}
	return best, nil
}

// Spec returns the method that fits this model's member again.
func (e *ETS) Spec() Method {
	p := e.ETSParams
	return ETSMethod{Trend: e.Trend, Period: e.Period, Multiplicative: e.Multiplicative, Start: &p}
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
