package forecast

import (
	"errors"
	"fmt"
)

// InitialStates returns ℓ₀, b₀ and s_{1-m}, …, s₀ for y by the heuristic of
// Hyndman, Koehler, Ord & Snyder (2008) §2.6.1 as R's forecast::ets
// implements it (initstate), with one difference noted in step 1:
//
//  1. Seasonal (m > 1, needs n >= 2m): the centred moving average of order
//     m (2×m for even m) is the trend; the detrended values y_t - trend_t
//     are averaged by phase t mod m, and the mean of those averages is
//     subtracted so the m seasonal states sum to zero. The decomposition
//     uses the first L = m·min(⌊n/m⌋, 3) values, so the states depend on
//     the start of the series only (initstate decomposes all of it, or
//     fits a Fourier term when n < 3m).
//  2. Seasonally adjust the first K = min(n, max(10, 2m)) values (K =
//     min(n, 10) without a season): a_t = y_t - s_{t mod m}.
//  3. With a trend, fit a least-squares line to a_1..a_K against t = 1..K:
//     ℓ₀ is its intercept (its value at t = 0) and b₀ its slope. Without a
//     trend, ℓ₀ is the mean of a_1..a_K.
func InitialStates(y []float64, trend Trend, m int) (ETSState, error) {
	return initialStates(y, trend, m, false)
}

// initialStates is InitialStates, with multiplicative seasonal states when
// mult is set: step 1 is then the classical multiplicative decomposition
// (seasonalIndices: phase means of y_t/T_t, scaled to mean 1) and step 2
// divides, a_t = y_t / s_{t mod m}.
func initialStates(y []float64, trend Trend, m int, mult bool) (ETSState, error) {
	n := len(y)
	var st ETSState
	if n == 0 {
		return st, errors.New("forecast: no values to initialise from")
	}
	k := min(n, 10)
	var season []float64
	if m > 1 {
		if n < 2*m {
			return st, fmt.Errorf("forecast: season of %d needs at least %d values, got %d", m, 2*m, n)
		}
		if mult {
			season = seasonalIndices(y[:m*min(n/m, 3)], m, true)
		} else {
			season = initialSeason(y[:m*min(n/m, 3)], m)
		}
		k = min(n, max(10, 2*m))
	}
	adj := make([]float64, k)
	for t := range adj {
		adj[t] = y[t]
		switch {
		case season != nil && mult:
			adj[t] /= season[t%m]
		case season != nil:
			adj[t] -= season[t%m]
		}
	}
	if trend == NoTrend || k < 2 {
		var s float64
		for _, v := range adj {
			s += v
		}
		st.Level = s / float64(k)
	} else {
		// line fits a + b*i for i = 0..k-1, i.e. t = i+1; the value at
		// t = 0 is a - b.
		a, b := line(adj)
		st.Level, st.Slope = a-b, b
	}
	st.Season = season
	return st, nil
}

// initialSeason is step 1 of InitialStates: classical additive
// decomposition of y (len(y) a multiple of m, at least 2m).
func initialSeason(y []float64, m int) []float64 {
	d := detrend(y, m)
	off := m / 2 // index in y of d[0]
	sum := make([]float64, m)
	cnt := make([]float64, m)
	for i, v := range d {
		p := (i + off) % m
		sum[p] += v
		cnt[p]++
	}
	var mean float64
	for p := range sum {
		sum[p] /= cnt[p]
		mean += sum[p]
	}
	mean /= float64(m)
	for p := range sum {
		sum[p] -= mean
	}
	return sum
}
