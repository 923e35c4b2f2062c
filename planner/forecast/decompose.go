package forecast

import "math"

// centredMA returns the centred moving average of order m of y (the 2×m
// average for even m, FPP3 §3.3), NaN for the ⌊m/2⌋ values at each end
// where it is not defined:
//
//	odd m:   T_t = (1/m) Σ_{j=-k}^{k} y_{t+j},  k = (m-1)/2
//	even m:  T_t = (1/m) [ ½y_{t-k} + Σ_{j=-k+1}^{k-1} y_{t+j} + ½y_{t+k} ],  k = m/2
func centredMA(y []float64, m int) []float64 {
	n := len(y)
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	cum := make([]float64, n+1)
	for i, v := range y {
		cum[i+1] = cum[i] + v
	}
	k := m / 2
	for t := k; t+k < n; t++ {
		if m%2 == 1 {
			out[t] = (cum[t+k+1] - cum[t-k]) / float64(m)
		} else {
			out[t] = (cum[t+k] - cum[t-k+1] + 0.5*y[t-k] + 0.5*y[t+k]) / float64(m)
		}
	}
	return out
}

// seasonalIndices is the seasonal component of classical decomposition
// (FPP3 §3.4; R's decompose) of y with period m, indexed by t mod m:
//
//	additive:        S_p = mean_{t ≡ p} (y_t - T_t) - c,  c the mean of those m means
//	multiplicative:  S_p = mean_{t ≡ p} (y_t / T_t) / c,  c the mean of those m means
//
// with T the centred moving average of order m. It needs len(y) >= 2m (so
// every phase has a value of T) and, for the multiplicative form, T > 0.
func seasonalIndices(y []float64, m int, multiplicative bool) []float64 {
	tr := centredMA(y, m)
	sum := make([]float64, m)
	cnt := make([]float64, m)
	for t, v := range y {
		if math.IsNaN(tr[t]) {
			continue
		}
		d := v - tr[t]
		if multiplicative {
			d = v / tr[t]
		}
		sum[t%m] += d
		cnt[t%m]++
	}
	var c float64
	for p := range sum {
		if cnt[p] > 0 {
			sum[p] /= cnt[p]
		} else if multiplicative {
			sum[p] = 1
		}
		c += sum[p]
	}
	c /= float64(m)
	for p := range sum {
		if multiplicative {
			sum[p] /= c
		} else {
			sum[p] -= c
		}
	}
	return sum
}

// seasonalTest is R forecast::thetaf's test for seasonality at period m:
// with r_k the sample autocorrelation of y at lag k (divided by n),
//
//	|r_m| > 1.645 √( (1 + 2 Σ_{k=1}^{m-1} r_k²) / n ),
//
// the 90% one-sided bound of Bartlett's formula. False when n < 2m.
func seasonalTest(y []float64, m int) bool {
	n := len(y)
	if m < 2 || n < 2*m {
		return false
	}
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	var den float64
	for _, v := range y {
		den += (v - mean) * (v - mean)
	}
	if den == 0 {
		return false
	}
	r := func(k int) float64 {
		var s float64
		for t := 0; t+k < n; t++ {
			s += (y[t] - mean) * (y[t+k] - mean)
		}
		return s / den
	}
	var ss float64
	for k := 1; k < m; k++ {
		rk := r(k)
		ss += rk * rk
	}
	return math.Abs(r(m)) > 1.6448536269514722*math.Sqrt((1+2*ss)/float64(n))
}

func allPositive(y []float64) bool {
	for _, v := range y {
		if !(v > 0) {
			return false
		}
	}
	return len(y) > 0
}
