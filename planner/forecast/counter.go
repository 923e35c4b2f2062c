package forecast

import "math"

// A cumulative counter (requests served, bytes sent) rises step by step and
// drops to about zero when the process behind it restarts. Forecast as a
// level, a model sees a steep line broken by cliffs: the cliffs spoil its
// fit and its backtest errors, and the intervals of a level model do not
// widen the way a running total's must. Its increments, in contrast, are
// an ordinary series (often with the same daily cycle as the traffic), so
// Forecast models those and adds them up.

// resetDrop is how far a value must fall, as a fraction of the previous
// one, to be read as a counter reset rather than a decrease.
const resetDrop = 0.1

// isResetCounter reports whether values look like a cumulative counter
// that has been reset: no negative value, every observed step either
// non-decreasing or a reset (a fall to below a tenth of the previous
// value), at least one reset and at most one step in twenty, most steps
// rising, and at least 30 observed steps. A series that merely trends
// upwards has some falls that are not resets and is left alone; so is one
// that never fell: a gauge that grew steadily (connections of a growing
// fleet) looks just like a counter, and level models forecast a line well.
func isResetCounter(values []float64) bool {
	var steps, rises, resets int
	prev := math.NaN()
	for _, v := range values {
		if math.IsNaN(v) {
			continue
		}
		if v < 0 {
			return false
		}
		if !math.IsNaN(prev) {
			steps++
			switch {
			case v > prev:
				rises++
			case v < prev && v < resetDrop*prev:
				resets++
			case v < prev:
				return false
			}
		}
		prev = v
	}
	return steps >= 30 && 2*rises > steps && resets >= 1 && 20*resets <= steps
}

// cumulativeErrors returns the backtest errors of the running total of
// the increment forecasts f: c[j][k] = Σ_{i≤k} (y[o_j+i] - f[j][i]), NaN
// where the increment was imputed. The imputed increments still enter the
// sums: a gap's increments are spread so that they add up to the observed
// rise across it, so later totals are judged exactly.
func cumulativeErrors(f [][]float64, y []float64, observed []bool, p plan) [][]float64 {
	out := make([][]float64, len(f))
	for j, o := range p.origins {
		c := make([]float64, p.horizon)
		var sum float64
		for k := range c {
			sum += y[o+k] - f[j][k]
			c[k] = sum
			if !observed[o+k] {
				c[k] = math.NaN()
			}
		}
		out[j] = c
	}
	return out
}

// counterBase is the counter's level at the last input step, from which
// forecast increments are added up: the last observed value plus the
// imputed increments y of the steps after it (y as Forecast models it,
// its last element the increase to the last input step).
func counterBase(values, y []float64) float64 {
	last := len(values) - 1
	for math.IsNaN(values[last]) {
		last--
	}
	base := values[last]
	for i := len(y) - (len(values) - 1 - last); i < len(y); i++ {
		base += y[i]
	}
	return base
}

// runningTotal returns base + Σ_{i≤k} x[i] for every k.
func runningTotal(base float64, x []float64) []float64 {
	out := make([]float64, len(x))
	for k, v := range x {
		base += v
		out[k] = base
	}
	return out
}
