// Package forecast forecasts one regularly sampled metric series: it
// repairs gaps and counter resets, detects the season, backtests a set of
// candidate models by rolling origin, keeps the one with the lowest MASE
// and draws 80% and 95% prediction intervals from that model's backtest
// errors.
//
// Inputs are plain []float64 at a fixed step, oldest first, NaN for a
// missing sample; the caller keeps the timestamps. The same input always
// gives bit-identical output on a given platform: there is no randomness
// and no map iteration in the computation, and the optimiser evaluates one
// point at a time.
package forecast

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Options configure Forecast. Only Horizon is required.
type Options struct {
	// Horizon is the number of steps to forecast, > 0.
	Horizon int
	// Season is the season length in steps: 0 detects it among Periods
	// (DetectSeason), 1 means no season.
	Season int
	// Periods are the candidate season lengths for detection; nil means
	// DefaultPeriods() and an empty slice none. PeriodsFor(step) gives the
	// usual ones for a sampling step.
	Periods []int
	// Counter marks a cumulative counter: its per-step increases
	// (Increments) are forecast, one value shorter than the input.
	Counter bool
	// Origins is the number of backtest origins (default 20).
	Origins int
	// OriginStep is the distance between origins (default a tenth of the
	// backtest horizon, at least 1).
	OriginStep int
	// Window is how many of the most recent values models are fitted on
	// (default max(8·season, 2·horizon, 30)).
	Window int
	// MaxLinearGap is the longest gap filled by linear interpolation;
	// longer gaps in a seasonal series are filled from the previous season
	// (FillGaps). Default 3.
	MaxLinearGap int
}

// Score is one candidate model's backtest accuracy.
type Score struct {
	Model string
	MASE  float64
}

// Result is a forecast of Horizon steps after the last value.
type Result struct {
	// Point forecasts and interval bounds, Horizon values each.
	Point, Lo80, Hi80, Lo95, Hi95 []float64
	// Model is the chosen model's name, e.g. "ETS(A,Ad,A)".
	Model string
	// Season is the season length used, 1 for none.
	Season int
	// MASE is the chosen model's backtest MASE; BaselineMASE holds the
	// "seasonal-naive" and "linear-trend" baselines' (also in Candidates).
	MASE         float64
	BaselineMASE map[string]float64
	// Candidates lists every model backtested, simplest first.
	Candidates []Score
	// Coverage80 and Coverage95 are the fractions of backtest errors inside
	// intervals drawn without them: the origins are split into 5 blocks and
	// each block is judged by intervals from the other four.
	Coverage80, Coverage95 float64
	// Origins and BacktestHorizon describe the backtest. Origins is 0 when
	// the history is too short to backtest (or every backtest target was
	// imputed): the model is then seasonal naive (naive without a season),
	// the intervals those of a random walk, and MASE and coverage NaN.
	Origins, BacktestHorizon int
	// Window is the number of values the final model was fitted on.
	Window int
	// Filled is the number of values imputed in gaps.
	Filled int
}

// Forecast forecasts values opts.Horizon steps ahead.
//
// Gaps are filled (FillGaps), the season is detected unless given, and each
// candidate (seasonal naive, linear trend, then ETS without and with damped
// trend, seasonal when a season was found) is backtested from several
// origins with the backtest horizon. The candidate with the lowest MASE is
// refitted on the last Window values and forecasts; ties go to the
// simpler model. Its backtest errors give the intervals (errorBands).
//
// It returns an error, never panics, for an empty series, a series with no
// observed value or an infinite value, a horizon <= 0 and a negative
// season. Short and flat series fall back to simpler models.
func Forecast(values []float64, opts Options) (*Result, error) {
	y, observed, err := prepare(values, opts)
	if err != nil {
		return nil, err
	}
	n, h := len(y), opts.Horizon
	periods := opts.Periods
	if periods == nil {
		periods = DefaultPeriods()
	}
	m := opts.Season
	if m == 0 {
		m = DetectSeason(FillGaps(y, 1, 0), periods)
	}
	if m > n {
		m = 1 // a season longer than the history cannot be used
	}
	maxLinear := opts.MaxLinearGap
	if maxLinear <= 0 {
		maxLinear = 3
	}
	y = FillGaps(y, m, maxLinear)
	res := &Result{Season: m, BaselineMASE: map[string]float64{}}
	for _, ok := range observed {
		if !ok {
			res.Filled++
		}
	}

	p := makePlan(n, h, m, opts.Origins, opts.OriginStep, opts.Window)
	res.Window = min(n, p.window)
	if len(p.origins) == 0 {
		return tooShort(res, y, h), nil
	}
	res.Origins, res.BacktestHorizon = len(p.origins), p.horizon

	type scored struct {
		method Method
		mase   float64
		errs   [][]float64
	}
	var cands []scored
	for _, method := range candidates(m) {
		errs, err := backtest(method, y, observed, p)
		if err != nil {
			continue // a model that cannot be fitted here is not a candidate
		}
		s := mase(y, m, p, errs)
		if math.IsNaN(s) {
			continue // every target it forecast was imputed: no evidence
		}
		cands = append(cands, scored{method, s, errs})
		res.Candidates = append(res.Candidates, Score{method.Name(), s})
		if method.Name() == (SeasonalNaive{}).Name() || method.Name() == (LinearTrend{}).Name() {
			res.BaselineMASE[method.Name()] = s
		}
	}
	// Lowest MASE first, the simplest of equals first (stable sort over
	// a list built simplest first). Refit in that order until one fits
	// the final window (the baselines always do).
	slices.SortStableFunc(cands, func(a, b scored) int { return cmp.Compare(a.mase, b.mase) })
	for _, c := range cands {
		model, err := c.method.Fit(y[n-res.Window:])
		if err != nil {
			continue
		}
		res.Model, res.MASE = c.method.Name(), c.mase
		res.Point = model.Forecast(h)
		res.Coverage80, res.Coverage95 = coverage(c.errs)
		setBands(res, errorBands(c.errs, h))
		return res, nil
	}
	return tooShort(res, y, h), nil
}

// prepare validates values and returns the series to model (increments for
// a counter) from its first observed value, with its observed mask.
func prepare(values []float64, opts Options) ([]float64, []bool, error) {
	if opts.Horizon <= 0 {
		return nil, nil, fmt.Errorf("forecast: horizon must be positive, got %d", opts.Horizon)
	}
	if opts.Season < 0 {
		return nil, nil, fmt.Errorf("forecast: season must be 0 (detect) or positive, got %d", opts.Season)
	}
	if len(values) == 0 {
		return nil, nil, errors.New("forecast: empty series")
	}
	for i, v := range values {
		if math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("forecast: value %d is %v", i, v)
		}
	}
	y := values
	observed := make([]bool, len(values))
	for i, v := range values {
		observed[i] = !math.IsNaN(v)
	}
	if opts.Counter {
		if len(values) < 2 {
			return nil, nil, fmt.Errorf("forecast: a counter needs at least 2 values to give an increase, got %d", len(values))
		}
		y, observed = increments(values)
	}
	first := -1
	for i, v := range y {
		if !math.IsNaN(v) {
			first = i
			break
		}
	}
	if first < 0 {
		if opts.Counter {
			return nil, nil, fmt.Errorf("forecast: counter has fewer than 2 observed values among %d", len(values))
		}
		return nil, nil, fmt.Errorf("forecast: series has no observed values (all %d are NaN)", len(values))
	}
	return y[first:], observed[first:], nil
}

// candidates returns the methods to backtest, simplest first.
func candidates(m int) []Method {
	return []Method{
		SeasonalNaive{Period: m},
		LinearTrend{},
		ETSMethod{Trend: NoTrend, Period: m},
		ETSMethod{Trend: DampedTrend, Period: m},
	}
}

// tooShort is the forecast for a history too short to backtest: the
// seasonal naive method (naive without season) with random-walk intervals.
func tooShort(res *Result, y []float64, h int) *Result {
	model, err := SeasonalNaive{Period: res.Season}.Fit(y)
	if err != nil {
		res.Season = 1
		model, _ = SeasonalNaive{Period: 1}.Fit(y)
	}
	res.Model = (SeasonalNaive{}).Name()
	res.Point = model.Forecast(h)
	res.MASE, res.Coverage80, res.Coverage95 = math.NaN(), math.NaN(), math.NaN()
	res.Origins, res.BacktestHorizon = 0, 0
	setBands(res, naiveBands(y[len(y)-res.Window:], h))
	return res
}

func setBands(res *Result, b bands) {
	h := len(res.Point)
	res.Lo80, res.Hi80 = make([]float64, h), make([]float64, h)
	res.Lo95, res.Hi95 = make([]float64, h), make([]float64, h)
	for k, v := range res.Point {
		res.Lo80[k], res.Hi80[k] = v+b.lo80[k], v+b.hi80[k]
		res.Lo95[k], res.Hi95[k] = v+b.lo95[k], v+b.hi95[k]
	}
}
