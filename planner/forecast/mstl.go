package forecast

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MSTLMethod decomposes a series into one additive seasonal component per
// period (24 and 168 for hourly data: a daily and a weekly pattern) and a
// seasonally adjusted remainder, forecasts the remainder with a
// non-seasonal model and adds the seasonal components back, after Bandara,
// Hyndman & Bergmeir (2021), "MSTL: a seasonal-trend decomposition
// algorithm for time series with multiple seasonal patterns", and R's
// forecast::stlf. Each seasonal component here is the classical one
// (seasonalIndices, a fixed pattern over the fit window) rather than a
// loess smooth, estimated by backfitting: with periods p_1 < … < p_J and
// S_j ≡ 0 at first, two passes of
//
//	S_j ← seasonalIndices( y - Σ_{i≠j} S_i , p_j ),  j = 1..J,
//
// so the shortest period takes the pattern all periods share and each
// longer one only what it adds (a weekend on top of the daily cycle). The
// adjusted series x_t = y_t - Σ_j S_j[t mod p_j] is forecast by Inner
// (nil: ETSAuto without season, i.e. N, A or Ad trend by AICc).
//
// Periods the series is too short for (fewer than 2 cycles) are dropped;
// with none left the model is Inner alone.
type MSTLMethod struct {
	Periods []int
	Inner   Method
}

// Name returns "MSTL(p1,p2,…)".
func (mm MSTLMethod) Name() string {
	var ps []string
	for _, p := range mm.Periods {
		ps = append(ps, strconv.Itoa(p))
	}
	return "MSTL(" + strings.Join(ps, ",") + ")"
}

// MinLength is that of the inner model, at least 3.
func (mm MSTLMethod) MinLength() int { return max(3, mm.inner().MinLength()) }

func (mm MSTLMethod) inner() Method {
	if mm.Inner == nil {
		return ETSAuto{Period: 1}
	}
	return mm.Inner
}

// mstlPasses is the number of backfitting passes.
const mstlPasses = 2

// Fit decomposes y and fits the inner model to the adjusted series.
func (mm MSTLMethod) Fit(y []float64) (Model, error) {
	if len(y) < mm.MinLength() {
		return nil, errTooShort(mm, len(y))
	}
	var periods []int
	for _, p := range mm.Periods {
		if p >= 2 && len(y) >= 2*p && !slices.Contains(periods, p) {
			periods = append(periods, p)
		}
	}
	slices.Sort(periods)
	ms := &MSTL{periods: periods, seasons: make([][]float64, len(periods)), pos: len(y)}
	for j, p := range periods {
		ms.seasons[j] = make([]float64, p)
	}
	partial := make([]float64, len(y))
	for range mstlPasses {
		for j, p := range periods {
			for t, v := range y {
				partial[t] = v
				for i, q := range periods {
					if i != j {
						partial[t] -= ms.seasons[i][t%q]
					}
				}
			}
			ms.seasons[j] = seasonalIndices(partial, p, false)
		}
	}
	x := make([]float64, len(y))
	for t, v := range y {
		x[t] = v - ms.seasonal(t)
	}
	inner, err := mm.inner().Fit(x)
	if err != nil {
		return nil, fmt.Errorf("forecast: %s: %w", mm.Name(), err)
	}
	ms.inner = inner
	return ms, nil
}

// MSTL is a fitted MSTLMethod.
type MSTL struct {
	periods []int
	seasons [][]float64 // seasons[j][t mod periods[j]]
	inner   Model
	pos     int // time index of the next value, counted from the fit's start
}

func (ms *MSTL) seasonal(t int) float64 {
	var s float64
	for j, p := range ms.periods {
		s += ms.seasons[j][t%p]
	}
	return s
}

// Update takes in new observations: the seasonal components stay, the
// inner model moves on over the adjusted values (refitting when it cannot
// be updated).
func (ms *MSTL) Update(y []float64) {
	x := make([]float64, len(y))
	for i, v := range y {
		x[i] = v - ms.seasonal(ms.pos)
		ms.pos++
	}
	if u, ok := ms.inner.(Updater); ok {
		u.Update(x)
	}
}

// Forecast adds the seasonal components to the inner forecast.
func (ms *MSTL) Forecast(h int) []float64 {
	out := ms.inner.Forecast(h)
	for k := range out {
		out[k] += ms.seasonal(ms.pos + k)
	}
	return out
}

// Name is "MSTL(p1,…)+inner", e.g. "MSTL(24,168)+ETS(A,Ad,N)".
func (ms *MSTL) Name() string {
	return MSTLMethod{Periods: ms.periods}.Name() + "+" + modelName(ms.inner, "?")
}

// Spec returns the method that fits the same periods and inner kind.
func (ms *MSTL) Spec() Method {
	return MSTLMethod{Periods: ms.periods, Inner: modelSpec(ms.inner, nil)}
}
