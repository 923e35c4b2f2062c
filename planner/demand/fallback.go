package demand

import (
	"fmt"
	"math"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/forecast"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// MonthPrediction is a Prediction for one calendar month (UTC).
type MonthPrediction struct {
	Month time.Time
	Prediction
}

// FallbackOptions are the forecast engine's options for a daily p95
// series: horizon in days, and the weekly cycle as the only season
// candidate (daily data has no daily season, and a year is longer than the
// short histories this path serves).
func FallbackOptions(days int) forecast.Options {
	return forecast.Options{Horizon: days, Periods: []int{7}}
}

// Fallback forecasts monthly p95 connections from an hourly series when the
// monthly history is too short for FitLine (fewer than MinMonths months):
// the series' daily p95s (days under MinCoverage count as gaps) go through
// forecast.Forecast with FallbackOptions, and each of the next months
// calendar months after the last day's month gets the p95, over its days,
// of each daily band (Point, Lo80, …): the month's p95 of daily peaks.
func Fallback(s history.Series, months int) ([]MonthPrediction, *forecast.Result, error) {
	if months <= 0 {
		return nil, nil, fmt.Errorf("demand: fallback horizon %d months must be positive", months)
	}
	days, err := p95ByPeriod(s, dayOf)
	if err != nil {
		return nil, nil, err
	}
	if len(days) == 0 {
		return nil, nil, fmt.Errorf("demand: series %s is empty", seriesName(s))
	}
	daily := make([]float64, len(days))
	for i, d := range days {
		daily[i] = d.P95
		if d.Coverage() < MinCoverage {
			daily[i] = math.NaN()
		}
	}
	lastDay := days[len(days)-1].Start
	_, firstMonth := monthOf(lastDay) // the month after the last day's
	end := firstMonth.AddDate(0, months, 0)
	horizon := int(end.Sub(lastDay)/(24*time.Hour)) - 1 // days after lastDay, up to end
	res, err := forecast.Forecast(daily, FallbackOptions(horizon))
	if err != nil {
		return nil, nil, fmt.Errorf("demand: series %s: %w", seriesName(s), err)
	}
	out := make([]MonthPrediction, months)
	for m := range out {
		from, to := firstMonth.AddDate(0, m, 0), firstMonth.AddDate(0, m+1, 0)
		// forecast step k (0-based) is the day lastDay + k+1
		lo, hi := int(from.Sub(lastDay)/(24*time.Hour))-1, int(to.Sub(lastDay)/(24*time.Hour))-1
		out[m] = MonthPrediction{Month: from, Prediction: Prediction{
			Point: p95(window(res.Point, lo, hi)),
			Lo80:  p95(window(res.Lo80, lo, hi)), Hi80: p95(window(res.Hi80, lo, hi)),
			Lo95: p95(window(res.Lo95, lo, hi)), Hi95: p95(window(res.Hi95, lo, hi)),
		}}
	}
	return out, res, nil
}

// window copies x[lo:hi], since p95 reorders what it is given.
func window(x []float64, lo, hi int) []float64 {
	return append([]float64(nil), x[lo:hi]...)
}
