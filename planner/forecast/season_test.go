package forecast

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestDetectSeason(t *testing.T) {
	daily := make([]float64, 24*21)
	for i := range daily {
		daily[i] = 50 + 10*math.Sin(2*math.Pi*float64(i)/24)
	}
	noise := make([]float64, 2000)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range noise {
		noise[i] = 100 + r.NormFloat64()
	}
	lin := make([]float64, 1000)
	flat := make([]float64, 1000)
	for i := range lin {
		lin[i] = 3 + 0.5*float64(i)
		flat[i] = 42
	}
	for _, c := range []struct {
		name    string
		y       []float64
		periods []int
		want    int
	}{
		{"pure daily cycle: 24, not the week that also repeats it", daily, []int{24, 168}, 24},
		{"daily cycle and weekend dip: the week", FillGaps(hourlySeries(24*7*8, 3), 1, 0), []int{24, 168}, 168},
		{"monthly with a yearly season", monthlySeries(96, 3), DefaultPeriods(), 12},
		{"white noise", noise, DefaultPeriods(), 1},
		{"a line", lin, DefaultPeriods(), 1},
		{"a constant", flat, DefaultPeriods(), 1},
		{"too short for the candidates", daily[:60], []int{24, 168}, 1},
		{"no candidates", daily, nil, 1},
	} {
		if got := DetectSeason(c.y, c.periods); got != c.want {
			t.Errorf("%s: DetectSeason = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestPeriodsFor(t *testing.T) {
	for _, c := range []struct {
		step time.Duration
		want []int
	}{
		{time.Hour, []int{24, 168}},
		{5 * time.Minute, []int{288, 2016}},
		{24 * time.Hour, []int{7}},
		{7 * 24 * time.Hour, []int{52}},
		{30 * 24 * time.Hour, []int{12}},
		{91 * 24 * time.Hour, []int{4}},
		{7 * time.Minute, nil},
		{0, nil},
	} {
		if got := PeriodsFor(c.step); !slices.Equal(got, c.want) {
			t.Errorf("PeriodsFor(%v) = %v, want %v", c.step, got, c.want)
		}
	}
}
