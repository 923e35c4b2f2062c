package forecast

import (
	"math"
	"math/rand/v2"
)

// hourlySeries generates n hours of connection-count-like data: a level of
// 10,000 growing 0.25/hour (about 22% a year), a daily cycle of amplitude
// 2,500 peaking in the evening, a weekend dip of 1,500, Gaussian noise of
// standard deviation 250, a level shift of +1,000 from hour shiftAt on, and
// gaps: a 30-hour outage at 40% and 20 short gaps of 1 to 4 hours. Hour 0
// is a Monday 00:00.
func hourlyShifted(n int, seed uint64, shiftAt int) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	y := make([]float64, n)
	for t := range y {
		v := 10000 + 0.25*float64(t)
		v += 2500 * math.Sin(2*math.Pi*float64(t%24-14)/24)
		if day := (t / 24) % 7; day >= 5 {
			v -= 1500
		}
		if t >= shiftAt {
			v += 1000
		}
		y[t] = v + 250*r.NormFloat64()
	}
	punch(y, n*4/10, 30)
	for range 20 {
		punch(y, r.IntN(n-10), 1+r.IntN(4))
	}
	return y
}

// hourlySeries is hourlyShifted with the shift at 70% of the series.
func hourlySeries(n int, seed uint64) []float64 { return hourlyShifted(n, seed, n*7/10) }

// monthlySeries generates n months: 1,000 growing 15/month, a yearly
// season (amplitudes 150 and 50 at one and two cycles a year) and noise of
// standard deviation 30.
func monthlySeries(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 2))
	y := make([]float64, n)
	for t := range y {
		x := 2 * math.Pi * float64(t) / 12
		y[t] = 1000 + 15*float64(t) + 150*math.Sin(x) + 50*math.Cos(2*x) + 30*r.NormFloat64()
	}
	return y
}

func punch(y []float64, at, n int) {
	for i := at; i < at+n && i < len(y); i++ {
		y[i] = math.NaN()
	}
}
