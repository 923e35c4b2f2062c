package forecast

// SeasonalNaive repeats the last observed season (FPP3 §5.2):
//
//	ŷ_{T+h|T} = y_{T+h-m(k+1)},  k = ⌊(h-1)/m⌋.
//
// With Period <= 1 it is the naive method, ŷ_{T+h|T} = y_T. It is both a
// baseline and the scale of MASE.
type SeasonalNaive struct {
	Period int
}

// Name returns "seasonal-naive", also when Period <= 1, so reports keep one
// key for the baseline.
func (SeasonalNaive) Name() string { return "seasonal-naive" }

// MinLength is one season.
func (s SeasonalNaive) MinLength() int { return max(1, s.Period) }

// Fit keeps the last season of y.
func (s SeasonalNaive) Fit(y []float64) (Model, error) {
	m := max(1, s.Period)
	if len(y) < m {
		return nil, errTooShort(s, len(y))
	}
	last := make([]float64, m)
	copy(last, y[len(y)-m:])
	return seasonalNaiveModel(last), nil
}

type seasonalNaiveModel []float64

func (last seasonalNaiveModel) Forecast(h int) []float64 {
	out := make([]float64, h)
	for i := range out {
		out[i] = last[i%len(last)]
	}
	return out
}

// LinearTrend extrapolates the least-squares line through the series, the
// planner's replacement for PromQL's predict_linear:
//
//	ŷ_{T+h|T} = a + b(T-1+h),  (a, b) = argmin Σ_{t=0}^{T-1} (y_t - a - bt)².
type LinearTrend struct{}

// Name returns "linear-trend".
func (LinearTrend) Name() string { return "linear-trend" }

// MinLength is two points.
func (LinearTrend) MinLength() int { return 2 }

// Fit fits the line to y.
func (l LinearTrend) Fit(y []float64) (Model, error) {
	if len(y) < 2 {
		return nil, errTooShort(l, len(y))
	}
	a, b := line(y)
	return linearModel{a: a, b: b, n: len(y)}, nil
}

type linearModel struct {
	a, b float64
	n    int
}

func (l linearModel) Forecast(h int) []float64 {
	out := make([]float64, h)
	for i := range out {
		out[i] = l.a + l.b*float64(l.n-1+i+1)
	}
	return out
}
