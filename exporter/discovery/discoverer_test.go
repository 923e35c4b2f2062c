package discovery

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakeec2"
)

const (
	testAccessKey = "AKIDRABBITFLEETTEST"
	testSecret    = "s3cr3t-AWS-key-never-logged"
)

// awsTestEnv gives the SDK's standard chain static credentials and nothing
// else to find: no shared files, no instance metadata, no retries.
func awsTestEnv(t *testing.T) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           testAccessKey,
		"AWS_SECRET_ACCESS_KEY":       testSecret,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_MAX_ATTEMPTS":            "1",
	} {
		t.Setenv(k, v)
	}
}

func parse(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newDiscoverer(t *testing.T, cfg *config.Config, prev *Discoverer, m *Metrics) (*Discoverer, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	d, err := New(context.Background(), cfg.Discovery, prev, m, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return d, &logs
}

func tags(cluster, role string, more ...string) map[string]string {
	t := map[string]string{}
	if cluster != "" {
		t["rabbitfleet:cluster"] = cluster
	}
	if role != "" {
		t["rabbitfleet:role"] = role
	}
	for i := 0; i+1 < len(more); i += 2 {
		t[more[i]] = more[i+1]
	}
	return t
}

// euFleet is one region's instances: two clusters, one instance of each kind
// of mistake, and instances EC2 itself filters out.
var euFleet = []fakeec2.Instance{
	{ID: "i-0b2", PrivateIP: "10.0.0.12", VpcID: "vpc-1", Tags: tags("backend", "backend", "rabbitfleet:region", "eu-west-1")},
	{ID: "i-0b1", PrivateIP: "10.0.0.11", VpcID: "vpc-1", Tags: tags("backend", "backend", "rabbitfleet:region", "eu-west-1")},
	{ID: "i-0c1", PrivateIP: "10.0.0.21", VpcID: "vpc-1", Tags: tags("gateway-eu", "gateway", "rabbitfleet:management-port", "15673")},
	{ID: "i-0c2", PrivateIP: "10.0.0.22", VpcID: "vpc-1", Tags: tags("gateway-eu", "gateway", "rabbitfleet:management-port", "15673")},
	{ID: "i-0e1", PrivateIP: "10.0.0.31", VpcID: "vpc-1", Tags: tags("orphan", "")},
	{ID: "i-0e2", PrivateIP: "10.0.0.32", VpcID: "vpc-1", Tags: tags("edge-1", "edge")},
	{ID: "i-0e3", PrivateIP: "10.0.0.33", VpcID: "vpc-1", Tags: tags("gateway-eu", "gateway", "rabbitfleet:management-port", "http")},
	{ID: "i-0e4", VpcID: "vpc-1", Tags: tags("gateway-eu", "gateway")},
	{ID: "i-0e5", PrivateIP: "10.0.0.35", VpcID: "vpc-1", Tags: tags("backend", "gateway", "rabbitfleet:region", "eu-west-1")},
	{ID: "i-0e6", PrivateIP: "10.0.0.36", VpcID: "vpc-1", Tags: tags("bad name!", "gateway")},
	{ID: "i-0f1", PrivateIP: "10.0.0.41", VpcID: "vpc-1", State: "stopped", Tags: tags("stopped", "gateway")},
	{ID: "i-0f2", PrivateIP: "10.0.0.42", VpcID: "vpc-1", Tags: map[string]string{"Name": "web"}},
	{ID: "i-0f3", PrivateIP: "10.9.0.1", VpcID: "vpc-2", Tags: tags("other-vpc", "gateway")},
}

func TestDiscoveryFromEC2Tags(t *testing.T) {
	awsTestEnv(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(euFleet...)
	cfg := parse(t, fmt.Sprintf(`
defaults: {username: monitor}
discovery:
  ec2:
    - region: eu-west-1
      endpoint: %s
      filters: [{name: vpc-id, values: [vpc-1]}]
      password_env: FLEET_PW
`, ec2.URL))
	m := NewMetrics()
	d, logs := newDiscoverer(t, cfg, nil, m)
	d.Refresh(context.Background())

	settings := cfg.Discovery.EC2[0].Settings
	want := []config.Cluster{
		{Name: "backend", Role: "backend", Region: "eu-west-1", ManagementURLs: []string{"http://10.0.0.11:15672", "http://10.0.0.12:15672"}, Settings: settings, Source: "ec2/eu-west-1"},
		{Name: "gateway-eu", Role: "gateway", Region: "eu-west-1", ManagementURLs: []string{"http://10.0.0.21:15673", "http://10.0.0.22:15673"}, Settings: settings, Source: "ec2/eu-west-1"},
	}
	if got := d.Clusters(); !reflect.DeepEqual(got, want) {
		t.Errorf("clusters:\n%+v\nwant\n%+v", got, want)
	}
	if settings.PasswordEnv != "FLEET_PW" {
		t.Errorf("the source's settings are not the clusters': %+v", settings)
	}

	// 10 instances pass EC2's filters: five pages of two.
	reqs := ec2.Requests()
	var tokens []string
	for _, r := range reqs {
		tokens = append(tokens, r.Form.Get("NextToken"))
		if r.Region != "eu-west-1" || r.AccessKey != testAccessKey {
			t.Errorf("request signed for region %q with key %q", r.Region, r.AccessKey)
		}
		r.Form.Del("NextToken")
		wantForm := url.Values{
			"Action": {"DescribeInstances"}, "Version": {"2016-11-15"}, "MaxResults": {"1000"},
			"Filter.1.Name": {"instance-state-name"}, "Filter.1.Value.1": {"running"},
			"Filter.2.Name": {"tag-key"}, "Filter.2.Value.1": {"rabbitfleet:cluster"},
			"Filter.3.Name": {"vpc-id"}, "Filter.3.Value.1": {"vpc-1"},
		}
		if !reflect.DeepEqual(r.Form, wantForm) {
			t.Errorf("request form %v\nwant %v", r.Form, wantForm)
		}
	}
	if want := []string{"", "page-at-2", "page-at-4", "page-at-6", "page-at-8"}; !reflect.DeepEqual(tokens, want) {
		t.Errorf("NextToken of each request %q, want %q", tokens, want)
	}

	wantSkips := []string{
		`instance=i-0e1 reason=missing_tag detail="tag rabbitfleet:role is missing"`,
		`instance=i-0e2 reason=bad_tag detail="tag rabbitfleet:role=\"edge\": must be backend or gateway"`,
		`instance=i-0e3 reason=bad_tag detail="tag rabbitfleet:management-port=\"http\": not a port number"`,
		`instance=i-0e4 reason=no_address detail="the instance has no private_ip (management.address)"`,
		`instance=i-0e5 reason=conflicting_tags detail="cluster backend is backend in eu-west-1 by its first instance, this one says gateway in eu-west-1 (tags rabbitfleet:role, rabbitfleet:region)"`,
		`instance=i-0e6 reason=bad_tag detail="tag rabbitfleet:cluster=\"bad name!\": use letters, digits, '.', '_' and '-' only"`,
	}
	if got := skipLines(logs.String()); !reflect.DeepEqual(got, wantSkips) {
		t.Errorf("skip log lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantSkips, "\n"))
	}
	names := []string{"rabbitfleet_discovery_clusters", "rabbitfleet_discovery_refreshes_total", "rabbitfleet_discovery_skipped_instances"}
	if got, want := metricsText(t, m, names...), strings.TrimPrefix(`
# HELP rabbitfleet_discovery_clusters Clusters the source found at its last successful refresh (before merging with the static clusters).
# TYPE rabbitfleet_discovery_clusters gauge
rabbitfleet_discovery_clusters{source="ec2/eu-west-1"} 2
# HELP rabbitfleet_discovery_refreshes_total Discovery refreshes by source and outcome (success, failure). A failed refresh keeps the clusters found last.
# TYPE rabbitfleet_discovery_refreshes_total counter
rabbitfleet_discovery_refreshes_total{outcome="failure",source="ec2/eu-west-1"} 0
rabbitfleet_discovery_refreshes_total{outcome="success",source="ec2/eu-west-1"} 1
# HELP rabbitfleet_discovery_skipped_instances Instances left out at the source's last successful refresh, by reason (missing_tag, bad_tag, no_address, conflicting_tags).
# TYPE rabbitfleet_discovery_skipped_instances gauge
rabbitfleet_discovery_skipped_instances{reason="bad_tag",source="ec2/eu-west-1"} 3
rabbitfleet_discovery_skipped_instances{reason="conflicting_tags",source="ec2/eu-west-1"} 1
rabbitfleet_discovery_skipped_instances{reason="missing_tag",source="ec2/eu-west-1"} 1
rabbitfleet_discovery_skipped_instances{reason="no_address",source="ec2/eu-west-1"} 1
`, "\n"); got != want {
		t.Errorf("metrics:\n%s\nwant\n%s", got, want)
	}
	ts, _ := strconv.ParseFloat(sample(t, metricsText(t, m), `rabbitfleet_discovery_last_refresh_success_timestamp_seconds{source="ec2/eu-west-1"}`), 64)
	if age := time.Since(time.Unix(int64(ts), 0)); age > time.Minute {
		t.Errorf("last success timestamp %v is not now", ts)
	}

	// The same mistakes at the next refresh are not logged again.
	d.Refresh(context.Background())
	if got := len(skipLines(logs.String())); got != len(wantSkips) {
		t.Errorf("%d skip lines after a second refresh, want still %d", got, len(wantSkips))
	}
	if strings.Contains(logs.String(), testSecret) {
		t.Errorf("the AWS secret key is in the log:\n%s", logs)
	}
}

func skipLines(logs string) []string {
	var lines []string
	for _, l := range strings.Split(logs, "\n") {
		if i := strings.Index(l, "instance="); i >= 0 && strings.Contains(l, `msg="instance skipped"`) {
			lines = append(lines, l[i:])
		}
	}
	return lines
}

func TestEachRegionHasItsOwnClient(t *testing.T) {
	awsTestEnv(t)
	eu, us := fakeec2.New(t), fakeec2.New(t)
	eu.SetInstances(fakeec2.Instance{ID: "i-1", PrivateIP: "10.0.0.1", Tags: tags("gw-eu", "gateway")})
	us.SetInstances(fakeec2.Instance{ID: "i-2", PrivateIP: "10.1.0.1", PublicIP: "54.0.0.2", PrivateDNS: "ip-10-1-0-1.ec2.internal",
		Tags: tags("gw-us", "gateway", "rabbitfleet:region", "us")})
	cfg := parse(t, fmt.Sprintf(`
discovery:
  ec2:
    - {region: eu-west-1, endpoint: %q}
    - {region: us-east-1, endpoint: %q, management: {scheme: https, port: 443, address: private_dns}}
`, eu.URL, us.URL))
	d, _ := newDiscoverer(t, cfg, nil, NewMetrics())
	d.Refresh(context.Background())

	var got []string
	for _, cl := range d.Clusters() {
		got = append(got, fmt.Sprintf("%s %s %s %v", cl.Source, cl.Name, cl.Region, cl.ManagementURLs))
	}
	want := []string{
		"ec2/eu-west-1 gw-eu eu-west-1 [http://10.0.0.1:15672]",
		"ec2/us-east-1 gw-us us [https://ip-10-1-0-1.ec2.internal:443]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clusters %q, want %q", got, want)
	}
	for fake, region := range map[*fakeec2.Server]string{eu: "eu-west-1", us: "us-east-1"} {
		reqs := fake.Requests()
		if len(reqs) != 1 || reqs[0].Region != region {
			t.Errorf("endpoint of %s received %d requests, want 1 signed for %s: %+v", region, len(reqs), region, reqs)
		}
	}
}

func TestFailedRefreshKeepsTheLastClusters(t *testing.T) {
	awsTestEnv(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(fakeec2.Instance{ID: "i-1", PrivateIP: "10.0.0.1", Tags: tags("gw", "gateway")})
	cfg := parse(t, fmt.Sprintf("discovery: {ec2: [{region: eu-west-1, endpoint: %q}]}\n", ec2.URL))
	m := NewMetrics()
	d, logs := newDiscoverer(t, cfg, nil, m)
	d.Refresh(context.Background())
	before := d.Clusters()
	if len(before) != 1 {
		t.Fatalf("first refresh found %d clusters, want 1", len(before))
	}

	ec2.SetInstances() // would empty the set, were it read
	failures := []struct {
		name  string
		fault func()
		log   string
	}{
		{"throttled", func() { ec2.Fail(503, "RequestLimitExceeded", "Request limit exceeded.") }, "api error RequestLimitExceeded: Request limit exceeded."},
		{"not allowed", func() { ec2.Fail(403, "UnauthorizedOperation", "You are not authorized to perform this operation.") }, "api error UnauthorizedOperation"},
		{"hanging", ec2.Hang, "context deadline exceeded"},
	}
	for i, f := range failures {
		f.fault()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		d.Refresh(ctx)
		cancel()
		if got := d.Clusters(); !reflect.DeepEqual(got, before) {
			t.Errorf("%s: clusters %+v after a failed refresh, want the last ones %+v", f.name, got, before)
		}
		if !strings.Contains(logs.String(), f.log) {
			t.Errorf("%s: log does not say %q:\n%s", f.name, f.log, logs)
		}
		if got := sample(t, metricsText(t, m), `rabbitfleet_discovery_refreshes_total{outcome="failure"`); got != strconv.Itoa(i+1) {
			t.Errorf("%s: %s failed refreshes counted, want %d", f.name, got, i+1)
		}
	}
	if got := sample(t, metricsText(t, m), "rabbitfleet_discovery_clusters{"); got != "1" {
		t.Errorf("clusters gauge %s after failures, want the last success's 1", got)
	}

	ec2.Recover()
	d.Refresh(context.Background())
	if got := d.Clusters(); len(got) != 0 {
		t.Errorf("clusters %+v after recovery, want none (the instance is gone)", got)
	}
	if strings.Contains(logs.String(), testSecret) {
		t.Errorf("the AWS secret key is in the log:\n%s", logs)
	}
}

func TestReloadKeepsUnchangedSources(t *testing.T) {
	awsTestEnv(t)
	eu, us := fakeec2.New(t), fakeec2.New(t)
	eu.SetInstances(fakeec2.Instance{ID: "i-1", PrivateIP: "10.0.0.1", Tags: tags("gw-eu", "gateway")})
	us.SetInstances(fakeec2.Instance{ID: "i-2", PrivateIP: "10.1.0.1", Tags: tags("gw-us", "gateway")})
	m := NewMetrics()
	cfg := parse(t, fmt.Sprintf("discovery: {ec2: [{region: eu-west-1, endpoint: %q}, {region: us-east-1, endpoint: %q}]}\n", eu.URL, us.URL))
	d, _ := newDiscoverer(t, cfg, nil, m)
	d.Refresh(context.Background())

	// eu-west-1 unchanged, us-east-1 removed, ap-south-1 added.
	cfg2 := parse(t, fmt.Sprintf("discovery: {refresh_interval: 5s, ec2: [{region: eu-west-1, endpoint: %q}, {region: ap-south-1, endpoint: %q}]}\n", eu.URL, us.URL))
	d2, _ := newDiscoverer(t, cfg2, d, m)
	d2.Replaces(d, m)
	var names []string
	for _, cl := range d2.Clusters() {
		names = append(names, cl.Name)
	}
	if !reflect.DeepEqual(names, []string{"gw-eu"}) || d2.Interval() != 5*time.Second {
		t.Errorf("after reload, before any refresh: clusters %v interval %v; want [gw-eu] (kept) and 5s", names, d2.Interval())
	}
	text := metricsText(t, m)
	if got := seriesCount(text, "rabbitfleet_discovery_refreshes_total"); got != 4 {
		t.Errorf("%d refresh series, want 4 (success and failure of eu-west-1 and ap-south-1)", got)
	}
	if got := seriesCount(text, "rabbitfleet_discovery_clusters"); got != 1 {
		t.Errorf("%d cluster-count series, want 1: us-east-1's must be forgotten", got)
	}

	d3, _ := newDiscoverer(t, parse(t, "clusters: [{name: a, role: backend, region: r, management_urls: ['http://a:15672']}]\n"), d2, m)
	d3.Replaces(d2, m)
	if d3 != nil || d3.Clusters() != nil || d3.Interval() != 0 {
		t.Errorf("without discovery: %+v", d3)
	}
	if got := metricsText(t, m); got != "" {
		t.Errorf("discovery series left after discovery was removed:\n%s", got)
	}
}
