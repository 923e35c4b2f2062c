package config

import (
	"net/url"
	"reflect"
	"testing"
)

// FuzzParse: the loader never panics, says the same thing twice about the
// same bytes, and what it accepts satisfies every rule validate enforces.
// Seeds: the examples and the embedded default (testdata/fuzz/FuzzParse).
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 60s ./exporter/config
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		minimal,
		"clusters:\n  - {name: a, role: gateway, region: r, management_urls: ['http://u:pw@x']}\n",
		"clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], federation: {upstream_clusters: {u: b, v: c}}}\n",
		"defaults: {queues: {include: ['(']}}\nclusters: [{name: a}]\n",
		"clusters:\n  - &a {name: a, role: gateway, region: r, management_urls: [http://x]}\n  - *a\n",
		"clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], tls_config: {ca_file: /nonexistent}, timeout: 1h}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data)
		again, err2 := Parse(data)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("two parses disagree: %v / %v", err, err2)
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("two parses give different configurations")
		}
		checkValid(t, cfg)
	})
}

// checkValid restates validate's rules on an accepted configuration.
func checkValid(t *testing.T, cfg *Config) {
	t.Helper()
	if len(cfg.Clusters) == 0 {
		t.Fatal("accepted with no cluster")
	}
	names := map[string]bool{}
	for _, cl := range cfg.Clusters {
		if !IsClusterName(cl.Name) || names[cl.Name] {
			t.Fatalf("accepted cluster name %q (bad or repeated)", cl.Name)
		}
		names[cl.Name] = true
		if (cl.Role != RoleBackend && cl.Role != RoleGateway) || cl.Region == "" || cl.Username == "" {
			t.Fatalf("cluster %s: role %q region %q username %q", cl.Name, cl.Role, cl.Region, cl.Username)
		}
		if len(cl.ManagementURLs) == 0 {
			t.Fatalf("cluster %s: no URL", cl.Name)
		}
		for _, raw := range cl.ManagementURLs {
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
				t.Fatalf("cluster %s: accepted URL %q", cl.Name, raw)
			}
		}
		if cl.PasswordFile != "" && cl.PasswordEnv != "" {
			t.Fatalf("cluster %s: two password sources", cl.Name)
		}
		if cl.PasswordEnv != "" && !envNameRE.MatchString(cl.PasswordEnv) {
			t.Fatalf("cluster %s: password_env %q", cl.Name, cl.PasswordEnv)
		}
		if cl.Timeout <= 0 || cl.MaxResponseBytes <= 0 || cl.Queues.TopN == 0 || cl.Queues.TopN < -1 {
			t.Fatalf("cluster %s: timeout %v, max_response_bytes %d, top_n %d", cl.Name, cl.Timeout, cl.MaxResponseBytes, cl.Queues.TopN)
		}
		if cl.Queues.RefreshInterval == 0 || cl.Connections.RefreshInterval == 0 || cl.Federation.RefreshInterval == 0 {
			t.Fatalf("cluster %s: a refresh interval was left at 0", cl.Name)
		}
		for _, r := range []RefreshOptions{cl.Queues.RefreshOptions, cl.Connections.RefreshOptions, cl.Federation.RefreshOptions} {
			if r.MaxRefreshInterval < r.RefreshInterval || !(r.MaxBusyShare > 0 && r.MaxBusyShare <= 1) {
				t.Fatalf("cluster %s: accepted refresh options %+v", cl.Name, r)
			}
		}
		if len(cl.Queues.include) != len(cl.Queues.Include) || len(cl.Queues.exclude) != len(cl.Queues.Exclude) {
			t.Fatalf("cluster %s: queue patterns not all compiled", cl.Name)
		}
		for _, l := range cl.Federation.ExpectedLinks {
			if l.Upstream == "" || l.Vhost == "" || (l.Exchange == "") == (l.Queue == "") {
				t.Fatalf("cluster %s: accepted expected link %+v", cl.Name, l)
			}
		}
	}
	for _, cl := range cfg.Clusters {
		for up, target := range cl.Federation.UpstreamClusters {
			if !names[target] {
				t.Fatalf("cluster %s: upstream %q points at unknown cluster %q", cl.Name, up, target)
			}
		}
	}
}
