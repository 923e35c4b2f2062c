package calibrate

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// gateway-us of the testbed (docs/testbed.md).
var gateway = testbed.GatewayUS

// TestTestbedCalibratesGatewayUS calibrates a real RabbitMQ node with a
// small ramp (0 to 300 connections in 3 steps, short churn and message
// phases: about 80 s) and checks what can be known beforehand: the steps,
// the version, plausible memory and fd figures, and that every connection
// is gone afterwards.
func TestTestbedCalibratesGatewayUS(t *testing.T) {
	testbed.Require(t)
	before, err := testbedConnections(t)
	if err != nil {
		t.Fatalf("RABBITFLEET_TESTBED=1 but gateway-us is unreachable: %v", err)
	}
	// The version the testbed runs gateway-us on (4.0.5 in the default mixed
	// fleet, 3.10.8 with TESTBED_VERSIONS=3.10), as its own API says.
	ov, err := testbed.Admin(t, "gateway-us").Overview()
	if err != nil {
		t.Fatal(err)
	}
	// A native MQTT connection (3.12+) costs tens of KB: 300 of them are lost
	// in the node's own memory swings (1 to 102 KB per connection measured
	// on 4.0.5), 3,000 are not.
	clients, messageRates := 300, []float64{300, 600, 1200}
	if nativeMQTT(t, ov.RabbitMQVersion) {
		// Each client publishes at least twice per 4 s step.
		clients, messageRates = 3000, []float64{1500, 2000, 2500}
	}
	t.Setenv("CALIBRATE_TESTBED_PASSWORD", testbed.Password)
	cfg := Config{
		ManagementURL: gateway.ManagementURL(), MQTTAddr: gateway.MQTTAddr(), Username: testbed.Username, PasswordEnv: "CALIBRATE_TESTBED_PASSWORD",
		Connections: clients, Steps: 3,
		ChurnRates: []float64{10, 20, 40}, ChurnDuration: 4 * time.Second,
		MessageRates: messageRates, MessageDuration: 4 * time.Second,
		Settle: 6 * time.Second, IdleWindow: 2 * time.Second, Timeout: 30 * time.Second,
		Host: "rabbitfleet testbed",
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	p, rep, err := Run(ctx, cfg, slog.New(slog.NewTextHandler(t.Output(), nil)))
	t.Logf("report:\n%s", rep.Text())
	if err != nil {
		t.Fatal(err)
	}
	profile, _ := json.MarshalIndent(p, "", "  ")
	t.Logf("profile:\n%s", profile)

	var steps []int
	for _, s := range rep.Connections {
		steps = append(steps, s.Connections)
	}
	if want := []int{0, clients / 3, 2 * clients / 3, clients}; !reflect.DeepEqual(steps, want) {
		t.Errorf("steps %v, want %v", steps, want)
	}
	if rep.Baseline != before || rep.After != before {
		t.Errorf("broker counted %d connections before and %d after, want %d both times", rep.Baseline, rep.After, before)
	}
	if p.RabbitMQVersion != ov.RabbitMQVersion || rep.Node != "gateway-us@localhost" || rep.Cluster != "gateway-us" {
		t.Errorf("measured RabbitMQ %q on %s of %s, want %s on gateway-us@localhost of gateway-us", p.RabbitMQVersion, rep.Node, rep.Cluster, ov.RabbitMQVersion)
	}
	if rep.CPUSource == "" {
		t.Errorf("no CPU source on a local node: %s", rep.NoCPUReason)
	}
	if len(rep.Churn) != 3 || len(rep.Messages) != 3 {
		t.Errorf("%d churn and %d message steps, want 3 each", len(rep.Churn), len(rep.Messages))
	}
	// Before 3.12 an MQTT connection is an AMQP channel (3,000 clients took
	// about 420 KB each on 3.10.8); native MQTT (3.12+) costs tens of KB
	// (RabbitMQ's benchmark: about 20 KiB idle).
	lo, hi := 50e3, 2e6
	if nativeMQTT(t, ov.RabbitMQVersion) {
		lo, hi = 5e3, 250e3
	}
	if m := p.MemoryPerConnectionBytes; m < lo || m > hi {
		t.Errorf("memory per connection %.0f bytes on RabbitMQ %s, want %.0f KB to %.0f KB", m, ov.RabbitMQVersion, lo/1e3, hi/1e3)
	}
	if fd := p.FDsPerConnection; fd < 0.9 || fd > 1.5 {
		t.Errorf("fds per connection %.3f, want 0.9 to 1.5", fd)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := p.Write(path); err != nil {
		t.Fatal(err)
	}
	if back, err := capacity.Load(path); err != nil || !reflect.DeepEqual(back, p) {
		t.Errorf("profile did not survive Write and Load: %v", err)
	}
	// Run waited for the baseline; a fresh reading must agree.
	if after, err := testbedConnections(t); err != nil || after != before {
		t.Errorf("gateway-us counts %d connections after the run (%v), want %d", after, err, before)
	}
}

// testbedConnections is the number of connections gateway-us counts.
func testbedConnections(t *testing.T) (int, error) {
	ov, err := testbed.Admin(t, gateway.Name).Overview()
	if err != nil {
		return 0, err
	}
	return ov.ObjectTotals.Connections, nil
}

// nativeMQTT reports whether a RabbitMQ version serves MQTT natively (3.12+).
func nativeMQTT(t *testing.T, version string) bool {
	t.Helper()
	v, err := capacity.ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	return v.NativeMQTT()
}
