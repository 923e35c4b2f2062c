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
// The intervals are centred on the point forecast: the backtest's mean
// error comes from older fits and is not carried over (on the accuracy
// suite, centring on it made the intervals worse).
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
	ss := make([]float64, hb)
	cnt := make([]float64, hb)
	for j, row := range errs {
		if j >= skipLo && j < skipHi {
			continue
		}
		for k, e := range row {
			if !math.IsNaN(e) {
				ss[k] += e * e
				cnt[k]++
			}
		}
	}
	for k := range em.s {
		switch {
		case cnt[k] > 0:
			em.s[k] = math.Sqrt(ss[k] / cnt[k])
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

// naiveBands are the intervals when the series is too short to backtest:
// a random walk whose step deviation σ is the RMS of the first differences,
// offsets ±z·σ·√k. With a single value σ is 0: nothing is known.
func naiveBands(y []float64, h int) bands {
	var ss float64
	for i := 1; i < len(y); i++ {
		d := y[i] - y[i-1]
		ss += d * d
	}
	sigma := 0.0
	if len(y) > 1 {
		sigma = math.Sqrt(ss / float64(len(y)-1))
	}
	b := bands{make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h)}
	for k := range b.lo80 {
		s := sigma * math.Sqrt(float64(k+1))
		b.lo80[k], b.hi80[k], b.lo95[k], b.hi95[k] = -z80*s, z80*s, -z95*s, z95*s
	}
	return b
}
