package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// profileJSON is the default profile, said to be measured on version.
func profileJSON(t *testing.T, version string) string {
	t.Helper()
	p := capacity.Default()
	p.RabbitMQVersion = version
	p.MeasuredOn = "a test's copy of the default, said to be measured on RabbitMQ " + version
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// A fleet mid-upgrade, planned with a set of two profiles: each gateway
// is sized with the profile nearest its version, one without a version
// with the default, and every format says which and why.
func TestForecastMixedVersions(t *testing.T) {
	dir := t.TempDir()
	h := demo.History()
	// gateway-eu reports no version; gateway-ap runs 3.11; gateway-us
	// went from 3.13.7 to 4.0.5.
	h.Series = slices.DeleteFunc(h.Series, func(x history.Series) bool {
		return x.Metric == history.MetricRabbitMQVersion && x.Cluster == "gateway-eu"
	})
	h.Find(history.MetricRabbitMQVersion, "gateway-ap", map[string]string{history.LabelRabbitMQVersion: "3.13.7"}).
		Labels[history.LabelRabbitMQVersion] = "3.11.28"
	snap := filepath.Join(dir, "history.json")
	if err := history.Write(snap, h); err != nil {
		t.Fatal(err)
	}
	set := filepath.Join(dir, "profiles")
	if err := os.Mkdir(set, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"3.10.8", "4.3.6"} {
		if err := os.WriteFile(filepath.Join(set, "rabbitmq-"+v+".json"), []byte(profileJSON(t, v)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fleetFile, salesFile := filepath.Join(dir, "fleet.yml"), filepath.Join(dir, "sales.csv")
	os.WriteFile(fleetFile, demo.Fleet(), 0o644)
	os.WriteFile(salesFile, demo.Sales(), 0o644)
	out := filepath.Join(dir, "report")
	stdout := ok(t, "", "forecast", "--fleet", fleetFile, "--sales", salesFile, "--snapshot", snap,
		"--latency", demoLatency(t), "--profiles", set, "--out", out)

	old, cur := filepath.Join(set, "rabbitmq-3.10.8.json"), filepath.Join(set, "rabbitmq-4.3.6.json")
	want := []report.CapacityFit{
		{Cluster: "gateway-eu", Profile: report.CapacityProfile{Source: old, RabbitMQVersion: "3.10.8",
			Why: "no RabbitMQ version in the history: the default profile, as before the planner read versions"}},
		{Cluster: "gateway-us", RabbitMQVersion: "4.0.5", Profile: report.CapacityProfile{Source: cur, RabbitMQVersion: "4.3.6",
			Why: "nearest to the cluster's 4.0.5 on its side of 3.12's native MQTT"}},
		{Cluster: "gateway-ap", RabbitMQVersion: "3.11.28", Profile: report.CapacityProfile{Source: old, RabbitMQVersion: "3.10.8",
			Why: "nearest to the cluster's 3.11.28 on its side of 3.12's native MQTT"}},
		{Cluster: "backend", RabbitMQVersion: "4.3.6", Profile: report.CapacityProfile{Source: cur, RabbitMQVersion: "4.3.6",
			Why: "measured on the cluster's version"}},
	}
	files := testsupport.ReadDir(t, out)
	var p report.Plan
	if err := json.Unmarshal(files["report.json"], &p); err != nil {
		t.Fatal(err)
	}
	if p.Inputs.CapacitySource != "profiles in "+set+" by RabbitMQ version" || p.Inputs.RabbitMQVersion != "3.10.8, 4.3.6" {
		t.Errorf("inputs: capacity source %q, versions %q", p.Inputs.CapacitySource, p.Inputs.RabbitMQVersion)
	}
	if len(p.Capacity) != len(want) {
		t.Fatalf("%d capacity fits, want %d", len(p.Capacity), len(want))
	}
	for i, w := range want {
		got := p.Capacity[i]
		if got.Cluster != w.Cluster || got.RabbitMQVersion != w.RabbitMQVersion || got.Profile != w.Profile {
			t.Errorf("report.json capacity[%d]:\n got %s %q %+v\nwant %s %q %+v", i, got.Cluster, got.RabbitMQVersion, got.Profile,
				w.Cluster, w.RabbitMQVersion, w.Profile)
		}
		version := w.RabbitMQVersion
		if version == "" {
			version = "unknown"
		}
		line := "- " + w.Cluster + " (RabbitMQ " + version + "): " + w.Profile.Source + ", measured on " + w.Profile.RabbitMQVersion + "; " + w.Profile.Why + "\n"
		if !strings.Contains(stdout, line) {
			t.Errorf("stdout lacks %q:\n%s", line, stdout)
		}
		row := "| " + strings.Join([]string{w.Cluster, version, w.Profile.Source, w.Profile.RabbitMQVersion, w.Profile.Why}, " | ") + " |"
		if !strings.Contains(string(files["report.md"]), row) {
			t.Errorf("report.md lacks the row %s", row)
		}
		cells := "<td>" + strings.Join([]string{w.Cluster, version, w.Profile.Source, w.Profile.RabbitMQVersion}, "</td><td>") + "</td>"
		if !strings.Contains(strings.ReplaceAll(string(files["report.html"]), "\n", ""), cells) {
			t.Errorf("report.html lacks the cells %s", cells)
		}
	}
	fallback := "gateway-eu: no RabbitMQ version in the history: the default profile, as before the planner read versions; sized with " + old + ". Check which version it runs: " +
		"profiles of different versions differ several-fold in memory and CPU per connection."
	if !slices.Contains(p.Assumptions, fallback) {
		t.Errorf("assumptions lack %q:\n%s", fallback, strings.Join(p.Assumptions, "\n"))
	}
}

// --profile sizes every cluster with the one profile given, whatever its
// version.
func TestForecastProfileOverride(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.json")
	if err := os.WriteFile(file, []byte(profileJSON(t, "4.0.5")), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report")
	ok(t, "", "forecast", "--latency", demoLatency(t), "--profile", file, "--out", out)
	var p report.Plan
	if err := json.Unmarshal(testsupport.ReadDir(t, out)["report.json"], &p); err != nil {
		t.Fatal(err)
	}
	if p.Inputs.CapacitySource != file || p.Inputs.RabbitMQVersion != "4.0.5" {
		t.Errorf("inputs: capacity source %q, versions %q", p.Inputs.CapacitySource, p.Inputs.RabbitMQVersion)
	}
	for _, c := range p.Capacity {
		if want := (report.CapacityProfile{Source: file, RabbitMQVersion: "4.0.5", Why: "given for every cluster"}); c.Profile != want {
			t.Errorf("%s (RabbitMQ %s): %+v, want %+v", c.Cluster, c.RabbitMQVersion, c.Profile, want)
		}
	}
}
