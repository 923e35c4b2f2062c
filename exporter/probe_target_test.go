package exporter

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestProbeRefusesTargetsWithoutReflectingThem: /probe only takes a cluster
// name; a URL, an address or markup is refused with 400 before any request
// leaves the exporter, and is never echoed where a browser could run it.
func TestProbeRefusesTargetsWithoutReflectingThem(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gateway-eu", "gateway", gw.URL, ""))
	const notAName = "target must be the name of a cluster in the configuration, not a URL or address\n"
	cases := map[string]string{
		"http://127.0.0.1:15672":            notAName,
		gw.URL:                              notAName, // even the cluster's own node
		"https://user:pw@evil.example/api":  notAName,
		"//evil.example":                    notAName,
		"127.0.0.1:15672":                   notAName,
		"javascript:alert(1)":               notAName,
		"<script>alert(1)</script>":         notAName,
		`gateway-eu"><img src=x onerror=1>`: notAName,
		"gateway-eu/../other":               notAName,
		"gateway-eu\n":                      notAName,
		"nope":                              "unknown target \"nope\": not a cluster name in the configuration\n",
		"gateway-eu.evil.example":           "unknown target \"gateway-eu.evil.example\": not a cluster name in the configuration\n",
	}
	for target, want := range cases {
		req := httptest.NewRequest(http.MethodGet, "/probe?target="+url.QueryEscape(target), nil)
		rec := httptest.NewRecorder()
		srv.ProbeHandler().ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || rec.Body.String() != want {
			t.Errorf("target %q: %d %q, want 400 %q", target, rec.Code, rec.Body.String(), want)
		}
		// Plain text that browsers must not sniff as HTML.
		if ct, nosniff := rec.Header().Get("Content-Type"), rec.Header().Get("X-Content-Type-Options"); ct != "text/plain; charset=utf-8" || nosniff != "nosniff" {
			t.Errorf("target %q: Content-Type %q, X-Content-Type-Options %q", target, ct, nosniff)
		}
		if strings.ContainsAny(rec.Body.String(), "<>") {
			t.Errorf("target %q reflected as markup: %q", target, rec.Body.String())
		}
	}
	if hits := gw.AllHits(); len(hits) != 0 {
		t.Errorf("refused targets still caused requests: %v", hits)
	}
}
