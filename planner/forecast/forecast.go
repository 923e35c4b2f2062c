// Package forecast forecasts one regularly sampled metric series: it
// repairs gaps and counter resets, detects the seasons, fits candidate
// models (ETS by AICc, Theta, MSTL over every season, their median, a small
// ARIMA), backtests each from many rolling origins, keeps the one with the
// lowest MASE unless it does not beat seasonal naive by a margin, and
// draws 80% and 95% prediction intervals from that model's backtest
// errors (conformal.go), widened by their own cross-validation (widen.go).
// A counter that was reset is forecast through its increments
// (counter.go).
//
// Inputs are plain []float64 at a fixed step, oldest first, NaN for a
// missing sample; the caller keeps the timestamps. The same input always
// gives bit-identical output on a given platform: there is no randomness
// and no map iteration in the computation, the optimiser evaluates one
// point at a time, and the candidates, fitted concurrently, are gathered
// in a fixed order.
package forecast

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Options configure Forecast. Only Horizon is required.
type Options struct {
	// Horizon is the number of steps to forecast, > 0.
	Horizon int
	// Season is a hint of the season length in steps: 0 detects it among
	// Periods (DetectSeasons), a longer one is added to Periods before
	// detection and used when nothing is detected but the history holds
	// three of its seasons, and 1 means no season.
	Season int
	// Periods are the candidate season lengths for detection; nil means
	// DefaultPeriods() and an empty slice none. PeriodsFor(step) gives the
	// usual ones for a sampling step.
	Periods []int
	// Counter marks a cumulative counter: its per-step increases
	// (as Prometheus's increase() reads them, resets included) are
	// forecast, one value shorter than the input.
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
	// Model is the chosen model's name, e.g. "ETS(A,Ad,A)",
	// "MSTL(24,168)+ETS(A,N,N)" or "Theta(12,mult)".
	Model string
	// Season is the main (longest) season length used, 1 for none;
	// Seasons all of them, shortest first (24 and 168 for a daily and a
	// weekly cycle), nil for none.
	Season  int
	Seasons []int
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
	// the intervals those of a (seasonal) random walk, and MASE and
	// coverage NaN. A backtest of fewer than 30 errors chooses the model
	// but gives no intervals: they are the random walk's too.
	Origins, BacktestHorizon int
	// Window is the number of values the final model was fitted on.
	Window int
	// Filled is the number of values imputed in gaps.
	Filled int
	// Counter is true when the series was read as a cumulative counter
	// (isResetCounter) and forecast as its last value plus forecast
	// increments; Model, MASE and the candidates then describe the
	// increments, the intervals the running total.
	Counter bool
}

// Forecast forecasts values opts.Horizon steps ahead.
//
// Gaps are filled (FillGaps) and the seasons are detected (DetectSeasons;
// opts.Season > 1 is a hint, see Options.Season). Every candidate —
// seasonal naive, linear trend, ETS (the additive family by AICc,
// ETSAuto), Theta, MSTL over every detected season, ARIMA (ARIMAAuto) and
// the median of ETS, Theta and MSTL (Combination) — is fitted on the last
// Window values; the kind of model each chose (the ETS member, whether
// Theta adjusts for the season, MSTL's inner model, the ARIMA orders) is
// then backtested from many rolling origins (makePlan). The candidate
// with the lowest MASE forecasts, except that a model other than seasonal
// naive must beat seasonal naive's MASE by the margin shrinkMargin
// (evidence from few origins is not enough to leave the baseline); exact
// ties go to the simpler model (the order above, ARIMA before the
// median).
// Its backtest errors give the intervals (errorBands, widenedBands).
//
// A series that looks like a counter that was reset (isResetCounter) is
// forecast as its last value plus the forecast of its increments, unless
// the caller set opts.Counter to forecast the increments themselves.
//
// A series never below zero (a count, connections, a rate) is never
// forecast below zero, its bounds included (floorAtZero).
//
// It returns an error, never panics, for an empty series, a series with no
// observed value or an infinite value, a horizon <= 0 and a negative
// season. Short and flat series fall back to simpler models.
func Forecast(values []float64, opts Options) (*Result, error) {
	res, err := forecastAny(values, opts)
	if err == nil && neverNegative(values) {
		floorAtZero(res)
	}
	return res, err
}

func forecastAny(values []float64, opts Options) (*Result, error) {
	if !opts.Counter && isResetCounter(values) {
		o := opts
		o.Counter = true
		res, err := forecast(values, o, true)
		if err == nil && res.Origins > 0 {
			return res, nil
		}
		// Too short to backtest the increments: forecast the level.
	}
	return forecast(values, opts, false)
}

// neverNegative reports whether no observed value is below zero: a count,
// a gauge of connections or bytes, a rate.
func neverNegative(values []float64) bool {
	for _, v := range values {
		if v < 0 {
			return false
		}
	}
	return true
}

// floorAtZero raises the forecasts and bounds below zero to zero: for a
// quantity that cannot be negative, a bound below zero says nothing, and
// the band a level shift widens (widen.go) can reach far below it.
func floorAtZero(res *Result) {
	for _, x := range [][]float64{res.Point, res.Lo80, res.Hi80, res.Lo95, res.Hi95} {
		for k, v := range x {
			x[k] = math.Max(0, v)
		}
	}
}

// forecast is Forecast; with total (opts.Counter set) the increments are
// modelled but their running total from the last value is forecast.
func forecast(values []float64, opts Options, total bool) (*Result, error) {
	y, observed, err := prepare(values, opts)
	if err != nil {
		return nil, err
	}
	n, h := len(y), opts.Horizon
	periods := opts.Periods
	if periods == nil {
		periods = DefaultPeriods()
	}
	var seasons []int
	if opts.Season != 1 {
		if opts.Season > 1 && !slices.Contains(periods, opts.Season) {
			periods = append(slices.Clone(periods), opts.Season)
		}
		seasons = DetectSeasons(FillGaps(y, 1, 0), periods)
		if len(seasons) == 0 && opts.Season > 1 && n >= 3*opts.Season {
			seasons = []int{opts.Season} // the hint, when the data cannot refute it
		}
	}
	m := 1
	if len(seasons) > 0 {
		m = DetectSeason(FillGaps(y, 1, 0), periods)
		if !slices.Contains(seasons, m) {
			m = seasons[len(seasons)-1] // the hint
		}
	}
	maxLinear := opts.MaxLinearGap
	if maxLinear <= 0 {
		maxLinear = 3
	}
	y = FillGaps(y, m, maxLinear)
	res := &Result{Season: m, Seasons: seasons, BaselineMASE: map[string]float64{}}
	for _, ok := range observed {
		if !ok {
			res.Filled++
		}
	}

	longest := m
	if len(seasons) > 0 {
		longest = seasons[len(seasons)-1]
	}
	window := opts.Window
	if window <= 0 {
		window = defaultWindow(h, longest)
	}
	p := makePlan(n, h, m, opts.Origins, opts.OriginStep, window)
	res.Window = min(n, p.window)
	if len(p.origins) == 0 {
		return tooShort(res, y, h), nil
	}
	res.Origins, res.BacktestHorizon = len(p.origins), p.horizon
	final := y[n-res.Window:]

	var cands []scored
	add := func(name string, model Model, f [][]float64) {
		errs := forecastErrors(f, y, observed, p)
		s := mase(y, m, p, errs)
		if math.IsNaN(s) {
			return // every target it forecast was imputed: no evidence
		}
		cands = append(cands, scored{name, model, f, errs, s})
		res.Candidates = append(res.Candidates, Score{name, s})
		if name == (SeasonalNaive{}).Name() || name == (LinearTrend{}).Name() {
			res.BaselineMASE[name] = s
		}
	}
	// The candidates are fitted and backtested concurrently, each on its
	// own, and gathered in list order: the result does not depend on the
	// scheduling.
	methods := candidates(m, seasons)
	type fitted struct {
		model Model
		f     [][]float64
	}
	fits := make([]fitted, len(methods))
	var wg sync.WaitGroup
	for i, method := range methods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			model, err := method.Fit(final)
			if err != nil {
				return // a model that cannot be fitted here is not a candidate
			}
			f, err := backtestForecasts(modelSpec(model, method), y, p)
			if err != nil || !finite(model.Forecast(h)) {
				return
			}
			for _, row := range f {
				if !finite(row) {
					return // diverged somewhere: not a candidate
				}
			}
			fits[i] = fitted{model, f}
		}()
	}
	wg.Wait()
	var members []scored
	for i, method := range methods {
		if fits[i].model == nil {
			continue
		}
		model := fits[i].model
		add(modelName(model, method.Name()), model, fits[i].f)
		if _, alone := method.(ARIMAAuto); i >= 2 && !alone && len(cands) > 0 && cands[len(cands)-1].model == model {
			members = append(members, cands[len(cands)-1])
		}
	}
	if len(members) >= 2 {
		comb := &Combination{}
		f := make([][]float64, len(p.origins))
		for j := range f {
			var fs [][]float64
			for _, c := range members {
				fs = append(fs, c.f[j])
			}
			f[j] = combineMedian(fs)
		}
		for _, c := range members {
			comb.Members = append(comb.Members, c.model)
		}
		add(comb.Name(), comb, f)
	}
	if len(cands) == 0 {
		return tooShort(res, y, h), nil
	}
	mases := make([]float64, len(cands))
	for i, c := range cands {
		mases[i] = c.mase
	}
	bi := choose(cands, mases, shrinkMargin(p))
	if bi < 0 {
		return tooShort(res, y, h), nil
	}
	best := &cands[bi]
	res.Model, res.MASE = best.name, best.mase
	res.Point = best.model.Forecast(h)
	rows := func(c *scored) [][]float64 {
		if total {
			return cumulativeErrors(c.f, y, observed, p)
		}
		return c.errs
	}
	errs := rows(best)
	if total {
		res.Counter = true
		res.Point = runningTotal(counterBase(values, y), res.Point)
	}
	if !total && countObserved(errs) < minEmpirical {
		// Too few errors to draw bands from or to judge them by: the
		// model-based intervals of the seasonal random walk instead.
		res.Coverage80, res.Coverage95 = coverage(errs)
		setBands(res, randomWalkBands(final, h, m))
		return res, nil
	}
	// The errors of the model the choice would make without each block of
	// origins, judged on that block: they carry the luck of the choice
	// (widenedBands).
	chosen := make([][]float64, len(errs))
	scales := originScales(y, m, p)
	for _, fold := range coverageBlocks(len(errs)) {
		for i, c := range cands {
			mases[i] = scaledMAE(without(scales, fold), without(c.errs, fold))
		}
		ci := choose(cands, mases, shrinkMargin(p))
		if ci < 0 {
			ci = bi
		}
		r := rows(&cands[ci])
		for j := fold[0]; j < fold[1]; j++ {
			chosen[j] = r[j]
		}
	}
	// On a positive series the errors may grow with the level: they are
	// then pooled relative to the level at their origin and the bands
	// rescaled to the level now (relative.go).
	level := 1.0
	if !total && allPositive(y) {
		lv := levels(y, p, max(m, p.horizon))
		if re := relative(errs, lv); blockSpread(re) < blockSpread(errs) {
			errs, chosen = re, relative(chosen, lv)
			level = lv[len(lv)-1]
		}
	}
	res.Coverage80, res.Coverage95 = coverage(errs)
	setBands(res, widenedBands(errs, chosen, h).scaled(level))
	return res, nil
}

// choose returns the index of the candidate to forecast with, given each
// one's backtest MASE: the lowest MASE, the simplest of equals (the list is
// built simplest first and only a strictly lower MASE replaces the best),
// linear trend excepted: it is a baseline reported for comparison
// (PromQL's predict_linear), not a forecast the engine gives, since Holt's
// ETS(A,A,N) extrapolates a line just as well and adapts when the line
// bends. Then the shrinkage towards seasonal naive: another model must be
// below its MASE by the fraction margin. -1 when there is none (NaN MASE
// does not count).
func choose(cands []scored, mases []float64, margin float64) int {
	best := -1
	for i, c := range cands {
		if c.name == (LinearTrend{}).Name() || math.IsNaN(mases[i]) {
			continue
		}
		if best < 0 || mases[i] < mases[best] {
			best = i
		}
	}
	if best > 0 && cands[0].name == (SeasonalNaive{}).Name() && !math.IsNaN(mases[0]) &&
		mases[best] > mases[0]*(1-margin) {
		best = 0
	}
	return best
}

// scored is a candidate with its backtest forecasts, errors and MASE.
type scored struct {
	name  string
	model Model // fitted on the final window
	f     [][]float64
	errs  [][]float64
	mase  float64
}

// shrinkC scales shrinkMargin.
const shrinkC = 0.1

// shrinkMargin is the fraction by which a model's backtest MASE must be
// below seasonal naive's for it to be chosen instead: with B = (last origin
// - first origin)/horizon + 1 the number of non-overlapping stretches of
// targets the backtest spans (its independent evidence, roughly),
//
//	δ = 0.1/√B,
//
// 10% for a backtest of a single horizon, 3% for eleven.
func shrinkMargin(p plan) float64 {
	b := float64(p.origins[len(p.origins)-1]-p.origins[0])/float64(p.horizon) + 1
	return shrinkC / math.Sqrt(b)
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

// candidates returns the methods to backtest, simplest first: the two
// baselines, then the models whose median is the combination (from index
// 2 on), then ARIMA, which is not in the median.
func candidates(m int, seasons []int) []Method {
	out := []Method{
		SeasonalNaive{Period: m},
		LinearTrend{},
		ETSAuto{Period: m},
		ThetaMethod{Period: m},
	}
	if len(seasons) > 0 {
		out = append(out, MSTLMethod{Periods: seasons})
	}
	// ARIMA is judged alone, not in the median: on the accuracy suite
	// it helped the hourly set as a candidate (MASE 1.002 to 0.958) and
	// as a fourth member of the median it made the weekly and R monthly
	// sets worse (1.293 to 1.382, 0.546 to 0.575).
	out = append(out, ARIMAAuto{Period: m})
	return out
}

// tooShort is the forecast for a history too short to backtest: the
// seasonal naive method (naive without season) with its model-based
// intervals (randomWalkBands).
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
	setBands(res, randomWalkBands(y[len(y)-res.Window:], h, res.Season))
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

// Explain describes in one line the model a forecast used, its seasons and
// its backtest, e.g.
//
//	model MSTL(24,168)+ETS(A,N,N), seasons 24,168, backtest MASE 0.712 (seasonal naive 0.954) over 80 origins x 48 steps
//
// or, without a backtest, "model seasonal-naive, seasons none, no
// backtest (history too short)".
func (r *Result) Explain() string {
	seasons := "none"
	if len(r.Seasons) > 0 {
		var ss []string
		for _, s := range r.Seasons {
			ss = append(ss, strconv.Itoa(s))
		}
		seasons = strings.Join(ss, ",")
	}
	s := fmt.Sprintf("model %s, seasons %s, ", r.Model, seasons)
	if r.Counter {
		s = fmt.Sprintf("counter, increments by model %s, seasons %s, ", r.Model, seasons)
	}
	if r.Origins == 0 {
		return s + "no backtest (history too short)"
	}
	s += fmt.Sprintf("backtest MASE %.3f", r.MASE)
	if sn, ok := r.BaselineMASE[(SeasonalNaive{}).Name()]; ok {
		s += fmt.Sprintf(" (seasonal naive %.3f)", sn)
	}
	return s + fmt.Sprintf(" over %d origins x %d steps", r.Origins, r.BacktestHorizon)
}

// countObserved is the number of errors that are not NaN.
func countObserved(errs [][]float64) int {
	n := 0
	for _, row := range errs {
		for _, e := range row {
			if !math.IsNaN(e) {
				n++
			}
		}
	}
	return n
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
