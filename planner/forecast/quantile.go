package forecast

import "math"

// Order statistics and monotone fits used by the intervals.

// isotonic replaces x by its non-decreasing least-squares fit, by
// pool-adjacent-violators: merge neighbouring blocks whose means are out of
// order until none are, and give each value its block's mean.
func isotonic(x []float64) {
	type block struct {
		sum float64
		n   int
	}
	var bs []block
	for _, v := range x {
		bs = append(bs, block{v, 1})
		for len(bs) > 1 {
			a, b := bs[len(bs)-2], bs[len(bs)-1]
			if a.sum*float64(b.n) <= b.sum*float64(a.n) {
				break
			}
			bs = bs[:len(bs)-2]
			bs = append(bs, block{a.sum + b.sum, a.n + b.n})
		}
	}
	i := 0
	for _, b := range bs {
		mean := b.sum / float64(b.n)
		for j := 0; j < b.n; j++ {
			x[i] = mean
			i++
		}
	}
}

// quantile7 is the type-7 sample quantile of x (Hyndman & Fan 1996): with
// the c values in order x_(1..c), h = (c-1)p and
//
//	Q(p) = x_(⌊h⌋+1) + (h-⌊h⌋)(x_(⌊h⌋+2) - x_(⌊h⌋+1)).
//
// It reorders x: the order statistics are found by selection, O(c) on
// average instead of a sort, since it runs once per held-out block.
func quantile7(x []float64, p float64) float64 {
	c := len(x)
	h := float64(c-1) * p
	lo := int(math.Floor(h))
	if lo >= c-1 {
		return x[selectKth(x, c-1)]
	}
	a := x[selectKth(x, lo)]
	b := x[lo+1]
	for _, v := range x[lo+2:] { // after selection x[lo+1:] holds the values >= a
		if v < b {
			b = v
		}
	}
	if b == a { // also when both are +Inf, where b-a is NaN
		return a
	}
	return a + (h-float64(lo))*(b-a)
}

// selectKth reorders x so that x[k] is its k-th smallest value (0-based),
// everything before it is <= x[k] and everything after is >= x[k], and
// returns k (Hoare's quickselect with a median-of-three pivot: no
// randomness, so results do not vary between runs).
func selectKth(x []float64, k int) int {
	lo, hi := 0, len(x)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return k
		}
	}
	return k
}
