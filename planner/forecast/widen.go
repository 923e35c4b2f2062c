package forecast

import "math"

// The bands of errorBands come from the chosen model's backtest errors,
// which understate the errors of its forecast: the model was chosen
// because its backtest errors happened to be small, and one stretch of a
// series is not always like the others (the spread changes, a level
// shifts, a season too long to detect comes round). Rather than widen by
// a constant tuned on a suite, each forecast measures how much its own
// bands fall short, by cross-conformal calibration (Vovk 2015,
// "Cross-conformal predictors") over the blocks of origins of coverage:
// for each block, the model is chosen again from the candidates' errors
// at the other origins, the bands are drawn from the chosen model's
// errors at the other origins, and the errors the re-chosen model made at
// the block's origins are measured against them.

// widenedBands are errorBands(errs, h) with the 80% offsets multiplied by
// f80 and the 95% ones by f95 from cvWidening(errs, judged). judged[j]
// holds the errors at origin j of the model the choice would make without
// j's block. The bands never narrow: a factor below 1 only says the
// chosen model's errors overstate the re-chosen models' ones.
func widenedBands(errs, judged [][]float64, h int) bands {
	b := errorBands(errs, h)
	f80, f95 := cvWidening(errs, judged)
	if math.IsNaN(f80) {
		return b
	}
	f80, f95 = math.Max(1, f80), math.Max(1, f95)
	for k := range b.lo80 {
		b.lo80[k] *= f80
		b.hi80[k] *= f80
		// Each factor scales both sides of its band, so one set by errors
		// on one side can carry the 80% band past the 95% one on the
		// other: the 95% band is kept around the 80% one.
		b.lo95[k] = math.Min(b.lo95[k]*f95, b.lo80[k])
		b.hi95[k] = math.Max(b.hi95[k]*f95, b.hi80[k])
	}
	return b
}

// cvWidening returns the factors by which the 80% and 95% offsets drawn
// from errs must be multiplied to cover 80% and 95% of judged, each block
// of origins judged by offsets drawn without it. An interval
// [f·q_lo·s_k, f·q_hi·s_k] holds an error e exactly when f ≥ r, with
//
//	r = e/(q_hi·s_k) for e ≥ 0,  e/(q_lo·s_k) for e < 0,
//
// so a block's factor at level p is the quantile of its r at finiteLevel(p). The factor
// returned is the mean over the blocks: pooling the blocks' r instead lets
// the one block that holds a level shift or a burst of outliers set the
// 95% factor alone (factors of 2 to 6 on such series of the accuracy
// suite, and MSIS a quarter worse on the hourly and monthly sets, for the same coverage).
//
// A block can need an infinite factor: when a model's errors are nearly
// all of one sign (a steady bias, as on a fast-growing weekly series of
// M4), the bands drawn from the other blocks may lie wholly on that side
// of the point forecast, and no scaling of them reaches an error on the
// other side. Such a block is left out of that level's mean, since one
// infinite factor would make the bands infinite and 0·∞ offsets NaN. NaN
// when there are fewer than two origins or no block has a finite factor
// from enough ratios (finiteLevel).
func cvWidening(errs, judged [][]float64) (f80, f95 float64) {
	if len(errs) < 2 {
		return math.NaN(), math.NaN()
	}
	var r80, r95 []float64
	var n80, n95 int
	for _, fold := range coverageBlocks(len(errs)) {
		em := fitErrorModel(errs, fold[0], fold[1])
		q := em.zq()
		r80, r95 = r80[:0], r95[:0]
		for _, row := range judged[fold[0]:fold[1]] {
			for k, e := range row {
				if math.IsNaN(e) {
					continue
				}
				s := em.s[k]
				r80 = append(r80, boundRatio(e, q[0]*s, q[1]*s))
				r95 = append(r95, boundRatio(e, q[2]*s, q[3]*s))
			}
		}
		if len(r80) == 0 {
			continue
		}
		if l, ok := finiteLevel(0.80, len(r80)); ok {
			if q := quantile7(r80, l); !math.IsInf(q, 1) {
				f80 += q
				n80++
			}
		}
		if l, ok := finiteLevel(0.95, len(r95)); ok {
			if q := quantile7(r95, l); !math.IsInf(q, 1) {
				f95 += q
				n95++
			}
		}
	}
	if n80 == 0 || n95 == 0 {
		return math.NaN(), math.NaN()
	}
	return f80 / float64(n80), f95 / float64(n95)
}

// boundRatio is the factor by which the interval [lo, hi] (lo ≤ 0 ≤ hi)
// must be scaled to hold e: e/hi above 0, e/lo below; +Inf when the side
// e falls on has zero width.
func boundRatio(e, lo, hi float64) float64 {
	switch {
	case e == 0:
		return 0
	case e > 0 && hi > 0:
		return e / hi
	case e < 0 && lo < 0:
		return e / lo
	}
	return math.Inf(1)
}

// finiteLevel is the level at which a block's n ratios are read for
// coverage p: split conformal's finite-sample level ⌈(n+1)p⌉/n. The sample
// p-quantile of n ratios holds a new ratio a little less often than p;
// this one at least p of the time when the ratios are exchangeable (Lei et
// al. 2018, "Distribution-free predictive inference for regression").
// Measured with planner backtest --suite: M4 weekly 95% coverage 93.5% ->
// 94.0%, the team's whole suite 93.6% -> 93.8% (docs/benchmarks.md
// section 7). ok is false when ⌈(n+1)p⌉ > n: so few ratios (under 19 at
// 95%, 4 at 80%) cannot calibrate that level, and the block is left out of
// its mean rather than let its largest ratio pass for the quantile.
func finiteLevel(p float64, n int) (level float64, ok bool) {
	k := math.Ceil(float64(n+1) * p)
	return k / float64(n), n > 0 && k <= float64(n)
}
