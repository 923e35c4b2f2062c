package forecast

import (
	"fmt"
	"math"
)

// ThetaMethod is the Theta method of Assimakopoulos & Nikolopoulos (2000)
// in the form of Hyndman & Billah (2003), "Unmasking the Theta method", as
// R's forecast::thetaf computes it: simple exponential smoothing with a
// drift of half the least-squares slope. For a (seasonally adjusted)
// series x_1..x_n, SES with α and ℓ₀ fitted by FitETS(x, NoTrend, 1) ends
// in level ℓ_n, and with b the least-squares slope of x against t,
//
//	x̂_{n+h} = ℓ_n + (b/2) [ (h-1) + (1 - (1-α)^n)/α ].
//
// Seasonality: when Period m > 1, n >= 2m and seasonalTest(y, m) holds,
// y is first adjusted by classical decomposition (seasonalIndices) —
// multiplicative x_t = y_t/S_{t mod m} when y is positive, else additive
// x_t = y_t - S_{t mod m} — and the forecasts are reseasonalised.
type ThetaMethod struct {
	Period int
}

// Name returns "Theta".
func (ThetaMethod) Name() string { return "Theta" }

// MinLength is 3: a level, a slope and one error.
func (ThetaMethod) MinLength() int { return 3 }

// Fit fits the method to y.
func (tm ThetaMethod) Fit(y []float64) (Model, error) {
	if len(y) < tm.MinLength() {
		return nil, errTooShort(tm, len(y))
	}
	th := &Theta{n: len(y)}
	x := y
	if m := tm.Period; m > 1 && len(y) >= 2*m && seasonalTest(y, m) {
		th.mult = allPositive(y)
		th.season = seasonalIndices(y, m, th.mult)
		th.pos = len(y) % m
		x = make([]float64, len(y))
		for t, v := range y {
			x[t] = th.adjust(v, t%m)
		}
	}
	ses, err := FitETS(x, NoTrend, 1)
	if err != nil {
		return nil, fmt.Errorf("forecast: Theta: %w", err)
	}
	th.ses = ses
	_, th.drift = line(x)
	th.drift /= 2
	return th, nil
}

// Theta is a fitted ThetaMethod.
type Theta struct {
	ses    *ETS
	drift  float64 // b/2
	n      int     // values seen
	season []float64
	mult   bool
	pos    int // index into season of the next value
}

func (th *Theta) adjust(v float64, p int) float64 {
	if th.mult {
		return v / th.season[p]
	}
	return v - th.season[p]
}

// Update takes in new observations: the SES level moves on, α and the
// drift stay.
func (th *Theta) Update(y []float64) {
	x := y
	if th.season != nil {
		x = make([]float64, len(y))
		for i, v := range y {
			x[i] = th.adjust(v, th.pos)
			th.pos = (th.pos + 1) % len(th.season)
		}
	}
	th.ses.Update(x)
	th.n += len(y)
}

// Forecast returns the Theta forecasts, reseasonalised.
func (th *Theta) Forecast(h int) []float64 {
	out := ThetaForecast(th.ses.Level, th.ses.Alpha, th.drift, th.n, h)
	if th.season != nil {
		m := len(th.season)
		for k := range out {
			s := th.season[(th.pos+k)%m]
			if th.mult {
				out[k] *= s
			} else {
				out[k] += s
			}
		}
	}
	return out
}

// ThetaForecast is x̂_{n+k}, k = 1..h, of ThetaMethod from the SES level ℓ_n,
// α, the drift b/2 and n.
func ThetaForecast(level, alpha, drift float64, n, h int) []float64 {
	out := make([]float64, h)
	c := (1 - math.Pow(1-alpha, float64(n))) / alpha
	for k := range out {
		out[k] = level + drift*(float64(k)+c)
	}
	return out
}

// Name names the fitted model: "Theta", or "Theta(m,mult)" /
// "Theta(m,add)" when it was seasonally adjusted.
func (th *Theta) Name() string {
	switch {
	case th.season == nil:
		return "Theta"
	case th.mult:
		return fmt.Sprintf("Theta(%d,mult)", len(th.season))
	}
	return fmt.Sprintf("Theta(%d,add)", len(th.season))
}

// Spec returns the method that fits this model's kind again: seasonally
// adjusted at the same period, or not at all.
func (th *Theta) Spec() Method {
	if th.season == nil {
		return ThetaMethod{Period: 1}
	}
	return ThetaMethod{Period: len(th.season)}
}
