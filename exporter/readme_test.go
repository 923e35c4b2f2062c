package exporter

import (
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

// Every rabbitfleet_ family a real scrape serves must be in the catalogue
// (and so in the README's reference, which internal/metrics generates from
// it), with the catalogue's type and labels.
func TestEveryServedMetricIsDocumented(t *testing.T) {
	gw := recordedGateway(t)
	srv, _ := testServer(t, "clusters:\n"+clusterYAML("gateway-eu", "gateway", gw.URL, ""))
	_, body := warmScrape(t, srv.MetricsHandler(), "/metrics", "")
	for _, p := range servedMismatches(t, body) {
		t.Error(p)
	}
}

// servedMismatches lists the rabbitfleet_ families of an exposition that
// are not in the catalogue as served: unknown name, other type, other labels.
func servedMismatches(t *testing.T, exposition string) []string {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(exposition))
	if err != nil {
		t.Fatal(err)
	}
	catalogue := map[string]metrics.Metric{}
	for _, m := range metrics.All() {
		catalogue[m.Name] = m
	}
	var found []string
	checked := 0
	for name, f := range families {
		if !strings.HasPrefix(name, "rabbitfleet_") {
			continue
		}
		checked++
		m, ok := catalogue[name]
		if !ok {
			found = append(found, name+" is served but not in the catalogue (internal/metrics)")
			continue
		}
		if got := strings.ToLower(f.GetType().String()); got != string(m.Type) {
			found = append(found, name+" is served as a "+got+", the catalogue says "+string(m.Type))
		}
		want := slices.Sorted(slices.Values(m.Labels))
		for _, s := range f.Metric {
			if got := labelNames(s); !slices.Equal(got, want) {
				found = append(found, name+" is served with labels "+strings.Join(got, ",")+", the catalogue says "+strings.Join(want, ","))
				break
			}
		}
	}
	if checked == 0 {
		found = append(found, "no rabbitfleet_ family served")
	}
	slices.Sort(found)
	return found
}

func labelNames(m *dto.Metric) []string {
	var names []string
	for _, l := range m.Label {
		names = append(names, l.GetName())
	}
	slices.Sort(names)
	return names
}
