package forecast

import (
	"math"
	"testing"
)

// Accuracy suite on generated series with fixed seeds (gen_test.go). Each
// series' last Horizon values are held out; the forecast is made from the
// rest. Stated margins, with the figures observed when they were set:
//
//	scenario                         backtest MASE vs      held-out MAE vs       held-out coverage
//	                                 seasonal naive        seasonal naive        (pooled over seeds)
//	hourly, 2 years, 30 days ahead,  ≥ 15% lower           ≥ 15% lower           80%: 0.70-0.93
//	  level shift 6 months back      (0.815-0.824)         (0.70-0.79)           95%: 0.88-0.995
//	                                                                             (0.924, 0.986)
//	hourly, same, level shift        ≥ 5% lower            ≥ 0% lower            80%: 0.75-0.92
//	  30 days before the origin      (0.78-0.79)           (0.89-0.91)           95%: 0.90-0.99
//	                                                                             (0.83, 0.97)
//	monthly, 8 years, 12 ahead,      ≥ 40% lower           ≥ 40% lower           80%: 0.70-0.90
//	  trend and yearly season        (0.13-0.22)           (0.08-0.24)           95%: 0.90-1.00
//	                                                                             (0.79, 0.96)
//
// The first scenario's backtest spans ten horizons (7,200 hours) and so
// takes in the level shift, which the earlier engine's 2,088-hour backtest
// did not: its backtest ratio was 0.75-0.78 on an easier stretch, its
// held-out MAE ratio 0.75-0.82 and its coverage 0.78/0.94. The held-out
// accuracy is the better measure and its bound is tightened; the
// intervals, widened by their own cross-validation (widen.go), are a
// little wide on this one series.
//
// "Held-out MAE vs seasonal naive" compares the chosen model's forecast of
// the held-out tail with seasonal naive's from the same history.
func TestAccuracy(t *testing.T) {
	type scenario struct {
		name         string
		series       func(seed uint64) []float64
		seeds        int
		h            int
		periods      []int
		wantSeason   int
		maxMASERatio float64
		maxTailRatio float64
		cov80, cov95 [2]float64
	}
	const n = 2 * 365 * 24
	for _, s := range []scenario{
		{
			name:   "hourly, historical level shift",
			series: func(seed uint64) []float64 { return hourlySeries(n, seed) },
			seeds:  3, h: 720, periods: []int{24, 168}, wantSeason: 168,
			maxMASERatio: 0.85, maxTailRatio: 0.85,
			cov80: [2]float64{0.70, 0.93}, cov95: [2]float64{0.88, 0.995},
		},
		{
			name:   "hourly, level shift 30 days before the origin",
			series: func(seed uint64) []float64 { return hourlyShifted(n, seed, n-2*720) },
			seeds:  3, h: 720, periods: []int{24, 168}, wantSeason: 168,
			maxMASERatio: 0.95, maxTailRatio: 1.0,
			cov80: [2]float64{0.75, 0.92}, cov95: [2]float64{0.90, 0.99},
		},
		{
			name:   "monthly, trend and yearly season",
			series: func(seed uint64) []float64 { return monthlySeries(96, seed) },
			seeds:  20, h: 12, periods: DefaultPeriods(), wantSeason: 12,
			maxMASERatio: 0.60, maxTailRatio: 0.60,
			cov80: [2]float64{0.70, 0.90}, cov95: [2]float64{0.90, 1.00},
		},
	} {
		t.Run(s.name, func(t *testing.T) {
			var in80, in95, total int
			for seed := uint64(1); seed <= uint64(s.seeds); seed++ {
				y := s.series(seed)
				train, tail := y[:len(y)-s.h], y[len(y)-s.h:]
				res, err := Forecast(train, Options{Horizon: s.h, Periods: s.periods})
				if err != nil {
					t.Fatal(err)
				}
				if res.Season != s.wantSeason {
					t.Errorf("seed %d: season %d, want %d", seed, res.Season, s.wantSeason)
				}
				snaive, _ := SeasonalNaive{Period: res.Season}.Fit(FillGaps(train, res.Season, 3))
				base := snaive.Forecast(s.h)
				var ae, aeBase float64
				for k, v := range tail {
					if math.IsNaN(v) {
						continue
					}
					total++
					ae += math.Abs(v - res.Point[k])
					aeBase += math.Abs(v - base[k])
					if v >= res.Lo80[k] && v <= res.Hi80[k] {
						in80++
					}
					if v >= res.Lo95[k] && v <= res.Hi95[k] {
						in95++
					}
				}
				ratio := res.MASE / res.BaselineMASE["seasonal-naive"]
				t.Logf("seed %d: %s, MASE %.3f vs seasonal naive %.3f (ratio %.3f), held-out MAE ratio %.3f, backtest coverage %.2f/%.2f",
					seed, res.Model, res.MASE, res.BaselineMASE["seasonal-naive"], ratio, ae/aeBase, res.Coverage80, res.Coverage95)
				if ratio > s.maxMASERatio {
					t.Errorf("seed %d: MASE ratio to seasonal naive %.3f, want <= %.2f", seed, ratio, s.maxMASERatio)
				}
				if ae/aeBase > s.maxTailRatio {
					t.Errorf("seed %d: held-out MAE ratio to seasonal naive %.3f, want <= %.2f", seed, ae/aeBase, s.maxTailRatio)
				}
			}
			c80, c95 := float64(in80)/float64(total), float64(in95)/float64(total)
			t.Logf("held-out coverage %.3f (80%%), %.3f (95%%) over %d values", c80, c95, total)
			if c80 < s.cov80[0] || c80 > s.cov80[1] {
				t.Errorf("80%% coverage %.3f outside [%.2f, %.2f]", c80, s.cov80[0], s.cov80[1])
			}
			if c95 < s.cov95[0] || c95 > s.cov95[1] {
				t.Errorf("95%% coverage %.3f outside [%.2f, %.2f]", c95, s.cov95[0], s.cov95[1])
			}
		})
	}
}
