package history_test

import (
	"io"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// The demo history can be backfilled into Prometheus: every series is one
// the queries give back.
func TestDemoHistoryWritesOpenMetrics(t *testing.T) {
	if err := history.WriteOpenMetrics(io.Discard, demo.History()); err != nil {
		t.Fatal(err)
	}
}
