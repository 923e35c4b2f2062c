package report

import (
	"time"
)

// The hand-made plan of the golden tests: two gateways (gateway-eu grows
// past its current deployment in month 4 and takes gateway-us's clients
// when that fails; gateway-us has room and no neighbour) and one new
// gateway for india.

func monthAt(i int) time.Time {
	return time.Date(2025, time.Month(7+i), 1, 0, 0, 0, 0, time.UTC)
}

func ptr[T any](v T) *T { return &v }

// band is a forecast of level, growing by slope a month, with intervals
// widening with the square root of the lead time.
func band(level, slope float64, i int) BandPoint {
	p := level + slope*float64(i)
	w := 1000 * float64(i+1)
	return BandPoint{Time: monthAt(i), Point: p, Lo80: p - w, Hi80: p + w, Lo95: p - 2*w, Hi95: p + 2*w}
}

func testGateway(name, region string, clients []string, level, slope float64, cur, rec MonthPlan) Gateway {
	g := Gateway{
		Name: name, AWSRegion: region, ClientRegions: clients,
		Connections: level - slope, ChurnPerSecond: level / 4000,
		Current: Current{Deployment: cur.Deployment, CapacityConnections: cur.CapacityConnections, Binding: cur.Binding,
			Headroom: 1 - (level-slope)/cur.CapacityConnections, MonthlyCostUSD: cur.MonthlyCostUSD},
	}
	for i := range 12 {
		b := band(level, slope, i)
		g.Chart.Forecast = append(g.Chart.Forecast, b)
		m := rec
		m.Month, m.UpperForecast = b.Time, b.Hi95
		g.Months = append(g.Months, m)
		if g.ExhaustionMonth == nil && b.Hi95 > cur.CapacityConnections {
			g.ExhaustionMonth = ptr(i)
		}
		g.PathCostUSD += m.MonthlyCostUSD
	}
	if rec.Deployment != cur.Deployment {
		g.PathChanges, g.PathCostUSD = 1, g.PathCostUSD+500
	}
	for _, ahead := range []int{1, 3, 6, 12} {
		b := band(level, slope, ahead-1) // month 1 ahead is Months[0]
		g.Forecasts = append(g.Forecasts, Forecast{MonthsAhead: ahead, Month: b.Time, Point: b.Point, Lo80: b.Lo80, Hi80: b.Hi80, Lo95: b.Lo95, Hi95: b.Hi95})
	}
	for i := -12; i < 0; i++ {
		g.Chart.History = append(g.Chart.History, Point{Time: monthAt(i), Value: level + slope*float64(i) + float64(i%3)*500})
	}
	g.Chart.Capacity = []Point{
		{Time: monthAt(-12), Value: cur.CapacityConnections},
		{Time: monthAt(0), Value: rec.CapacityConnections},
		{Time: monthAt(11), Value: rec.CapacityConnections},
	}
	return g
}

// testBackend is sized in messages per second: 3 x m6i.xlarge today, 3 x
// m6i.large for six months, then 5 of them.
func testBackend() *Backend {
	b := &Backend{
		Name: "backend", AWSRegion: "eu-west-1", MessagesPerSecond: ptr(2400.0), OwnMessagesPerSecond: ptr(600.0),
		OwnConnections: ptr(180.0), FederationLinks: 3, QueuedMessages: ptr(40000.0), BytesPerQueuedMessage: 1450,
		Federated: []FederatedGateway{{Gateway: "gateway-eu", MessagesPerConnection: 0.0167}, {Gateway: "gateway-us", MessagesPerConnection: 0.0165}},
		Notes:     []string{"The history has no queue depth: messages waiting in queues are not sized for."},
		Current: BackendCurrent{Deployment: Deployment{3, "m6i.xlarge"}, CapacityMessagesPerSecond: 7800, Binding: "cpu",
			MonthlyCostUSD: 420.48},
		PathCostUSD: 3963.84, PathChanges: 2,
	}
	for i := range 12 {
		m := BackendMonth{Month: monthAt(i), UpperMessagesPerSecond: float64(2600 + 250*i), FederatedPerSecond: float64(2000 + 250*i),
			Connections: 183, QueuedMessages: ptr(float64(40000 + 4000*i)), Deployment: Deployment{3, "m6i.large"}, CapacityMessagesPerSecond: 3900, Binding: "cpu", MonthlyCostUSD: 210.24}
		if i >= 6 {
			m.Nodes, m.CapacityMessagesPerSecond, m.MonthlyCostUSD = 5, 7800, 350.40
		}
		b.Months = append(b.Months, m)
	}
	return b
}

func testPlan() *Plan {
	eu := testGateway("gateway-eu", "eu-west-1", []string{"germany", "france"}, 48000, 1500,
		MonthPlan{Deployment: Deployment{3, "c6i.xlarge"}, CapacityConnections: 60000, Binding: "memory", MonthlyCostUSD: 372.3},
		MonthPlan{Deployment: Deployment{4, "c6i.xlarge"}, CapacityConnections: 90000, Binding: "memory", MonthlyCostUSD: 496.4})
	eu.Storm = Storm{
		LimitSeconds:      300,
		LargestNode:       StormCase{DroppedConnections: 12000, ReconnectSeconds: 95.5, Pass: true},
		NeighbourFailover: &StormCase{Neighbour: "gateway-us", DroppedConnections: 30000, ReconnectSeconds: 241.25, Pass: true},
	}
	us := testGateway("gateway-us", "us-east-1", []string{"usa", "canada"}, 30000, 500,
		MonthPlan{Deployment: Deployment{3, "m6i.large"}, CapacityConnections: 60000, Binding: "cpu", MonthlyCostUSD: 210.24},
		MonthPlan{Deployment: Deployment{3, "m6i.large"}, CapacityConnections: 60000, Binding: "cpu", MonthlyCostUSD: 210.24})
	us.Storm = Storm{LimitSeconds: 300, LargestNode: StormCase{DroppedConnections: 10000, ReconnectSeconds: 120, Pass: true}}
	// Mexico has no gateway of its own; gateway-us is the nearest.
	us.AdoptedRegions = []AdoptedRegion{{ClientRegion: "mexico", RTTMillis: 62.5, ConnectionsPerDevice: 0.6125, RatioFrom: RatioFleet}}
	// gateway-eu is forecast from its devices line, gateway-us from its
	// history: its line falls.
	eu.Method = MethodSales
	eu.Fit = &DemandFit{Slope: 0.8213, SlopeStdErr: 0.0131, Intercept: 1204, InterceptStdErr: 340.5, R2: 0.9972, N: 12, Flaws: []string{}}
	for _, f := range eu.Forecasts {
		d := 10000 + 1800*float64(f.MonthsAhead)
		eu.Scenarios = append(eu.Scenarios, ScenarioForecast{
			MonthsAhead: f.MonthsAhead, Month: f.Month, LowDevices: d - 200*float64(f.MonthsAhead), BaseDevices: d,
			HighDevices: d + 200*float64(f.MonthsAhead),
			Low:         Band95{Point: f.Point - 160*float64(f.MonthsAhead), Lo95: f.Lo95 + 100, Hi95: f.Hi95 - 400},
			High:        Band95{Point: f.Point + 160*float64(f.MonthsAhead), Lo95: f.Lo95 + 400, Hi95: f.Hi95 - 100},
		})
	}
	us.Method = MethodHistory
	us.Fit = &DemandFit{Slope: -0.04, SlopeStdErr: 0.01, Intercept: 31000, InterceptStdErr: 900, R2: 0.61, N: 12,
		Flaws: []string{"connections per device -0.04 is negative: more devices sold, fewer connections"}}

	india := MonthPlan{UpperForecast: 15000, Deployment: Deployment{3, "c6i.large"}, CapacityConnections: 20000, Binding: "memory", MonthlyCostUSD: 186.15}
	return &Plan{
		SchemaVersion: SchemaVersion,
		AsOf:          monthAt(0),
		HorizonMonths: 12,
		Inputs: Inputs{
			FleetFile: "fleet.yml", SalesFile: "sales.csv", CatalogSource: "embedded snapshot",
			CapacitySource: "embedded profiles by RabbitMQ version", RabbitMQVersion: "3.10.8, 4.3.6",
			History: HistorySource{Kind: "snapshot", Location: "history.json.gz", Start: monthAt(-12), End: monthAt(0), StepSeconds: 3600},
		},
		// Today: 372.30 + 210.24 + the backend's 420.48; then the
		// recommendations, gateway-ap-south-1's (2 months) in the first month
		// only, the backend's 210.24 to month 6 and 350.40 from month 7.
		Summary: Summary{
			FleetCost: []FleetCost{
				{MonthsAhead: 0, Month: monthAt(0), MonthlyCostUSD: 1003.02},
				{MonthsAhead: 1, Month: monthAt(0), MonthlyCostUSD: 1103.03},
				{MonthsAhead: 6, Month: monthAt(5), MonthlyCostUSD: 916.88},
				{MonthsAhead: 12, Month: monthAt(11), MonthlyCostUSD: 1057.04},
			},
			HighScenario: []HighScenarioGateway{
				{Gateway: "gateway-eu", RunsOut: &RunOut{Month: monthAt(10), UpperForecast: 92000, Deployment: Deployment{4, "c6i.xlarge"},
					CapacityConnections: 90000, Binding: "memory"}, BasePathCostUSD: 6456.8, HighPathCostUSD: ptr(6754.8)},
				{Gateway: "gateway-us", BasePathCostUSD: 2522.88, HighPathCostUSD: ptr(2522.88)},
			},
		},
		Actions: []Action{
			{Kind: ActionScale, Gateway: "gateway-eu", From: &Deployment{3, "c6i.xlarge"}, To: &Deployment{4, "c6i.xlarge"},
				Reason: "the upper forecast exceeds today's capacity in 2025-10"},
			{Kind: ActionOpen, Gateway: "gateway-ap-south-1", AWSRegion: "ap-south-1", ClientRegions: []string{"india"}, To: &Deployment{3, "c6i.large"}},
			{Kind: ActionLater, Gateway: "gateway-eu", From: &Deployment{3, "c6i.xlarge"}, To: &Deployment{5, "c6i.xlarge"},
				Month: ptrTime(monthAt(1)), Start: ptrTime(monthAt(0)), Reason: "2025-08's upper forecast exceeds 3 x c6i.xlarge's capacity (binding: failover-alarm)"},
			{Kind: ActionLater, Gateway: "backend", From: &Deployment{3, "m6i.large"}, To: &Deployment{5, "m6i.large"},
				Month: ptrTime(monthAt(6)), Start: ptrTime(monthAt(5)), Reason: "2026-01's upper forecast of 4100 messages per second exceeds the 3900 3 x m6i.large carries within the targets (binding: cpu)"},
		},
		Backend:  testBackend(),
		Gateways: []Gateway{eu, us},
		NewGateways: []NewGateway{{
			Name: "gateway-ap-south-1", AWSRegion: "ap-south-1", ClientRegions: []string{"india"},
			Devices: 25000, RTTBeforeMillis: 182.4, RTTAfterMillis: 31.6,
			FailoverTo: "gateway-eu", FailoverRTTMillis: 125, RepointUSD: 1800,
			Months: []MonthPlan{withMonth(india, 0), withMonth(india, 1)},
		}},
		Placement: Placement{
			Decision: "Open gateway-ap-south-1 in ap-south-1 for india (32 ms instead of 182), $290 a month, failing over " +
				"to gateway-eu (125 ms). Reassign canada to gateway-us (25 ms instead of 110): it grows by $0 a month, and " +
				"re-pointing costs $0 once.",
			RepointUSDPerDevice: 0.1, AmortiseMonths: 2,
			Regions: []PlacedRegion{
				{ClientRegion: "canada", Outcome: PlacementReassigned, From: "gateway-eu", To: "gateway-us", Devices: 4000,
					RTTBeforeMillis: 110, RTTAfterMillis: 25, Why: "moves from gateway-eu (110 ms) to gateway-us (25 ms)"},
				{ClientRegion: "india", Outcome: PlacementNewGateway, From: "gateway-eu", To: "gateway-ap-south-1", Devices: 25000,
					DevicesInField: 18000, RTTBeforeMillis: 182.4, RTTAfterMillis: 31.6, RepointUSD: 1800,
					Why: "moves from gateway-eu (182 ms) to the new gateway-ap-south-1 in ap-south-1 (32 ms)"},
			},
		},
		Accuracy: []Accuracy{
			{Series: "connections gateway-eu", Model: "ETS(A,Ad,N)", MASE: ptr(0.62), SeasonalNaiveMASE: ptr(1.0),
				LinearTrendMASE: ptr(0.853), Coverage80: ptr(0.78), Coverage95: ptr(0.94)},
			{Series: "connections gateway-us", Model: "seasonal naive"},
		},
		DemandAccuracy: []DemandAccuracy{{
			Gateway: "gateway-eu", Forecasts: 45, MaxAhead: 9,
			Error95:    []AheadFigure{{1, 0.012}, {3, 0.021}, {6, 0.03}, {12, 0.0458}},
			Coverage80: ptr(0.8), Coverage95: ptr(0.9333),
		}},
		SalesSpread: SalesSpread{Default: 0.2, Source: SpreadDefault, RowsWithOwn: 12},
		LastMonth: []LastMonthCheck{
			{Gateway: "gateway-eu", Month: monthAt(-1), Interval: 95, Point: 46000, Lo: 43000, Hi: 49500, Actual: 46500, Inside: true},
			{Gateway: "gateway-us", Month: monthAt(-1), Interval: 95, Point: 29000, Lo: 27000, Hi: 30500, Actual: 31000, Inside: false},
		},
		Assumptions: []string{
			"Headroom 30% above the upper 95% forecast | redundancy N+1",
			"Clients reconnect with jittered back-off; <script>alert(1)</script> is only text",
			"Prices: on-demand Linux in each AWS region, 730 h a month",
		},
		Capacity: []CapacityFit{
			{Cluster: "gateway-eu", RabbitMQVersion: "4.0.5", Profile: CapacityProfile{Source: "embedded profile rabbitmq-4.3.6.json",
				RabbitMQVersion: "4.3.6", Why: "nearest to the cluster's 4.0.5"}, Figures: []CapacityFigure{
				{Name: "memory per connection", Unit: "bytes/connection", Observed: ptr(110400.0), R2: ptr(0.9935), Samples: 9593,
					Profile: 423333, Used: "observed", Why: "R² 0.99 over 9593 samples", Differs: true},
				{Name: "file descriptor limit per node", Unit: "descriptors", Observed: ptr(65536.0), Profile: 1048576,
					Used: "observed", Why: "the nodes' limit in the history", Differs: true},
			}},
			{Cluster: "gateway-us", Profile: CapacityProfile{Source: "embedded profile rabbitmq-3.10.8.json", RabbitMQVersion: "3.10.8",
				Why: "no RabbitMQ version in the history: the default profile, as before the planner read versions"}, Figures: []CapacityFigure{
				{Name: "memory per connection", Unit: "bytes/connection", Profile: 423333, Used: "profile", Why: "no usable samples in the history"},
				{Name: "memory high watermark", Unit: "share of RAM", Profile: 0.6, Used: "profile", Why: "no memory limit in the history: the default"},
			}},
		},
		Ratios: []Ratio{
			{Name: "opens_per_connection", Scope: "fleet", Value: 0.00031, Unit: "1/s"},
		},
	}
}

func withMonth(m MonthPlan, i int) MonthPlan {
	m.Month = monthAt(i)
	return m
}

func ptrTime(t time.Time) *time.Time { return &t }
