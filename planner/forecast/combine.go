package forecast

import (
	"slices"
	"strings"
)

// Combination forecasts the median, step by step, of its members'
// forecasts: the middle one of three, which is also their 1/3-trimmed
// mean, and the mean of two. Combining the forecasts of different models
// is the most reliable gain in the M competitions (Makridakis et al.
// 2020, M4 findings 1 and 2; FPP3 §13.4):
//
//	ŷ_{T+k} = median_i ŷ^{(i)}_{T+k}.
type Combination struct {
	Members []Model
}

// Forecast returns the step-wise median of the members' forecasts.
func (c *Combination) Forecast(h int) []float64 {
	fs := make([][]float64, len(c.Members))
	for i, m := range c.Members {
		fs[i] = m.Forecast(h)
	}
	return combineMedian(fs)
}

// Update moves every member on.
func (c *Combination) Update(y []float64) {
	for _, m := range c.Members {
		if u, ok := m.(Updater); ok {
			u.Update(y)
		}
	}
}

// Name is "Combination(member1, member2, …)".
func (c *Combination) Name() string {
	var ns []string
	for _, m := range c.Members {
		ns = append(ns, modelName(m, "?"))
	}
	return "Combination(" + strings.Join(ns, ", ") + ")"
}

// combineMedian returns out[k] = median_i fs[i][k]: for an even count the
// mean of the middle two.
func combineMedian(fs [][]float64) []float64 {
	if len(fs) == 0 {
		return nil
	}
	out := make([]float64, len(fs[0]))
	col := make([]float64, len(fs))
	for k := range out {
		for i, f := range fs {
			col[i] = f[k]
		}
		slices.Sort(col)
		c := len(col)
		if c%2 == 1 {
			out[k] = col[c/2]
		} else {
			out[k] = (col[c/2-1] + col[c/2]) / 2
		}
	}
	return out
}
