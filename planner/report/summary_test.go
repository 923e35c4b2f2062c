package report

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestSummarySection(t *testing.T) {
	s := summarySection(testPlan())
	wantText := []string{
		"The fleet costs $1,003 a month today; on the plan, proposed gateways included, it costs $1,103 in 2025-07 " +
			"(after this month's actions), $917 in 2025-12 (6 months ahead) and $1,057 in 2026-06 (12 months ahead).",
		"What to do, and by when (the reasons are under Actions):",
	}
	wantBullets := []string{
		"now: scale gateway-eu from 3 x c6i.xlarge to 4 x c6i.xlarge",
		"now: open gateway-ap-south-1 in ap-south-1 for india with 3 x c6i.large",
		"start by 2025-07, in place by 2025-08: scale gateway-eu from 3 x c6i.xlarge to 5 x c6i.xlarge",
		"start by 2025-12, in place by 2026-01: scale backend from 3 x m6i.large to 5 x m6i.large",
	}
	// 6,754.80 + 2,522.88 against 6,456.80 + 2,522.88: $298 more, $24.83
	// a month over 12.
	wantNotes := []string{
		"Placement: " + testPlan().Placement.Decision,
		"If sales come in at the high scenario (the plan times 1 plus its spread), on the base plan's deployments: " +
			"gateway-eu runs out in 2026-05, its upper forecast of 92,000 connections above the 90,000 that 4 x c6i.xlarge " +
			"carries then (binding: memory); gateway-us carries the high demand to the horizon's end.",
		"Sized for the high scenario, the existing gateways would cost $9,278 over 12 months against the base plan's $8,980: " +
			"$298 more, $25 a month on average.",
	}
	if s.ID != secSummary || s.Title != "Executive summary" || !slices.Equal(s.Text, wantText) ||
		!slices.Equal(s.Bullets, wantBullets) || !slices.Equal(s.Notes, wantNotes) {
		t.Errorf("summary section:\n%s\n%s\n%s", strings.Join(s.Text, "\n"), strings.Join(s.Bullets, "\n"), strings.Join(s.Notes, "\n"))
	}
}

func TestHighScenarioText(t *testing.T) {
	p := testPlan()
	if got := highScenarioText(nil, 12); !slices.Equal(got, []string{
		"No gateway is forecast from the sales plan, so the sales scenarios change nothing."}) {
		t.Errorf("no sales gateway: %q", got)
	}
	hs := p.Summary.HighScenario
	hs[0].RunsOut, hs[0].HighPathCostUSD = nil, ptr(6456.8)
	want := []string{
		"If sales come in at the high scenario (the plan times 1 plus its spread), on the base plan's deployments: " +
			"every gateway carries the high demand to the horizon's end.",
		"Sized for the high scenario, the existing gateways would cost $8,980 over 12 months against the base plan's $8,980: the same.",
	}
	if got := highScenarioText(hs, 12); !slices.Equal(got, want) {
		t.Errorf("nothing runs out:\n%s", strings.Join(got, "\n"))
	}
	hs[1].HighPathCostUSD, hs[1].Infeasible = nil, "2026-06: no instance type offered in us-east-1 carries 1000000 connections"
	got := highScenarioText(hs, 12)
	if want := "No plan carries the high scenario: gateway-us, 2026-06: no instance type offered in us-east-1 carries 1000000 connections."; len(got) != 2 || got[1] != want {
		t.Errorf("infeasible: %q, want second %q", got, want)
	}
}

// The horizon shorter than 24 months: its last month stands in, once.
func TestCostSentence(t *testing.T) {
	costs := []FleetCost{{0, monthAt(0), 100}, {1, monthAt(0), 120.5}, {3, monthAt(2), 130}}
	want := "The fleet costs $100 a month today; on the plan, proposed gateways included, it costs $121 in 2025-07 " +
		"(after this month's actions) and $130 in 2025-09 (3 months ahead)."
	if got := costSentence(costs); got != want {
		t.Errorf("costSentence = %q\nwant %q", got, want)
	}
}

// The month-by-month table is the appendix, at the end, folded in
// report.html.
func TestAppendixCollapsed(t *testing.T) {
	b := writeReport(t, testPlan())["report.html"]
	doc := parseHTML(t, b)
	var summaries []string
	var inDetails, tables int
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "details":
			if p := n.Parent; p == nil || p.Data != "section" || attr(p, "id") != secAppendix {
				t.Errorf("<details> outside the appendix")
			}
			walk(n, func(c *html.Node) {
				switch c.Data {
				case "summary":
					summaries = append(summaries, c.FirstChild.Data)
				case "tr":
					inDetails++
				}
			})
		case "table":
			tables++
		}
	})
	if !slices.Equal(summaries, []string{"Migration path: deployment by month (24 rows)",
		"Backend backend: deployment by month, in messages per second (12 rows)"}) || inDetails != 1+24+1+12 {
		t.Errorf("<details> summaries %q with %d rows, want the gateways' month-by-month table's 24 and the backend's 12, with their headers", summaries, inDetails)
	}
	md := string(writeReport(t, testPlan())["report.md"])
	i, j := strings.Index(md, "\n## Appendix: deployment by month\n"), strings.Index(md, "| gateway-us | 2026-06 | 59,500 | 3 x m6i.large | 60,000 | cpu | $210 |\n")
	if i < 0 || j < i || strings.Contains(md[i+1:], "\n## ") {
		t.Errorf("report.md: the appendix at %d, its last row at %d: want the last section, holding the table", i, j)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
