package demand

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The fit statistics by hand on three points: x = 1, 2, 3, y = 2, 3, 5.
// x̄ = 2, ȳ = 10/3, Sxx = 2, Sxy = (−1)(−4/3) + 0 + (1)(5/3) = 3, so
// b = Sxy/Sxx = 1.5 and a = ȳ − b·x̄ = 1/3; the residuals are 1/6, −1/3,
// 1/6, SSE = 1/6, SST = 14/3, R² = 1 − SSE/SST = 27/28; σ = √(SSE/1),
// SE(b) = σ/√2.
func TestFitLineByHand(t *testing.T) {
	l, err := FitLine([]float64{1, 2, 3}, []float64{2, 3, 5})
	if err != nil {
		t.Fatal(err)
	}
	closeTo(t, "slope", l.B, 1.5, 1e-12)
	closeTo(t, "intercept", l.A, 1.0/3, 1e-12)
	closeTo(t, "R²", l.RSquared, 27.0/28, 1e-12)
	closeTo(t, "sigma", l.Sigma, math.Sqrt(1.0/6), 1e-12)
	closeTo(t, "SE slope", l.SEB, math.Sqrt(1.0/6)/math.Sqrt(2), 1e-12)
	if l.N != 3 {
		t.Errorf("n %d, want 3", l.N)
	}
}

// Flaws on five months of x = 0, 100, …, 400 (x̄ = 200, Sxx = 100,000):
// falling connections give b = Sxy/Sxx = −10,100/100,000; an exact line of
// slope 0.005 is significant but too small; y = 1000, 1040, 990, 1030,
// 1010 gives b = 1,000/100,000 = 0.01 with SSE = 1,710 (SE 0.0755) and
// R² = SSR/SST = 10/1,720.
func TestFlaws(t *testing.T) {
	for _, tc := range []struct {
		name string
		y    []float64
		want []string
	}{
		{"good", []float64{1010, 1020, 1031, 1039, 1050}, nil},
		{"negative", []float64{1050, 1040, 1031, 1019, 1010},
			[]string{"connections per device -0.101 is negative: more devices sold, fewer connections"}},
		{"tiny", []float64{1000, 1000.5, 1001, 1001.5, 1002}, []string{"connections per device 0.005 is below 0.01"}},
		{"noise", []float64{1000, 1040, 990, 1030, 1010},
			[]string{"connections per device 0.01 is within two standard errors (0.0755) of zero", "R² 0.006 is below 0.5"}},
	} {
		l, err := FitLine([]float64{0, 100, 200, 300, 400}, tc.y)
		if err != nil {
			t.Fatal(err)
		}
		got := l.Flaws(0.5)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %q, want %q", tc.name, got[i], tc.want[i])
			}
		}
	}
}

// genFleet is a gateway whose connections follow its devices: y = 3000 +
// 0.6·x, times AR(1) noise (coefficient 0.8, sd 1.5%), over hist months
// of history and 12 months after. Sales grow 2% a month from 1,500
// devices; the history's sales happen as planned, the future's miss the
// plan by one factor 1 + β with β normal of sd sigmaSales, the sales plan's
// known error.
type genFleet struct {
	months      []time.Time
	x, y        []float64 // history
	plan        []float64 // devices planned for each future month
	futureY     []float64 // what happens
	uncertainty float64   // the 95% spread the sales file states
}

func generate(rng *rand.Rand, hist int, sigmaSales float64) genFleet {
	const ahead = 12
	g := genFleet{uncertainty: 1.96 * sigmaSales}
	beta := rng.NormFloat64() * sigmaSales
	devices, noise, sold := 40000.0, 0.0, 1500.0
	for m := range hist + ahead {
		sold *= 1.02
		actual := sold
		if m >= hist {
			g.plan = append(g.plan, sold)
			actual = sold * (1 + beta)
		}
		devices += actual
		noise = 0.8*noise + math.Sqrt(1-0.64)*0.015*rng.NormFloat64()
		y := (3000 + 0.6*devices) * (1 + noise)
		if m < hist {
			g.months = append(g.months, time.Date(2024, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC))
			g.x, g.y = append(g.x, devices), append(g.y, y)
		} else {
			g.futureY = append(g.futureY, y)
		}
	}
	return g
}

// Backtest coverage of the sales-driven forecast: 400 generated gateways
// (seeds 1..400) with 13 and with 24 months of history, each forecast 1,
// 3, 6 and 12 months ahead from its plan with Band; the 95% intervals must
// hold what happened 90% to 99% of the time, and the 80% ones 72% to 90%.
func TestBandCoverageOnGeneratedSales(t *testing.T) {
	for _, hist := range []int{13, 24} {
		var in80, in95, n int
		perAhead := map[int][2]int{}
		for seed := range uint64(400) {
			g := generate(rand.New(rand.NewPCG(seed+1, 7)), hist, 0.12)
			l, err := FitLine(g.x, g.y)
			if err != nil {
				t.Fatal(err)
			}
			bt, err := BacktestLine(g.months, g.x, g.y, nil)
			if err != nil {
				t.Fatal(err)
			}
			last := g.x[len(g.x)-1]
			var s Scenario
			s.Low, s.Base, s.High = last, last, last
			for h := 1; h <= 12; h++ {
				p := g.plan[h-1]
				s.Low += p * (1 - g.uncertainty)
				s.Base += p
				s.High += p * (1 + g.uncertainty)
				if h != 1 && h != 3 && h != 6 && h != 12 {
					continue
				}
				b := bt.Band(l, s, h)
				actual := g.futureY[h-1]
				n++
				c := perAhead[h]
				c[1]++
				if b.Lo80 <= actual && actual <= b.Hi80 {
					in80++
				}
				if b.Lo95 <= actual && actual <= b.Hi95 {
					in95++
					c[0]++
				}
				perAhead[h] = c
			}
		}
		c80, c95 := float64(in80)/float64(n), float64(in95)/float64(n)
		t.Logf("%d months of history: coverage 80%% %.3f, 95%% %.3f; 95%% by months ahead %v", hist, c80, c95, perAhead)
		if c95 < 0.90 || c95 > 0.99 {
			t.Errorf("%d months: 95%% coverage %.3f, want 0.90 to 0.99", hist, c95)
		}
		if c80 < 0.72 || c80 > 0.90 {
			t.Errorf("%d months: 80%% coverage %.3f, want 0.72 to 0.90", hist, c80)
		}
		// And at each number of months ahead on its own, 400 forecasts each.
		for h, c := range perAhead {
			if r := float64(c[0]) / float64(c[1]); r < 0.90 || r > 0.99 {
				t.Errorf("%d months of history, %d ahead: 95%% coverage %.3f, want 0.90 to 0.99", hist, h, r)
			}
		}
	}
}

// The error model by hand: at 1 month ahead errors 0.01 and −0.03, at 2
// months 0.03 and 0.01, so S_1 = S_2 = √(5e-4); the scaled errors have a
// root mean square of 1 and four of them give t(0.975, 3) = 3.1824 and
// t(0.90, 3) = 1.6377. Beyond 2 months the scale grows with √h: at 8,
// 2·S_2. Holding out origin 3 leaves origin 4's errors alone: S_1 = 0.03,
// and S_2 = 0.01 is raised to it.
func TestErrorModel(t *testing.T) {
	errs := []AheadError{{3, 1, 0.01}, {3, 2, 0.03}, {4, 1, -0.03}, {4, 2, 0.01}}
	s, q80, q95 := errorModel(errs, -1, -1)
	if len(s) != 2 {
		t.Fatalf("scales %v, want 2", s)
	}
	closeTo(t, "S_1", s[0], math.Sqrt(5e-4), 1e-15)
	closeTo(t, "S_2", s[1], math.Sqrt(5e-4), 1e-15)
	closeTo(t, "q95", q95, 3.1824, 5e-5)
	closeTo(t, "q80", q80, 1.6377, 5e-5)
	b := &Backtest{S: s, Q80: q80, Q95: q95}
	closeTo(t, "scale 8 months ahead", b.ScaleAt(8), 2*math.Sqrt(5e-4), 1e-15)
	s, _, _ = errorModel(errs, 3, 4)
	if len(s) != 2 || s[0] != 0.03 || s[1] != 0.03 {
		t.Errorf("origin 4 alone: scales %v, want [0.03 0.03]", s)
	}
}

// Six months with a gap (no May): origins from half of them, months ahead
// counted on the calendar. An exact line leaves errors of 0 and intervals
// of the sales plan's error alone.
func TestBacktestLineOrigins(t *testing.T) {
	months := []time.Time{utc("2026-01-01T00:00:00Z"), utc("2026-02-01T00:00:00Z"), utc("2026-03-01T00:00:00Z"),
		utc("2026-04-01T00:00:00Z"), utc("2026-06-01T00:00:00Z"), utc("2026-07-01T00:00:00Z")}
	x := []float64{100, 200, 300, 400, 600, 700}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 1000 + 0.5*v
	}
	bt, err := BacktestLine(months, x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range bt.Errors {
		got = append(got, e.Origin*10+e.Ahead)
		closeTo(t, "error", e.Rel, 0, 1e-12)
	}
	// origin 3 (fitted to March): April 1, June 3, July 4 months ahead; …
	if want := []int{31, 33, 34, 42, 43, 51}; !slices.Equal(got, want) {
		t.Errorf("origin·10 + months ahead %v, want %v", got, want)
	}
	l, _ := FitLine(x, y)
	p := bt.Band(l, Scenario{Low: 800, Base: 900, High: 1000}, 2)
	closeTo(t, "point", p.Point, 1450, 1e-9)
	closeTo(t, "hi95", p.Hi95, 1500, 1e-9)
	closeTo(t, "lo95", p.Lo95, 1400, 1e-9)
	closeTo(t, "hi80", p.Hi80, 1450+50*1.2815516/1.9599640, 1e-6)
	if _, err := BacktestLine(months[:2], x, y, nil); err == nil || err.Error() != "demand: 2 months, 6 x values, 6 y values" {
		t.Errorf("lengths: %v", err)
	}
}
