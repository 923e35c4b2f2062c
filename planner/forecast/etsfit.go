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
}

// Name returns the taxonomy name, e.g. "ETS(A,Ad,A)".
func (m ETSMethod) Name() string { return etsName(m.Trend, m.Period) }

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
	return FitETS(y, m.Trend, m.Period)
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
	nmEvalsPerDim = 150
	nmStallIters  = 20
	nmRelTol      = 1e-6
)

// FitETS fits ETS(A,trend,season) to y (no NaN) by minimising the one-step
// sum of squared errors Σ e_t² over α, β, γ, φ with Nelder-Mead
// (gonum/optimize). The bounds are enforced by optimising unconstrained
// x ∈ ℝ^k mapped through the logistic σ(x) = 1/(1+e^-x):
//
//	α = a + (A-a)σ(x₁),  β = α(a + (A-a)σ(x₂)),
//	γ = (1-α)(a + (A-a)σ(x₃)),  φ = 0.8 + 0.18σ(x₄),
//
// with a = 1e-4, A = 0.9999. The start is α = 0.2, β = 0.1α, γ = 0.1(1-α),
// φ = 0.95. The initial states come from InitialStates and are not
// optimised (unlike R's ets), which keeps each evaluation a single pass.
func FitETS(y []float64, trend Trend, period int) (*ETS, error) {
	m := max(period, 1)
	init, err := InitialStates(y, trend, m)
	if err != nil {
		return nil, err
	}
	hasSeason := m > 1
	// Parameter vector layout: α, then β* with a trend, γ* with a season,
	// φ when damped.
	iBeta, iGamma, iPhi := -1, -1, -1
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
	decode := func(x []float64) ETSParams {
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
		return p
	}
	x0 := make([]float64, dim)
	x0[0] = logit((0.2 - parLo) / (parHi - parLo))
	if iBeta >= 0 {
		x0[iBeta] = logit((0.1 - parLo) / (parHi - parLo))
	}
	if iGamma >= 0 {
		x0[iGamma] = logit((0.1 - parLo) / (parHi - parLo))
	}
	if iPhi >= 0 {
		x0[iPhi] = logit((0.95 - phiLo) / (phiHi - phiLo))
	}

	scratch := make([]float64, len(init.Season))
	model := &ETS{Trend: trend, Period: m}
	objective := func(x []float64) float64 {
		model.ETSParams = decode(x)
		model.Level, model.Slope = init.Level, init.Slope
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
		&optimize.NelderMead{SimplexSize: nmSimplex})
	// An evaluation limit is not an error here: the best point so far is
	// used. Only a start that cannot be evaluated at all fails the fit.
	if res == nil || res.F == math.MaxFloat64 {
		if err == nil {
			err = errors.New("one-step errors are not finite")
		}
		return nil, fmt.Errorf("forecast: fitting %s: %w", model.Name(), err)
	}
	fit := &ETS{Trend: trend, Period: m, ETSParams: decode(res.X)}
	fit.Level, fit.Slope = init.Level, init.Slope
	fit.Season = append([]float64(nil), init.Season...)
	fit.Update(y)
	return fit, nil
}

func logistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
