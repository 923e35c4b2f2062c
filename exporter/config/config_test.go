package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
)

const minimal = `
clusters:
  - name: gw
    role: gateway
    region: eu-west-1
    management_urls: [http://127.0.0.1:15673]
`

func TestExampleConfigsLoad(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.yml")
	if len(files) == 0 {
		t.Fatal("no example configuration found in examples/")
	}
	for _, f := range files {
		if strings.Contains(f, "prometheus") || strings.Contains(f, "alertmanager") {
			continue
		}
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestDefaultsApply(t *testing.T) {
	cfg, err := Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	cl := cfg.Clusters[0]
	if cl.Username != DefaultUsername || time.Duration(cl.Timeout) != DefaultTimeout ||
		cl.Queues.TopN != DefaultTopN || time.Duration(cl.Queues.RefreshInterval) != DefaultQueueRefresh ||
		time.Duration(cl.Federation.RefreshInterval) != DefaultFederationRefresh || cl.MaxResponseBytes != DefaultMaxResponseBytes ||
		time.Duration(cl.Connections.RefreshInterval) != DefaultConnectionsRefresh {
		t.Errorf("defaults not applied: %+v", cl)
	}
}

func TestDefaultsBlockIsInherited(t *testing.T) {
	cfg, err := Parse([]byte(`
defaults:
  username: monitor
  password_env: FLEET_PW
  timeout: 3s
  queues: {top_n: 5, include: ['^telemetry$']}
clusters:
  - {name: a, role: backend, region: r, management_urls: ['http://a:15672']}
  - {name: b, role: gateway, region: r, management_urls: ['http://b:15672'], username: other, timeout: 7s, queues: {top_n: -1}}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := cfg.Cluster("a"), cfg.Cluster("b")
	if a.Username != "monitor" || a.PasswordEnv != "FLEET_PW" || time.Duration(a.Timeout) != 3*time.Second || a.Queues.TopN != 5 || !a.Queues.Included("telemetry") {
		t.Errorf("a did not inherit: %+v", a)
	}
	if b.Username != "other" || time.Duration(b.Timeout) != 7*time.Second || b.Queues.TopN != -1 || !b.Queues.Included("telemetry") {
		t.Errorf("b overrides lost: %+v", b)
	}
}

// A list's cap follows its own refresh_interval unless set, wherever the
// interval comes from; the busy share is inherited like any setting.
func TestRefreshCapFollowsTheInterval(t *testing.T) {
	cfg, err := Parse([]byte(`
defaults:
  queues: {refresh_interval: 60s, max_busy_share: 0.01}
  federation: {max_refresh_interval: 30m, timeout: 2m}
clusters:
  - {name: a, role: backend, region: r, management_urls: ['http://a:15672']}
  - {name: b, role: gateway, region: r, management_urls: ['http://b:15672'], queues: {refresh_interval: 10m}, connections: {max_busy_share: 0.5, timeout: 3m}}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := cfg.Cluster("a"), cfg.Cluster("b")
	m := func(n time.Duration) model.Duration { return model.Duration(n * time.Minute) }
	for _, c := range []struct {
		what      string
		got, want RefreshOptions
	}{
		{"a.queues", a.Queues.RefreshOptions, RefreshOptions{m(1), m(4), 0.01, m(1)}},
		{"a.connections", a.Connections.RefreshOptions, RefreshOptions{m(2), m(8), DefaultMaxBusyShare, m(1)}},
		{"a.federation", a.Federation.RefreshOptions, RefreshOptions{m(4), m(30), DefaultMaxBusyShare, m(2)}},
		{"b.queues", b.Queues.RefreshOptions, RefreshOptions{m(10), m(40), 0.01, m(1)}},
		{"b.connections", b.Connections.RefreshOptions, RefreshOptions{m(2), m(8), 0.5, m(3)}},
		{"b.federation", b.Federation.RefreshOptions, RefreshOptions{m(4), m(30), DefaultMaxBusyShare, m(2)}},
	} {
		if c.got != c.want {
			t.Errorf("%s = %+v, want %+v", c.what, c.got, c.want)
		}
	}
}

func TestInvalidConfigsNameTheProblem(t *testing.T) {
	cases := []parseErrorCase{
		{"unknown field with line", minimal + "    colour: blue\n", "line 7: field colour not found"},
		{"typo in nested field", "clusters:\n  - name: gw\n    role: gateway\n    region: r\n    management_urls: [http://x]\n    queues: {topn: 3}\n", "line 6: field topn not found"},
		{"empty", "", "at least one cluster"},
		{"no clusters", "clusters: []\n", "at least one cluster"},
		{"missing name", "clusters:\n  - {role: gateway, region: r, management_urls: [http://x]}\n", "clusters[0]: name is required"},
		{"bad role", "clusters:\n  - {name: a, role: edge, region: r, management_urls: [http://x]}\n", `clusters[0] (a): role "edge": must be backend or gateway`},
		{"no region", "clusters:\n  - {name: a, role: gateway, management_urls: [http://x]}\n", "region is required"},
		{"no url", "clusters:\n  - {name: a, role: gateway, region: r}\n", "management_urls: at least one URL"},
		{"not http", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: ['amqp://x:5672']}\n", "management_urls[0]"},
		{"credentials in url", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: ['http://u:hunter2@x:15672']}\n", "credentials in the URL are not allowed"},
		{"duplicate name", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x]}\n  - {name: a, role: backend, region: r, management_urls: [http://y]}\n", `clusters[1] (a): name "a" is used by another cluster`},
		{"bad regexp", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], queues: {include: ['(']}}\n", "queues: include[0]"},
		{"both password sources", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], password_file: /f, password_env: E}\n", "only one of password_file and password_env"},
		{"link without target", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], federation: {expected_links: [{upstream: b}]}}\n", "expected_links[0]: set exactly one of exchange and queue"},
		{"unknown upstream cluster", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], federation: {upstream_clusters: {up: nowhere}}}\n", `no cluster named "nowhere"`},
		{"bad duration", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], timeout: soon}\n", "soon"},
		{"links in defaults", "defaults: {federation: {expected_links: [{upstream: b, exchange: x}]}}\n" + minimal, "belong to each cluster"},
		{"bad tls", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], tls_config: {cert_file: /c}}\n", "clusters[0] (a): exactly one of key or key_file"},
		{"cap under the interval", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], queues: {refresh_interval: 5m, max_refresh_interval: 4m}}\n", "clusters[0] (a): queues.max_refresh_interval (4m) must not be shorter than refresh_interval (5m)"},
		{"inherited cap under the interval", "defaults: {federation: {max_refresh_interval: 10m}}\nclusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], federation: {refresh_interval: 1h}}\n", "federation.max_refresh_interval (10m) must not be shorter than refresh_interval (1h)"},
		{"busy share above 1", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], connections: {max_busy_share: 3}}\n", "connections.max_busy_share 3: must be above 0 and at most 1"},
		{"busy share not a number", minimal + "    federation: {max_busy_share: .nan}\n", "federation.max_busy_share NaN"},
		{"negative busy share", "defaults: {queues: {max_busy_share: -0.01}}\n" + minimal, "queues.max_busy_share -0.01"},
	}
	expectParseErrors(t, cases)
}

func TestPasswordSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RF_TEST_PW", "from-env")
	cases := []struct {
		cl   Cluster
		want string
		err  string
	}{
		{Cluster{Name: "f", Settings: Settings{PasswordFile: file}}, "from-file", ""},
		{Cluster{Name: "e", Settings: Settings{PasswordEnv: "RF_TEST_PW"}}, "from-env", ""},
		{Cluster{Name: "u", Settings: Settings{PasswordEnv: "RF_TEST_UNSET"}}, "", "RF_TEST_UNSET (password_env) is not set"},
		{Cluster{Name: "d", Settings: Settings{PasswordEnv: "RF_TEST_UNSET"}, PasswordFallback: "guest"}, "guest", ""},
		{Cluster{Name: "m", Settings: Settings{PasswordFile: filepath.Join(dir, "missing")}}, "", "cluster m: reading password_file: no such file or directory"},
		{Cluster{Name: "p", Settings: Settings{PasswordFile: "hunter2"}}, "", "cluster p: reading password_file: no such file or directory"},
	}
	for _, tc := range cases {
		got, err := tc.cl.Password()
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: got %q, %v; want %q, %q", tc.cl.Name, got, err, tc.want, tc.err)
		}
	}
}

func TestQueueSelectionAndUpstreamMapping(t *testing.T) {
	cfg, err := Parse([]byte(`
clusters:
  - name: backend
    role: backend
    region: r
    management_urls: [http://b]
  - name: gw
    role: gateway
    region: r
    management_urls: [http://g]
    queues: {include: ['^telemetry$', '^alerts\.'], exclude: ['^mqtt-subscription-']}
    federation:
      upstream_clusters: {central: backend}
      expected_links: [{upstream: central, exchange: devices}]
`))
	if err != nil {
		t.Fatal(err)
	}
	gw := cfg.Cluster("gw")
	q := &gw.Queues
	if !q.Included("telemetry") || !q.Included("alerts.x") || q.Included("telemetry2") || !q.Excluded("mqtt-subscription-d1qos1") || q.Excluded("telemetry") {
		t.Error("include/exclude patterns do not match as written")
	}
	f := &gw.Federation
	if f.UpstreamCluster("central") != "backend" || f.UpstreamCluster("backend") != "backend" {
		t.Error("upstream_clusters mapping wrong")
	}
	if f.ExpectedLinks[0].Vhost != "/" {
		t.Errorf("expected link vhost defaults to /, got %q", f.ExpectedLinks[0].Vhost)
	}
}

// parseErrorCase is a configuration Parse must refuse with an error containing want.
type parseErrorCase struct{ name, yaml, want string }

// expectParseErrors checks that each case is refused with its error, and that
// no error quotes the password the cases plant (hunter2).
func expectParseErrors(t *testing.T, cases []parseErrorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("accepted, want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a password: %q", err)
			}
		})
	}
}
