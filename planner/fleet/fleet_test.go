package fleet

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/latency"
)

const small = `client_regions:
  - {name: home, devices_per_customer: 3}
  - {name: away, devices_per_customer: 1.5}
clusters:
  - name: backend
    role: backend
    aws_region: eu-west-1
    instance_type: r6i.large
    nodes: 3
  - name: gw-a
    role: gateway
    aws_region: eu-west-1
    instance_type: c6i.large
    nodes: 2
    serves: [home]
    failover_to: gw-b
  - name: gw-b
    role: gateway
    aws_region: us-east-1
    instance_type: c6i.large
    nodes: 2
    serves: [away]
`

func defaultTargets() Targets {
	return Targets{
		Headroom: 0.3, Redundancy: 1, MaxReconnectSeconds: 300, LatencyTargetMillis: 100, Interval: 95, HorizonMonths: 24,
		MigrationPriceUSD: 500, NodeChangePriceUSD: 50, PaybackMonths: 6, MinNodes: 3, OddNodes: true,
		NoDownsizeWithinMonths: 6, LeadTimeMonths: 1, CapacitySource: "auto", MinFitR2: 0.8, MinFitSamples: 168,
	}
}

// Explicit path settings are kept, odd_nodes: false among them.
func TestParseKeepsPathSettings(t *testing.T) {
	f, err := Parse([]byte(small+"targets:\n  repoint_usd_per_device: 0.25\n  migration_price_usd: 0\n  odd_nodes: false\n  min_nodes: 2\n  lead_time_months: 0\n  capacity_source: profile\n"), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := defaultTargets()
	want.RepointUSDPerDevice, want.MigrationPriceUSD, want.OddNodes, want.MinNodes, want.LeadTimeMonths, want.CapacitySource = 0.25, 0, false, 2, 0, "profile"
	if f.Targets != want {
		t.Errorf("targets %+v, want %+v", f.Targets, want)
	}
}

func TestParseAppliesDefaults(t *testing.T) {
	f, err := Parse([]byte(small), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := defaultTargets()
	if f.Targets != want {
		t.Errorf("targets %+v, want %+v", f.Targets, want)
	}
	wantRegions := []ClientRegion{{Name: "home", DevicesPerCustomer: 3}, {Name: "away", DevicesPerCustomer: 1.5}}
	if !reflect.DeepEqual(f.ClientRegions, wantRegions) {
		t.Errorf("client regions %+v", f.ClientRegions)
	}
	wantGW := Cluster{Name: "gw-a", Role: "gateway", AWSRegion: "eu-west-1", InstanceType: "c6i.large", Nodes: 2, Serves: []string{"home"}, FailoverTo: "gw-b"}
	if !reflect.DeepEqual(f.Clusters[1], wantGW) {
		t.Errorf("clusters[1] %+v, want %+v", f.Clusters[1], wantGW)
	}
}

// A target given as 0 stays 0: only an absent one takes the default.
func TestParseKeepsExplicitZeroTargets(t *testing.T) {
	f, err := Parse([]byte(small+"targets:\n  headroom: 0\n  redundancy: 0\n  interval: 80\n"), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	want := defaultTargets()
	want.Headroom, want.Redundancy, want.Interval = 0, 0, 80
	if f.Targets != want {
		t.Errorf("targets %+v, want %+v", f.Targets, want)
	}
}

func TestHelpers(t *testing.T) {
	f, err := Parse([]byte(small), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range f.Gateways() {
		names = append(names, g.Name)
	}
	if !reflect.DeepEqual(names, []string{"gw-a", "gw-b"}) {
		t.Errorf("Gateways = %v", names)
	}
	if got := f.ClientRegionNames(); !reflect.DeepEqual(got, []string{"home", "away"}) {
		t.Errorf("ClientRegionNames = %v", got)
	}
	if c, ok := f.ClusterByName("backend"); !ok || c.InstanceType != "r6i.large" {
		t.Errorf("ClusterByName(backend) = %+v, %v", c, ok)
	}
	if _, ok := f.ClusterByName("nope"); ok {
		t.Error("ClusterByName(nope) found")
	}
	if r, ok := f.ClientRegionByName("away"); !ok || r.DevicesPerCustomer != 1.5 {
		t.Errorf("ClientRegionByName(away) = %+v, %v", r, ok)
	}
	if g, ok := f.GatewayFor("away"); !ok || g.Name != "gw-b" {
		t.Errorf("GatewayFor(away) = %+v, %v", g.Name, ok)
	}
	if _, ok := f.GatewayFor("mars"); ok {
		t.Error("GatewayFor(mars) found")
	}
	if u := f.Unserved(); u != nil {
		t.Errorf("Unserved = %v, want none", u)
	}
}

// A client region in no gateway's serves is valid: the planner sizes it
// with the nearest gateway.
func TestParseUnservedRegion(t *testing.T) {
	f, err := Parse([]byte(strings.Replace(small, "serves: [away]", "serves: []", 1)), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	if u := f.Unserved(); !slices.Equal(u, []string{"away"}) {
		t.Errorf("Unserved = %v, want [away]", u)
	}
	if g, ok := f.GatewayFor("away"); ok {
		t.Errorf("GatewayFor(away) = %s", g.Name)
	}
}

func TestParseErrorsNameLineAndField(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(small, old) {
			t.Fatalf("%q not in the fleet", old)
		}
		return strings.Replace(small, old, new, 1)
	}
	cases := []struct{ name, yaml, want string }{
		{"empty", "# nothing\n", `fleet.yml: empty: a fleet needs client_regions and clusters`},
		{"syntax", "client_regions: [\n", `fleet.yml:1: did not find expected node content`},
		{"unknown field", replace("    nodes: 3\n", "    nodes: 3\n    colour: blue\n"), `fleet.yml:10: field colour not found`},
		{"unknown target", small + "targets:\n  headroom: 0.2\n  latency_target: 80\n", `fleet.yml:25: field latency_target not found`},
		{"repeated field", replace("    nodes: 3\n", "    nodes: 3\n    nodes: 4\n"), `fleet.yml:10: mapping key "nodes" already defined at line 9`},
		{"wrong type", replace("    nodes: 3\n", "    nodes: three\n"), "fleet.yml:9: cannot unmarshal !!str `three` into int"},
		{"two documents", small + "---\nclusters: []\n", `fleet.yml:23: a fleet file holds one YAML document`},
		{"no client regions", "clusters: []\n", `fleet.yml: client_regions: at least one client region is required`},
		{"unnamed region", replace("  - {name: away, devices_per_customer: 1.5}", "  - {devices_per_customer: 1.5}"), `fleet.yml:3:5: client_regions[1]: name is required`},
		{"duplicate region", replace("{name: away,", "{name: home,"), `fleet.yml:3:12: client_regions[1]: name "home" is used by client_regions[0]`},
		{"devices missing", replace("{name: away, devices_per_customer: 1.5}", "{name: away}"), `fleet.yml:3:5: client_regions[1] (away): devices_per_customer 0: must be positive`},
		{"devices negative", replace("devices_per_customer: 1.5", "devices_per_customer: -1"), `fleet.yml:3:40: client_regions[1] (away): devices_per_customer -1: must be positive`},
		{"no clusters", "client_regions: [{name: home, devices_per_customer: 1}]\n", `fleet.yml: clusters: at least one cluster is required`},
		{"unnamed cluster", replace("  - name: backend\n    role", "  - role"), `fleet.yml:5:5: clusters[0]: name is required`},
		{"bad cluster name", replace("name: backend", "name: back end"), `fleet.yml:5:11: clusters[0] (back end): name "back end": letters, digits, '_', '.' and '-' only, starting with a letter or digit`},
		{"duplicate cluster", replace("name: gw-b", "name: gw-a"), `fleet.yml:17:11: clusters[2] (gw-a): name "gw-a" is used by clusters[1]`},
		{"bad role", replace("role: backend", "role: edge"), `fleet.yml:6:11: clusters[0] (backend): role "edge": must be backend or gateway`},
		{"bad aws region", replace("aws_region: us-east-1", "aws_region: us-east1"), `fleet.yml:19:17: clusters[2] (gw-b): aws_region "us-east1": not an AWS region name (like eu-west-1)`},
		{"no instance type", replace("    instance_type: r6i.large\n", ""), `fleet.yml:5:5: clusters[0] (backend): instance_type "": not an instance type name (like c6i.large)`},
		{"no nodes", replace("    nodes: 3\n", ""), `fleet.yml:5:5: clusters[0] (backend): nodes 0: at least 1 node is required`},
		{"backend serves", replace("    nodes: 3\n", "    nodes: 3\n    serves: [home]\n"), `fleet.yml:10:13: clusters[0] (backend): serves: a backend serves no client region (devices connect to gateways)`},
		{"backend fails over", replace("    nodes: 3\n", "    nodes: 3\n    failover_to: gw-a\n"), `fleet.yml:10:18: clusters[0] (backend): failover_to: only a gateway fails over`},
		{"undeclared region", replace("serves: [away]", "serves: [away, mars]"), `fleet.yml:22:20: clusters[2] (gw-b): serves: client region "mars" is not declared in client_regions`},
		{"served twice", replace("serves: [away]", "serves: [away, home]"), `fleet.yml:22:20: clusters[2] (gw-b): serves: client region "home" is already served by gw-a (a client region connects to one gateway)`},
		{"failover to nothing", replace("failover_to: gw-b", "failover_to: gw-c"), `fleet.yml:16:18: clusters[1] (gw-a): failover_to "gw-c": no gateway of that name`},
		{"failover to backend", replace("failover_to: gw-b", "failover_to: backend"), `fleet.yml:16:18: clusters[1] (gw-a): failover_to "backend": no gateway of that name`},
		{"failover to itself", replace("failover_to: gw-b", "failover_to: gw-a"), `fleet.yml:16:18: clusters[1] (gw-a): failover_to "gw-a": a gateway cannot fail over to itself`},
		{"cpu selector with braces", replace("failover_to: gw-b", "failover_to: gw-b\n    node_cpu_selector: '{job=\"node\"}'"),
			`fleet.yml:17:24: clusters[1] (gw-a): node_cpu_selector "{job=\"node\"}": want PromQL label matchers without braces, like job="node", instance=~"gw-eu-.*"`},
		{"cpu selector without a matcher", replace("failover_to: gw-b", "failover_to: gw-b\n    node_cpu_selector: node"),
			`fleet.yml:17:24: clusters[1] (gw-a): node_cpu_selector "node": want PromQL label matchers without braces, like job="node", instance=~"gw-eu-.*"`},
		{"headroom", small + "targets: {headroom: 1}\n", `fleet.yml:23:21: targets: headroom 1: must be at least 0 and below 1`},
		{"redundancy", small + "targets: {redundancy: -1}\n", `fleet.yml:23:23: targets: redundancy -1: must not be negative`},
		{"reconnect", small + "targets: {max_reconnect_seconds: 0}\n", `fleet.yml:23:34: targets: max_reconnect_seconds 0: must be positive`},
		{"latency", small + "targets: {latency_target_ms: .inf}\n", `fleet.yml:23:30: targets: latency_target_ms +Inf: must be positive`},
		{"interval", small + "targets: {interval: 90}\n", `fleet.yml:23:21: targets: interval 90: must be 80 or 95`},
		{"horizon", small + "targets: {horizon_months: 121}\n", `fleet.yml:23:27: targets: horizon_months 121: must be from 1 to 120`},
		{"repoint price", small + "targets: {repoint_usd_per_device: -0.5}\n", `fleet.yml:23:35: targets: repoint_usd_per_device -0.5: must be a finite number of dollars, at least 0`},
		{"repoint price NaN", small + "targets:\n  repoint_usd_per_device: .nan\n", `fleet.yml:24:27: targets: repoint_usd_per_device NaN: must be a finite number of dollars, at least 0`},
		{"migration price", small + "targets: {migration_price_usd: -1}\n", `fleet.yml:23:32: targets: migration_price_usd -1: must be a finite number of dollars, at least 0`},
		{"node change price", small + "targets: {node_change_price_usd: .nan}\n", `fleet.yml:23:34: targets: node_change_price_usd NaN: must be a finite number of dollars, at least 0`},
		{"payback", small + "targets: {payback_months: 0}\n", `fleet.yml:23:27: targets: payback_months 0: must be from 1 to 120`},
		{"min nodes", small + "targets: {min_nodes: 0}\n", `fleet.yml:23:22: targets: min_nodes 0: must be from 1 to 63`},
		{"min nodes vs redundancy", small + "targets: {min_nodes: 2, redundancy: 2}\n", `fleet.yml:23:22: targets: min_nodes 2: must exceed redundancy 2 (a gateway must survive losing that many nodes)`},
		{"odd nodes", small + "targets: {odd_nodes: maybe}\n", "fleet.yml:23: cannot unmarshal !!str `maybe` into bool"},
		{"no downsize", small + "targets: {no_downsize_within_months: -1}\n", `fleet.yml:23:38: targets: no_downsize_within_months -1: must be from 0 to 120`},
		{"lead time", small + "targets: {lead_time_months: 200}\n", `fleet.yml:23:29: targets: lead_time_months 200: must be from 0 to 120`},
		{"capacity source", small + "targets: {capacity_source: measured}\n", `fleet.yml:23:28: targets: capacity_source "measured": must be auto, observed or profile`},
		{"fit r2", small + "targets: {min_fit_r2: 1.5}\n", `fleet.yml:23:23: targets: min_fit_r2 1.5: must be from 0 to 1`},
		{"fit samples", small + "targets: {min_fit_samples: 2}\n", `fleet.yml:23:28: targets: min_fit_samples 2: must be at least 3 (a line through two points always fits)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte(c.yaml), "fleet.yml")
			if err == nil {
				t.Fatalf("no error; fleet %+v", f)
			}
			if err.Error() != c.want {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
		})
	}
}

func TestParseNoGateway(t *testing.T) {
	_, err := Parse([]byte("client_regions: [{name: home, devices_per_customer: 1}]\nclusters:\n  - {name: b, role: backend, aws_region: eu-west-1, instance_type: r6i.large, nodes: 3}\n"), "")
	if want := `stdin:3:3: clusters: at least one gateway is required`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestCheckAgainstCatalog(t *testing.T) {
	cat := &catalog.Catalog{Types: []catalog.InstanceType{
		{Name: "c6i.large", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.781, PricePerHour: map[string]float64{"eu-west-1": 0.096, "us-east-1": 0.085}},
		{Name: "r6i.large", VCPU: 2, MemoryGiB: 16, NetworkGbps: 0.781, PricePerHour: map[string]float64{"eu-west-1": 0.141}},
	}}
	f, err := Parse([]byte(small), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(cat); err != nil {
		t.Errorf("Check: %v", err)
	}

	f, err = Parse([]byte(strings.Replace(small, "instance_type: r6i.large", "instance_type: r6i.mega", 1)), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	if want := `fleet.yml:8:20: clusters[0] (backend): instance_type "r6i.mega" is not in the instance catalog`; f.Check(cat) == nil || f.Check(cat).Error() != want {
		t.Errorf("Check error %v, want %s", f.Check(cat), want)
	}

	f, err = Parse([]byte(strings.Replace(small, "instance_type: c6i.large\n    nodes: 2\n    serves: [away]", "instance_type: r6i.large\n    nodes: 2\n    serves: [away]", 1)), "fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	if want := `fleet.yml:20:20: clusters[2] (gw-b): instance_type "r6i.large" has no price in aws_region "us-east-1" in the instance catalog (not offered there)`; f.Check(cat) == nil || f.Check(cat).Error() != want {
		t.Errorf("Check error %v, want %s", f.Check(cat), want)
	}
}

// A fleet built in code has no file positions; errors still say what.
func TestCheckWithoutFile(t *testing.T) {
	f := &Fleet{Clusters: []Cluster{{Name: "gw", Role: RoleGateway, AWSRegion: "eu-west-1", InstanceType: "x1.large", Nodes: 1}}}
	err := f.Check(&catalog.Catalog{})
	if want := `fleet: clusters[0] (gw): instance_type "x1.large" is not in the instance catalog`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestExampleFleet(t *testing.T) {
	f, err := Load("../../examples/planner/fleet.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(catalog.Default()); err != nil {
		t.Error(err)
	}
	var gws []string
	for _, g := range f.Gateways() {
		gws = append(gws, g.Name+"@"+g.AWSRegion)
	}
	if want := []string{"gateway-eu@eu-west-1", "gateway-us@us-east-1", "gateway-ap@ap-southeast-1"}; !reflect.DeepEqual(gws, want) {
		t.Errorf("gateways %v, want %v", gws, want)
	}
	lat := latency.Default()
	for _, r := range f.ClientRegionNames() {
		if _, ok := lat.Millis(r, "eu-west-1"); !ok {
			t.Errorf("client region %s is not in the default latency table", r)
		}
	}
	for _, c := range f.Clusters {
		if !slices.Contains(lat.AWSRegions(), c.AWSRegion) {
			t.Errorf("%s: aws_region %s is not in the default latency table", c.Name, c.AWSRegion)
		}
	}
	if want := defaultTargets(); f.Targets != want {
		t.Errorf("targets %+v: the example says it shows the defaults", f.Targets)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "fleet.yml"))
	if err == nil || !strings.HasPrefix(err.Error(), "fleet: open ") || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v", err)
	}
}
