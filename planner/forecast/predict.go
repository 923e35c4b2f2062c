package forecast

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file is the I/O of `planner predict`: one series in as CSV
// "timestamp,value", the forecast out as CSV
// "timestamp,forecast,lo80,hi80,lo95,hi95".

// Series is a regular series read from CSV: Values[i] is at
// Start + i·Step, NaN where a row is missing or has no value.
type Series struct {
	Start  time.Time
	Step   time.Duration
	Values []float64
	// Unix is true when the input timestamps were Unix seconds; output
	// timestamps then are too.
	Unix bool
}

// TimeAt returns the time of index i (i may be past the end).
func (s *Series) TimeAt(i int) time.Time { return s.Start.Add(time.Duration(i) * s.Step) }

// ReadCSV reads rows "timestamp,value" in increasing time order. A first
// row with neither a timestamp nor a number is taken as a header. Timestamps are RFC
// 3339 or Unix seconds (all rows alike). The step is the smallest interval
// between rows; a longer interval must be a multiple of it and leaves a gap
// of NaN. An empty value or "NaN" is a gap too. Errors name the line.
func ReadCSV(r io.Reader) (*Series, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	type row struct {
		t    time.Time
		v    float64
		line int
	}
	var rows []row
	unix := false
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("forecast: reading CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, fmt.Errorf("forecast: line %d: want 2 columns (timestamp,value), got %d", line, len(rec))
		}
		t, isUnix, terr := parseTime(rec[0])
		v, verr := parseValue(rec[1])
		if first && terr != nil && verr != nil {
			continue // header
		}
		if terr != nil {
			return nil, fmt.Errorf("forecast: line %d, column 1: %w", line, terr)
		}
		if verr != nil {
			return nil, fmt.Errorf("forecast: line %d, column 2: %w", line, verr)
		}
		if len(rows) == 0 {
			unix = isUnix
		} else if isUnix != unix {
			return nil, fmt.Errorf("forecast: line %d, column 1: timestamp %q mixes Unix seconds and RFC 3339", line, rec[0])
		}
		if len(rows) > 0 && !t.After(rows[len(rows)-1].t) {
			return nil, fmt.Errorf("forecast: line %d, column 1: timestamp %s is not after the previous row's", line, rec[0])
		}
		rows = append(rows, row{t, v, line})
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("forecast: need at least 2 rows to know the step, got %d", len(rows))
	}
	step := rows[1].t.Sub(rows[0].t)
	for i := 2; i < len(rows); i++ {
		step = min(step, rows[i].t.Sub(rows[i-1].t))
	}
	s := &Series{Start: rows[0].t, Step: step, Unix: unix}
	for i, r := range rows {
		if i > 0 {
			d := r.t.Sub(rows[i-1].t)
			if d%step != 0 {
				return nil, fmt.Errorf("forecast: line %d, column 1: %v after the previous row, not a multiple of the step %v", r.line, d, step)
			}
			for k := 1; k < int(d/step); k++ {
				s.Values = append(s.Values, math.NaN())
			}
		}
		s.Values = append(s.Values, r.v)
	}
	return s, nil
}

func parseValue(f string) (float64, error) {
	f = strings.TrimSpace(f)
	if f == "" || strings.EqualFold(f, "nan") {
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number", f)
	}
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q is infinite", f)
	}
	return v, nil
}

func parseTime(f string) (t time.Time, unix bool, err error) {
	f = strings.TrimSpace(f)
	if sec, err := strconv.ParseFloat(f, 64); err == nil && !math.IsInf(sec, 0) && !math.IsNaN(sec) {
		whole, frac := math.Modf(sec)
		return time.Unix(int64(whole), int64(math.Round(frac*1e9))).UTC(), true, nil
	}
	t, err = time.Parse(time.RFC3339Nano, f)
	if err != nil {
		return t, false, fmt.Errorf("timestamp %q is neither RFC 3339 nor Unix seconds", f)
	}
	return t, false, nil
}

// WriteCSV writes res as "timestamp,forecast,lo80,hi80,lo95,hi95", one row
// per step after the last value of s, with timestamps in the style of the
// input.
func WriteCSV(w io.Writer, s *Series, res *Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"timestamp", "forecast", "lo80", "hi80", "lo95", "hi95"}); err != nil {
		return err
	}
	last := len(s.Values) - 1
	for k := range res.Point {
		t := s.TimeAt(last + 1 + k)
		ts := t.Format(time.RFC3339Nano)
		switch {
		case s.Unix && t.Nanosecond() == 0:
			ts = strconv.FormatInt(t.Unix(), 10)
		case s.Unix:
			ts = strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', -1, 64)
		}
		rec := []string{ts}
		for _, v := range []float64{res.Point[k], res.Lo80[k], res.Hi80[k], res.Lo95[k], res.Hi95[k]} {
			rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Predict is `planner predict`: it reads a series from r (ReadCSV),
// forecasts it, and writes the forecast to w (WriteCSV). Without
// opts.Periods the candidate seasons come from the step (PeriodsFor).
// Nothing is written when reading or forecasting fails.
func Predict(r io.Reader, w io.Writer, opts Options) (*Result, error) {
	s, err := ReadCSV(r)
	if err != nil {
		return nil, err
	}
	if opts.Periods == nil {
		// Non-nil even when empty: no candidate season for this step.
		opts.Periods = append([]int{}, PeriodsFor(s.Step)...)
	}
	res, err := Forecast(s.Values, opts)
	if err != nil {
		return nil, err
	}
	return res, WriteCSV(w, s, res)
}
