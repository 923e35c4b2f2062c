package plan

import (
	"fmt"
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/forecast"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// backtestMetrics are the series whose accuracy the report shows: the
// demand itself and the two rates the capacity model takes from history.
var backtestMetrics = []string{metricConnections, metricOpened, metricPublished}

// Backtest is the forecast engine's rolling-origin accuracy, days ahead,
// on the daily p95 of each cluster's connections (over every protocol),
// connections opened and messages published per second, for the clusters
// given, in that order, skipping metrics a cluster has no series of. Daily
// rather than hourly: the plan works on peaks, and a daily series
// backtests in a fraction of the time.
func Backtest(h *history.Snapshot, clusters []string, days int) ([]report.Accuracy, error) {
	var out []report.Accuracy
	for _, c := range clusters {
		for _, m := range backtestMetrics {
			s := h.Sum(m, c)
			if s == nil {
				continue
			}
			name := fmt.Sprintf("%s %s (daily p95)", c, m)
			daily, err := dailyP95(*s)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			res, err := forecast.Forecast(daily, demand.FallbackOptions(days))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out = append(out, Accuracy(name, res))
		}
	}
	return out, nil
}

// Accuracy is the report's view of one forecast's backtest; figures the
// backtest could not give (too short a history) are nil.
func Accuracy(series string, res *forecast.Result) report.Accuracy {
	a := report.Accuracy{Series: series, Model: res.Model}
	if res.Origins == 0 {
		return a
	}
	a.MASE = finite(res.MASE)
	a.SeasonalNaiveMASE = finite(res.BaselineMASE["seasonal-naive"])
	a.LinearTrendMASE = finite(res.BaselineMASE["linear-trend"])
	a.Coverage80 = finite(res.Coverage80)
	a.Coverage95 = finite(res.Coverage95)
	return a
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// dailyP95 is one value per calendar day, NaN for days observed for less
// than demand.MinCoverage (gaps the engine fills).
func dailyP95(s history.Series) ([]float64, error) {
	kept, dropped, err := demand.DailyP95(s)
	if err != nil {
		return nil, err
	}
	out := make([]float64, 0, len(kept)+len(dropped))
	for len(kept) > 0 || len(dropped) > 0 { // both in time order: merge
		if len(dropped) == 0 || (len(kept) > 0 && kept[0].Start.Before(dropped[0].Start)) {
			out, kept = append(out, kept[0].P95), kept[1:]
		} else {
			out, dropped = append(out, math.NaN()), dropped[1:]
		}
	}
	return out, nil
}

// demandAccuracy is the backtest of each gateway's devices line, the
// forecast sizing uses; gateways forecast from their history alone have
// none.
func demandAccuracy(demands []*gatewayDemand) []report.DemandAccuracy {
	var out []report.DemandAccuracy
	for _, d := range demands {
		bt := d.backtest
		if bt == nil {
			continue
		}
		a := report.DemandAccuracy{
			Gateway: d.cluster.Name, Forecasts: len(bt.Errors), MaxAhead: len(bt.S),
			Coverage80: finite(bt.Coverage80), Coverage95: finite(bt.Coverage95), SalesPlanned: d.salesPlanned,
		}
		if len(bt.S) > 0 {
			for _, h := range forecastsAhead {
				a.Error95 = append(a.Error95, report.AheadFigure{MonthsAhead: h, Value: bt.Q95 * bt.ScaleAt(h)})
			}
		}
		out = append(out, a)
	}
	return out
}
