package forecast

import "testing"

// BenchmarkForecastHourly is the planner's per-series cost: two years of
// hourly data (17,520 points, with gaps and a level shift), a 30-day
// horizon, season detected among 24 and 168, full backtest and intervals.
func BenchmarkForecastHourly(b *testing.B) {
	y := hourlySeries(2*365*24, 1)
	opts := Options{Horizon: 24 * 30, Periods: []int{24, 168}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Forecast(y, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForecastHourly48 is `planner predict --horizon 48` on two
// years of hourly data, seasons detected among 24 and 168 (without the
// CSV parsing).
func BenchmarkForecastHourly48(b *testing.B) {
	y := hourlySeries(2*365*24, 1)
	opts := Options{Horizon: 48, Periods: []int{24, 168}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Forecast(y, opts); err != nil {
			b.Fatal(err)
		}
	}
}
