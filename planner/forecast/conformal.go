package forecast

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval levels: the 80% interval spans the 10% to 90% quantiles of the
// forecast error, the 95% interval the 2.5% to 97.5% quantiles.
var (
	p80 = [2]float64{0.10, 0.90}
	p95 = [2]float64{0.025, 0.975}
	z80 = distuv.UnitNormal.Quantile(p80[1])
	z95 = distuv.UnitNormal.Quantile(p95[1])
)

// minEmpirical is the fewest pooled errors from which quantiles are read
// directly; with fewer, a 2.5% quantile would just be the smallest error.
const minEmpirical = 30

// bands are offsets to add to point forecasts to get interval bounds.
type bands struct {
	lo80, hi80, lo95, hi95 []float64
}

// errorModel describes the backtest error at step k as
//
//	e_k = s_k · z,
//
// a scale s_k and one distribution of z shared by all steps: split
// conformal prediction with a locally weighted (normalised) score, Lei,
// G'Sell, Rinaldo, Tibshirani & Wasserman (2018), "Distribution-free
// predictive inference for regression", §5.2, with the out-of-sample
// backtest errors as the calibration set and signed quantiles, so the
// interval may be asymmetric. Quantiles read at each step alone from a few
// dozen origins are noisy and biased inwards (from 20 values the type-7
// 2.5% and 97.5% quantiles cover about 86%, not 95%); pooling the
// standardised errors of all steps gives thousands of values for one
// well-estimated shape, while s_k carries the change with the horizon:
//
//  1. s_k is the root mean square of the errors at step k, replaced by
//     its isotonic (non-decreasing) least-squares fit
//     (pool-adjacent-violators; Barlow et al. 1972): uncertainty does not
//     shrink with the horizon.
//  2. z = e/s_k over all origins and steps; its quantiles are the type-7
//     sample quantiles (Hyndman & Fan 1996, the default of R and NumPy),
//     or standard normal ones when there are fewer than 30.
//
// The intervals are not shifted by the backtest's mean error, which comes
// from older fits (on the accuracy suite, centring on it made the
// intervals worse); but the quantiles are signed, so when nearly all the
// errors have one sign (a model that lags a steady acceleration) the whole
// band lies on that side of the point forecast, as its errors did.
type errorModel struct {
	s []float64
	z []float64 // standardised errors, any order; nil: use the normal distribution
}

// fitErrorModel fits the model to errs[origin][step], leaving out the
// origins in [skipLo, skipHi). A step without errors takes the previous
// step's scale.
func fitErrorModel(errs [][]float64, skipLo, skipHi int) errorModel {
	hb := len(errs[0])
	em := errorModel{s: make([]float64, hb)}
	// The squares are summed relative to the largest error of their step,
	// so that errors beyond 1e154 do not overflow to +Inf.
	big := make([]float64, hb)
	for j, row := range errs {
		if j >= skipLo && j < skipHi {
			continue
		}
		for k, e := range row {
			if !math.IsNaN(e) {
				big[k] = math.Max(big[k], math.Abs(e))
			}
		}
	}
	ss := make([]float64, hb)
	cnt := make([]float64, hb)
	for j, row := range errs {
		if j >= skipLo && j < skipHi {
			continue
		}
		for k, e := range row {
			if !math.IsNaN(e) {
				if big[k] > 0 {
					ss[k] += (e / big[k]) * (e / big[k])
				}
				cnt[k]++
			}
		}
	}
	for k := range em.s {
		switch {
		case cnt[k] > 0:
			em.s[k] = big[k] * math.Sqrt(ss[k]/cnt[k])
		case k > 0:
			em.s[k] = em.s[k-1]
		}
	}
	isotonic(em.s)
	var z []float64
	for j, row := range errs {
		if j >= skipLo && j < skipHi {
			continue
		}
		for k, e := range row {
			if !math.IsNaN(e) && em.s[k] > 0 {
				z = append(z, e/em.s[k])
			}
		}
	}
	if len(z) >= minEmpirical {
		em.z = z
	}
	return em
}

// zq returns the quantiles of z at probabilities p80 and p95 in the order
// lo80, hi80, lo95, hi95.
func (em errorModel) zq() [4]float64 {
	ps := [4]float64{p80[0], p80[1], p95[0], p95[1]}
	var q [4]float64
	for i, p := range ps {
		if em.z == nil {
			q[i] = distuv.UnitNormal.Quantile(p)
		} else {
			q[i] = quantile7(em.z, p)
		}
	}
	return q
}

// errorBands turns backtest errors errs[origin][k] into interval offsets
// for h steps from the errorModel: offset_k(p) = Q_z(p) s_k. Beyond
// the backtest horizon H the offsets at H grow like a random walk's:
// offset_k = offset_H · √(k/H).
func errorBands(errs [][]float64, h int) bands {
	b := bands{make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h)}
	if len(errs) == 0 || len(errs[0]) == 0 {
		return b
	}
	em := fitErrorModel(errs, 0, 0)
	hb := len(em.s)
	q := em.zq()
	out := [4][]float64{b.lo80, b.hi80, b.lo95, b.hi95}
	for i, o := range out {
		for k := range o {
			if k < hb {
				o[k] = q[i] * em.s[k]
				continue
			}
			o[k] = o[hb-1] * math.Sqrt(float64(k+1)/float64(hb))
		}
	}
	return b
}

// coverageFolds is the number of blocks of neighbouring origins held out
// in turn by coverage.
const coverageFolds = 5

// coverage returns the fractions of backtest errors inside the 80% and 95%
// intervals that errorBands draws from the other origins' errors, so an
// error is never judged by an interval it helped to draw. The origins are
// split into 5 contiguous blocks, each held out in turn (blocked
// cross-validation, Bergmeir & Benítez 2012): neighbouring origins forecast
// overlapping targets, so holding out one origin alone would leave its
// near-copies in the fit. NaN when there are fewer than two origins.
func coverage(errs [][]float64) (c80, c95 float64) {
	if len(errs) < 2 {
		return math.NaN(), math.NaN()
	}
	var in80, in95, n int
	for _, fold := range coverageBlocks(len(errs)) {
		lo, hi := fold[0], fold[1]
		em := fitErrorModel(errs, lo, hi)
		q := em.zq()
		for _, row := range errs[lo:hi] {
			for k, e := range row {
				if math.IsNaN(e) {
					continue
				}
				n++
				s := em.s[k]
				if e >= q[0]*s && e <= q[1]*s {
					in80++
				}
				if e >= q[2]*s && e <= q[3]*s {
					in95++
				}
			}
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	return float64(in80) / float64(n), float64(in95) / float64(n)
}

// coverageBlocks splits k origins into min(5, k) contiguous blocks
// [lo, hi) of near-equal size, oldest first.
func coverageBlocks(k int) [][2]int {
	folds := min(coverageFolds, k)
	out := make([][2]int, folds)
	for f := range out {
		out[f] = [2]int{f * k / folds, (f + 1) * k / folds}
	}
	return out
}

// randomWalkBands are the model-based intervals of a seasonal random walk
// of period m (a plain one for m = 1) over y: its step deviation σ is the
// RMS of the differences y[i] − y[i−m], and the error k+1 steps ahead sums
// ⌊k/m⌋+1 such steps, so the offsets are ±z·σ·√(⌊k/m⌋+1). They stand in
// where the backtest cannot speak: a series too short to backtest, or one
// whose backtest gave too few errors to draw bands from. With fewer than
// two seasons of y the plain random walk's; with a single value σ is 0:
// nothing is known.
func randomWalkBands(y []float64, h, m int) bands {
	if m < 1 || len(y) < 2*m {
		m = 1
	}
	var ss float64
	for i := m; i < len(y); i++ {
		d := y[i] - y[i-m]
		ss += d * d
	}
	sigma := 0.0
	if len(y) > m {
		sigma = math.Sqrt(ss / float64(len(y)-m))
	}
	b := bands{make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h)}
	for k := range b.lo80 {
		s := sigma * math.Sqrt(float64(k/m+1))
		b.lo80[k], b.hi80[k], b.lo95[k], b.hi95[k] = -z80*s, z80*s, -z95*s, z95*s
	}
	return b
}
