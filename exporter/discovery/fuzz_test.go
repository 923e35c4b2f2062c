package discovery

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// Tags are whatever someone typed in the EC2 console: every instance ends up
// in exactly one valid cluster or is skipped, never a panic, never a cluster
// the configuration would refuse.
func FuzzClustersOf(f *testing.F) {
	cfg, err := config.Parse([]byte("discovery:\n  ec2:\n    - region: eu-west-1\n"))
	if err != nil {
		f.Fatal(err)
	}
	src := &cfg.Discovery.EC2[0]
	f.Add("gateway-eu", "gateway", "eu-west-1", "", "10.0.0.1", "gateway-eu", "gateway", "eu-west-1", "15673", "10.0.0.2")
	f.Add("backend", "backend", "eu", "0", "", "backend", "gateway", "eu", "99999", "::1")
	f.Add("bad name!", "", "", "x", "300.1.1.1", "", "relay", "r", "-1", "10.0.0.3")
	f.Fuzz(func(t *testing.T, c1, r1, g1, p1, ip1, c2, r2, g2, p2, ip2 string) {
		instance := func(id, cluster, role, region, port, ip string) Instance {
			tags := map[string]string{"rabbitfleet:cluster": cluster, "rabbitfleet:role": role, "rabbitfleet:region": region}
			if port != "" {
				tags["rabbitfleet:management-port"] = port
			}
			return Instance{ID: id, PrivateIP: ip, Tags: tags}
		}
		instances := []Instance{instance("i-1", c1, r1, g1, p1, ip1), instance("i-2", c2, r2, g2, p2, ip2)}
		clusters, skips := ClustersOf(instances, src)
		nodes := 0
		for _, cl := range clusters {
			nodes += len(cl.ManagementURLs)
		}
		// Two instances of one cluster at the same address are one node.
		if nodes+len(skips) != len(instances) && !(nodes == 1 && len(skips) == 0 && ip1 == ip2) {
			t.Fatalf("%d nodes and %d skips for %d instances: %+v %+v", nodes, len(skips), len(instances), clusters, skips)
		}
		if _, errs := cfg.Merge(clusters); len(errs) > 0 {
			t.Fatalf("discovered clusters the configuration refuses: %v", errs)
		}
	})
}

// The targets endpoint answers any query with the list (200, JSON) or a 400.
func FuzzTargetsQuery(f *testing.F) {
	for _, q := range []string{"", "role=gateway", "source=ec2&role=backend", "role=relay", "%zz", "role=gateway&role=backend", "x=<script>"} {
		f.Add(q)
	}
	h := TargetsHandler(func() []config.Cluster { return sdFleet })
	f.Fuzz(func(t *testing.T, query string) {
		req := httptest.NewRequest(http.MethodGet, "/discovery/targets", nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var groups []TargetGroup
			if err := json.Unmarshal(rec.Body.Bytes(), &groups); err != nil {
				t.Fatalf("query %q: 200 with a body that is not a target list: %v", query, err)
			}
		case http.StatusBadRequest:
			if ct := rec.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Fatalf("query %q: a 400 served as %q", query, ct)
			}
		default:
			t.Fatalf("query %q: status %d", query, rec.Code)
		}
	})
}
