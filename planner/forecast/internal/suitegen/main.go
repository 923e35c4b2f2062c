// Command suitegen writes the forecast accuracy suite: generated series as
// CSV timestamp,value in DIR/hourly, DIR/weekly and DIR/monthly, for
// `planner backtest --suite DIR`. The output is a function of the fixed
// seeds only, so re-running it reproduces the committed files.
//
//	go run ./planner/forecast/internal/suitegen planner/forecast/testdata/suite
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: suitegen DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // a Monday
	for i := range 36 {
		name, y := hourly(i)
		write(filepath.Join(dir, "hourly", name+".csv"), start, time.Hour, 0, y)
	}
	for i := range 36 {
		name, y := weekly(i)
		write(filepath.Join(dir, "weekly", name+".csv"), start, 7*24*time.Hour, 0, y)
	}
	for i := range 30 {
		name, y := monthly(i)
		write(filepath.Join(dir, "monthly", name+".csv"), start, 30*24*time.Hour, 0, y)
	}
}

// write writes y from start at step (or every months calendar months;
// monthly series use 30-day steps, since ReadCSV needs a fixed step);
// NaN rows are left out, which is how a scrape gap looks.
func write(path string, start time.Time, step time.Duration, months int, y []float64) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	var b strings.Builder
	b.WriteString("timestamp,value\n")
	for i, v := range y {
		if math.IsNaN(v) {
			continue
		}
		t := start.Add(time.Duration(i) * step)
		if months > 0 {
			t = start.AddDate(0, i*months, 0)
		}
		b.WriteString(t.Format(time.RFC3339))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(v, 'g', 7, 64))
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		panic(err)
	}
}

// hourly series i: kinds cycle through the list below, each with its own
// seed, length (3 to 20 weeks) and amplitudes.
func hourly(i int) (string, []float64) {
	kinds := []string{"daily", "double", "trend-double", "level-shift", "outliers", "gaps",
		"counter", "multiplicative", "random-walk", "short-double", "noisy-daily", "weekday-only"}
	kind := kinds[i%len(kinds)]
	r := rand.New(rand.NewPCG(uint64(i)+1, 13))
	weeks := 3 + r.IntN(18)
	if kind == "short-double" {
		weeks = 3
	}
	n := weeks * 168
	level := math.Pow(10, 1+3*r.Float64())
	amp := level * (0.1 + 0.4*r.Float64())
	weekend := level * (0.05 + 0.25*r.Float64())
	noise := level * (0.02 + 0.08*r.Float64())
	peak := r.IntN(24)
	y := make([]float64, n)
	var walk, cum float64
	for t := range y {
		day := math.Sin(2 * math.Pi * float64(t%24-peak) / 24)
		dow := (t / 24) % 7
		v := level
		switch kind {
		case "daily", "noisy-daily", "gaps":
			v += amp * day
		case "double", "short-double", "outliers", "counter":
			v += amp * day
			if dow >= 5 {
				v -= weekend
			}
		case "trend-double":
			v += amp*day + level*0.4*float64(t)/float64(n)
			if dow >= 5 {
				v -= weekend
			}
		case "level-shift":
			v += amp * day
			if t >= n*3/4 {
				v += 0.5 * level
			}
		case "multiplicative":
			g := 1 + 0.6*float64(t)/float64(n)
			v = level * g * (1 + 0.4*day)
		case "random-walk":
			walk += noise * 0.5 * r.NormFloat64()
			v += walk + amp*day
		case "weekday-only":
			if dow < 5 {
				v += amp * math.Max(0, day) * 2
			}
		}
		e := noise * r.NormFloat64()
		if kind == "noisy-daily" {
			e *= 3
		}
		v += e
		if kind == "outliers" && r.Float64() < 0.01 {
			v += level * (1 + 2*r.Float64())
		}
		if kind == "counter" {
			cum += math.Max(0, v) / 100
			if r.Float64() < 0.002 {
				cum = 0 // restart
			}
			v = cum
		}
		y[t] = v
	}
	// A metric's history ends whenever the planner reads it, at any hour
	// of the week: cut 0 to 167 hours off the end, from a generator of its
	// own so that the series keep their values. (Ending every series on
	// Sunday at 23:00 held out the weekend only.)
	cut := rand.New(rand.NewPCG(uint64(i)+1, 168)).IntN(168)
	y = y[:n-cut]
	if kind == "gaps" || kind == "outliers" || kind == "counter" {
		punch(y, r, len(y))
	}
	return fmt.Sprintf("h%02d-%s", i, kind), y
}

// weekly series i, 80 to 520 weeks.
func weekly(i int) (string, []float64) {
	kinds := []string{"yearly", "trend", "damped", "random-walk", "level-shift", "noise",
		"outliers", "yearly-trend", "gaps", "short", "rw-drift", "multiplicative"}
	kind := kinds[i%len(kinds)]
	r := rand.New(rand.NewPCG(uint64(i)+1, 52))
	n := 80 + r.IntN(440)
	if kind == "short" {
		n = 60 + r.IntN(40)
	}
	level := math.Pow(10, 1+3*r.Float64())
	amp := level * (0.05 + 0.3*r.Float64())
	noise := level * (0.02 + 0.1*r.Float64())
	phase := r.Float64() * 2 * math.Pi
	slope := level * (0.5 + r.Float64()) / float64(n) * sign(r)
	y := make([]float64, n)
	var walk float64
	for t := range y {
		yr := math.Sin(2*math.Pi*float64(t)/52.18 + phase)
		v := level
		switch kind {
		case "yearly", "gaps", "short":
			v += amp * yr
		case "trend":
			v += slope * float64(t)
		case "damped":
			v += slope * float64(n) * (1 - math.Exp(-3*float64(t)/float64(n)))
		case "random-walk":
			walk += noise * r.NormFloat64()
			v += walk
		case "level-shift":
			v += amp * yr
			if t >= n-n/5 {
				v += 0.3 * level
			}
		case "noise":
		case "outliers":
			if r.Float64() < 0.02 {
				v += level * (0.5 + r.Float64())
			}
		case "yearly-trend":
			v += amp*yr + slope*float64(t)
		case "rw-drift":
			walk += noise*r.NormFloat64() + math.Abs(slope)
			v += walk
		case "multiplicative":
			v = level * (1 + 0.8*float64(t)/float64(n)) * (1 + 0.3*yr)
		}
		y[t] = v + noise*r.NormFloat64()
	}
	if kind == "gaps" {
		punch(y, r, n)
	}
	return fmt.Sprintf("w%02d-%s", i, kind), y
}

// monthly series i, 4 to 25 years.
func monthly(i int) (string, []float64) {
	kinds := []string{"seasonal", "trend-seasonal", "multiplicative", "random-walk", "damped", "level-shift"}
	kind := kinds[i%len(kinds)]
	r := rand.New(rand.NewPCG(uint64(i)+1, 12))
	n := 48 + r.IntN(252)
	level := math.Pow(10, 1+3*r.Float64())
	amp := level * (0.05 + 0.3*r.Float64())
	noise := level * (0.01 + 0.06*r.Float64())
	slope := level * (0.3 + r.Float64()) / float64(n) * sign(r)
	y := make([]float64, n)
	var walk float64
	for t := range y {
		x := 2 * math.Pi * float64(t) / 12
		s := math.Sin(x) + 0.4*math.Cos(2*x)
		v := level
		switch kind {
		case "seasonal":
			v += amp * s
		case "trend-seasonal":
			v += amp*s + slope*float64(t)
		case "multiplicative":
			v = level * (1 + 1.5*float64(t)/float64(n)) * (1 + 0.25*s)
		case "random-walk":
			walk += noise * r.NormFloat64()
			v += walk + 0.5*amp*s
		case "damped":
			v += slope*float64(n)*(1-math.Exp(-3*float64(t)/float64(n))) + amp*s
		case "level-shift":
			v += amp * s
			if t >= n-n/4 {
				v += 0.25 * level
			}
		}
		y[t] = v + noise*r.NormFloat64()
	}
	return fmt.Sprintf("m%02d-%s", i, kind), y
}

func sign(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return -1
	}
	return 1
}

// punch makes one long gap (1-3% of the series) and a few short ones,
// none in the last 5% (the evaluation holds the tail out).
func punch(y []float64, r *rand.Rand, n int) {
	long := max(2, n/100+r.IntN(n/50+1))
	at := r.IntN(n * 8 / 10)
	for k := at; k < at+long && k < n; k++ {
		y[k] = math.NaN()
	}
	for range 8 {
		at := r.IntN(n * 9 / 10)
		for k := at; k < at+1+r.IntN(3) && k < n; k++ {
			y[k] = math.NaN()
		}
	}
	y[0] = math.Abs(y[0]) + 0 // keep the first row
}
