package demand

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// MinCoverage is the share of a period's samples that must be observed for
// its p95 to count: with less, the p95 describes only part of the period.
const MinCoverage = 0.5

// Period is one calendar period (UTC) of a series and its p95.
type Period struct {
	// Start is the first instant of the period; End the first after it.
	Start, End time.Time
	// P95 is the 95th percentile of the observed samples (gonum's
	// stat.Quantile, LinInterp), NaN when none was observed.
	P95 float64
	// Observed counts non-NaN samples; Expected counts the series' sampling
	// instants the period holds, inside the series' range or not, so a
	// month the history only begins in is short of samples.
	Observed, Expected int
}

// Coverage is Observed/Expected.
func (p Period) Coverage() float64 {
	if p.Expected == 0 {
		return 0
	}
	return float64(p.Observed) / float64(p.Expected)
}

// MonthlyP95 is the p95 of each calendar month (UTC) of an hourly (or any
// regular) series. Months observed for less than MinCoverage of their
// instants are returned apart, in dropped, for the report to name.
func MonthlyP95(s history.Series) (kept, dropped []Period, err error) { return split(s, monthOf) }

// DailyP95 is MonthlyP95 by calendar day (UTC).
func DailyP95(s history.Series) (kept, dropped []Period, err error) { return split(s, dayOf) }

// split computes every period's p95 and parts the covered from the rest.
func split(s history.Series, period func(time.Time) (time.Time, time.Time)) (kept, dropped []Period, err error) {
	all, err := p95ByPeriod(s, period)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range all {
		if p.Coverage() >= MinCoverage {
			kept = append(kept, p)
		} else {
			dropped = append(dropped, p)
		}
	}
	return kept, dropped, nil
}

// monthOf and dayOf give the UTC calendar period holding t.
func monthOf(t time.Time) (start, end time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0)
}

func dayOf(t time.Time) (start, end time.Time) {
	t = t.UTC()
	start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 0, 1)
}

// p95ByPeriod groups the series' samples by period, every period its
// samples touch, in time order (samples are, so periods come contiguous).
func p95ByPeriod(s history.Series, period func(time.Time) (time.Time, time.Time)) ([]Period, error) {
	if err := checkSeries(s); err != nil {
		return nil, err
	}
	var out []Period
	var vals []float64
	flush := func() {
		p := &out[len(out)-1]
		p.Observed = len(vals)
		p.P95 = p95(vals)
		vals = vals[:0]
	}
	for i, v := range s.Values {
		t := s.Start.Add(time.Duration(i) * s.Step)
		if len(out) == 0 || !t.Before(out[len(out)-1].End) {
			if len(out) > 0 {
				flush()
			}
			start, end := period(t)
			out = append(out, Period{Start: start, End: end, Expected: instants(s, start, end)})
		}
		if !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(out) > 0 {
		flush()
	}
	return out, nil
}

// checkSeries rejects what no p95 can be drawn from, naming the series.
func checkSeries(s history.Series) error {
	if s.Step <= 0 {
		return fmt.Errorf("demand: series %s: step %v must be positive", seriesName(s), s.Step)
	}
	for i, v := range s.Values {
		if math.IsInf(v, 0) {
			return fmt.Errorf("demand: series %s: value %d (%s) is %v", seriesName(s), i,
				s.Start.Add(time.Duration(i)*s.Step).UTC().Format(time.RFC3339), v)
		}
	}
	return nil
}

// seriesName is how errors name a series, e.g. connections{cluster="gw-eu"}.
func seriesName(s history.Series) string {
	return fmt.Sprintf("%s{cluster=%q}", s.Metric, s.Cluster)
}

// instants counts the sampling instants Start + k·Step (any integer k) in
// [from, to).
func instants(s history.Series, from, to time.Time) int {
	return int(ceilDiv(to.Sub(s.Start), s.Step) - ceilDiv(from.Sub(s.Start), s.Step))
}

// ceilDiv is ⌈a/b⌉ for b > 0 and any sign of a.
func ceilDiv(a, b time.Duration) int64 {
	q := int64(a / b)
	if a%b > 0 {
		q++
	}
	return q
}

// p95 is the 95th percentile of vals (reordered), NaN when empty.
func p95(vals []float64) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	slices.Sort(vals)
	return stat.Quantile(0.95, stat.LinInterp, vals, nil)
}
