package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"
)

// Changes compares the plan with a previous report (planner forecast
// --previous): per gateway, this month's recommendation, its cost, the
// forecast 12 months ahead and the next step's deadline.
type Changes struct {
	// PreviousFile is the previous report.json as given, PreviousAsOf its
	// as_of.
	PreviousFile string    `json:"previous_file"`
	PreviousAsOf time.Time `json:"previous_as_of"`
	// FleetCostUSD is the fleet's monthly cost in each report's first
	// horizon month, proposed gateways included.
	FleetCostUSD    float64         `json:"fleet_cost_usd"`
	PreviousCostUSD float64         `json:"previous_fleet_cost_usd"`
	Gateways        []GatewayChange `json:"gateways"`
}

// What a GatewayChange's Changed names.
const (
	ChangedAdded      = "added"   // in this report only
	ChangedRemoved    = "removed" // in the previous report only
	ChangedDeployment = "deployment"
	ChangedCost       = "cost"
	ChangedForecast   = "forecast_12"
	ChangedDeadline   = "deadline"
)

// GatewayChange is one gateway in the previous report and in this one:
// Previous is nil for a gateway new since, Now for one gone since.
type GatewayChange struct {
	Gateway  string          `json:"gateway"`
	Previous *GatewayFigures `json:"previous"`
	Now      *GatewayFigures `json:"now"`
	// Changed names what differs, in the order of the constants above;
	// empty when nothing does.
	Changed []string `json:"changed"`
}

// GatewayFigures are the figures the comparison reads from one report.
type GatewayFigures struct {
	// Proposed says the gateway is a proposed new one (new_gateways);
	// Backend that these are the backend's, its Forecast12 the upper
	// forecast of messages per second rather than connections.
	Proposed bool `json:"proposed"`
	Backend  bool `json:"backend,omitempty"`
	// Deployment and MonthlyCostUSD are the recommendation for the
	// horizon's first month.
	Deployment     Deployment `json:"deployment"`
	MonthlyCostUSD float64    `json:"monthly_cost_usd"`
	// Forecast12 is the point forecast 12 months ahead; nil when the
	// report has none (a proposed gateway, a shorter horizon).
	Forecast12 *MonthValue `json:"forecast_12"`
	// NextStep is the gateway's first later step (the deadline: when it
	// must start); nil without one.
	NextStep *Step `json:"next_step"`
}

// MonthValue is a figure for one month.
type MonthValue struct {
	Month time.Time `json:"month"`
	Value float64   `json:"value"`
}

// Step is a later step of a gateway's path: when it must start, when it
// must be in place, and the deployment it moves to.
type Step struct {
	Start time.Time  `json:"start"`
	Month time.Time  `json:"month"`
	To    Deployment `json:"to"`
}

// ReadPrevious reads a previous report.json for Compare. The file must be
// a report of schema version OldestComparable to SchemaVersion that
// validates as such; every problem is an error naming the file.
func ReadPrevious(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("previous report: %w", err)
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("previous report %s: %s", path, fmt.Sprintf(format, args...))
	}
	var head struct {
		SchemaVersion *int `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fail("not a report.json: %s", jsonProblem(b, err))
	}
	switch v := head.SchemaVersion; {
	case v == nil:
		return nil, fail("not a report.json: no schema_version")
	case *v < OldestComparable || *v > SchemaVersion:
		return nil, fail("schema_version %d, want %d to %d (a report.json of this planner or the one before)", *v, OldestComparable, SchemaVersion)
	}
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a field this planner does not know is not a report it can read
	if err := dec.Decode(&p); err != nil {
		return nil, fail("%s", jsonProblem(b, err))
	}
	if err := p.validate(OldestComparable); err != nil {
		return nil, fail("%s", strings.TrimPrefix(oneLine(err), "report: "))
	}
	return &p, nil
}

// jsonProblem says where in b a decoding error is, by line.
func jsonProblem(b []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %v", lineOf(b, syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: field %q: %s where a %s belongs", lineOf(b, typ.Offset), typ.Field, typ.Value, typ.Type)
	}
	return err.Error()
}

func lineOf(b []byte, offset int64) int {
	return 1 + bytes.Count(b[:min(int(offset), len(b))], []byte("\n"))
}

// oneLine joins a multi-line error (Validate's list) with "; ".
func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// Compare says what changed from prev, read from file, to p. prev must be
// as of p's as_of or earlier: a later one is not last month's.
func Compare(prev *Plan, file string, p *Plan) (*Changes, error) {
	if prev.AsOf.After(p.AsOf) {
		return nil, fmt.Errorf("previous report %s: as of %s, after this plan's %s: not an earlier report", file, stamp(prev.AsOf), stamp(p.AsOf))
	}
	c := &Changes{
		PreviousFile: file, PreviousAsOf: prev.AsOf.UTC(),
		FleetCostUSD: firstMonthCost(p), PreviousCostUSD: firstMonthCost(prev),
	}
	before, now := figures(prev), figures(p)
	for _, name := range gatewayNames(p) {
		c.Gateways = append(c.Gateways, compareGateway(name, before[name], now[name]))
	}
	for _, name := range gatewayNames(prev) {
		if now[name] == nil {
			c.Gateways = append(c.Gateways, compareGateway(name, before[name], nil))
		}
	}
	return c, nil
}

// gatewayNames are p's gateways, existing then proposed, in plan order,
// then its backend.
func gatewayNames(p *Plan) []string {
	var out []string
	for _, g := range p.Gateways {
		out = append(out, g.Name)
	}
	for _, g := range p.NewGateways {
		out = append(out, g.Name)
	}
	if b := p.Backend; b != nil {
		out = append(out, b.Name)
	}
	return out
}

// firstMonthCost is the fleet's cost in the horizon's first month, in
// cents.
func firstMonthCost(p *Plan) float64 {
	var sum float64
	for _, g := range p.Gateways {
		sum += g.Months[0].MonthlyCostUSD
	}
	for _, g := range p.NewGateways {
		sum += g.Months[0].MonthlyCostUSD
	}
	if b := p.Backend; b != nil && len(b.Months) > 0 {
		sum += b.Months[0].MonthlyCostUSD
	}
	return math.Round(sum*100) / 100
}

// figures are every gateway's figures in p, by name.
func figures(p *Plan) map[string]*GatewayFigures {
	out := map[string]*GatewayFigures{}
	for _, g := range p.Gateways {
		f := &GatewayFigures{Deployment: g.Months[0].Deployment, MonthlyCostUSD: g.Months[0].MonthlyCostUSD}
		for _, fc := range g.Forecasts {
			if fc.MonthsAhead == 12 {
				f.Forecast12 = &MonthValue{Month: fc.Month, Value: fc.Point}
			}
		}
		out[g.Name] = f
	}
	for _, g := range p.NewGateways {
		out[g.Name] = &GatewayFigures{Proposed: true, Deployment: g.Months[0].Deployment, MonthlyCostUSD: g.Months[0].MonthlyCostUSD}
	}
	if b := p.Backend; b != nil && len(b.Months) > 0 {
		f := &GatewayFigures{Backend: true, Deployment: b.Months[0].Deployment, MonthlyCostUSD: b.Months[0].MonthlyCostUSD}
		if len(b.Months) >= 12 {
			f.Forecast12 = &MonthValue{Month: b.Months[11].Month, Value: b.Months[11].UpperMessagesPerSecond}
		}
		out[b.Name] = f
	}
	for _, a := range p.Actions { // later steps come soonest first
		f := out[a.Gateway]
		if a.Kind == ActionLater && f != nil && f.NextStep == nil && a.Start != nil && a.Month != nil && a.To != nil {
			f.NextStep = &Step{Start: *a.Start, Month: *a.Month, To: *a.To}
		}
	}
	return out
}

// compareGateway compares figures in whole connections and cents: the
// previous report's are rounded to nine digits.
func compareGateway(name string, before, now *GatewayFigures) GatewayChange {
	g := GatewayChange{Gateway: name, Previous: before, Now: now, Changed: []string{}}
	switch {
	case before == nil:
		g.Changed = append(g.Changed, ChangedAdded)
		return g
	case now == nil:
		g.Changed = append(g.Changed, ChangedRemoved)
		return g
	}
	if before.Deployment != now.Deployment {
		g.Changed = append(g.Changed, ChangedDeployment)
	}
	if math.Round(before.MonthlyCostUSD*100) != math.Round(now.MonthlyCostUSD*100) {
		g.Changed = append(g.Changed, ChangedCost)
	}
	if (before.Forecast12 == nil) != (now.Forecast12 == nil) ||
		now.Forecast12 != nil && math.Round(before.Forecast12.Value) != math.Round(now.Forecast12.Value) {
		g.Changed = append(g.Changed, ChangedForecast)
	}
	if !sameStart(before.NextStep, now.NextStep) {
		g.Changed = append(g.Changed, ChangedDeadline)
	}
	return g
}

func sameStart(a, b *Step) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Start.Equal(b.Start)
}

// changesSection says what changed since the previous report; nil
// without one.
func changesSection(p *Plan) *section {
	c := p.Changes
	if c == nil {
		return nil
	}
	s := &section{ID: secChanges, Title: "What changed since last month"}
	cost := "The fleet's cost in the horizon's first month is " + usd(c.FleetCostUSD) + " a month, against " + usd(c.PreviousCostUSD)
	if d := c.FleetCostUSD - c.PreviousCostUSD; math.Round(d) != 0 {
		cost += " (" + signedUSD(d) + ")"
	}
	s.Text = []string{"Compared with the report as of " + stamp(c.PreviousAsOf) + " (" + c.PreviousFile + ").", cost + "."}
	t := table{Cols: cols("Cluster", "Recommended now", "Before", "Monthly cost:r", "Before:r",
		"Forecast 12 months ahead:r", "Before:r", "Next step starts", "Before")}
	for _, g := range c.Gateways {
		s.Bullets = append(s.Bullets, changeLines(g)...)
		row := []string{g.Gateway}
		for i, now := range figureCells(g.Now) { // each figure now, then before
			row = append(row, now, figureCells(g.Previous)[i])
		}
		t.Rows = append(t.Rows, row)
	}
	if len(s.Bullets) == 0 {
		s.Text = append(s.Text, "No cluster's recommendation, cost, 12-month forecast or next deadline changed.")
	}
	s.Tables = []table{t}
	return s
}

// figureCells are one report's cells of a gateway: deployment, cost,
// 12-month forecast, next step; dashes when the report lacks it.
func figureCells(f *GatewayFigures) []string {
	if f == nil {
		return []string{"—", "—", "—", "—"}
	}
	forecast, next := "—", "none"
	if f.Forecast12 != nil {
		forecast = count(f.Forecast12.Value) + " (" + month(f.Forecast12.Month) + ")"
		if f.Backend {
			forecast = count(f.Forecast12.Value) + " messages/s, upper (" + month(f.Forecast12.Month) + ")"
		}
	}
	if f.NextStep != nil {
		next = month(f.NextStep.Start) + " (" + f.NextStep.To.label() + " by " + month(f.NextStep.Month) + ")"
	}
	dep := f.Deployment.label()
	if f.Proposed {
		dep += " (proposed)"
	}
	return []string{dep, usd(f.MonthlyCostUSD), forecast, next}
}

// changeLines say in words what changed for one gateway.
func changeLines(g GatewayChange) []string {
	var out []string
	b, n := g.Previous, g.Now
	for _, what := range g.Changed {
		switch what {
		case ChangedAdded:
			out = append(out, g.Gateway+": new since the previous report, "+n.Deployment.label()+" at "+usd(n.MonthlyCostUSD)+" a month"+proposed(n)+".")
		case ChangedRemoved:
			was := b.Deployment.label()
			if b.Proposed {
				was += ", proposed"
			}
			out = append(out, g.Gateway+": no longer in the plan (was "+was+").")
		case ChangedDeployment:
			out = append(out, g.Gateway+": recommended now "+n.Deployment.label()+", was "+b.Deployment.label()+".")
		case ChangedCost:
			out = append(out, g.Gateway+": "+usd(n.MonthlyCostUSD)+" a month, was "+usd(b.MonthlyCostUSD)+
				" ("+signedUSD(n.MonthlyCostUSD-b.MonthlyCostUSD)+").")
		case ChangedForecast:
			out = append(out, g.Gateway+": forecast 12 months ahead "+forecastText(n)+", was "+forecastText(b)+".")
		case ChangedDeadline:
			out = append(out, g.Gateway+": next step "+stepText(n.NextStep)+", was "+stepText(b.NextStep)+".")
		}
	}
	return out
}

func proposed(f *GatewayFigures) string {
	if f.Proposed {
		return " (proposed)"
	}
	return ""
}

func forecastText(f *GatewayFigures) string {
	v := f.Forecast12
	switch {
	case v == nil:
		return "none"
	case f.Backend:
		return count(v.Value) + " messages/s at the upper bound for " + month(v.Month)
	}
	return count(v.Value) + " connections for " + month(v.Month)
}

func stepText(s *Step) string {
	if s == nil {
		return "none"
	}
	return "to " + s.To.label() + " starting " + month(s.Start) + ", in place by " + month(s.Month)
}

// signedUSD is a difference in dollars: "+$124", "-$30".
func signedUSD(d float64) string {
	if math.Round(d) < 0 {
		return "-" + usd(-d)
	}
	return "+" + usd(d)
}
