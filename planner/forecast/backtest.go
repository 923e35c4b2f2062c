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
	defaultOrigins = 20
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

// makePlan lays out the backtest for a series of n values, horizon h and
// season m. The backtest horizon is h, shortened to half of what the
// history allows beyond the minimum training length; origins are step apart
// and end at n - horizon, so the last backtest forecast ends with the
// data. With too little history it returns no origins.
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
	if step <= 0 {
		step = max(1, p.horizon/10)
	}
	k := min(origins, (avail-p.horizon)/step+1)
	for j := k - 1; j >= 0; j-- {
		p.origins = append(p.origins, n-p.horizon-j*step)
	}
	return p
}

// backtest returns errs[j][k] = y[o_j+k] - ŷ_{o_j+k|o_j}, NaN where the
// target was not observed (filled in a gap), so imputed values never score.
//
// The model is fitted once, at the first origin, on the window before it.
// A model whose state can be updated (ETS) then keeps those parameters and
// only runs its recursions forward to each later origin; the others are
// refitted at every origin. This makes the backtest cost one parameter
// optimisation per method rather than one per origin, with no look-ahead.
func backtest(method Method, y []float64, observed []bool, p plan) ([][]float64, error) {
	errs := make([][]float64, len(p.origins))
	var model Model
	for j, o := range p.origins {
		u, ok := model.(Updater)
		switch {
		case j > 0 && ok:
			u.Update(y[p.origins[j-1]:o])
		default:
			var err error
			model, err = method.Fit(y[max(0, o-p.window):o])
			if err != nil {
				return nil, err
			}
		}
		f := model.Forecast(p.horizon)
		e := make([]float64, p.horizon)
		for k := range e {
			e[k] = math.NaN()
			if observed[o+k] {
				e[k] = y[o+k] - f[k]
			}
		}
		errs[j] = e
	}
	return errs, nil
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
	var sum float64
	var n int
	for j, o := range p.origins {
		scale := floor
		if o > m {
			scale = math.Max(cum[o]/float64(o-m), floor)
		}
		for _, e := range errs[j] {
			if !math.IsNaN(e) {
				sum += math.Abs(e) / scale
				n++
			}
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
