package demand

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// MaxAhead is the farthest, in months, the line is backtested: the
// report's longest forecast (12 months ahead).
const MaxAhead = 12

// coverageFolds is how many blocks of neighbouring origins the coverage
// holds out in turn, as the forecast engine does: neighbouring origins
// forecast overlapping months, so holding out one origin alone would
// leave its near-copies in.
const coverageFolds = 5

// Scenario is the devices a forecast assumes under the low, base and high
// sales scenarios; Low = Base = High when the sales are known.
type Scenario struct {
	Low, Base, High float64
}

// Known is the scenario of devices that are not in doubt.
func Known(x float64) Scenario { return Scenario{x, x, x} }

// Backtest is the devices line refitted at every past origin and judged on
// the months after it: how far the line alone misses, months ahead.
//
// The error model is the forecast engine's (planner/forecast), in relative
// terms: the relative error actual/forecast − 1 at h months ahead is
// S_h·z, one distribution of z for every horizon (AbsQuantiles). S_h is
// the root mean square of the errors h months ahead, raised to the nearer
// months' where below them (uncertainty does not shrink with the
// horizon); beyond the farthest month an origin reached it grows like a
// random walk's, with √h. Pooling every horizon's z is what makes 13
// months of history give an interval at all.
type Backtest struct {
	// Errors are every origin's relative errors, with the devices that
	// were actually sold: the line's own error, not the sales plan's.
	Errors []AheadError
	// S are the scales S_1 … S_H, H the farthest month reached; Q80 and
	// Q95 the 80% and 95% quantiles of |z|. Empty and NaN when no origin
	// had a later month.
	S        []float64
	Q80, Q95 float64
	// Coverage80 and Coverage95 are the shares of backtest forecasts
	// inside intervals drawn (by Band) from the other origins' errors and
	// the scenarios the caller gave; Checked how many there were. NaN when
	// fewer than two origins.
	Coverage80, Coverage95 float64
	Checked                int
}

// AheadError is one backtest forecast's relative error.
type AheadError struct {
	Origin, Ahead int
	Rel           float64
}

// BacktestLine refits the line on the first k months, for every k from
// half the months on (at least MinMonths: fits on a few points would
// judge a line far shakier than the one forecasting), and forecasts each
// later month up to MaxAhead months ahead. months are the first instants
// of the fitted months, in order (gaps allowed: months ahead are calendar
// months); x and y as for FitLine. sales(last, target) gives the devices a forecast made after
// month last would have assumed for month target, under the three
// scenarios; it draws the intervals the coverage is judged on, so that the
// coverage includes the sales plan's error when the sales file says what
// the plan was. A nil sales takes the devices sold as known.
func BacktestLine(months []time.Time, x, y []float64, sales func(last, target int) Scenario) (*Backtest, error) {
	if len(months) != len(x) || len(x) != len(y) {
		return nil, fmt.Errorf("demand: %d months, %d x values, %d y values", len(months), len(x), len(y))
	}
	if sales == nil {
		sales = func(_, target int) Scenario { return Known(x[target]) }
	}
	type forecast struct {
		line         *Line
		last, target int
		ahead        int
	}
	var fs []forecast
	bt := &Backtest{}
	for k := max(MinMonths, len(x)/2); k < len(x); k++ {
		if !CanFit(x[:k]) {
			continue
		}
		l, err := FitLine(x[:k], y[:k])
		if err != nil {
			return nil, err
		}
		for j := k; j < len(x); j++ {
			h := MonthsBetween(months[k-1], months[j])
			if h > MaxAhead {
				break
			}
			p := l.A + l.B*x[j]
			if p <= 0 {
				continue // no relative error of a forecast of nothing
			}
			bt.Errors = append(bt.Errors, AheadError{Origin: k, Ahead: h, Rel: y[j]/p - 1})
			fs = append(fs, forecast{l, k - 1, j, h})
		}
	}
	bt.S, bt.Q80, bt.Q95 = errorModel(bt.Errors, -1, -1)
	bt.Coverage80, bt.Coverage95 = math.NaN(), math.NaN()
	origins := originsOf(bt.Errors)
	if len(origins) < 2 {
		return bt, nil
	}
	folds := min(coverageFolds, len(origins))
	var in80, in95 int
	for f := range folds {
		lo, hi := origins[f*len(origins)/folds], math.MaxInt
		if f+1 < folds {
			hi = origins[(f+1)*len(origins)/folds]
		}
		held := &Backtest{}
		held.S, held.Q80, held.Q95 = errorModel(bt.Errors, lo, hi)
		for i, e := range bt.Errors {
			if e.Origin < lo || e.Origin >= hi {
				continue
			}
			fc := fs[i]
			b := held.Band(fc.line, sales(fc.last, fc.target), fc.ahead)
			actual := y[fc.target]
			bt.Checked++
			if b.Lo80 <= actual && actual <= b.Hi80 {
				in80++
			}
			if b.Lo95 <= actual && actual <= b.Hi95 {
				in95++
			}
		}
	}
	bt.Coverage80 = float64(in80) / float64(bt.Checked)
	bt.Coverage95 = float64(in95) / float64(bt.Checked)
	return bt, nil
}

// Band forecasts with the line at the scenario's devices, ahead months
// after the last fitted month. The line's error (Q80 and Q95 times
// ScaleAt) and the sales plan's (the low and high scenarios are the ends of
// its 95% range; the 80% range is that times z(0.9)/z(0.975), as for a
// normal error) are independent, so their half-widths add in quadrature,
// each side on its own. Without a backtest (NaN quantiles) the line's
// classical interval stands in for its error.
func (b *Backtest) Band(l *Line, s Scenario, ahead int) Prediction {
	point := l.A + l.B*s.Base
	lo, hi := l.A+l.B*s.Low, l.A+l.B*s.High
	if lo > hi { // a falling line: fewer sales, more connections
		lo, hi = hi, lo
	}
	down, up := math.Max(point-lo, 0), math.Max(hi-point, 0)
	var r80, r95 float64
	if b == nil || math.IsNaN(b.Q95) {
		c := l.Predict(s.Base)
		r80, r95 = c.Hi80-point, c.Hi95-point
	} else {
		g := b.ScaleAt(ahead) * math.Abs(point)
		r80, r95 = b.Q80*g, b.Q95*g
	}
	k := z80 / z95
	return Prediction{
		Point: point,
		Lo80:  point - math.Hypot(r80, k*down), Hi80: point + math.Hypot(r80, k*up),
		Lo95: point - math.Hypot(r95, down), Hi95: point + math.Hypot(r95, up),
	}
}

// ScaleAt is S_ahead, the relative error's scale ahead months out; NaN
// without a backtest.
func (b *Backtest) ScaleAt(ahead int) float64 {
	h := len(b.S)
	switch {
	case h == 0:
		return math.NaN()
	case ahead < 1:
		return b.S[0]
	case ahead <= h:
		return b.S[ahead-1]
	}
	return b.S[h-1] * math.Sqrt(float64(ahead)/float64(h))
}

var (
	z80 = distuv.UnitNormal.Quantile(0.90)
	z95 = distuv.UnitNormal.Quantile(0.975)
)

// errorModel fits S and the quantiles of |z| to the errors whose origin
// is outside [skipLo, skipHi). A month ahead no error reached takes the
// previous one's scale, and so does one whose errors were smaller.
func errorModel(errs []AheadError, skipLo, skipHi int) (s []float64, q80, q95 float64) {
	kept := func(e AheadError) bool { return e.Origin < skipLo || e.Origin >= skipHi }
	var ss, cnt [MaxAhead]float64
	h := 0
	for _, e := range errs {
		if kept(e) {
			ss[e.Ahead-1] += e.Rel * e.Rel
			cnt[e.Ahead-1]++
			h = max(h, e.Ahead)
		}
	}
	if h == 0 {
		return nil, math.NaN(), math.NaN()
	}
	s = make([]float64, h)
	for k := range s {
		if cnt[k] > 0 {
			s[k] = math.Sqrt(ss[k] / cnt[k])
		}
		if k > 0 {
			s[k] = math.Max(s[k], s[k-1])
		}
	}
	var z []float64
	for _, e := range errs {
		if kept(e) && s[e.Ahead-1] > 0 {
			z = append(z, math.Abs(e.Rel)/s[e.Ahead-1])
		}
	}
	if len(z) == 0 { // every error 0: the line was exact
		return s, 0, 0
	}
	q80, q95 = AbsQuantiles(z)
	return s, q80, q95
}

// AbsQuantiles are the 80% and 95% quantiles of the sizes of errors z, as
// for a normal error of their root mean square with that estimated from
// n of them: Student's t on n−1 degrees of freedom times the root mean
// square. Not the errors' own quantiles: the errors of neighbouring
// origins share their targets, so far fewer independent values stand
// behind them than there are errors, and on generated gateways their
// quantiles covered less than the t's. NaN without errors.
func AbsQuantiles(z []float64) (q80, q95 float64) {
	if len(z) == 0 {
		return math.NaN(), math.NaN()
	}
	var ss float64
	for _, v := range z {
		ss += v * v
	}
	rms := math.Sqrt(ss / float64(len(z)))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(max(len(z)-1, 1))}
	return t.Quantile(0.90) * rms, t.Quantile(0.975) * rms
}

// originsOf lists the distinct origins, in order (errors come by origin).
func originsOf(errs []AheadError) []int {
	var out []int
	for _, e := range errs {
		if len(out) == 0 || out[len(out)-1] != e.Origin {
			out = append(out, e.Origin)
		}
	}
	return out
}

// MonthsBetween counts calendar months from a to b.
func MonthsBetween(a, b time.Time) int {
	a, b = a.UTC(), b.UTC()
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// CanFit says whether FitLine can draw a line through points at x: enough
// of them, and at least two different values (sales that moved).
func CanFit(x []float64) bool {
	if len(x) < MinMonths {
		return false
	}
	for _, v := range x[1:] {
		if v != x[0] {
			return true
		}
	}
	return false
}
