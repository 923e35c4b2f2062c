package report

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{count(0), "0"},
		{count(-0.4), "0"},
		{count(999.5), "1,000"},
		{count(1234567.49), "1,234,567"},
		{count(-12345), "-12,345"},
		{whole(12345.5), "12346"},
		{cents(186.149), "186.15"},
		{cents(-0.001), "0.00"},
		{usd(496.4), "$496"},
		{seconds(95.55), "95.5 s"},
		{millis(31.6), "32 ms"},
		{percent(0.3), "30%"},
		{decimal(0.82134), "0.8213"},
		{decimal(12), "12"},
		{score(1), "1.000"},
		{decimal(999.94), "999.9"},
		{decimal(12040.4), "12,040"},
		{decimal(0.00031), "0.00031"},
		{interval(47500, 51500.4), "47,500 – 51,500"},
		{step(3600), "1h"},
		{step(300), "5m"},
		{step(45), "45s"},
		{months(1), "1 month"},
		{months(24), "24 months"},
		{optional(nil, decimal), "n/a"},
		{month(monthAt(3)), "2025-10"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
}

func TestActionText(t *testing.T) {
	cases := []struct {
		a    Action
		want string
	}{
		{Action{Kind: ActionScale, Gateway: "gateway-eu", From: &Deployment{3, "c6i.xlarge"}, To: &Deployment{4, "c6i.xlarge"}},
			"scale gateway-eu from 3 x c6i.xlarge to 4 x c6i.xlarge"},
		{Action{Kind: ActionOpen, Gateway: "gateway-ap", AWSRegion: "ap-south-1", ClientRegions: []string{"india", "sri-lanka"}},
			"open gateway-ap in ap-south-1 for india, sri-lanka"},
		{Action{Kind: ActionOpen, Gateway: "gateway-ap", AWSRegion: "ap-south-1", ClientRegions: []string{"india"}, To: &Deployment{3, "c6i.large"}, Reason: "142 ms closer"},
			"open gateway-ap in ap-south-1 for india with 3 x c6i.large: 142 ms closer"},
		{Action{Kind: ActionNote, Reason: "refresh the instance catalog"}, "refresh the instance catalog"},
		{Action{Kind: ActionScale, Gateway: "gateway-eu"}, "scale gateway-eu from ? to ?"},
	}
	for _, c := range cases {
		if got := c.a.Text(); got != c.want {
			t.Errorf("Text() = %q, want %q", got, c.want)
		}
	}
}

func TestExhaustionText(t *testing.T) {
	g := testPlan().Gateways[0]
	cases := []struct {
		month *int
		want  string
	}{
		{nil, "not within 12 months"},
		{ptr(0), "2025-07 (this month)"},
		{ptr(1), "2025-08 (in 1 month)"},
		{ptr(3), "2025-10 (in 3 months)"},
	}
	for _, c := range cases {
		g.ExhaustionMonth = c.month
		if got := exhaustion(g, 12); got != c.want {
			t.Errorf("exhaustion(%v) = %q, want %q", c.month, got, c.want)
		}
	}
}

func TestStormPass(t *testing.T) {
	s := Storm{LimitSeconds: 300, LargestNode: StormCase{Pass: true}}
	if !s.Pass() {
		t.Error("a passing largest-node case without neighbour fails")
	}
	s.NeighbourFailover = &StormCase{Pass: false}
	if s.Pass() {
		t.Error("a failing neighbour failover passes")
	}
}

func TestMonthTicks(t *testing.T) {
	labels := func(from, to time.Time) []string {
		var out []string
		for _, tk := range (monthTicks{}).Ticks(unix(from), unix(to)) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	cases := []struct {
		from, to time.Time
		want     string
	}{
		{monthAt(0), monthAt(5), "2025-07 2025-08 2025-09 2025-10 2025-11 2025-12"},
		{monthAt(-12).Add(time.Hour), monthAt(11), "2024-10 2025-01 2025-04 2025-07 2025-10 2026-01 2026-04"},
		{monthAt(-30), monthAt(12), "2023-01 2023-07 2024-01 2024-07 2025-01 2025-07 2026-01 2026-07"},
		{monthAt(-120), monthAt(0), "2016-01 2018-01 2020-01 2022-01 2024-01"},
	}
	for _, c := range cases {
		if got := strings.Join(labels(c.from, c.to), " "); got != c.want {
			t.Errorf("labels from %s to %s: %s, want %s", month(c.from), month(c.to), got, c.want)
		}
	}
	if ticks := (monthTicks{}).Ticks(math.NaN(), 1); ticks != nil {
		t.Errorf("ticks for NaN: %v", ticks)
	}
}
