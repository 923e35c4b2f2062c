package forecast

import "math"

// A series here is a []float64 of values at a fixed step, oldest first, with
// NaN marking a missing sample. Timestamps live with the caller: index i is
// start + i*step.

// Gap is a run of missing values: indices Start to Start+Len-1 are NaN.
type Gap struct {
	Start, Len int
}

// Gaps returns the runs of NaN in y, in order.
func Gaps(y []float64) []Gap {
	var gaps []Gap
	for i := 0; i < len(y); {
		if !math.IsNaN(y[i]) {
			i++
			continue
		}
		j := i
		for j < len(y) && math.IsNaN(y[j]) {
			j++
		}
		gaps = append(gaps, Gap{Start: i, Len: j - i})
		i = j
	}
	return gaps
}

// FillGaps returns a copy of y with every gap repaired.
//
// A gap y[a..b] of L = b-a+1 steps with observed neighbours y[a-1] and y[b+1]
// is filled by linear interpolation when L <= maxLinear, when period < 2, or
// when there is no full season of history before the gap:
//
//	y[a+i] = y[a-1] + (i+1)/(L+1) * (y[b+1] - y[a-1]),  i = 0..L-1.
//
// A longer gap is filled by repeating the last season before it, shifted by
// an offset that moves linearly from the seasonal difference at the left
// edge to the one at the right edge, so that the fill joins both neighbours
// (linear interpolation alone would flatten a daily cycle):
//
//	base(t)  = y[t - k*m] for the smallest k with t - k*m < a
//	dL       = y[a-1] - y[a-1-m]
//	dR       = y[b+1] - base(b+1)
//	y[a+i]   = base(a+i) + dL + (i+1)/(L+1) * (dR - dL).
//
// A gap at the start takes the first observed value; a gap at the end takes
// the last observed value (linear) or the last season plus dL (seasonal). A
// series with no observed value is returned unchanged (all NaN).
func FillGaps(y []float64, period, maxLinear int) []float64 {
	out := make([]float64, len(y))
	copy(out, y)
	for _, g := range Gaps(y) {
		fillGap(out, g, period, maxLinear)
	}
	return out
}

func fillGap(y []float64, g Gap, m, maxLinear int) {
	a, b := g.Start, g.Start+g.Len-1
	n := len(y)
	switch {
	case a == 0 && b == n-1:
		return // nothing observed
	case a == 0:
		for i := a; i <= b; i++ {
			y[i] = y[b+1]
		}
		return
	}
	seasonal := m >= 2 && g.Len > maxLinear && a-1-m >= 0
	if !seasonal {
		if b == n-1 {
			for i := a; i <= b; i++ {
				y[i] = y[a-1]
			}
			return
		}
		left, right := y[a-1], y[b+1]
		for i := 0; i < g.Len; i++ {
			y[a+i] = left + float64(i+1)/float64(g.Len+1)*(right-left)
		}
		return
	}
	base := func(t int) float64 {
		for t >= a {
			t -= m
		}
		return y[t]
	}
	dL := y[a-1] - y[a-1-m]
	dR := dL
	if b < n-1 {
		dR = y[b+1] - base(b+1)
	}
	for i := 0; i < g.Len; i++ {
		y[a+i] = base(a+i) + dL + float64(i+1)/float64(g.Len+1)*(dR-dL)
	}
}

// increments converts a cumulative counter into its increase per step, the
// way Prometheus's increase() reads counters: a drop means the counter was
// reset and restarted from zero, so the increase over that step is the new
// value itself. out[i] is the increase from counter[i] to counter[i+1], so
// len(out) == len(counter)-1 and out[i] belongs to the time of counter[i+1].
//
// Across a gap, the increase between the observations either side is spread
// evenly over the steps of the gap (linear interpolation of the counter),
// which keeps the total; observed[i] is false for such spread increments.
// Steps before the first or after the last observed value are NaN.
func increments(counter []float64) (out []float64, observed []bool) {
	if len(counter) < 2 {
		return nil, nil
	}
	out = make([]float64, len(counter)-1)
	observed = make([]bool, len(out))
	for i := range out {
		out[i] = math.NaN()
	}
	prev := -1
	for i, v := range counter {
		if math.IsNaN(v) {
			continue
		}
		if prev >= 0 {
			inc := v - counter[prev]
			if inc < 0 {
				inc = v
			}
			steps := i - prev
			for j := prev; j < i; j++ {
				out[j] = inc / float64(steps)
				observed[j] = steps == 1
			}
		}
		prev = i
	}
	return out, observed
}

// line returns the least-squares line y ≈ a + b*t through y[0..n-1], t = 0..n-1.
func line(y []float64) (a, b float64) {
	n := float64(len(y))
	if len(y) == 0 {
		return 0, 0
	}
	if len(y) == 1 {
		return y[0], 0
	}
	tbar := (n - 1) / 2
	var ybar float64
	for _, v := range y {
		ybar += v
	}
	ybar /= n
	var sxy, sxx float64
	for t, v := range y {
		d := float64(t) - tbar
		sxy += d * (v - ybar)
		sxx += d * d
	}
	b = sxy / sxx
	return ybar - b*tbar, b
}
