package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// With no profile given, the demo's gateways (4.3.6, 4.0.5 after an
// upgrade from 3.13.7, 3.13.7) are all sized with the embedded 4.3.6
// profile, and the report and assumptions say so.
func TestDemoProfilesByVersion(t *testing.T) {
	p, err := Build(demoInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"gateway-eu": "4.3.6", "gateway-us": "4.0.5", "gateway-ap": "3.13.7", "backend": "4.3.6"}
	for _, c := range p.Capacity {
		if c.RabbitMQVersion != want[c.Cluster] || c.Profile.Source != "embedded profile rabbitmq-4.3.6.json" || c.Profile.RabbitMQVersion != "4.3.6" {
			t.Errorf("%s (RabbitMQ %s): %+v", c.Cluster, c.RabbitMQVersion, c.Profile)
		}
	}
	if p.Inputs.CapacitySource != "embedded profiles by RabbitMQ version" || p.Inputs.RabbitMQVersion != "4.3.6" {
		t.Errorf("inputs %q (RabbitMQ %s)", p.Inputs.CapacitySource, p.Inputs.RabbitMQVersion)
	}
	if !slices.ContainsFunc(p.Assumptions, func(a string) bool {
		return strings.HasPrefix(a, "Sized with embedded profile rabbitmq-4.3.6.json (measured on RabbitMQ 4.3.6, node gateway-us@localhost") &&
			strings.HasSuffix(a, "; 116 accepts per second per core for the reconnection storm): gateway-eu, gateway-us, gateway-ap.")
	}) {
		t.Errorf("no assumption names the 4.3.6 profile for every gateway:\n%s", strings.Join(p.Assumptions, "\n"))
	}
}

// A gateway whose history has no version is sized with the default
// profile, and the assumptions say so; the others keep theirs.
func TestProfileFallback(t *testing.T) {
	in := demoInputs(t)
	in.History.Series = slices.DeleteFunc(in.History.Series, func(x history.Series) bool {
		return x.Metric == history.MetricRabbitMQVersion && x.Cluster == "gateway-ap"
	})
	p, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Capacity {
		want := "embedded profile rabbitmq-4.3.6.json"
		if c.Cluster == "gateway-ap" {
			want = capacity.DefaultName
		}
		if c.Profile.Source != want {
			t.Errorf("%s: %s, want %s", c.Cluster, c.Profile.Source, want)
		}
	}
	if p.Inputs.RabbitMQVersion != "3.10.8, 4.3.6" {
		t.Errorf("inputs: RabbitMQ %s", p.Inputs.RabbitMQVersion)
	}
	fallback := "gateway-ap: no RabbitMQ version in the history: the default profile, as before the planner read versions; sized with " +
		capacity.DefaultName + "."
	if !slices.ContainsFunc(p.Assumptions, func(a string) bool { return strings.HasPrefix(a, fallback) }) {
		t.Errorf("no assumption starts %q:\n%s", fallback, strings.Join(p.Assumptions, "\n"))
	}
}
