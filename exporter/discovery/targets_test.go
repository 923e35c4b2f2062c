package discovery

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

var sdFleet = []config.Cluster{
	{Name: "gateway-eu", Role: config.RoleGateway, Region: "eu-west-1"},
	{Name: "backend", Role: config.RoleBackend, Region: "eu-west-1"},
	{Name: "gw-us-2", Role: config.RoleGateway, Region: "us", Source: "ec2/us-east-1"},
}

func TestTargetsHandler(t *testing.T) {
	h := TargetsHandler(func() []config.Cluster { return sdFleet })
	backend := `{"targets":["backend"],"labels":{"__meta_rabbitfleet_cluster":"backend","__meta_rabbitfleet_region":"eu-west-1","__meta_rabbitfleet_role":"backend","__meta_rabbitfleet_source":"static"}}`
	gatewayEU := `{"targets":["gateway-eu"],"labels":{"__meta_rabbitfleet_cluster":"gateway-eu","__meta_rabbitfleet_region":"eu-west-1","__meta_rabbitfleet_role":"gateway","__meta_rabbitfleet_source":"static"}}`
	gwUS := `{"targets":["gw-us-2"],"labels":{"__meta_rabbitfleet_cluster":"gw-us-2","__meta_rabbitfleet_ec2_region":"us-east-1","__meta_rabbitfleet_region":"us","__meta_rabbitfleet_role":"gateway","__meta_rabbitfleet_source":"ec2"}}`
	cases := []struct {
		method, target string
		code           int
		body           string
	}{
		{"GET", "/discovery/targets", 200, "[" + backend + "," + gatewayEU + "," + gwUS + "]\n"},
		{"GET", "/discovery/targets?role=gateway", 200, "[" + gatewayEU + "," + gwUS + "]\n"},
		{"GET", "/discovery/targets?source=ec2", 200, "[" + gwUS + "]\n"},
		{"GET", "/discovery/targets?source=static&role=backend", 200, "[" + backend + "]\n"},
		{"GET", "/discovery/targets?source=ec2&role=backend", 200, "[]\n"},
		{"GET", "/discovery/targets?target=backend", 400, "unknown query parameter \"target\": /discovery/targets accepts role and source only\n"},
		{"GET", "/discovery/targets?role=edge", 400, "role=\"edge\": must be one of backend, gateway\n"},
		{"GET", "/discovery/targets?source=consul", 400, "source=\"consul\": must be one of ec2, static\n"},
		{"GET", "/discovery/targets?role=backend&role=gateway", 400, "query parameter role is given 2 times: give it once\n"},
		{"GET", "/discovery/targets?role=%zz", 400, "bad query: invalid URL escape \"%zz\"\n"},
		{"POST", "/discovery/targets", 405, "use GET\n"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			if rec.Code != tc.code || rec.Body.String() != tc.body {
				t.Errorf("got %d %q\nwant %d %q", rec.Code, rec.Body, tc.code, tc.body)
			}
			wantType := "application/json"
			if tc.code != 200 {
				wantType = "text/plain; charset=utf-8"
			}
			if got := rec.Header().Get("Content-Type"); got != wantType {
				t.Errorf("Content-Type %q, want %q", got, wantType)
			}
			if tc.code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != "GET" {
				t.Errorf("Allow %q, want GET", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestTargetsOfAnEmptyFleetIsAnEmptyList(t *testing.T) {
	rec := httptest.NewRecorder()
	TargetsHandler(func() []config.Cluster { return nil }).ServeHTTP(rec, httptest.NewRequest("GET", TargetsPath, nil))
	if rec.Code != 200 || rec.Body.String() != "[]\n" {
		t.Errorf("got %d %q, want 200 \"[]\\n\" (Prometheus rejects null)", rec.Code, rec.Body)
	}
}
