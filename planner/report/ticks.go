package report

import (
	"math"
	"time"

	"gonum.org/v1/plot"
)

// maxTimeLabels bounds the labels on a chart's time axis.
const maxTimeLabels = 8

// monthTicks marks the time axis (Unix seconds) at the first of every month
// and labels every k-th, k the smallest of 1, 2, 3, 6, 12 months or a whole
// number of years that keeps to maxTimeLabels, aligned to the calendar
// (quarters start in January, April, July, October). Plot's default ticks
// would fall on arbitrary days.
type monthTicks struct{}

func (monthTicks) Ticks(lo, hi float64) []plot.Tick {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi < lo {
		return nil
	}
	start := time.Unix(int64(math.Ceil(lo)), 0).UTC()
	end := time.Unix(int64(math.Floor(hi)), 0).UTC()
	first := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(start) {
		first = first.AddDate(0, 1, 0)
	}
	span := monthIndex(end) - monthIndex(first) + 1
	k := 0
	for _, c := range []int{1, 2, 3, 6} {
		if span/c < maxTimeLabels {
			k = c
			break
		}
	}
	if k == 0 {
		for k = 12; span/k >= maxTimeLabels; k += 12 {
		}
	}
	var ticks []plot.Tick
	for t := first; !t.After(end); t = t.AddDate(0, 1, 0) {
		tick := plot.Tick{Value: float64(t.Unix())}
		if monthIndex(t)%k == 0 {
			tick.Label = month(t)
		}
		ticks = append(ticks, tick)
	}
	return ticks
}

// monthIndex counts months from year 0, so that every k-th month is
// calendar-aligned.
func monthIndex(t time.Time) int {
	return t.Year()*12 + int(t.Month()) - 1
}

// countTicks are plot's default value ticks with whole numbers grouped
// like the tables ("40,000").
type countTicks struct{}

func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i, t := range ticks {
		if t.Label != "" && t.Value == math.Trunc(t.Value) {
			ticks[i].Label = count(t.Value)
		}
	}
	return ticks
}
