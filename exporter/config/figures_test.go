package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestFiguresSourceConfigErrors(t *testing.T) {
	expectParseErrors(t, []parseErrorCase{
		{"unknown source", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], figures_from: promethus}\n",
			`clusters[0] (a): figures_from "promethus": must be auto, management or prometheus`},
		{"unknown source in defaults", "defaults: {figures_from: both}\n" + minimal, `clusters[0] (gw): figures_from "both"`},
		{"not http", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], prometheus_urls: ['x:15692']}\n",
			`clusters[0] (a): prometheus_urls[0]: "x:15692" is not an http(s) URL with a host`},
		{"credentials in url", "clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], prometheus_urls: ['http://u:hunter2@x:15692']}\n",
			"prometheus_urls[0]: credentials in the URL are not allowed"},
		{"urls in defaults", "defaults: {prometheus_urls: ['http://x:15692']}\n" + minimal, "field prometheus_urls not found"},
		{"misspelt key with line", minimal + "    figures: prometheus\n", "line 7: field figures not found"},
	})
	// The password never appears in the error.
	_, err := Parse([]byte("clusters:\n  - {name: a, role: gateway, region: r, management_urls: [http://x], prometheus_urls: ['http://u:hunter2@x:15692']}\n"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v: want one without the password", err)
	}
}

// Unset, the Prometheus URLs are the management URLs' hosts with
// rabbitmq_prometheus's ports: 15692 for http, 15691 for https, no path.
func TestPrometheusURLsDerivedFromManagementURLs(t *testing.T) {
	cfg, err := Parse([]byte(`
defaults: {figures_from: prometheus}
clusters:
  - name: a
    role: gateway
    region: r
    management_urls: ['http://rabbit-1:15672', 'https://rabbit-2.example:15671/api-proxy', 'http://[fd00::1]:15672']
  - {name: b, role: gateway, region: r, management_urls: ['http://b:15672'], prometheus_urls: ['http://b:25692'], figures_from: auto}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := cfg.Cluster("a"), cfg.Cluster("b")
	if want := []string{"http://rabbit-1:15692", "https://rabbit-2.example:15691", "http://[fd00::1]:15692"}; !reflect.DeepEqual(a.PrometheusURLs, want) {
		t.Errorf("derived %q, want %q", a.PrometheusURLs, want)
	}
	if a.FiguresFrom != FiguresPrometheus || b.FiguresFrom != FiguresAuto {
		t.Errorf("figures_from a=%q (from defaults), b=%q", a.FiguresFrom, b.FiguresFrom)
	}
	if want := []string{"http://b:25692"}; !reflect.DeepEqual(b.PrometheusURLs, want) {
		t.Errorf("explicit %q, want %q", b.PrometheusURLs, want)
	}
	if c, _ := Parse([]byte(minimal)); c.Clusters[0].FiguresFrom != FiguresAuto {
		t.Errorf("default figures_from %q, want auto", c.Clusters[0].FiguresFrom)
	}
}

// The credentials go to the Prometheus endpoints only when asked for.
func TestPrometheusOptionsSendCredentialsOnlyWithBasicAuth(t *testing.T) {
	t.Setenv("RF_PW", "s3cret")
	cfg, err := Parse([]byte(`
defaults: {username: monitor, password_env: RF_PW}
clusters:
  - {name: a, role: gateway, region: r, management_urls: ['http://a:15672']}
  - {name: b, role: gateway, region: r, management_urls: ['http://b:15672'], prometheus_basic_auth: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := cfg.Cluster("a").PrometheusOptions()
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "" || a.Password != nil || !reflect.DeepEqual(a.URLs, []string{"http://a:15692"}) || a.Timeout != DefaultTimeout {
		t.Errorf("a: %+v: want no credentials, the derived URL, the cluster's timeout", a)
	}
	b, err := cfg.Cluster("b").PrometheusOptions()
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := b.Password(); b.Username != "monitor" || pw != "s3cret" {
		t.Errorf("b: username %q: want the cluster's credentials with prometheus_basic_auth", b.Username)
	}
}
