package forecast

import "math"

// plan is a rolling-origin backtest (Tashman 2000; FPP3 §5.10): forecasts
// of horizon steps are made from each origin o using only y[:o], at most
// window values of it.
type plan struct {
	origins []int
	horizon int
	window  int
}

// Backtest defaults.
const (
	backtestRefits = 3
	defaultOrigins = 80
	// An origin needs max(2m, minTrainFloor) values before it: two
	// seasons for the seasonal models' initial states, ten to fit a trend.
	minTrainFloor = 10
)

// defaultWindow is the fit window when Options.Window is 0: eight seasons
// (eight weeks of hourly data with a weekly season) or twice the horizon,
// whichever is longer, and at least 30 values.
// Older history adds little to a smoothing model, and a bounded window
// bounds the cost of fitting a two-year hourly series.
func defaultWindow(h, m int) int { return max(8*m, 2*h, 30) }

// backtestSpan is the default distance between the first and the last
// origin for backtest horizon hb and season m: ten horizons or three
// seasons, at least 60 steps, so that the errors behind the selection and
// the intervals come from many different stretches of the series and not
// from one. (On the accuracy suite two horizons instead of ten left the
// 95% intervals covering 82% of held-out hourly values instead of 91%.)
func backtestSpan(hb, m int) int { return max(10*hb, 3*m, 60) }

// makePlan lays out the backtest for a series of n values, horizon h and
// season m. The backtest horizon is h, shortened to half of what the
// history allows beyond the minimum training length. The last origin is
// n - horizon, so the last backtest forecast ends with the data; the
// origins go back from it, step apart, over backtestSpan (or what the
// history allows), at most origins of them (default 80): step defaults to
// span/(origins-1), at least 1. With too little history it returns no
// origins.
func makePlan(n, h, m, origins, step, window int) plan {
	if window <= 0 {
		window = defaultWindow(h, m)
	}
	if origins <= 0 {
		origins = defaultOrigins
	}
	minTrain := max(2*m, minTrainFloor)
	avail := n - minTrain
	p := plan{window: window}
	if avail < 1 {
		return p
	}
	p.horizon = min(h, max(1, avail/2))
	// The first origin keeps half the fit window (or of the series)
	// before it, so the models judged there are fitted on enough values.
	first := max(minTrain, min(window, n)/2)
	span := min(avail-p.horizon, n-p.horizon-first, backtestSpan(p.horizon, m))
	span = max(span, 0)
	if step <= 0 {
		step = max(1, span/max(1, origins-1))
	}
	k := min(origins, span/step+1)
	for j := k - 1; j >= 0; j-- {
		p.origins = append(p.origins, n-p.horizon-j*step)
	}
	return p
}

// backtest returns errs[j][k] = y[o_j+k] - ŷ_{o_j+k|o_j}, NaN where the
// target was not observed (filled in a gap), so imputed values never score.
func backtest(method Method, y []float64, observed []bool, p plan) ([][]float64, error) {
	f, err := backtestForecasts(method, y, p)
	if err != nil {
		return nil, err
	}
	return forecastErrors(f, y, observed, p), nil
}

// backtestForecasts returns f[j] = ŷ_{o_j+1..o_j+horizon | o_j}.
//
// The model is fitted on the window before an origin at the first origin
// and at the first of each further third of the origins (backtestRefits).
// A model whose state can be updated (ETS, Theta, MSTL) keeps its
// parameters in between and only runs its recursions forward to each
// later origin; the others are refitted at every origin. This makes the
// backtest cost three parameter optimisations per method rather than one
// per origin, with no look-ahead.
func backtestForecasts(method Method, y []float64, p plan) ([][]float64, error) {
	out := make([][]float64, len(p.origins))
	var model Model
	k := len(p.origins)
	for j, o := range p.origins {
		u, ok := model.(Updater)
		refit := j*backtestRefits/k != (j-1)*backtestRefits/k
		switch {
		case j > 0 && ok && !refit:
			u.Update(y[p.origins[j-1]:o])
		default:
			var err error
			model, err = method.Fit(y[max(0, o-p.window):o])
			if err != nil {
				return nil, err
			}
		}
		out[j] = model.Forecast(p.horizon)
	}
	return out, nil
}

// forecastErrors turns backtest forecasts into errors, NaN where the
// target was imputed.
func forecastErrors(f [][]float64, y []float64, observed []bool, p plan) [][]float64 {
	errs := make([][]float64, len(f))
	for j, o := range p.origins {
		e := make([]float64, p.horizon)
		for k := range e {
			e[k] = math.NaN()
			if observed[o+k] {
				e[k] = y[o+k] - f[j][k]
			}
		}
		errs[j] = e
	}
	return errs
}

// mase is the mean absolute scaled error (Hyndman & Koehler 2006) over all
// backtest errors: each error made from origin o is scaled by the in-sample
// mean absolute error of the seasonal naive method on y[:o],
//
//	q = e / ( (1/(o-m)) Σ_{i=m}^{o-1} |y_i - y_{i-m}| ),   MASE = mean |q|.
//
// A scale of zero (a constant history) is floored at 1e-9 of the mean
// absolute value, so MASE stays finite and is 0 for a perfect forecast.
// It returns NaN when there is no observed error.
func mase(y []float64, m int, p plan, errs [][]float64) float64 {
	return scaledMAE(originScales(y, m, p), errs)
}

// originScales returns the MASE scale of each origin of p: the in-sample
// mean absolute seasonal difference of y before it, floored (see mase).
func originScales(y []float64, m int, p plan) []float64 {
	m = max(m, 1)
	cum := make([]float64, len(y)+1) // cum[i] = Σ_{t<i, t>=m} |y_t - y_{t-m}|
	var absSum float64
	for i, v := range y {
		cum[i+1] = cum[i]
		if i >= m {
			cum[i+1] += math.Abs(v - y[i-m])
		}
		absSum += math.Abs(v)
	}
	floor := math.Max(1e-9*absSum/float64(len(y)), math.SmallestNonzeroFloat64)
	scales := make([]float64, len(p.origins))
	for j, o := range p.origins {
		scales[j] = floor
		if o > m {
			scales[j] = math.Max(cum[o]/float64(o-m), floor)
		}
	}
	return scales
}

// scaledMAE is the mean of |errs[j][k]| / scales[j] over the observed
// errors, NaN when there is none.
func scaledMAE(scales []float64, errs [][]float64) float64 {
	var sum float64
	var n int
	for j, row := range errs {
		for _, e := range row {
			if !math.IsNaN(e) {
				sum += math.Abs(e) / scales[j]
				n++
			}
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// without returns the elements of x outside [fold[0], fold[1]).
func without[T any](x []T, fold [2]int) []T {
	return append(append([]T{}, x[:fold[0]]...), x[fold[1]:]...)
}
