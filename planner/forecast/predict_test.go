package forecast

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestReadCSV(t *testing.T) {
	in := "timestamp,value\n" +
		"2025-01-01T00:00:00Z,10\n" +
		"2025-01-01T01:00:00Z,11\n" +
		// 02:00 missing: a gap
		"2025-01-01T03:00:00Z,\n" +
		"2025-01-01T04:00:00Z,NaN\n" +
		"2025-01-01T05:00:00Z,15.5\n"
	s, err := ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != time.Hour || s.Unix || !s.Start.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("step %v start %v unix %v", s.Step, s.Start, s.Unix)
	}
	want := []float64{10, 11, nan, nan, nan, 15.5}
	if len(s.Values) != len(want) {
		t.Fatalf("values %v, want %v", s.Values, want)
	}
	for i := range want {
		if s.Values[i] != want[i] && !(math.IsNaN(s.Values[i]) && math.IsNaN(want[i])) {
			t.Fatalf("values %v, want %v", s.Values, want)
		}
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"bad value", "1700000000,1\n1700003600,x\n", "line 2, column 2: value \"x\" is not a number"},
		{"bad timestamp", "1700000000,1\nyesterday,2\n", "line 2, column 1: timestamp \"yesterday\" is neither RFC 3339 nor Unix seconds"},
		{"infinite", "1700000000,1\n1700003600,+Inf\n", "line 2, column 2: value \"+Inf\" is infinite"},
		{"not increasing", "1700003600,1\n1700000000,2\n", "line 2, column 1: timestamp 1700000000 is not after"},
		{"irregular", "1700000000,1\n1700003600,2\n1700009000,3\n", "line 3, column 1: 1h30m0s after the previous row, not a multiple of the step 1h0m0s"},
		{"mixed formats", "1700000000,1\n2025-01-01T00:00:00Z,2\n", "mixes Unix seconds and RFC 3339"},
		{"three columns", "1700000000,1,2\n", "line 1: want 2 columns"},
		{"one row", "ts,v\n1700000000,1\n", "need at least 2 rows"},
		{"empty", "", "need at least 2 rows"},
	} {
		_, err := ReadCSV(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestPredict(t *testing.T) {
	var in bytes.Buffer
	in.WriteString("timestamp,value\n")
	start := int64(1735689600) // 2025-01-01T00:00:00Z
	y := hourlySeries(24*7*6, 8)
	for i, v := range y {
		if math.IsNaN(v) {
			continue // missing rows are gaps
		}
		fmt.Fprintf(&in, "%d,%g\n", start+int64(i)*3600, v)
	}
	var out bytes.Buffer
	res, err := Predict(&in, &out, Options{Horizon: 48})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 49 || lines[0] != "timestamp,forecast,lo80,hi80,lo95,hi95" {
		t.Fatalf("got %d lines, header %q", len(lines), lines[0])
	}
	last := start + int64(len(y)-1)*3600
	if !strings.HasPrefix(lines[1], fmt.Sprintf("%d,", last+3600)) || !strings.HasPrefix(lines[48], fmt.Sprintf("%d,", last+48*3600)) {
		t.Errorf("timestamps: first %q last %q, want %d and %d", lines[1], lines[48], last+3600, last+48*3600)
	}
	if res.Season != 168 {
		t.Errorf("season %d from hourly periods, want 168", res.Season)
	}
	var ts int64
	var f, lo80, hi80, lo95, hi95 float64
	if _, err := fmt.Sscanf(lines[1], "%d,%g,%g,%g,%g,%g", &ts, &f, &lo80, &hi80, &lo95, &hi95); err != nil {
		t.Fatal(err)
	}
	if f != res.Point[0] || lo95 > lo80 || lo80 > f || f > hi80 || hi80 > hi95 {
		t.Errorf("first row %q does not match the result or is out of order", lines[1])
	}

	// RFC 3339 in, RFC 3339 out; nothing written on error.
	out.Reset()
	_, err = Predict(strings.NewReader("2025-01-01T00:00:00Z,1\n2025-01-01T00:05:00Z,2\n2025-01-01T00:10:00Z,3\n"), &out, Options{Horizon: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\n2025-01-01T00:15:00Z,") || !strings.Contains(out.String(), "\n2025-01-01T00:20:00Z,") {
		t.Errorf("RFC 3339 output:\n%s", out.String())
	}
	out.Reset()
	if _, err := Predict(strings.NewReader("a,b\n"), &out, Options{Horizon: 2}); err == nil || out.Len() != 0 {
		t.Errorf("bad input: err %v, wrote %q", err, out.String())
	}
}
