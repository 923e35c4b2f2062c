package forecast

// Trend is the trend component of an ETS model.
type Trend int

const (
	NoTrend       Trend = iota // N: level only
	AdditiveTrend              // A: Holt's linear trend, φ = 1
	DampedTrend                // Ad: additive damped trend, 0.8 <= φ <= 0.98
)

func (t Trend) String() string {
	switch t {
	case AdditiveTrend:
		return "A"
	case DampedTrend:
		return "Ad"
	}
	return "N"
}

// ETSParams are the smoothing parameters in error-correction form.
type ETSParams struct {
	Alpha, Beta, Gamma, Phi float64
}

// ETSState is the state of an ETS model after the observations it has seen.
type ETSState struct {
	Level, Slope float64
	// Season holds the last m seasonal states s_{T-m+1}, ..., s_T, oldest
	// first, so Season[0] is the one the next observation uses. Nil when
	// the model has no season.
	Season []float64
}

// ETS is an exponential smoothing state space model with additive errors,
// an optional additive (possibly damped) trend and optional additive
// seasonality of period m: ETS(A,N,N), ETS(A,A,N), ETS(A,Ad,N), ETS(A,N,A),
// ETS(A,A,A) and ETS(A,Ad,A) in the taxonomy of Hyndman, Koehler, Ord &
// Snyder (2008), "Forecasting with Exponential Smoothing", Table 2.2, also
// FPP3 §8.5 Table 8.7. For each observation y_t:
//
//	μ_t = ℓ_{t-1} + φ b_{t-1} + s_{t-m}      one-step forecast
//	e_t = y_t - μ_t
//	ℓ_t = ℓ_{t-1} + φ b_{t-1} + α e_t
//	b_t = φ b_{t-1} + β e_t
//	s_t = s_{t-m} + γ e_t
//
// and the h-step forecast from the end T is
//
//	ŷ_{T+h|T} = ℓ_T + (φ + φ² + … + φ^h) b_T + s_{T+h-m(k+1)},  k = ⌊(h-1)/m⌋.
//
// Without trend b ≡ 0; without season s ≡ 0; φ = 1 for an undamped trend.
// This is Holt-Winters' additive (damped) method: β = αβ* in terms of the
// β* of FPP3 §8.2-8.3.
type ETS struct {
	Trend  Trend
	Period int // m; 1 when there is no season
	// Multiplicative makes the season multiplicative, ETS(A,·,M)
	// (Hyndman et al. 2008 Table 2.2, additive errors):
	//
	//	μ_t = (ℓ_{t-1} + φ b_{t-1}) s_{t-m}
	//	ℓ_t = ℓ_{t-1} + φ b_{t-1} + α e_t / s_{t-m}
	//	b_t = φ b_{t-1} + β e_t / s_{t-m}
	//	s_t = s_{t-m} + γ e_t / (ℓ_{t-1} + φ b_{t-1})
	//
	// and ŷ_{T+h|T} = (ℓ_T + (φ + … + φ^h) b_T) s_{T+h-m(k+1)}. Only for
	// positive series.
	Multiplicative bool
	ETSParams
	ETSState
	// SSE is the sum of squared one-step errors over the fitted series,
	// N the number of values it was fitted on (Update does not count).
	SSE float64
	N   int
}

// Name returns the model's taxonomy name, e.g. "ETS(A,Ad,A)".
func (e *ETS) Name() string { return etsName(e.Trend, e.Period, e.Multiplicative) }

func etsName(t Trend, m int, mult bool) string {
	s := "N"
	switch {
	case m > 1 && mult:
		s = "M"
	case m > 1:
		s = "A"
	}
	return "ETS(A," + t.String() + "," + s + ")"
}

// Update runs the recursions over y, moving the state to its end.
func (e *ETS) Update(y []float64) { e.Filter(y) }

// Filter runs the recursions over y, moving the state to its end, and
// returns the one-step forecasts μ_t made before each observation.
func (e *ETS) Filter(y []float64) []float64 {
	fitted := make([]float64, len(y))
	e.SSE += e.run(y, e.Season, fitted)
	return fitted
}

// run is the recursion. season is used as a ring starting at index 0 and is
// rotated back to oldest-first order at the end; fitted may be nil.
func (e *ETS) run(y, season, fitted []float64) float64 {
	l, b := e.Level, e.Slope
	a, be, g, phi := e.Alpha, e.Beta, e.Gamma, e.Phi
	if e.Trend == NoTrend {
		b, be, phi = 0, 0, 0
	}
	m := len(season)
	j := 0
	var sse float64
	for t, v := range y {
		pb := phi * b
		var s float64
		if m > 0 {
			s = season[j]
		}
		if e.Multiplicative && m > 0 {
			base := l + pb
			mu := base * s
			err := v - mu
			l = base + a*err/s
			b = pb + be*err/s
			season[j] = s + g*err/base
			if j++; j == m {
				j = 0
			}
			if fitted != nil {
				fitted[t] = mu
			}
			sse += err * err
			continue
		}
		mu := l + pb + s
		err := v - mu
		l = l + pb + a*err
		b = pb + be*err
		if m > 0 {
			season[j] = s + g*err
			if j++; j == m {
				j = 0
			}
		}
		if fitted != nil {
			fitted[t] = mu
		}
		sse += err * err
	}
	if m > 0 && j != 0 {
		rotate(season, j)
	}
	e.Level = l
	if e.Trend != NoTrend {
		e.Slope = b
	}
	return sse
}

// rotate moves s[j:] to the front.
func rotate(s []float64, j int) {
	tmp := make([]float64, len(s))
	n := copy(tmp, s[j:])
	copy(tmp[n:], s[:j])
	copy(s, tmp)
}

// Forecast returns ŷ_{T+1|T}, …, ŷ_{T+h|T}.
func (e *ETS) Forecast(h int) []float64 {
	out := make([]float64, h)
	phi := e.Phi
	if e.Trend == AdditiveTrend {
		phi = 1
	}
	var damp, pk float64 = 0, 1
	m := len(e.Season)
	for k := range out {
		pk *= phi
		damp += pk
		out[k] = e.Level
		if e.Trend != NoTrend {
			out[k] += damp * e.Slope
		}
		switch {
		case m > 0 && e.Multiplicative:
			out[k] *= e.Season[k%m]
		case m > 0:
			out[k] += e.Season[k%m]
		}
	}
	return out
}
