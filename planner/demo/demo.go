// Package demo is the fleet `planner forecast` plans when given no flags:
// a fleet file, a sales plan and a generated history, so that a newcomer
// sees a real report in one command.
//
// The fleet is a backend in eu-west-1 and three gateways (gateway-eu in
// eu-west-1, gateway-us in us-east-1, gateway-ap in ap-southeast-1), each
// serving four client regions. sales.csv holds 13 months of actuals (the
// months of the history) and a 24-month plan after End. The history's node
// series (memory and file descriptors used and their limits: 65,536
// descriptors a node) are what the planner's capacity fit reads, so the
// demo report sizes the gateways with their own ~110 kB a connection; its
// rabbitmq_version series (3.13.7 to 4.3.6, native MQTT all) choose the
// embedded 4.3.6 profile for the CPU costs.
package demo

import (
	_ "embed"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

//go:embed fleet.yml
var fleetYML []byte

//go:embed sales.csv
var salesCSV []byte

// End is where the demo history ends (exclusive): fixed, so that the demo
// report is the same every time and on every day.
var End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// Days is how much hourly history History has: 13 full months and the
// end of the one before.
const Days = 400

// Fleet returns the demo fleet description (YAML, fleet.Parse's input).
func Fleet() []byte { return slices.Clone(fleetYML) }

// Sales returns the demo sales CSV (sales.Read's input).
func Sales() []byte { return slices.Clone(salesCSV) }

// History returns the demo history: Days of hourly samples up to End for
// every query of history.Queries(). Each call builds a fresh copy.
func History() *history.Snapshot { return Generate(End, Days) }
