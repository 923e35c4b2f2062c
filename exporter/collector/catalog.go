package collector

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "rabbitfleet"

// clusterLabels prefix every per-cluster series, so that dashboards and alerts
// can select by role and region without joining an info metric.
var clusterLabels = []string{"cluster", "role", "region"}

// MetricDoc describes one exported metric, for the generated reference.
type MetricDoc struct {
	Name   string
	Type   string
	Help   string
	Labels []string
}

var catalog = map[string]MetricDoc{}

// newDesc declares a per-cluster metric and records it in the catalog.
func newDesc(name, kind, help string, labels ...string) *prometheus.Desc {
	full := namespace + "_" + name
	all := append(append([]string{}, clusterLabels...), labels...)
	if _, dup := catalog[full]; dup {
		panic("metric declared twice: " + full)
	}
	catalog[full] = MetricDoc{Name: full, Type: kind, Help: help, Labels: all}
	return prometheus.NewDesc(full, help, all, nil)
}

// Document records a metric declared elsewhere (the exporter's own metrics),
// so that the reference lists everything the exporter serves.
func Document(name, kind, help string, labels ...string) {
	if _, dup := catalog[name]; dup {
		panic("metric declared twice: " + name)
	}
	catalog[name] = MetricDoc{Name: name, Type: kind, Help: help, Labels: labels}
}

// Catalog lists every metric the collectors can export, sorted by name.
func Catalog() []MetricDoc {
	docs := make([]MetricDoc, 0, len(catalog))
	for _, d := range catalog {
		docs = append(docs, d)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	return docs
}

// CatalogMarkdown renders the catalog as the README's metrics reference.
func CatalogMarkdown() string {
	var b strings.Builder
	b.WriteString("| metric | type | labels | meaning |\n|---|---|---|---|\n")
	for _, d := range Catalog() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", d.Name, d.Type, strings.Join(d.Labels, ", "), d.Help)
	}
	return b.String()
}
