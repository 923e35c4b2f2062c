package demand

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Hourly from 20 January to 10 March 2024 (a leap year): January holds 288
// of its 744 hours and March 216, both under half, so both are dropped.
// February's 696 hours hold 1, 2, …, 600 and then 96 NaN hours: coverage
// 600/696, and gonum's LinInterp p95 of 1..600 is the 570th value, 570.
func TestMonthlyP95(t *testing.T) {
	s := history.Series{Metric: "connections", Cluster: "gw", Start: utc("2024-01-20T00:00:00Z"), Step: time.Hour}
	for range 288 {
		s.Values = append(s.Values, 5)
	}
	for k := range 696 {
		v := float64(k + 1)
		if k >= 600 {
			v = math.NaN()
		}
		s.Values = append(s.Values, v)
	}
	for range 216 {
		s.Values = append(s.Values, 7)
	}
	kept, dropped, err := MonthlyP95(s)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got []Period, want []Period) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d periods %+v, want %d", what, len(got), got, len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if !g.Start.Equal(w.Start) || !g.End.Equal(w.End) || g.Observed != w.Observed || g.Expected != w.Expected ||
				math.Abs(g.P95-w.P95) > 1e-9 {
				t.Errorf("%s[%d]: %+v, want %+v", what, i, g, w)
			}
		}
	}
	check("kept", kept, []Period{{Start: utc("2024-02-01T00:00:00Z"), End: utc("2024-03-01T00:00:00Z"), P95: 570, Observed: 600, Expected: 696}})
	check("dropped", dropped, []Period{
		{Start: utc("2024-01-01T00:00:00Z"), End: utc("2024-02-01T00:00:00Z"), P95: 5, Observed: 288, Expected: 744},
		{Start: utc("2024-03-01T00:00:00Z"), End: utc("2024-04-01T00:00:00Z"), P95: 7, Observed: 216, Expected: 744},
	})
	if c := kept[0].Coverage(); math.Abs(c-600.0/696) > 1e-15 {
		t.Errorf("coverage %v", c)
	}
}

// Days of hourly 1..24: LinInterp p95 = 0.2·22 + 0.8·23 = 22.8. A day of
// NaN is dropped with P95 NaN.
func TestDailyP95(t *testing.T) {
	s := history.Series{Metric: "connections", Cluster: "gw", Start: utc("2024-05-01T00:00:00Z"), Step: time.Hour}
	for d := range 3 {
		for h := range 24 {
			v := float64(h + 1)
			if d == 1 {
				v = math.NaN()
			}
			s.Values = append(s.Values, v)
		}
	}
	kept, dropped, err := DailyP95(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 2 || len(dropped) != 1 {
		t.Fatalf("kept %d, dropped %d; want 2, 1", len(kept), len(dropped))
	}
	for _, p := range kept {
		if math.Abs(p.P95-22.8) > 1e-12 || p.Observed != 24 || p.Expected != 24 {
			t.Errorf("%+v, want p95 22.8 of 24/24", p)
		}
	}
	if !kept[1].Start.Equal(utc("2024-05-03T00:00:00Z")) || !math.IsNaN(dropped[0].P95) || dropped[0].Observed != 0 {
		t.Errorf("kept[1] %+v, dropped %+v", kept[1], dropped[0])
	}
}

// Sampling instants are counted on the series' grid, before its start too:
// every 7 h from 1 am on 1 February 2024 puts 100 instants in February
// (1 h, 8 h, …, 694 h) and 106 in January (−6 h, …, −741 h).
func TestInstantsOffGrid(t *testing.T) {
	s := history.Series{Start: utc("2024-02-01T01:00:00Z"), Step: 7 * time.Hour}
	if n := instants(s, utc("2024-02-01T00:00:00Z"), utc("2024-03-01T00:00:00Z")); n != 100 {
		t.Errorf("February: %d, want 100", n)
	}
	if n := instants(s, utc("2024-01-01T00:00:00Z"), utc("2024-02-01T00:00:00Z")); n != 106 {
		t.Errorf("January: %d, want 106", n)
	}
}

// A series that does not start on the hour, in a zone other than UTC, is
// grouped by UTC month.
func TestMonthlyP95UTCBoundaries(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	s := history.Series{Start: time.Date(2024, 4, 1, 8, 30, 0, 0, tokyo), Step: time.Hour, Values: []float64{1, 2}}
	_, dropped, err := MonthlyP95(s)
	if err != nil {
		t.Fatal(err)
	}
	// 08:30 JST is 23:30 UTC on 31 March; 09:30 JST is April in UTC.
	if len(dropped) != 2 || !dropped[0].Start.Equal(utc("2024-03-01T00:00:00Z")) || !dropped[1].Start.Equal(utc("2024-04-01T00:00:00Z")) {
		t.Errorf("dropped %+v", dropped)
	}
}

func TestPeriodsErrors(t *testing.T) {
	for _, tc := range []struct {
		s    history.Series
		want string
	}{
		{history.Series{Metric: "connections", Cluster: "gw", Step: 0, Values: []float64{1}},
			`demand: series connections{cluster="gw"}: step 0s must be positive`},
		{history.Series{Metric: "connections", Cluster: "gw", Start: utc("2024-01-01T00:00:00Z"), Step: time.Hour, Values: []float64{1, math.Inf(1)}},
			`demand: series connections{cluster="gw"}: value 1 (2024-01-01T01:00:00Z) is +Inf`},
	} {
		if _, _, err := MonthlyP95(tc.s); err == nil || err.Error() != tc.want {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	kept, dropped, err := MonthlyP95(history.Series{Step: time.Hour})
	if err != nil || kept != nil || dropped != nil {
		t.Errorf("empty series: %v %v %v", kept, dropped, err)
	}
	if _, _, err := DailyP95(history.Series{Metric: "m", Step: -time.Hour}); err == nil || !strings.Contains(err.Error(), "step -1h0m0s must be positive") {
		t.Errorf("daily: %v", err)
	}
}
