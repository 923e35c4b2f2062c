package dashboards

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

//go:embed *.json
var files embed.FS

// Query is one PromQL query of a dashboard panel.
type Query struct {
	Dashboard string // file name, e.g. fleet-overview.json
	Panel     string // panel title
	RefID     string
	Expr      string // as in the dashboard, with Grafana's variables
	PromQL    string // Expr expanded with AllValues
	Instant   bool   // Grafana runs it as an instant query, else as a range query
}

// Values stand for Grafana's variables when a query leaves Grafana.
type Values struct {
	Role, Region, Cluster         string // regexps, as Grafana formats a multi-value variable
	RateInterval, Interval, Range string // PromQL durations
}

// AllValues is what Grafana sends with role, region and cluster at All, a
// 15 s scrape interval ($__rate_interval is then four times that) and a
// one-hour time range.
var AllValues = Values{Role: ".*", Region: ".*", Cluster: ".*", RateInterval: "1m", Interval: "15s", Range: "1h"}

// Expand replaces Grafana's variables in expr with v.
func (v Values) Expand(expr string) string {
	return strings.NewReplacer(
		"$__rate_interval", v.RateInterval, "$__interval", v.Interval, "$__range", v.Range,
		"$role", v.Role, "$region", v.Region, "$cluster", v.Cluster,
	).Replace(expr)
}

// Queries lists every query of every dashboard, in file and panel order.
func Queries() ([]Query, error) {
	all, err := load()
	if err != nil {
		return nil, err
	}
	var qs []Query
	for _, f := range all {
		for _, p := range f.panels() {
			for i, t := range p.Targets {
				pq, ok := t.(*prometheus.Dataquery)
				if !ok {
					return nil, fmt.Errorf("%s: panel %q: query %d is not a Prometheus query", f.name, deref(p.Title), i)
				}
				qs = append(qs, Query{f.name, deref(p.Title), deref(pq.RefId), pq.Expr, AllValues.Expand(pq.Expr), deref(pq.Instant)})
			}
		}
	}
	return qs, nil
}

// file is a dashboard as Grafana's typed model reads it.
type file struct {
	name string
	dashboard.Dashboard
}

// panels lists the dashboard's panels, those of its rows included.
func (f file) panels() []dashboard.Panel {
	var ps []dashboard.Panel
	for _, p := range f.Panels {
		switch {
		case p.Panel != nil:
			ps = append(ps, *p.Panel)
		case p.RowPanel != nil:
			ps = append(ps, p.RowPanel.Panels...)
		}
	}
	return ps
}

// deref is the value p points to, or the zero value: the SDK's optional
// fields are pointers.
func deref[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}

// load decodes the dashboards embedded in the package, sorted by file name.
func load() ([]file, error) {
	// The SDK decodes a panel's targets by their datasource's type, when the
	// type is registered; else they would be free-form.
	cog.NewRuntime().RegisterDataqueryVariant(prometheus.VariantConfig())
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	var all []file
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		f := file{name: n}
		if err := json.Unmarshal(b, &f.Dashboard); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		all = append(all, f)
	}
	return all, nil
}
