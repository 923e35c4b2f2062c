package forecast

import (
	"math"
	"slices"
	"time"
)

// Detection thresholds. A period must show an autocorrelation of at least
// minSeasonACF after detrending, well above the white-noise band for the
// series lengths we see. A longer period replaces a shorter one only when
// it explains at least preferLonger of the correlation the shorter one
// leaves unexplained: a week of hours repeats every daily cycle too, so it
// must earn its 168 seasonal states with a real weekday/weekend difference.
// The gain must also exceed twice the white-noise standard error of r(L),
// 1/√(N-L) for N detrended values: r at a long lag rests on few pairs in a
// short series (36 for lag 24 in 7 years of months), and neither that
// noise nor rounding on a perfect cycle (r ≈ 1 at both lags) may pick it.
const (
	minSeasonACF = 0.3
	preferLonger = 0.5
)

// DefaultPeriods returns the candidate season lengths tried when the caller
// knows nothing about the sampling step: a week of days (7), a year of months
// (12), a day of hours (24) and a week of hours (168).
func DefaultPeriods() []int { return []int{7, 12, 24, 168} }

// PeriodsFor returns candidate season lengths for a series sampled every
// step: a day and a week of samples when step divides a day (24 and 168 for
// hourly data, 7 for daily data), 52 for weekly, 12 for monthly and 4 for
// quarterly data, and none otherwise.
func PeriodsFor(step time.Duration) []int {
	const day = 24 * time.Hour
	switch {
	case step <= 0:
		return nil
	case step <= day && day%step == 0:
		perDay := int(day / step)
		if perDay == 1 {
			return []int{7}
		}
		return []int{perDay, 7 * perDay}
	case step == 7*day:
		return []int{52}
	case step >= 28*day && step <= 31*day:
		return []int{12}
	case step >= 89*day && step <= 92*day:
		return []int{4}
	}
	return nil
}

// DetectSeason returns the season length of y among periods, or 1 when none
// is significant. y must have no NaN (see FillGaps).
//
// Only periods m with len(y) >= 3m are considered. y is detrended by a
// centred moving average whose order L is the longest of them (2×L-MA for
// even L, as in classical decomposition, FPP3 §3.4): that removes trend and
// level shifts and, since the usual candidates divide L, keeps every
// candidate's pattern in the remainder, so all are judged on the same
// series. With d the detrended series (N values) and r(k) its sample
// autocorrelation with the lag-k sum averaged over its own N-k terms (the
// usual estimator divides by N and so shrinks r(168) by a seventh on eight
// weeks of hourly data, against r(24) by a fiftieth)
//
//	r(k) = [Σ_{t=1}^{N-k} (d_t - d̄)(d_{t+k} - d̄) / (N-k)] / [Σ_{t=1}^{N} (d_t - d̄)² / N],
//
// m is significant when r(m) >= max(0.3, 1.96/√N) and r(m) is a local peak
// (r(m) >= r(m-1) and r(m) >= r(m+1)). Going through the significant
// periods from the shortest, a longer period L replaces the current choice
// S when r(L) - r(S) >= max(0.5·(1 - r(S)), 2/√(N-L)).
func DetectSeason(y []float64, periods []int) int {
	var ms []int
	for _, m := range periods {
		if m >= 2 && len(y) >= 3*m && !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return 1
	}
	slices.Sort(ms)
	a, ok := newACF(y, ms[len(ms)-1])
	if !ok {
		return 1
	}
	best, bestR := 1, 0.0
	for _, m := range ms {
		r, ok := a.peak(m)
		if !ok {
			continue
		}
		noise := 2 / math.Sqrt(float64(len(a.d)-m))
		if best == 1 || r-bestR >= max(preferLonger*(1-bestR), noise) {
			best, bestR = m, r
		}
	}
	return best
}

// acf computes sample autocorrelations of a detrended series.
type acf struct {
	d         []float64
	mean, den float64
}

// newACF detrends y by a centred moving average of order l. It reports
// false when the remainder is only rounding noise (a line, a constant):
// such a series has no season, whatever its autocorrelation says.
func newACF(y []float64, l int) (acf, bool) {
	a := acf{d: detrend(y, l)}
	if len(a.d) < 2 {
		return a, false
	}
	for _, v := range a.d {
		a.mean += v
	}
	a.mean /= float64(len(a.d))
	for _, v := range a.d {
		a.den += (v - a.mean) * (v - a.mean)
	}
	var ybar, tot float64
	for _, v := range y {
		ybar += v
	}
	ybar /= float64(len(y))
	for _, v := range y {
		tot += (v - ybar) * (v - ybar)
	}
	return a, a.den > 1e-12*tot && a.den > 0
}

func (a acf) at(k int) float64 {
	var s float64
	n := len(a.d)
	for t := 0; t+k < n; t++ {
		s += (a.d[t] - a.mean) * (a.d[t+k] - a.mean)
	}
	return (s / float64(n-k)) / (a.den / float64(n))
}

// peak returns r(m) and whether it is a significant local peak.
func (a acf) peak(m int) (float64, bool) {
	if len(a.d) < 2*m+2 {
		return 0, false
	}
	r := a.at(m)
	bound := math.Max(minSeasonACF, 1.96/math.Sqrt(float64(len(a.d))))
	return r, r >= bound && r >= a.at(m-1) && r >= a.at(m+1)
}

// detrend returns y minus its centred moving average of order m (2×m when m
// is even), over the indices where the average is defined.
func detrend(y []float64, m int) []float64 {
	n := len(y)
	cum := make([]float64, n+1)
	for i, v := range y {
		cum[i+1] = cum[i] + v
	}
	half := m / 2
	var out []float64
	if m%2 == 1 {
		for t := half; t+half < n; t++ {
			ma := (cum[t+half+1] - cum[t-half]) / float64(m)
			out = append(out, y[t]-ma)
		}
		return out
	}
	for t := half; t+half < n; t++ {
		inner := cum[t+half] - cum[t-half+1]
		ma := (inner + 0.5*y[t-half] + 0.5*y[t+half]) / float64(m)
		out = append(out, y[t]-ma)
	}
	return out
}

// DetectSeasons returns the seasons of y among periods, shortest first:
// the main season m of DetectSeason, every shorter candidate period that
// divides m and is itself significant (r(p) a peak above the bound of
// DetectSeason), and every longer candidate p that m divides, with r(p) a
// significant peak with r(p) - r(m) >= max(0.25·(1 - r(m)), 1/√(N-p)),
// half DetectSeason's bar for replacing m: a weekly pattern on top of a
// daily one that is too weak to replace the daily season in a one-season
// model but worth a component of its own. E.g. 24 and 168 for
// hourly data with a daily and a weekly cycle. Nil when there is no
// season.
func DetectSeasons(y []float64, periods []int) []int {
	m := DetectSeason(y, periods)
	if m <= 1 {
		return nil
	}
	longest := m
	for _, p := range periods {
		if p > longest && p%m == 0 && len(y) >= 3*p {
			longest = p
		}
	}
	a, ok := newACF(y, longest)
	if !ok {
		return []int{m}
	}
	rm, _ := a.peak(m)
	out := []int{m}
	for _, p := range periods {
		if p < 2 || p == m || slices.Contains(out, p) {
			continue
		}
		r, sig := a.peak(p)
		switch {
		case p < m && m%p == 0 && sig:
			out = append(out, p)
		case p > m && p%m == 0 && len(y) >= 3*p && sig && r-rm >= max(preferLonger/2*(1-rm), 1/math.Sqrt(float64(len(a.d)-p))):
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
