package forecast

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// SuiteScore is the accuracy of one method over one set of a suite, in the
// M4 competition's definitions (Makridakis, Spiliotis & Assimakopoulos
// 2020, "The M4 Competition: 100,000 time series and 61 forecasting
// methods", §2.2). For a series y_1..y_n, its next h values and forecasts
// ŷ with interval [L, U]:
//
//	sMAPE = (200/h) Σ_k |y_{n+k} - ŷ_{n+k}| / (|y_{n+k}| + |ŷ_{n+k}|)
//	MASE  = (1/h) Σ_k |y_{n+k} - ŷ_{n+k}| / d
//	MSIS  = (1/h) Σ_k [ (U_k - L_k) + (2/α)(L_k - y_{n+k})·1{y < L} + (2/α)(y_{n+k} - U_k)·1{y > U} ] / d
//	d     = (1/(n-m)) Σ_{t=m+1}^{n} |y_t - y_{t-m}|
//
// with α = 0.05 (the 95% interval) and m the set's frequency (Frequency).
// Held-out or in-sample values that are missing are left out of the sums.
// SMAPE, MASE and MSIS are means over the series; Coverage80 and
// Coverage95 are the fractions of all held-out values inside the 80% and
// 95% intervals.
type SuiteScore struct {
	Set, Method            string
	Series, Horizon        int
	SMAPE, MASE, MSIS      float64
	Coverage80, Coverage95 float64
	Seconds                float64 // total forecasting time
	Models                 map[string]int
	// PerSeries holds each series' own scores, in name order.
	PerSeries []SeriesScore
}

// SeriesScore is one series' result in a suite, in SuiteScore's
// definitions; MASE and MSIS are NaN when the series has no scale d.
type SeriesScore struct {
	Name, Model       string
	SMAPE, MASE, MSIS float64
	// Coverage80 and Coverage95 are the fractions of held-out values
	// inside the 80% and 95% intervals.
	Coverage80, Coverage95 float64
}

// Frequency returns the M4 horizon and MASE period for a sampling step:
// hourly 48 and 24, daily 14 and 1, weekly 13 and 1, monthly 18 and 12,
// quarterly 8 and 4, yearly 6 and 1.
func Frequency(step time.Duration) (horizon, period int, err error) {
	const day = 24 * time.Hour
	switch {
	case step == time.Hour:
		return 48, 24, nil
	case step == day:
		return 14, 1, nil
	case step == 7*day:
		return 13, 1, nil
	case step >= 28*day && step <= 31*day:
		return 18, 12, nil
	case step >= 89*day && step <= 92*day:
		return 8, 4, nil
	case step >= 365*day && step <= 366*day:
		return 6, 1, nil
	}
	return 0, 0, fmt.Errorf("forecast: no M4 frequency for a step of %v", step)
}

// RunSuite evaluates the engine and seasonal naive on every set of a
// suite: each subdirectory of dir holding *.csv files is a set (dir itself
// too when it holds them). Each series' last h values (Frequency of its
// step) are held out and forecast from the rest with opts (Horizon set to
// h; Periods from the step when nil). Sets and series go in name order.
func RunSuite(dir string, opts Options) ([]SuiteScore, error) {
	sets, err := suiteSets(dir)
	if err != nil {
		return nil, err
	}
	var out []SuiteScore
	// The whole suite, as M4 reports its overall rows: sMAPE, MASE and MSIS
	// the means over every series, coverage over every held-out value.
	allEng, allSnv := newSuiteAcc("total", "engine"), newSuiteAcc("total", "seasonal-naive")
	for _, set := range sets {
		files, _ := filepath.Glob(filepath.Join(set, "*.csv"))
		slices.Sort(files)
		name, _ := filepath.Rel(dir, set)
		if name == "." {
			name = filepath.Base(dir)
		}
		eng, snv := newSuiteAcc(name, "engine"), newSuiteAcc(name, "seasonal-naive")
		for _, f := range files {
			if err := suiteSeries(f, opts, eng, snv); err != nil {
				return nil, err
			}
		}
		out = append(out, eng.result(), snv.result())
		allEng.merge(eng)
		allSnv.merge(snv)
	}
	if len(sets) > 1 {
		out = append(out, allEng.result(), allSnv.result())
	}
	return out, nil
}

func suiteSets(dir string) ([]string, error) {
	var sets []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if m, _ := filepath.Glob(filepath.Join(p, "*.csv")); len(m) > 0 {
			sets = append(sets, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("forecast: suite %s: %w", dir, err)
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("forecast: suite %s: no *.csv files", dir)
	}
	slices.Sort(sets)
	return sets, nil
}

type suiteAcc struct {
	score              SuiteScore
	in80, in95, points int
}

// merge adds b's series and held-out values to a's; the horizon is a's
// when all agree, else 0 (a total over frequencies has none).
func (a *suiteAcc) merge(b *suiteAcc) {
	if a.score.Series == 0 {
		a.score.Horizon = b.score.Horizon
	} else if a.score.Horizon != b.score.Horizon {
		a.score.Horizon = 0
	}
	a.score.Series += b.score.Series
	a.score.SMAPE += b.score.SMAPE
	a.score.MASE += b.score.MASE
	a.score.MSIS += b.score.MSIS
	a.score.Seconds += b.score.Seconds
	for m, n := range b.score.Models {
		a.score.Models[m] += n
	}
	a.in80, a.in95, a.points = a.in80+b.in80, a.in95+b.in95, a.points+b.points
}

func newSuiteAcc(set, method string) *suiteAcc {
	return &suiteAcc{score: SuiteScore{Set: set, Method: method, Models: map[string]int{}}}
}

func (a *suiteAcc) result() SuiteScore {
	s := a.score
	if s.Series > 0 {
		s.SMAPE /= float64(s.Series)
		s.MASE /= float64(s.Series)
		s.MSIS /= float64(s.Series)
	}
	s.Coverage80, s.Coverage95 = math.NaN(), math.NaN()
	if a.points > 0 {
		s.Coverage80 = float64(a.in80) / float64(a.points)
		s.Coverage95 = float64(a.in95) / float64(a.points)
	}
	return s
}

func suiteSeries(path string, opts Options, eng, snv *suiteAcc) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	s, err := ReadCSV(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	h, m, err := Frequency(s.Step)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(s.Values) <= h+m {
		return fmt.Errorf("%s: %d values, need more than %d to hold out %d", path, len(s.Values), h+m, h)
	}
	train, test := s.Values[:len(s.Values)-h], s.Values[len(s.Values)-h:]
	o := opts
	o.Horizon = h
	if o.Periods == nil {
		o.Periods = append([]int{}, PeriodsFor(s.Step)...)
	}
	t0 := time.Now()
	res, err := Forecast(train, o)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	eng.score.Seconds += time.Since(t0).Seconds()
	name := filepath.Base(path)
	d := suiteScale(train, m)
	eng.add(name, res.Model, test, res.Point, res.Lo80, res.Hi80, res.Lo95, res.Hi95, d)

	// Seasonal naive with the set's period, its intervals those of a
	// seasonal random walk: σ the RMS of the in-sample seasonal
	// differences, ±z·σ·√(⌊(k-1)/m⌋+1) at step k.
	filled := FillGaps(train, m, 3)
	p := make([]float64, h)
	lo80, hi80, lo95, hi95 := make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h)
	var ss float64
	var cnt int
	for t := m; t < len(filled); t++ {
		dv := filled[t] - filled[t-m]
		ss += dv * dv
		cnt++
	}
	sigma := math.Sqrt(ss / float64(max(cnt, 1)))
	for k := range p {
		p[k] = filled[len(filled)-m+k%m]
		w := sigma * math.Sqrt(float64(k/m+1))
		lo80[k], hi80[k] = p[k]-z80*w, p[k]+z80*w
		lo95[k], hi95[k] = p[k]-z95*w, p[k]+z95*w
	}
	snv.add(name, "seasonal-naive", test, p, lo80, hi80, lo95, hi95, d)
	return nil
}

// suiteScale is d of SuiteScore over the observed pairs.
func suiteScale(y []float64, m int) float64 {
	var s float64
	var n int
	for t := m; t < len(y); t++ {
		if !math.IsNaN(y[t]) && !math.IsNaN(y[t-m]) {
			s += math.Abs(y[t] - y[t-m])
			n++
		}
	}
	if n == 0 || s == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// add scores one series' forecast of test by model. A series whose
// held-out values are all missing has nothing to score and is left out,
// its model too.
func (a *suiteAcc) add(name, model string, test, p, lo80, hi80, lo95, hi95 []float64, d float64) {
	const alpha = 0.05
	var smape, ae, is float64
	var n, in80, in95 int
	for k, v := range test {
		if math.IsNaN(v) {
			continue
		}
		n++
		if den := math.Abs(v) + math.Abs(p[k]); den > 0 {
			smape += 200 * math.Abs(v-p[k]) / den
		}
		ae += math.Abs(v - p[k])
		is += hi95[k] - lo95[k]
		if v < lo95[k] {
			is += 2 / alpha * (lo95[k] - v)
		}
		if v > hi95[k] {
			is += 2 / alpha * (v - hi95[k])
		}
		a.points++
		if v >= lo80[k] && v <= hi80[k] {
			a.in80++
			in80++
		}
		if v >= lo95[k] && v <= hi95[k] {
			a.in95++
			in95++
		}
	}
	if n == 0 {
		return
	}
	a.score.Series++
	a.score.Models[model]++
	a.score.Horizon = len(test)
	a.score.SMAPE += smape / float64(n)
	ss := SeriesScore{Name: name, Model: model, SMAPE: smape / float64(n), MASE: math.NaN(), MSIS: math.NaN(),
		Coverage80: float64(in80) / float64(n), Coverage95: float64(in95) / float64(n)}
	if !math.IsNaN(d) {
		a.score.MASE += ae / float64(n) / d
		a.score.MSIS += is / float64(n) / d
		ss.MASE, ss.MSIS = ae/float64(n)/d, is/float64(n)/d
	}
	a.score.PerSeries = append(a.score.PerSeries, ss)
}

// FormatSuite renders scores as an aligned text table.
func FormatSuite(scores []SuiteScore) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SET\tMETHOD\tSERIES\tH\tsMAPE\tMASE\tCOV80\tCOV95\tMSIS")
	for _, s := range scores {
		h := "-" // a total over several horizons
		if s.Horizon > 0 {
			h = strconv.Itoa(s.Horizon)
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
			s.Set, s.Method, s.Series, h, s.SMAPE, s.MASE, s.Coverage80, s.Coverage95, s.MSIS)
	}
	w.Flush()
	return b.String()
}

// FormatSuiteSeries renders every series of scores, the engine beside
// seasonal naive, as an aligned text table: where a set's figures come from.
func FormatSuiteSeries(scores []SuiteScore) string {
	naive := map[string]SeriesScore{}
	for _, s := range scores {
		if s.Method == "seasonal-naive" {
			for _, ss := range s.PerSeries {
				naive[s.Set+"/"+ss.Name] = ss
			}
		}
	}
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SET\tSERIES\tMODEL\tMASE\tCOV80\tCOV95\tMSIS\tNAIVE-MASE\tNAIVE-MSIS")
	for _, s := range scores {
		if s.Method != "engine" {
			continue
		}
		for _, ss := range s.PerSeries {
			sn := naive[s.Set+"/"+ss.Name]
			fmt.Fprintf(w, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
				s.Set, ss.Name, ss.Model, ss.MASE, ss.Coverage80, ss.Coverage95, ss.MSIS, sn.MASE, sn.MSIS)
		}
	}
	w.Flush()
	return b.String()
}
