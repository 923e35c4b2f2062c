package discovery

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// metricsText renders the named families of m in the text format, sorted as
// Prometheus sorts them; every family when no name is given.
func metricsText(t *testing.T, m *Metrics, names ...string) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(m)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, mf := range families {
		if len(names) == 0 || slices.Contains(names, mf.GetName()) {
			if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.String()
}

// sample is the value of the one series of the text whose line starts so.
func sample(t *testing.T, text, prefix string) string {
	t.Helper()
	var found []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			found = append(found, l[strings.LastIndexByte(l, ' ')+1:])
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d series start with %s, want 1:\n%s", len(found), prefix, text)
	}
	return found[0]
}

// seriesCount counts the series of a family in the text.
func seriesCount(text, name string) int {
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, name+"{") || strings.HasPrefix(l, name+" ") {
			n++
		}
	}
	return n
}
