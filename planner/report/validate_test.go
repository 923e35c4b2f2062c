package report

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateAcceptsTestPlan(t *testing.T) {
	if err := testPlan().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNil(t *testing.T) {
	var p *Plan
	if err := p.Validate(); err == nil || err.Error() != "report: invalid plan: nil" {
		t.Errorf("Validate(nil) = %v", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(p *Plan)
		want   string
	}{
		{"schema version", func(p *Plan) { p.SchemaVersion = 0 }, "schema_version: 0, want 5"},
		{"as of not UTC", func(p *Plan) { p.AsOf = p.AsOf.In(time.FixedZone("CEST", 7200)) },
			"as_of: 2025-07-01 02:00:00 +0200 CEST is not UTC"},
		{"NaN forecast", func(p *Plan) { p.Gateways[0].Months[2].UpperForecast = math.NaN() },
			`gateways["gateway-eu"].months[2].upper_forecast: NaN is not a number`},
		{"infinite churn", func(p *Plan) { p.Gateways[1].ChurnPerSecond = math.Inf(1) },
			`gateways["gateway-us"].churn_per_second: +Inf is not a number`},
		{"months not consecutive", func(p *Plan) { p.Gateways[1].Months[5].Month = monthAt(6) },
			`gateways["gateway-us"].months[5].month: 2026-01, want 2025-12 (consecutive months)`},
		{"month not first", func(p *Plan) { p.Gateways[0].Forecasts[0].Month = monthAt(0).Add(time.Hour) },
			`gateways["gateway-eu"].forecasts[0].month: 2025-07-01T01:00:00Z is not the first of a month at 00:00`},
		{"horizon", func(p *Plan) { p.Gateways[0].Months = p.Gateways[0].Months[:11] },
			`gateways["gateway-eu"].months: 11 months, want horizon_months 12`},
		{"intervals", func(p *Plan) { p.Gateways[0].Chart.Forecast[1].Lo95 = 1e9 },
			`gateways["gateway-eu"].chart.forecast[1]: intervals out of order: want lo95 1e+09 <= lo80 47500 <= hi80 51500 <= hi95 53500`},
		{"months ahead", func(p *Plan) { p.Gateways[0].Forecasts[2].MonthsAhead = 3 },
			`gateways["gateway-eu"].forecasts[2].months_ahead: 3, want more than 3`},
		{"exhaustion", func(p *Plan) { p.Gateways[0].ExhaustionMonth = ptr(12) },
			`gateways["gateway-eu"].exhaustion_month: 12 is outside months [0, 12)`},
		{"storm verdict", func(p *Plan) { p.Gateways[0].Storm.LargestNode.ReconnectSeconds = 301 },
			`gateways["gateway-eu"].storm.largest_node.pass: true, but reconnect_seconds 301 exceeds limit_seconds 300`},
		{"adopted ratio", func(p *Plan) { p.Gateways[1].AdoptedRegions[0].RatioFrom = "guess" },
			`gateways["gateway-us"].adopted_regions[0].ratio_from: "guess", want "gateway" or "fleet"`},
		{"adopted round trip", func(p *Plan) { p.Gateways[1].AdoptedRegions[0].RTTMillis = 0 },
			`gateways["gateway-us"].adopted_regions[0].rtt_ms: 0, want above 0`},
		{"storm limit", func(p *Plan) { p.Gateways[1].Storm.LimitSeconds = 0 },
			`gateways["gateway-us"].storm.limit_seconds: 0, want > 0`},
		{"empty history", func(p *Plan) { p.Gateways[1].Chart.History = nil },
			`gateways["gateway-us"].chart.history: empty, want at least one point`},
		{"history order", func(p *Plan) { p.Gateways[1].Chart.History[3].Time = monthAt(-11) },
			`gateways["gateway-us"].chart.history[3].time: 2024-08-01T00:00:00Z is not after the previous point's 2024-09-01T00:00:00Z`},
		{"backend upper", func(p *Plan) { p.Backend.Months[3].UpperMessagesPerSecond = -1 },
			`backend.months[3].upper_messages_per_second: -1 is negative`},
		{"backend federated above upper", func(p *Plan) { p.Backend.Months[0].FederatedPerSecond = 2601 },
			`backend.months[0].federated_messages_per_second: 2601 exceeds upper_messages_per_second 2600`},
		{"backend month without queued", func(p *Plan) { p.Backend.Months[2].QueuedMessages = nil },
			`backend.months[2].queued_messages: null while queued_messages_p95 is set: want both or neither`},
		{"backend own NaN", func(p *Plan) { p.Backend.OwnMessagesPerSecond = ptr(math.NaN()) },
			`backend.own_messages_per_second: NaN is not a number`},
		{"backend horizon", func(p *Plan) { p.Backend.Months = p.Backend.Months[:11] },
			`backend.months: 11 months, want horizon_months 12`},
		{"backend nodes", func(p *Plan) { p.Backend.Current.Nodes = 0 },
			`backend.current.nodes: 0, want at least 1`},
		{"backend named as a gateway", func(p *Plan) { p.Backend.Name = "gateway-eu" },
			`backend.name: "gateway-eu" is also gateways["gateway-eu"]`},
		{"duplicate name", func(p *Plan) { p.NewGateways[0].Name = "gateway-us" },
			`new_gateways["gateway-us"].name: "gateway-us" is also gateways["gateway-us"]`},
		{"no nodes", func(p *Plan) { p.NewGateways[0].Months[1].Nodes = 0 },
			`new_gateways["gateway-ap-south-1"].months[1].nodes: 0, want at least 1`},
		{"scale without from", func(p *Plan) { p.Actions[0].From = nil }, "actions[0].from: missing"},
		{"unknown action", func(p *Plan) { p.Actions[1].Kind = "close" },
			`actions[1].kind: "close", want "scale", "open", "later" or "note"`},
		{"inside", func(p *Plan) { p.LastMonth[1].Inside = true },
			`last_month["gateway-us"].inside: true, but lo 27000 <= actual 31000 <= hi 30500 is false`},
		{"coverage", func(p *Plan) { p.Accuracy[0].Coverage95 = ptr(1.5) },
			`accuracy["connections gateway-eu"].coverage95: 1.5 is above 1`},
		{"history kind", func(p *Plan) { p.Inputs.History.Kind = "csv" },
			`inputs.history.kind: "csv", want "snapshot" or "prometheus"`},
		{"capacity profile", func(p *Plan) { p.Capacity[1].Profile.Source = "" }, `capacity["gateway-us"].profile.source: empty`},
		{"empty assumption", func(p *Plan) { p.Assumptions[1] = "" }, "assumptions[1]: empty"},
		{"no fleet cost", func(p *Plan) { p.Summary.FleetCost = nil }, "summary.fleet_cost: empty, want at least today's"},
		{"fleet cost order", func(p *Plan) { p.Summary.FleetCost[2].MonthsAhead = 1 },
			"summary.fleet_cost[2].months_ahead: 1, want more than 1"},
		{"fleet cost month", func(p *Plan) { p.Summary.FleetCost[0].Month = monthAt(0).Add(time.Hour) },
			"summary.fleet_cost[0].month: 2025-07-01T01:00:00Z is not the first of a month at 00:00"},
		{"high scenario cost", func(p *Plan) { p.Summary.HighScenario[1].HighPathCostUSD = nil },
			`summary.high_scenario["gateway-us"].infeasible: "" with high_path_cost_usd null: want exactly one of them`},
		{"runs out", func(p *Plan) { p.Summary.HighScenario[0].RunsOut.Nodes = 0 },
			`summary.high_scenario["gateway-eu"].runs_out.nodes: 0, want at least 1`},
		{"changes file", func(p *Plan) { p.Changes = &Changes{PreviousAsOf: monthAt(-1)} }, "changes.previous_file: empty"},
		{"changed gateway", func(p *Plan) {
			p.Changes = &Changes{PreviousFile: "r.json", PreviousAsOf: monthAt(-1), Gateways: []GatewayChange{{Gateway: "g"}}}
		}, `changes.gateways["g"]: neither previous nor now`},
		{"ratio", func(p *Plan) { p.Ratios[0].StdErr = ptr(-1.0) },
			`ratios["opens_per_connection"].std_err: -1 is negative`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPlan()
			c.change(p)
			err := p.Validate()
			if want := "report: invalid plan: " + c.want; err == nil || err.Error() != want {
				t.Errorf("Validate = %v\nwant %s", err, want)
			}
		})
	}
}

func TestValidateBoundsTheList(t *testing.T) {
	p := testPlan()
	for i := range p.Gateways[0].Months {
		p.Gateways[0].Months[i].MonthlyCostUSD = math.NaN()
	}
	err := p.Validate()
	if err == nil {
		t.Fatal("Validate accepted NaN costs")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxErrors+1 || lines[maxErrors] != "and 2 more" {
		t.Errorf("Validate listed %d lines ending %q, want %d and \"and 2 more\"", len(lines), lines[len(lines)-1], maxErrors+1)
	}
}
