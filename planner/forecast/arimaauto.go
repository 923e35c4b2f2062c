package forecast

import "math"

// ARIMAAuto chooses an ARIMA the way Hyndman & Khandakar (2008),
// "Automatic time series forecasting: the forecast package for R", §3.2,
// do, on a smaller grid:
//
//  1. One difference at lag Period when Period > 1, the history holds two
//     seasons and twenty more values, and seasonalTest(y, Period) holds
//     (the seasonal pattern then is the previous season's).
//  2. Then first differences while the KPSS test rejects stationarity of
//     what is left at the 5% level, at most two differences in all.
//  3. Then p and q from 0 to 2 by AICc, which compares fits of the same
//     differenced series; ties go to the smaller p+q, then the smaller p.
type ARIMAAuto struct{ Period int }

// maxARMA is the largest p and q tried.
const maxARMA = 2

// Name returns "ARIMA".
func (ARIMAAuto) Name() string { return "ARIMA" }

// MinLength is 60: with fewer values the KPSS test misses a random walk
// too often (it rejects stationarity of 76% of simulated 30-step random
// walks at the 5% level, 90% of 60-step ones), and a stationary ARMA
// fitted to a walk pulls its forecast back to a mean that is not there.
func (ARIMAAuto) MinLength() int { return kpssMinLength }

// kpssMinLength is ARIMAAuto's MinLength.
const kpssMinLength = 60

// Fit chooses the orders and fits them.
func (aa ARIMAAuto) Fit(y []float64) (Model, error) {
	if len(y) < aa.MinLength() {
		return nil, errTooShort(aa, len(y))
	}
	o := arimaOrder{M: 1}
	if m := aa.Period; m > 1 && len(y) >= 2*m+20 && seasonalTest(y, m) {
		o.SD, o.M = 1, m
	}
	for o.D+o.SD < 2 && kpssRejects(difference(y, o.diffPoly())) {
		o.D++
	}
	var best *ARIMA
	var err error
	for pq := 0; pq <= 2*maxARMA; pq++ {
		for p := max(0, pq-maxARMA); p <= min(pq, maxARMA); p++ {
			o.P, o.Q = p, pq-p
			if len(y) < (ARIMAMethod{Order: o}).MinLength() {
				continue
			}
			a, ferr := fitARIMA(y, o)
			if ferr != nil {
				err = ferr
				continue
			}
			if best == nil || a.AICc < best.AICc {
				best = a
			}
		}
	}
	if best == nil {
		return nil, err
	}
	return best, nil
}

// kpssCritical is the 5% critical value of the KPSS level-stationarity
// statistic (Kwiatkowski, Phillips, Schmidt & Shin 1992, Table 1).
const kpssCritical = 0.463

// kpssRejects reports whether the KPSS test rejects level stationarity of
// x at the 5% level: with e the demeaned series, S_t its partial sums and
// s² the Newey-West long-run variance of e with Bartlett weights and
// ⌊3√n/13⌋ lags (the short lag of R's tseries::kpss.test),
//
//	η = Σ S_t² / (n² s²) > 0.463.
//
// A constant series is stationary.
func kpssRejects(x []float64) bool {
	n := len(x)
	if n < 10 {
		return false
	}
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	e := make([]float64, n)
	var s, eta float64
	for i, v := range x {
		e[i] = v - mean
		s += e[i]
		eta += s * s
	}
	lags := int(3 * math.Sqrt(float64(n)) / 13)
	var lrv float64
	for l := 0; l <= lags; l++ {
		var g float64
		for t := l; t < n; t++ {
			g += e[t] * e[t-l]
		}
		g /= float64(n)
		if l == 0 {
			lrv += g
		} else {
			lrv += 2 * (1 - float64(l)/float64(lags+1)) * g
		}
	}
	if lrv <= 1e-12*(1+mean*mean) {
		return false
	}
	return eta/(float64(n)*float64(n)*lrv) > kpssCritical
}
