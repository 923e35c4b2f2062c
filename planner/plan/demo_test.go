package plan

import (
	"bytes"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// demoInputs are the inputs `planner forecast` plans with no flags, but
// for the latency table: the demo fleet names client regions (uk,
// germany, ...) the embedded table does not know.
func demoInputs(t testing.TB) Inputs {
	t.Helper()
	f, err := fleet.Parse(demo.Fleet(), "demo fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := sales.Read(bytes.NewReader(demo.Sales()), "demo sales.csv", f.ClientRegionNames())
	if err != nil {
		t.Fatal(err)
	}
	return Inputs{
		Fleet: f, FleetName: "demo fleet.yml", Sales: rows, SalesName: "demo sales.csv",
		Catalog: catalog.Default(), Latency: demoLatency(t),
		Profile: capacity.Default(), ProfileSource: capacity.DefaultName,
		History:       demo.History(),
		HistorySource: report.HistorySource{Kind: "snapshot", Location: "demo history"},
	}
}
