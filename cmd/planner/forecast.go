package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/alecthomas/kingpin/v2"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/latency"
	"github.com/rabbitfleet/rabbitfleet/planner/plan"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// How reports name the embedded demo inputs.
const (
	demoFleetName   = "embedded demo fleet"
	demoSalesName   = "embedded demo sales"
	demoHistoryName = "embedded demo history"
)

// --sales.fill-holes values.
const (
	holesError       = "error"
	holesInterpolate = "interpolate"
)

// forecastFlags are `planner forecast`'s inputs; empty means the default.
type forecastFlags struct {
	fleet, sales              string
	snapshot                  string
	prometheus, promRange     string
	catalog, latency, profile string
	profiles                  string
	out                       string
	// fillHoles is what a month missing from the sales file becomes:
	// holesError or holesInterpolate.
	fillHoles string
	// previous is last month's report.json, to say what changed.
	previous string
	// minR2 and spread are the demand model's rules (plan.DemandRules).
	minR2, spread float64
}

func (c *cli) forecastCommand(app *kingpin.Application, cmds map[string]func(context.Context) error) {
	var fl forecastFlags
	cmd := app.Command("forecast", "Forecast, size and place, and write the report directory. "+
		"With no flags it plans the embedded demo fleet.").Default()
	cmd.Flag("fleet", "Fleet description (YAML); with --sales. Default: the embedded demo fleet.").PlaceHolder("FILE").StringVar(&fl.fleet)
	cmd.Flag("sales", "Sales forecast (CSV: month,region,new_customers, then any of devices_per_customer, uncertainty, "+
		"planned_new_customers); with --fleet.").PlaceHolder("FILE").StringVar(&fl.sales)
	cmd.Flag("snapshot", "History snapshot file (from `planner snapshot`; .gz for gzip).").PlaceHolder("FILE").StringVar(&fl.snapshot)
	cmd.Flag("prometheus", "Prometheus-compatible HTTP API to read the history from, e.g. http://prometheus:9090.").PlaceHolder("URL").StringVar(&fl.prometheus)
	cmd.Flag("prometheus.range", "How much history to read from --prometheus, ending at the last full hour.").Default("400d").StringVar(&fl.promRange)
	cmd.Flag("catalog", "Instance catalog (JSON, from `planner catalog refresh`). Default: the embedded snapshot.").PlaceHolder("FILE").StringVar(&fl.catalog)
	cmd.Flag("latency", "Round trips from client regions to AWS regions (CSV: client_region,aws_region,rtt_ms). Default: the embedded table.").PlaceHolder("FILE").StringVar(&fl.latency)
	cmd.Flag("profile", "Capacity profile (JSON, from `planner calibrate`) for every cluster, whatever its version. Default: chosen by version from --profiles.").PlaceHolder("FILE").StringVar(&fl.profile)
	cmd.Flag("profiles", "Directory of capacity profiles (JSON, from `planner calibrate`); each cluster gets the one measured on the version nearest its own. Default: the embedded profiles.").PlaceHolder("DIR").StringVar(&fl.profiles)
	cmd.Flag("out", "Report directory, replaced atomically (its parent must exist).").Default("planner-report").StringVar(&fl.out)
	cmd.Flag("previous", "A previous report.json (e.g. last month's, even the one in --out) to say what changed since: "+
		"per gateway the recommendation, its cost, the 12-month forecast and the next deadline.").PlaceHolder("FILE").StringVar(&fl.previous)
	rules := plan.DefaultDemandRules()
	cmd.Flag("demand.min-r2", "Least R² a gateway's devices line needs to forecast; below it the gateway is forecast from its history alone.").
		Default(strconv.FormatFloat(rules.MinR2, 'g', -1, 64)).Float64Var(&fl.minR2)
	cmd.Flag("sales.default-spread", "The sales plan's 95% relative error for rows without an uncertainty, when the sales file "+
		"has too few past months with planned_new_customers to learn one (0.2: ±20%).").
		Default(strconv.FormatFloat(rules.DefaultSpread, 'g', -1, 64)).Float64Var(&fl.spread)
	cmd.Flag("sales.fill-holes", "What a month missing from the sales file for a region (while the file covers it) becomes: "+
		"error, or interpolate between the region's rows either side, each such month stated in the report's assumptions.").
		Default(holesError).EnumVar(&fl.fillHoles, holesError, holesInterpolate)
	cmds[cmd.FullCommand()] = func(ctx context.Context) error { return c.forecast(ctx, fl) }
}

func (c *cli) forecast(ctx context.Context, fl forecastFlags) error {
	// Read first: a bad previous report fails before a long Prometheus
	// fetch, and before --out (which may hold it) is replaced.
	var prev *report.Plan
	if fl.previous != "" {
		var err error
		if prev, err = report.ReadPrevious(fl.previous); err != nil {
			return err
		}
	}
	in, err := c.forecastInputs(ctx, fl)
	if err != nil {
		return err
	}
	p, err := plan.Build(in)
	if err != nil {
		return err
	}
	if prev != nil {
		if p.Changes, err = report.Compare(prev, fl.previous, p); err != nil {
			return err
		}
	}
	if err := report.Write(fl.out, p); err != nil {
		return err
	}
	c.log.Info("report written", "dir", fl.out, "as_of", p.AsOf, "gateways", len(p.Gateways), "new_gateways", len(p.NewGateways))
	fmt.Fprintf(c.stdout, "Report written to %s: capacity plan as of %s, %d months.\n",
		fl.out, p.AsOf.Format("2006-01-02 15:04 MST"), p.HorizonMonths)
	fmt.Fprint(c.stdout, profilesText(p.Capacity))
	fmt.Fprint(c.stdout, backendText(p))
	fmt.Fprint(c.stdout, summaryText(p))
	fmt.Fprint(c.stdout, actionsText(p.Actions))
	return nil
}

// profilesText says which capacity profile sized each gateway.
func profilesText(fits []report.CapacityFit) string {
	var b strings.Builder
	b.WriteString("Capacity profiles:\n")
	for _, f := range fits {
		v := f.RabbitMQVersion
		if v == "" {
			v = "unknown"
		}
		fmt.Fprintf(&b, "- %s (RabbitMQ %s): %s, measured on %s; %s\n", f.Cluster, v, f.Profile.Source, f.Profile.RabbitMQVersion, f.Profile.Why)
	}
	return b.String()
}

// forecastInputs reads every input, the cheap files first so that a bad
// one fails before a long Prometheus fetch.
func (c *cli) forecastInputs(ctx context.Context, fl forecastFlags) (plan.Inputs, error) {
	in := plan.Inputs{Demand: plan.DemandRules{MinR2: fl.minR2, DefaultSpread: fl.spread}}
	if err := in.Demand.Validate(); err != nil {
		return in, fmt.Errorf("flags: %w", err)
	}
	demoFleet := fl.fleet == "" && fl.sales == ""
	switch {
	case (fl.fleet == "") != (fl.sales == ""):
		return in, errors.New("--fleet and --sales go together: give both, or neither for the demo fleet")
	case fl.snapshot != "" && fl.prometheus != "":
		return in, errors.New("--snapshot and --prometheus exclude each other: give one history source")
	case !demoFleet && fl.snapshot == "" && fl.prometheus == "":
		return in, errors.New("--fleet needs a history: give --snapshot or --prometheus")
	case fl.profile != "" && fl.profiles != "":
		return in, errors.New("--profile and --profiles exclude each other: one profile for every cluster, or a set to choose from by version")
	}

	var err error
	if demoFleet {
		in.FleetName, in.SalesName = demoFleetName, demoSalesName
		in.Fleet, err = fleet.Parse(demo.Fleet(), demoFleetName)
	} else {
		in.FleetName, in.SalesName = fl.fleet, fl.sales
		in.Fleet, err = fleet.Load(fl.fleet)
	}
	if err != nil {
		return in, err
	}
	in.Catalog, in.CatalogName = catalog.Default(), ""
	if fl.catalog != "" {
		if in.Catalog, err = catalog.Load(fl.catalog); err != nil {
			return in, err
		}
		in.CatalogName = fl.catalog
	}
	if err := in.Fleet.Check(in.Catalog); err != nil {
		return in, err
	}
	if in.Sales, err = readSales(fl.sales, in.Fleet, fl.fillHoles); err != nil {
		return in, err
	}
	in.Latency, in.LatencyName = latency.Default(), ""
	if fl.latency != "" {
		if in.Latency, err = latency.Load(fl.latency); err != nil {
			return in, err
		}
		in.LatencyName = fl.latency
	}
	switch {
	case fl.profile != "":
		if in.Profile, err = capacity.Load(fl.profile); err != nil {
			return in, err
		}
		in.ProfileSource = fl.profile
	case fl.profiles != "":
		set, err := capacity.LoadSet(fl.profiles)
		if err != nil {
			return in, err
		}
		in.Profiles, in.ProfilesName = &set, fl.profiles
	}

	switch {
	case fl.snapshot != "":
		in.HistorySource = report.HistorySource{Kind: "snapshot", Location: fl.snapshot}
		in.History, err = history.Read(fl.snapshot)
	case fl.prometheus != "":
		var loc string
		in.History, loc, err = c.fetch(ctx, fl.prometheus, fl.promRange, "--prometheus.range", in.Fleet)
		in.HistorySource = report.HistorySource{Kind: "prometheus", Location: loc}
	default:
		in.HistorySource = report.HistorySource{Kind: "snapshot", Location: demoHistoryName}
		in.History = demo.History()
	}
	return in, err
}

// readSales reads the sales file, or the demo's when path is empty;
// fillHoles is the --sales.fill-holes value.
func readSales(path string, f *fleet.Fleet, fillHoles string) ([]sales.Row, error) {
	rule := sales.HolesAreErrors
	if fillHoles == holesInterpolate {
		rule = sales.InterpolateHoles
	}
	var rows []sales.Row
	var err error
	if path == "" {
		rows, err = sales.Read(bytes.NewReader(demo.Sales()), demoSalesName, f.ClientRegionNames(), rule)
	} else {
		var file *os.File
		if file, err = os.Open(path); err != nil {
			return nil, err
		}
		defer file.Close()
		rows, err = sales.Read(file, path, f.ClientRegionNames(), rule)
	}
	if errors.Is(err, sales.ErrHoles) && rule == sales.HolesAreErrors {
		err = fmt.Errorf("%w (or --sales.fill-holes=%s to fill a hole between two rows of a region)", err, holesInterpolate)
	}
	return rows, err
}

// backendText sums up the backend's plan in one line; empty without one.
func backendText(p *report.Plan) string {
	b := p.Backend
	if b == nil {
		return ""
	}
	last := b.Months[len(b.Months)-1]
	return fmt.Sprintf("Backend %s: %d x %s carries %.0f messages/s within the targets (binding: %s), the horizon's "+
		"first month needing %.0f; its path ends on %d x %s (%d changes, $%.2f over %d months).\n",
		b.Name, b.Current.Nodes, b.Current.InstanceType, b.Current.CapacityMessagesPerSecond, b.Current.Binding,
		b.Months[0].UpperMessagesPerSecond, last.Nodes, last.InstanceType, b.PathChanges, b.PathCostUSD, p.HorizonMonths)
}

// summaryText is the report's summary but for the actions, which follow.
func summaryText(p *report.Plan) string {
	var b strings.Builder
	b.WriteString("Summary:\n")
	for _, l := range report.Headlines(p) {
		b.WriteString("- " + l + "\n")
	}
	return b.String()
}

// actionsText lists this month's actions, then the later steps of the
// gateways' paths with the month each must start.
func actionsText(actions []report.Action) string {
	var now, later strings.Builder
	for _, a := range actions {
		if a.Kind == report.ActionLater {
			later.WriteString("- " + a.Text() + "\n")
		} else {
			now.WriteString("- " + a.Text() + "\n")
		}
	}
	out := "No action needed this month.\n"
	if now.Len() > 0 {
		out = "Actions this month:\n" + now.String()
	}
	if later.Len() > 0 {
		out += "Later steps of the migration paths:\n" + later.String()
	}
	return out
}
