package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

const discoveryOnly = `
defaults:
  username: monitor
  password_env: FLEET_PW
discovery:
  ec2:
    - region: eu-west-1
`

func TestDiscoveryDefaults(t *testing.T) {
	cfg, err := Parse([]byte(discoveryOnly))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Clusters) != 0 {
		t.Errorf("clusters: %v, want none", cfg.Clusters)
	}
	want := &Discovery{
		RefreshInterval: model.Duration(time.Minute),
		EC2: []EC2Discovery{{
			Region:     "eu-west-1",
			Tags:       EC2Tags{Cluster: "rabbitfleet:cluster", Role: "rabbitfleet:role", Region: "rabbitfleet:region", ManagementPort: "rabbitfleet:management-port"},
			Management: EC2Address{Scheme: "http", Port: 15672, Address: "private_ip"},
		}},
	}
	if !reflect.DeepEqual(cfg.Discovery, want) {
		t.Errorf("discovery = %+v\nwant        %+v", cfg.Discovery, want)
	}
	if got := cfg.Discovery.EC2[0].SourceName(); got != "ec2/eu-west-1" {
		t.Errorf("source name %q", got)
	}
}

func TestInvalidDiscoveryNamesTheProblem(t *testing.T) {
	const ec2 = "discovery:\n  ec2:\n    - "
	cases := []parseErrorCase{
		{"unknown field with line", ec2 + "region: eu-west-1\n      colour: blue\n", "line 4: field colour not found"},
		{"typo in tags", ec2 + "{region: eu-west-1, tags: {clustr: x}}\n", "field clustr not found"},
		{"no sources", "discovery: {refresh_interval: 1m}\n", "discovery: at least one source is required (ec2)"},
		{"bad interval", "discovery: {refresh_interval: often, ec2: [{region: eu-west-1}]}\n", `discovery: not a valid duration string: "often"`},
		{"bad timeout", ec2 + "{region: eu-west-1, timeout: soon}\n", `discovery.ec2[0] (eu-west-1): not a valid duration string: "soon"`},
		{"no region", ec2 + "{endpoint: 'http://x'}\n", "discovery.ec2[0]: region is required"},
		{"bad region", ec2 + "{region: Ireland}\n", `discovery.ec2[0] (Ireland): region "Ireland" is not an AWS region name`},
		{"region twice", "discovery:\n  ec2: [{region: eu-west-1}, {region: eu-west-1}]\n", "discovery.ec2[1] (eu-west-1): region eu-west-1 is already discovered by discovery.ec2[0]"},
		{"bad endpoint", ec2 + "{region: eu-west-1, endpoint: 'ec2.internal'}\n", `endpoint "ec2.internal" is not an http(s) URL`},
		{"credentials in endpoint", ec2 + "{region: eu-west-1, endpoint: 'https://AKID:hunter2@ec2.internal'}\n", "endpoint: credentials in the URL are not allowed"},
		{"filter without name", ec2 + "{region: eu-west-1, filters: [{values: [a]}]}\n", "discovery.ec2[0] (eu-west-1): filters[0]: name is required"},
		{"filter without values", ec2 + "{region: eu-west-1, filters: [{name: vpc-id}]}\n", "filters[0] (vpc-id): at least one value is required"},
		{"state filter", ec2 + "{region: eu-west-1, filters: [{name: instance-state-name, values: [stopped]}]}\n", "instance-state-name is set by the exporter"},
		{"bad scheme", ec2 + "{region: eu-west-1, management: {scheme: amqp}}\n", `management.scheme "amqp": must be http or https`},
		{"bad port", ec2 + "{region: eu-west-1, management: {port: 70000}}\n", "management.port 70000: must be between 1 and 65535"},
		{"bad address", ec2 + "{region: eu-west-1, management: {address: ipv6}}\n", `management.address "ipv6": must be private_ip, public_ip or private_dns`},
		{"federation links", ec2 + "{region: eu-west-1, federation: {expected_links: [{upstream: b, exchange: x}]}}\n", "belong to static clusters, not to a discovery source"},
		{"both password sources", ec2 + "{region: eu-west-1, password_file: /f, password_env: E}\n", "discovery.ec2[0] (eu-west-1): set only one of password_file and password_env"},
		{"bad tls", ec2 + "{region: eu-west-1, tls_config: {cert_file: /c}}\n", "discovery.ec2[0] (eu-west-1): exactly one of key or key_file"},
		{"bad regexp", ec2 + "{region: eu-west-1, queues: {exclude: ['(']}}\n", "discovery.ec2[0] (eu-west-1): queues: exclude[0]"},
	}
	expectParseErrors(t, cases)
}

// With discovery, a static cluster may name a federation upstream that only
// discovery will find; without it, the name must exist.
func TestUpstreamClusterMayBeDiscovered(t *testing.T) {
	static := "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], federation: {upstream_clusters: {up: found-later}}}\n"
	if _, err := Parse([]byte(static + "discovery: {ec2: [{region: eu-west-1}]}\n")); err != nil {
		t.Errorf("with discovery: %v", err)
	}
	if _, err := Parse([]byte(static)); err == nil || !strings.Contains(err.Error(), `no cluster named "found-later"`) {
		t.Errorf("without discovery: %v", err)
	}
}

func TestMergeAppliesDefaultsValidatesAndKeepsStaticOnCollision(t *testing.T) {
	cfg, err := Parse([]byte(`
defaults:
  username: monitor
  timeout: 3s
  queues: {include: ['^telemetry$']}
clusters:
  - {name: backend, role: backend, region: eu-west-1, management_urls: ['http://static:15672']}
discovery:
  ec2: [{region: eu-west-1}]
`))
	if err != nil {
		t.Fatal(err)
	}
	found := []Cluster{
		{Name: "gw-1", Role: RoleGateway, Region: "eu-west-1", ManagementURLs: []string{"http://10.0.0.1:15672"}, Source: "ec2/eu-west-1",
			Settings: Settings{Timeout: model.Duration(7 * time.Second)}},
		{Name: "backend", Role: RoleBackend, Region: "eu-west-1", ManagementURLs: []string{"http://10.0.0.2:15672"}, Source: "ec2/eu-west-1"},
		{Name: "gw-2", Role: RoleGateway, Region: "us-east-1", ManagementURLs: []string{"http://10.1.0.1:15672"}, Source: "ec2/us-east-1",
			Settings: Settings{Queues: QueueOptions{Exclude: []string{"("}}}},
		{Name: "gw-1", Role: RoleGateway, Region: "us-east-1", ManagementURLs: []string{"http://10.1.0.2:15672"}, Source: "ec2/us-east-1"},
	}
	merged, errs := cfg.Merge(found)
	var names []string
	for _, cl := range merged.Clusters {
		names = append(names, cl.Name+"@"+cl.ManagementURLs[0])
	}
	if want := []string{"backend@http://static:15672", "gw-1@http://10.0.0.1:15672"}; !reflect.DeepEqual(names, want) {
		t.Errorf("merged clusters %v, want %v", names, want)
	}
	gw := merged.Cluster("gw-1")
	if gw.Username != "monitor" || time.Duration(gw.Timeout) != 7*time.Second || !gw.Queues.Included("telemetry") || gw.Source != "ec2/eu-west-1" {
		t.Errorf("gw-1 did not inherit the defaults under its own settings: %+v", gw)
	}
	wantErrs := []string{
		"cluster backend found by ec2/eu-west-1 is ignored: the static configuration already has a cluster of that name",
		"cluster gw-2 found by ec2/us-east-1 is ignored: queues: exclude[0] \"(\": error parsing regexp: missing closing ): `(`",
		"cluster gw-1 found by ec2/us-east-1 is ignored: the ec2/eu-west-1 already has a cluster of that name",
	}
	if got := errorStrings(errs); !reflect.DeepEqual(got, wantErrs) {
		t.Errorf("errors:\n%q\nwant\n%q", got, wantErrs)
	}
	if len(cfg.Clusters) != 1 {
		t.Errorf("Merge changed the static configuration: %d clusters", len(cfg.Clusters))
	}
}

func errorStrings(errs []error) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

func TestSameComparesEffectiveConfiguration(t *testing.T) {
	parse := func(extra string) *Cluster {
		cfg, err := Parse([]byte(minimal + extra))
		if err != nil {
			t.Fatal(err)
		}
		return &cfg.Clusters[0]
	}
	base := parse("    queues: {include: ['^telemetry$']}\n")
	if !base.Same(parse("    queues: {include: ['^telemetry$']}\n")) {
		t.Error("identical clusters parsed twice are not the same")
	}
	for _, extra := range []string{
		"    queues: {include: ['^commands$']}\n",
		"    queues: {include: ['^telemetry$']}\n    timeout: 3s\n",
		"    queues: {include: ['^telemetry$']}\n    tls_config: {server_name: other}\n",
	} {
		if base.Same(parse(extra)) {
			t.Errorf("%q counted as the same configuration", extra)
		}
	}
	moved := *base
	moved.Source = "ec2/eu-west-1"
	if base.Same(&moved) {
		t.Error("a cluster found by another source counted as the same")
	}
}
