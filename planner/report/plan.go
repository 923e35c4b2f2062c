package report

import "time"

// SchemaVersion is the version of Plan's JSON form (report.json). It changes
// whenever a field is renamed, removed or changes meaning.
//
// Version 2 added capacity (observed against profile), actions of kind
// "later" with month and start, gateways' path_cost_usd, and made binding
// the constraint that sets the capacity (a storm or failover target where
// one binds) rather than always the node's resource.
//
// Version 3 added gateways' method, fit and scenarios, demand_accuracy and
// sales_spread; the forecasts' intervals now include the sales plan's
// error, and ratios no longer repeat the fit's slope and intercept. It also
// added capacity[].rabbitmq_version and capacity[].profile (the profile
// that sized each cluster, chosen by its version), and made
// inputs.rabbitmq_version the versions of every profile used.
//
// Version 4 added gateways' adopted_regions (client regions the fleet
// file routes to no gateway, carried by the nearest one, whose forecasts
// and months now include them), summary (the fleet's monthly cost now and
// ahead, and the risk of the high sales scenario) and changes (what changed
// since the previous report, null without one), and backend (the backend
// cluster sized by messages per second over the horizon, null when the
// fleet has none; its steps are among the actions, gateway naming it, and
// its cost is in summary.fleet_cost). Every field of version 3 is kept
// with its meaning, so a reader of version 3 reads version 4.
//
// Version 5 added placement (per client region above the latency target:
// stays, reassigned to an existing gateway or moved to a new one, and why,
// with the re-pointing price) and new_gateways' failover_to,
// failover_rtt_ms and repoint_usd. Version 4's fields keep their meaning.
const SchemaVersion = 5

// OldestComparable is the oldest schema version a previous report may
// have to be compared with (Compare): the fields it reads are the same
// from this version on.
const OldestComparable = 3

// Plan is everything the report shows, as plain data: the models fill it,
// the writers only format it. Times are UTC; months are the first of the
// month at 00:00. Optional numbers are pointers (null in JSON) because JSON
// has no NaN.
type Plan struct {
	SchemaVersion int `json:"schema_version"`
	// AsOf is the end of the history the plan was computed from; the report
	// shows no other "now".
	AsOf time.Time `json:"as_of"`
	// HorizonMonths is how many months every gateway's Months covers.
	HorizonMonths int    `json:"horizon_months"`
	Inputs        Inputs `json:"inputs"`
	// Summary is the decision in brief; the report opens with it.
	Summary Summary `json:"summary"`
	// Changes is what changed since a previous report; nil when none was
	// given.
	Changes *Changes `json:"changes"`
	// Actions are what to do this month, most important first.
	Actions     []Action     `json:"actions"`
	Gateways    []Gateway    `json:"gateways"`
	NewGateways []NewGateway `json:"new_gateways"`
	// Placement says, per client region above the latency target, whether
	// it stays, is reassigned or moves to a new gateway, and why.
	Placement Placement `json:"placement"`
	// Backend is the backend cluster's plan; nil when the fleet has none.
	Backend *Backend `json:"backend"`
	// Accuracy is the time-series engine's backtest of daily p95 series,
	// DemandAccuracy that of the forecast sizing uses.
	Accuracy       []Accuracy       `json:"accuracy"`
	DemandAccuracy []DemandAccuracy `json:"demand_accuracy"`
	// SalesSpread is how uncertain the sales plan is taken to be.
	SalesSpread SalesSpread      `json:"sales_spread"`
	LastMonth   []LastMonthCheck `json:"last_month"`
	Assumptions []string         `json:"assumptions"`
	Ratios      []Ratio          `json:"ratios"`
	// Capacity is, per cluster (gateways, then the backend), the capacity
	// figures its history shows
	// against the profile's, and which the sizing used.
	Capacity []CapacityFit `json:"capacity"`
}

// CapacityFit is one cluster's capacity figures, observed against the
// profile (or default limit).
type CapacityFit struct {
	Cluster string `json:"cluster"`
	// RabbitMQVersion is the cluster's version in the history; "" when it
	// shows none.
	RabbitMQVersion string `json:"rabbitmq_version"`
	// Profile is the capacity profile the cluster was sized with.
	Profile CapacityProfile  `json:"profile"`
	Figures []CapacityFigure `json:"figures"`
}

// CapacityProfile names a capacity profile, the RabbitMQ version it was
// measured on, and why it sized a cluster.
type CapacityProfile struct {
	Source          string `json:"source"`
	RabbitMQVersion string `json:"rabbitmq_version"`
	Why             string `json:"why"`
}

// CapacityFigure is one figure: memory or file descriptors per connection
// or per idle node (fitted by least squares), or a limit (read).
type CapacityFigure struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	// Observed is nil when the history has no such figure; R2 and Samples
	// are the fit's (nil and 0 for a limit).
	Observed *float64 `json:"observed"`
	R2       *float64 `json:"r2"`
	Samples  int      `json:"samples"`
	Profile  float64  `json:"profile"`
	// Used is "observed" or "profile"; Why says why.
	Used string `json:"used"`
	Why  string `json:"why"`
	// Differs says observed and profile differ by more than 20% of the
	// profile's.
	Differs bool `json:"differs"`
}

// Inputs say where the plan's data came from, so a reader can reproduce it.
type Inputs struct {
	FleetFile string `json:"fleet_file"`
	SalesFile string `json:"sales_file"`
	// CatalogSource is e.g. "embedded snapshot" or a file name.
	CatalogSource string `json:"catalog_source"`
	// CapacitySource is the profile file given for every cluster, or the
	// set of profiles each cluster's was chosen from by its version;
	// RabbitMQVersion lists the versions the profiles used were measured
	// on, comma-separated.
	CapacitySource  string        `json:"capacity_source"`
	RabbitMQVersion string        `json:"rabbitmq_version"`
	History         HistorySource `json:"history"`
}

// HistorySource is the snapshot file or Prometheus server the history was
// read from, and the range read.
type HistorySource struct {
	// Kind is "snapshot" or "prometheus"; Location the file name or URL.
	Kind        string    `json:"kind"`
	Location    string    `json:"location"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	StepSeconds int64     `json:"step_seconds"`
}

// Action kinds.
const (
	ActionScale = "scale" // change an existing gateway's deployment
	ActionOpen  = "open"  // open a new gateway
	ActionNote  = "note"  // anything else, said in Reason
	ActionLater = "later" // a later step of a gateway's path: From, To, Month, Start
)

// Action is one thing to do this month. Text renders it as a sentence.
type Action struct {
	Kind string `json:"kind"`
	// Gateway is the gateway scaled (scale, later) or opened (open); the
	// backend's name for a step of the backend's path.
	Gateway string `json:"gateway,omitempty"`
	// From and To are the deployments before and after (scale; To for open).
	From *Deployment `json:"from,omitempty"`
	To   *Deployment `json:"to,omitempty"`
	// AWSRegion and ClientRegions say where a new gateway goes and whom it
	// serves (open).
	AWSRegion     string   `json:"aws_region,omitempty"`
	ClientRegions []string `json:"client_regions,omitempty"`
	// Reason is why, in a few words; the whole text of a note.
	Reason string `json:"reason,omitempty"`
	// Month is when a later step must be in place, Start when it must
	// start (Month less the lead time, this month at the earliest).
	Month *time.Time `json:"month,omitempty"`
	Start *time.Time `json:"start,omitempty"`
}

// Deployment is a number of nodes of one instance type.
type Deployment struct {
	Nodes        int    `json:"nodes"`
	InstanceType string `json:"instance_type"`
}

// Gateway is one existing gateway: where it stands and what it needs.
type Gateway struct {
	Name          string   `json:"name"`
	AWSRegion     string   `json:"aws_region"`
	ClientRegions []string `json:"client_regions"`
	// AdoptedRegions are client regions no gateway serves in the fleet
	// file that this one carries, being the nearest: its forecasts and
	// months include their connections, its Fit does not.
	AdoptedRegions []AdoptedRegion `json:"adopted_regions"`
	// Connections is the current (last month's) p95 connection count;
	// ChurnPerSecond the current connections opened per second.
	Connections    float64 `json:"connections_p95"`
	ChurnPerSecond float64 `json:"churn_per_second"`
	// Method is how the forecast was made (MethodSales or MethodHistory).
	Method string `json:"method"`
	// Fit is the devices line fitted to the history, used or not; nil when
	// the history was too short for one.
	Fit *DemandFit `json:"fit"`
	// Forecasts are p95 connections some months ahead (1, 3, 6, 12);
	// their intervals include the sales plan's error.
	Forecasts []Forecast `json:"forecasts"`
	// Scenarios are the same months under the low and high sales
	// scenarios; empty unless Method is MethodSales.
	Scenarios []ScenarioForecast `json:"scenarios"`
	Current   Current            `json:"current"`
	// Months is the recommendation for each month of the horizon; Months[0]
	// is this month's.
	Months []MonthPlan `json:"months"`
	// ExhaustionMonth is the index into Months of the first month whose
	// upper forecast exceeds the current deployment's capacity (0: this
	// month already); nil when that does not happen within the horizon.
	ExhaustionMonth *int  `json:"exhaustion_month"`
	Storm           Storm `json:"storm"`
	Chart           Chart `json:"chart"`
	// PathCostUSD is the path's cost over the horizon: instances plus the
	// change prices; PathChanges the months it changes the deployment.
	PathCostUSD float64 `json:"path_cost_usd"`
	PathChanges int     `json:"path_changes"`
}

// AdoptedRegion is a client region carried by the gateway with the
// lowest round trip from it, RTTMillis, because the fleet file routes it
// to none. Its devices become connections at ConnectionsPerDevice, whose
// source RatioFrom names.
type AdoptedRegion struct {
	ClientRegion         string  `json:"client_region"`
	RTTMillis            float64 `json:"rtt_ms"`
	ConnectionsPerDevice float64 `json:"connections_per_device"`
	RatioFrom            string  `json:"ratio_from"`
}

// Sources of an adopted region's connections per device.
const (
	// RatioGateway is the carrying gateway's devices line's slope.
	RatioGateway = "gateway"
	// RatioFleet is the mean slope of the fleet's devices lines, for a
	// gateway forecast from its history alone.
	RatioFleet = "fleet"
)

// Forecast is a point forecast with its 80% and 95% prediction intervals.
// MonthsAhead counts the horizon's months: 1 is its first, Months[0].
type Forecast struct {
	MonthsAhead int       `json:"months_ahead"`
	Month       time.Time `json:"month"`
	Point       float64   `json:"point"`
	Lo80        float64   `json:"lo80"`
	Hi80        float64   `json:"hi80"`
	Lo95        float64   `json:"lo95"`
	Hi95        float64   `json:"hi95"`
}

// Forecast methods.
const (
	// MethodSales is the devices line: connections from the sales plan.
	MethodSales = "sales"
	// MethodHistory is the time-series engine on daily p95 connections,
	// the sales plan unused: the history was too short for a line, or the
	// line was implausible.
	MethodHistory = "history"
)

// DemandFit is a gateway's least-squares line of monthly p95 connections
// on devices sold: Slope connections per device, Intercept the
// connections the sales file does not explain, with their standard
// errors, R2 and N months.
type DemandFit struct {
	Slope           float64 `json:"slope"`
	SlopeStdErr     float64 `json:"slope_std_err"`
	Intercept       float64 `json:"intercept"`
	InterceptStdErr float64 `json:"intercept_std_err"`
	R2              float64 `json:"r2"`
	N               int     `json:"n"`
	// Flaws say why the line was not used; empty when it was.
	Flaws []string `json:"flaws"`
}

// ScenarioForecast is one month's forecast under the sales scenarios: the
// devices each assumes, and the forecast if sales come in low or high,
// with the 95% interval of the line's error alone (the base forecast's
// interval, in Forecasts, holds the sales plan's error as well).
type ScenarioForecast struct {
	MonthsAhead int       `json:"months_ahead"`
	Month       time.Time `json:"month"`
	LowDevices  float64   `json:"low_devices"`
	BaseDevices float64   `json:"base_devices"`
	HighDevices float64   `json:"high_devices"`
	Low         Band95    `json:"low"`
	High        Band95    `json:"high"`
}

// Band95 is a point forecast and its 95% interval.
type Band95 struct {
	Point float64 `json:"point"`
	Lo95  float64 `json:"lo95"`
	Hi95  float64 `json:"hi95"`
}

// Spread sources.
const (
	SpreadLearned = "learned" // from the sales file's past plans and actuals
	SpreadDefault = "default" // the stated default
)

// SalesSpread is the sales plan's 95% relative error: rows that state an
// uncertainty use theirs, the others Default, learned from Samples past
// region-months with both a plan and an actual, or the stated default
// when there were too few (Source says which).
type SalesSpread struct {
	Default     float64 `json:"default"`
	Source      string  `json:"source"`
	Samples     int     `json:"samples"`
	RowsWithOwn int     `json:"rows_with_own"`
}

// DemandAccuracy is the rolling-origin backtest of one gateway's devices
// line: refitted on the first months, judged on the later ones.
type DemandAccuracy struct {
	Gateway string `json:"gateway"`
	// Forecasts is how many backtest forecasts were judged, MaxAhead the
	// farthest months ahead any reached (beyond it the error grows with
	// the square root of the months).
	Forecasts int `json:"forecasts"`
	MaxAhead  int `json:"max_ahead"`
	// Error95 is the line's relative 95% error some months ahead (1, 3,
	// 6, 12); nil without a backtest.
	Error95 []AheadFigure `json:"error95"`
	// Coverage80 and Coverage95 are the shares of backtest forecasts
	// inside their intervals, each drawn from the other origins' errors;
	// nil with fewer than two origins.
	Coverage80 *float64 `json:"coverage80"`
	Coverage95 *float64 `json:"coverage95"`
	// SalesPlanned says the forecasts judged were made from what the sales
	// plan had said (planned_new_customers), so the coverage includes the
	// plan's error; false: from the sales that happened.
	SalesPlanned bool `json:"sales_planned"`
}

// AheadFigure is a figure some months ahead.
type AheadFigure struct {
	MonthsAhead int     `json:"months_ahead"`
	Value       float64 `json:"value"`
}

// Current is the deployment running today and what it carries.
type Current struct {
	Deployment
	// CapacityConnections is what the deployment carries within the targets
	// (headroom, redundancy, storm check); Binding the constraint that
	// sets it: the node's resource (memory, cpu, fd, network) under the
	// headroom target, else storm-time, storm-alarm, failover-time or
	// failover-alarm.
	CapacityConnections float64 `json:"capacity_connections"`
	Binding             string  `json:"binding"`
	// Headroom is the fraction of that capacity still free at the current
	// p95 connections (negative when over).
	Headroom       float64 `json:"headroom"`
	MonthlyCostUSD float64 `json:"monthly_cost_usd"`
}

// MonthPlan is the deployment of one month on the gateway's path: it meets
// the targets that month (Binding as in Current).
type MonthPlan struct {
	Month time.Time `json:"month"`
	// UpperForecast is the upper bound of the interval sized for.
	UpperForecast float64 `json:"upper_forecast"`
	Deployment
	CapacityConnections float64 `json:"capacity_connections"`
	Binding             string  `json:"binding"`
	MonthlyCostUSD      float64 `json:"monthly_cost_usd"`
}

// Storm is the reconnection-storm check of this month's recommended
// deployment.
type Storm struct {
	// LimitSeconds is the longest a re-accept may take (the fleet target).
	LimitSeconds float64 `json:"limit_seconds"`
	// LargestNode is the loss of the largest node.
	LargestNode StormCase `json:"largest_node"`
	// NeighbourFailover is the failover_to neighbour failing as a whole;
	// nil when no gateway fails over to this one.
	NeighbourFailover *StormCase `json:"neighbour_failover"`
}

// StormCase is one failure scenario of the storm check.
type StormCase struct {
	// Neighbour is the gateway whose clients arrive (neighbour failover).
	Neighbour          string  `json:"neighbour,omitempty"`
	DroppedConnections float64 `json:"dropped_connections"`
	ReconnectSeconds   float64 `json:"reconnect_seconds"`
	// Pass is the sizing's verdict: within the time limit and below the
	// memory and fd alarms on every survivor.
	Pass bool `json:"pass"`
}

// Pass reports whether every scenario of the check passes.
func (s Storm) Pass() bool {
	return s.LargestNode.Pass && (s.NeighbourFailover == nil || s.NeighbourFailover.Pass)
}

// Chart is what a gateway's chart draws: history, forecast band and
// capacity, oldest first.
type Chart struct {
	History  []Point     `json:"history"`
	Forecast []BandPoint `json:"forecast"`
	// Capacity is the capacity line, drawn as steps: each value holds
	// until the next point. Empty for none.
	Capacity []Point `json:"capacity"`
}

// Point is one value at one time.
type Point struct {
	Time  time.Time `json:"time"`
	Value float64   `json:"value"`
}

// BandPoint is one step of a forecast with its intervals.
type BandPoint struct {
	Time  time.Time `json:"time"`
	Point float64   `json:"point"`
	Lo80  float64   `json:"lo80"`
	Hi80  float64   `json:"hi80"`
	Lo95  float64   `json:"lo95"`
	Hi95  float64   `json:"hi95"`
}

// NewGateway is a gateway the placement proposes to open.
type NewGateway struct {
	// Name is the cluster name it would get, e.g. "gateway-ap-south-1".
	Name          string   `json:"name"`
	AWSRegion     string   `json:"aws_region"`
	ClientRegions []string `json:"client_regions"`
	// Devices is the forecast devices it would take.
	Devices float64 `json:"devices"`
	// RTTBeforeMillis and RTTAfterMillis are the device-weighted round
	// trips of those clients today and from the new gateway.
	RTTBeforeMillis float64 `json:"rtt_before_ms"`
	RTTAfterMillis  float64 `json:"rtt_after_ms"`
	// FailoverTo is the gateway, existing or proposed, that takes its
	// clients when it fails whole: the one with the lowest device-weighted
	// round trip from them, FailoverRTTMillis ("" and 0 when no gateway
	// has a known round trip from all of them). That gateway's failover
	// check counts these clients.
	FailoverTo        string  `json:"failover_to"`
	FailoverRTTMillis float64 `json:"failover_rtt_ms"`
	// RepointUSD is the one-off cost of re-pointing the devices its client
	// regions have in the field today.
	RepointUSD float64 `json:"repoint_usd"`
	// Months is its sizing from this month on (at least one month).
	Months []MonthPlan `json:"months"`
}

// Placement is what placement decided for the client regions served above
// the latency target.
type Placement struct {
	// Decision says it in words: the new gateways and reassignments, or
	// "No new gateway" and why.
	Decision string `json:"decision"`
	// RepointUSDPerDevice is the one-off price of re-pointing a device in
	// the field (targets.repoint_usd_per_device), spread over
	// AmortiseMonths in the comparison.
	RepointUSDPerDevice float64 `json:"repoint_usd_per_device"`
	AmortiseMonths      int     `json:"amortise_months"`
	// Regions are the client regions above the target, in fleet file
	// order.
	Regions []PlacedRegion `json:"regions"`
}

// Outcomes of a client region above the latency target.
const (
	PlacementStays      = "stays"
	PlacementReassigned = "reassigned"
	PlacementNewGateway = "new-gateway"
)

// PlacedRegion is what happens to one client region above the target.
type PlacedRegion struct {
	ClientRegion string `json:"client_region"`
	// Outcome is stays, reassigned (to an existing gateway) or new-gateway.
	Outcome string `json:"outcome"`
	// From is the gateway serving it today; To the one it moves to, ""
	// when it stays.
	From string `json:"from"`
	To   string `json:"to"`
	// Devices are the forecast devices at the horizon's end, InField those
	// installed today (what a move re-points).
	Devices         float64 `json:"devices"`
	DevicesInField  float64 `json:"devices_in_field"`
	RTTBeforeMillis float64 `json:"rtt_before_ms"`
	RTTAfterMillis  float64 `json:"rtt_after_ms"`
	// RepointUSD is the one-off cost of the move, 0 when it stays.
	RepointUSD float64 `json:"repoint_usd"`
	// Why says why, with the figures compared.
	Why string `json:"why"`
}

// Accuracy is one series' backtest. The MASE and coverage fields are nil
// when the history was too short to backtest.
type Accuracy struct {
	Series string   `json:"series"`
	Model  string   `json:"model"`
	MASE   *float64 `json:"mase"`
	// SeasonalNaiveMASE and LinearTrendMASE are the baselines'.
	SeasonalNaiveMASE *float64 `json:"seasonal_naive_mase"`
	LinearTrendMASE   *float64 `json:"linear_trend_mase"`
	// Coverage80 and Coverage95 are the fractions of backtest errors inside
	// the 80% and 95% intervals.
	Coverage80 *float64 `json:"coverage80"`
	Coverage95 *float64 `json:"coverage95"`
}

// LastMonthCheck compares the forecast made a month ago for last month with
// the p95 connections that happened.
type LastMonthCheck struct {
	Gateway string    `json:"gateway"`
	Month   time.Time `json:"month"`
	// Interval is the interval's level, 80 or 95; Lo and Hi its bounds.
	Interval int     `json:"interval"`
	Point    float64 `json:"point"`
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	Actual   float64 `json:"actual"`
	// Inside is Lo <= Actual <= Hi.
	Inside bool `json:"inside"`
}

// Ratio is a fitted ratio of the demand model, e.g. connections per device
// of one gateway.
type Ratio struct {
	Name string `json:"name"`
	// Scope is the gateway or client region it was fitted on, or "fleet".
	Scope string  `json:"scope"`
	Value float64 `json:"value"`
	// StdErr is its standard error; nil when the method gives none.
	StdErr *float64 `json:"std_err"`
	Unit   string   `json:"unit"`
}
