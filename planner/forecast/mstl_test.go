package forecast

import (
	"math"
	"strings"
	"testing"
)

// doubleSeason is a level of 100, a daily pattern and a weekend dip: a
// sum of a 24- and a 168-periodic component and nothing else.
func doubleSeason(t int) float64 {
	v := 100 + 20*math.Sin(2*math.Pi*float64(t%24)/24)
	if (t/24)%7 >= 5 {
		v -= 15
	}
	return v
}

// MSTL with periods 24 and 168 recovers an exact sum of a daily and a
// weekly component: the forecast repeats the series, and the inner model
// sees a constant.
func TestMSTLDoubleSeasonExact(t *testing.T) {
	y := make([]float64, 168*6)
	for i := range y {
		y[i] = doubleSeason(i)
	}
	m, err := MSTLMethod{Periods: []int{168, 24}}.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	ms := m.(*MSTL)
	if !strings.HasPrefix(ms.Name(), "MSTL(24,168)+ETS(A,N,N)") {
		t.Errorf("name %q, want MSTL(24,168)+ETS(A,N,N)", ms.Name())
	}
	f := m.Forecast(200)
	for k, v := range f {
		if want := doubleSeason(len(y) + k); math.Abs(v-want) > 1e-6 {
			t.Fatalf("step %d: %v, want %v", k+1, v, want)
		}
	}
	// Moving on by a day keeps it exact.
	next := make([]float64, 24)
	for i := range next {
		next[i] = doubleSeason(len(y) + i)
	}
	ms.Update(next)
	for k, v := range m.Forecast(48) {
		if want := doubleSeason(len(y) + 24 + k); math.Abs(v-want) > 1e-6 {
			t.Fatalf("after update, step %d: %v, want %v", k+1, v, want)
		}
	}
}

// A period the series holds fewer than two cycles of is dropped.
func TestMSTLDropsLongPeriod(t *testing.T) {
	y := make([]float64, 200)
	for i := range y {
		y[i] = doubleSeason(i)
	}
	m, err := MSTLMethod{Periods: []int{24, 168}}.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.(*MSTL).periods; len(got) != 1 || got[0] != 24 {
		t.Errorf("periods %v, want [24]", got)
	}
	if _, err := (MSTLMethod{Periods: []int{24}}).Fit([]float64{1}); err == nil {
		t.Error("one value: no error")
	}
}

// The median of three forecasts step by step, and the mean of two.
func TestCombineMedianByHand(t *testing.T) {
	got := combineMedian([][]float64{{1, 10, 5}, {3, 2, 5}, {2, 4, 9}})
	if want := []float64{2, 4, 5}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("median of three = %v, want %v", got, want)
	}
	got = combineMedian([][]float64{{1, 10}, {3, 2}})
	if got[0] != 2 || got[1] != 6 {
		t.Errorf("median of two = %v, want [2 6]", got)
	}
}

// AICc by hand: ETS(A,N,N) has k = 3 (α, ℓ₀, σ²); with N = 20 values and
// SSE = 20, AIC = 20·log(1) + 6 = 6 and AICc = 6 + 2·3·4/(20-3-1) = 7.5.
// ETS(A,Ad,A) with m = 4 has k = 3 + 2 + 1 + 4 = 10.
func TestAICcByHand(t *testing.T) {
	e := &ETS{Trend: NoTrend, Period: 1, SSE: 20, N: 20}
	if e.NumParams() != 3 || e.AICc() != 7.5 {
		t.Errorf("k = %d, AICc = %v; want 3 and 7.5", e.NumParams(), e.AICc())
	}
	d := &ETS{Trend: DampedTrend, Period: 4, ETSState: ETSState{Season: make([]float64, 4)}, N: 11, SSE: 1}
	if d.NumParams() != 10 || !math.IsInf(d.AICc(), 1) {
		t.Errorf("k = %d, AICc = %v; want 10 and +Inf (N <= k+1)", d.NumParams(), d.AICc())
	}
}

// On an exact line the additive trend wins the family's AICc; on white
// noise around a level the model without trend does.
func TestETSAutoChoosesByAICc(t *testing.T) {
	line := make([]float64, 60)
	for i := range line {
		line[i] = 5 + 0.5*float64(i) + 0.01*math.Sin(float64(i))
	}
	m, err := ETSAuto{Period: 1}.Fit(line)
	if err != nil {
		t.Fatal(err)
	}
	if e := m.(*ETS); e.Trend == NoTrend {
		t.Errorf("line: chose %s", e.Name())
	}
	noise := []float64{3.1, 2.9, 3.3, 2.7, 3.0, 3.2, 2.8, 3.05, 2.95, 3.15, 2.85, 3.0, 3.1, 2.9, 3.2, 2.8, 3.0, 3.05, 2.95, 3.1}
	m, err = ETSAuto{Period: 1}.Fit(noise)
	if err != nil {
		t.Fatal(err)
	}
	if e := m.(*ETS); e.Trend != NoTrend {
		t.Errorf("noise: chose %s, want ETS(A,N,N)", e.Name())
	}
	if _, err := (ETSAuto{Period: 12}).Fit(noise); err == nil || !strings.Contains(err.Error(), "needs at least 24 values") {
		t.Errorf("too short for the season: error %v", err)
	}
}

// DetectSeasons finds both the daily and the weekly cycle of a double
// seasonal series, only the daily one when there is no weekly pattern, and
// none in noise-free linear data.
func TestDetectSeasons(t *testing.T) {
	y := make([]float64, 168*8)
	daily := make([]float64, len(y))
	line := make([]float64, len(y))
	for i := range y {
		y[i] = doubleSeason(i) + 0.5*math.Sin(float64(i)*1.3)
		daily[i] = 100 + 20*math.Sin(2*math.Pi*float64(i%24)/24) + 0.5*math.Sin(float64(i)*1.3)
		line[i] = float64(i)
	}
	for _, c := range []struct {
		name string
		y    []float64
		want []int
	}{
		{"double", y, []int{24, 168}},
		{"daily", daily, []int{24}},
		{"line", line, nil},
	} {
		got := DetectSeasons(c.y, []int{24, 168})
		if len(got) != len(c.want) || (len(got) > 0 && (got[0] != c.want[0] || got[len(got)-1] != c.want[len(c.want)-1])) {
			t.Errorf("%s: seasons %v, want %v", c.name, got, c.want)
		}
	}
}

// A given season is a hint: on daily-and-weekly hourly data, --season 24
// still gets the weekly cycle, and on a series too short for the hinted
// season (fewer than three) no season is forced.
func TestSeasonIsAHint(t *testing.T) {
	y := make([]float64, 168*8)
	for i := range y {
		y[i] = doubleSeason(i) + 0.5*math.Sin(float64(i)*1.3)
	}
	res, err := Forecast(y, Options{Horizon: 48, Season: 24, Periods: []int{24, 168}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Seasons) != 2 || res.Seasons[1] != 168 {
		t.Errorf("seasons %v with --season 24, want [24 168]", res.Seasons)
	}
	res, err = Forecast(monthlySeries(24, 1), Options{Horizon: 6, Season: 12, Periods: []int{}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Season != 1 || res.Seasons != nil {
		t.Errorf("24 months with --season 12: season %d (%v), want 1: two cycles cannot support it", res.Season, res.Seasons)
	}
}
