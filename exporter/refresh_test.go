package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/exporter/collector"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakeec2"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

// awsTestEnv gives the SDK's standard chain static credentials and nothing
// else to find: no shared files, no instance metadata, no retries.
func awsTestEnv(t *testing.T) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDRABBITFLEETTEST", "AWS_SECRET_ACCESS_KEY": "s3cr3t-AWS-key-never-logged", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1",
	} {
		t.Setenv(k, v)
	}
}

// node is an instance whose management API is api (a fake on loopback),
// reached through the port tag.
func node(id, cluster, role string, api *fakemgmt.Recorded) fakeec2.Instance {
	u, _ := url.Parse(api.URL)
	return fakeec2.Instance{ID: id, PrivateIP: u.Hostname(), Tags: map[string]string{
		"rabbitfleet:cluster": cluster, "rabbitfleet:role": role, "rabbitfleet:management-port": u.Port()}}
}

// discoveryYAML is one static cluster plus an EC2 source on the fake.
func discoveryYAML(static *fakemgmt.Recorded, ec2 *fakeec2.Server, interval string) string {
	return "clusters:\n" + clusterYAML("backend", "backend", static.URL, "") + fmt.Sprintf(`discovery:
  refresh_interval: %s
  ec2:
    - region: eu-west-1
      endpoint: %s
      password_env: RF_TEST_PASSWORD
      timeout: 2s
`, interval, ec2.URL)
}

func scrapers(f *Fleet) map[string]*collector.Scraper {
	m := map[string]*collector.Scraper{}
	for _, n := range f.Names() {
		m[n] = f.Peer(n)
	}
	return m
}

func TestDiscoveryRefreshRebuildsTheFleetKeepingUnchangedScrapers(t *testing.T) {
	awsTestEnv(t)
	static, gwA, gwB := recordedGateway(t), recordedGateway(t), recordedGateway(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA))
	srv, logs := testServer(t, discoveryYAML(static, ec2, "1h"))
	if got := srv.Fleet().Names(); !reflect.DeepEqual(got, []string{"backend"}) {
		t.Fatalf("before the first refresh: %v, want the static cluster only", got)
	}
	before := scrapers(srv.Fleet())

	srv.RefreshDiscovery(context.Background())
	if got := srv.Fleet().Names(); !reflect.DeepEqual(got, []string{"backend", "gw-a"}) {
		t.Fatalf("after the first refresh: %v", got)
	}
	first := scrapers(srv.Fleet())
	if first["backend"] != before["backend"] {
		t.Error("the static cluster's scraper was rebuilt by a refresh that did not change it")
	}
	if _, body := warmScrape(t, srv.ProbeHandler(), "/probe?target=gw-a", ""); series(t, body, "rabbitfleet_up", `cluster="gw-a"`, `role="gateway"`, `region="eu-west-1"`) != "1" {
		t.Errorf("discovered cluster not scraped:\n%s", body)
	}

	// gw-a unchanged, gw-b added: only gw-b gets a new scraper.
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA), node("i-b1", "gw-b", "gateway", gwB))
	srv.RefreshDiscovery(context.Background())
	second := scrapers(srv.Fleet())
	if got := srv.Fleet().Names(); !reflect.DeepEqual(got, []string{"backend", "gw-a", "gw-b"}) {
		t.Fatalf("after adding gw-b: %v", got)
	}
	if second["gw-a"] != first["gw-a"] || second["backend"] != first["backend"] {
		t.Error("unchanged clusters got new scrapers when gw-b was added")
	}

	// Nothing changed: the fleet itself stays.
	fleet := srv.Fleet()
	srv.RefreshDiscovery(context.Background())
	if srv.Fleet() != fleet {
		t.Error("a refresh that found the same clusters replaced the fleet")
	}

	// gw-a gains a node (a new scraper: its configuration changed), gw-b is gone.
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA), node("i-a2", "gw-a", "gateway", gwB))
	srv.RefreshDiscovery(context.Background())
	third := scrapers(srv.Fleet())
	if got := srv.Fleet().Names(); !reflect.DeepEqual(got, []string{"backend", "gw-a"}) {
		t.Fatalf("after removing gw-b: %v", got)
	}
	if third["gw-a"] == second["gw-a"] || len(third["gw-a"].Cluster.ManagementURLs) != 2 {
		t.Errorf("gw-a's new node is not in its scraper: %v", third["gw-a"].Cluster.ManagementURLs)
	}
	if third["backend"] != before["backend"] {
		t.Error("the static cluster's scraper did not survive the refreshes")
	}
	if code, body, _ := scrape(t, srv.ProbeHandler(), "/probe?target=gw-b", ""); code != http.StatusBadRequest {
		t.Errorf("removed cluster still probed: %d %s", code, body)
	}
	if !strings.Contains(logs.String(), `msg="fleet changed by discovery" clusters=2 added=[] removed=[gw-b]`) {
		t.Errorf("removal not logged:\n%s", logs)
	}
}

func TestFailedDiscoveryKeepsTheFleet(t *testing.T) {
	awsTestEnv(t)
	static, gwA := recordedGateway(t), recordedGateway(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA))
	srv, logs := testServer(t, discoveryYAML(static, ec2, "1h"))
	srv.RefreshDiscovery(context.Background())
	fleet := srv.Fleet()

	ec2.Fail(503, "RequestLimitExceeded", "Request limit exceeded.")
	srv.RefreshDiscovery(context.Background())
	if srv.Fleet() != fleet {
		t.Errorf("a failed refresh replaced the fleet: %v", srv.Fleet().Names())
	}
	// The exporter's own metrics alone: what a fleet scraped through /probe reads.
	_, body, _ := scrape(t, srv.InternalHandler(), "/exporter-metrics", "")
	absent(t, body, "rabbitfleet_up")
	for _, want := range []struct{ name, labels, value string }{
		{"rabbitfleet_discovery_refreshes_total", `outcome="failure"`, "1"},
		{"rabbitfleet_discovery_refreshes_total", `outcome="success"`, "1"},
		{"rabbitfleet_discovery_clusters", `source="ec2/eu-west-1"`, "1"},
	} {
		if got := series(t, body, want.name, want.labels); got != want.value {
			t.Errorf("%s{%s} = %s, want %s", want.name, want.labels, got, want.value)
		}
	}
	if !strings.Contains(logs.String(), "RequestLimitExceeded") || strings.Contains(logs.String(), "s3cr3t") {
		t.Errorf("failure not logged, or the secret key is:\n%s", logs)
	}
}

func TestStaticClusterWinsANameCollision(t *testing.T) {
	awsTestEnv(t)
	static, other := recordedGateway(t), recordedGateway(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(node("i-1", "backend", "backend", other))
	srv, logs := testServer(t, discoveryYAML(static, ec2, "1h"))
	srv.RefreshDiscovery(context.Background())
	srv.RefreshDiscovery(context.Background())
	if cl := srv.Fleet().Config.Cluster("backend"); len(srv.Fleet().Names()) != 1 || cl.ManagementURLs[0] != static.URL {
		t.Errorf("fleet %v, backend at %v: want the static backend only", srv.Fleet().Names(), cl.ManagementURLs)
	}
	want := "cluster backend found by ec2/eu-west-1 is ignored: the static configuration already has a cluster of that name"
	if n := strings.Count(logs.String(), want); n != 1 {
		t.Errorf("collision logged %d times, want once:\n%s", n, logs)
	}
}

// A reload keeps what discovery found and the scrapers of unchanged clusters,
// and asks the discovery loop for a refresh at once.
func TestReloadKeepsDiscoveredClustersAndRefreshesAtOnce(t *testing.T) {
	awsTestEnv(t)
	static, gwA, gwB := recordedGateway(t), recordedGateway(t), recordedGateway(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA))
	srv, _ := testServer(t, discoveryYAML(static, ec2, "1h"))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { srv.RunDiscovery(ctx); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
	waitForFleet(t, srv, "backend", "gw-a")
	before := scrapers(srv.Fleet())

	// The refresh interval is an hour: only the reload can make the loop
	// find gw-b within the wait.
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA), node("i-b1", "gw-b", "gateway", gwB))
	if err := srv.Reload(); err != nil {
		t.Fatal(err)
	}
	after := scrapers(srv.Fleet())
	if after["gw-a"] != before["gw-a"] || after["backend"] != before["backend"] {
		t.Error("a reload of an unchanged file rebuilt unchanged scrapers")
	}
	waitForFleet(t, srv, "backend", "gw-a", "gw-b")
}

func waitForFleet(t *testing.T, srv *Server, want ...string) {
	t.Helper()
	testsupport.Eventually(t, 10*time.Second, fmt.Sprintf("fleet %v", want), func() (bool, string) {
		got := srv.Fleet().Names()
		return reflect.DeepEqual(got, want), fmt.Sprintf("fleet %v", got)
	})
}

func TestDiscoveryCanBeTheWholeFleetAndIsServedForHTTPSD(t *testing.T) {
	awsTestEnv(t)
	gwA, be := recordedGateway(t), recordedGateway(t)
	ec2 := fakeec2.New(t)
	ec2.SetInstances(node("i-a1", "gw-a", "gateway", gwA), node("i-b1", "be-1", "backend", be))
	path := filepath.Join(t.TempDir(), "rabbitfleet.yml")
	t.Setenv("RF_TEST_PASSWORD", plantedPassword)
	if err := os.WriteFile(path, []byte(fmt.Sprintf("discovery: {ec2: [{region: eu-west-1, endpoint: %q, password_env: RF_TEST_PASSWORD}]}\n", ec2.URL)), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("static-1", "gateway", gwA.URL, ""))
	srv.opts.ConfigFile = path
	if err := srv.Reload(); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Fleet().Names()); n != 0 {
		t.Fatalf("%d clusters before discovery, want 0", n)
	}
	srv.RefreshDiscovery(context.Background())

	rec := httptest.NewRecorder()
	srv.TargetsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/discovery/targets", nil))
	want := `[{"targets":["be-1"],"labels":{"__meta_rabbitfleet_cluster":"be-1","__meta_rabbitfleet_ec2_region":"eu-west-1","__meta_rabbitfleet_region":"eu-west-1","__meta_rabbitfleet_role":"backend","__meta_rabbitfleet_source":"ec2"}},` +
		`{"targets":["gw-a"],"labels":{"__meta_rabbitfleet_cluster":"gw-a","__meta_rabbitfleet_ec2_region":"eu-west-1","__meta_rabbitfleet_region":"eu-west-1","__meta_rabbitfleet_role":"gateway","__meta_rabbitfleet_source":"ec2"}}]` + "\n"
	if rec.Code != 200 || rec.Body.String() != want || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("got %d %s %s\nwant %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body, want)
	}
	rec = httptest.NewRecorder()
	srv.TargetsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/discovery/targets?region=eu-west-1", nil))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("unknown parameter: %d %s, want 400", rec.Code, rec.Body)
	}
}
