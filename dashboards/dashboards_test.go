package dashboards

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

// Paths are relative to this package's directory, where go test runs.
const (
	recordingRules = "../alerts/rabbitfleet.recording.yml"
)

// vars are plausible multi-value selections, distinct from each other so
// that a matcher tells which variable it came from.
var vars = Values{Role: "gateway|backend", Region: "eu-west-1|us-east-1", Cluster: "gateway-eu|backend",
	RateInterval: "70s", Interval: "15s", Range: "6h"}

var (
	variableLabels = []string{"cluster", "region", "role"}
	variableValue  = map[string]string{"role": vars.Role, "region": vars.Region, "cluster": vars.Cluster}
	// The ranges a rate may be over: Grafana's, never a fixed one.
	rateRanges = map[time.Duration]bool{duration(vars.RateInterval): true, duration(vars.Range): true}
	rateFuncs  = map[string]bool{"rate": true, "irate": true, "increase": true}
	// scrapeLabels are added by Prometheus to every series.
	scrapeLabels = map[string]bool{"job": true, "instance": true}
	// grafanaUnits are the Grafana unit ids the dashboards use: a misspelt one
	// shows raw numbers.
	grafanaUnits = map[string]bool{"short": true, "none": true, "percentunit": true, "bytes": true, "Bps": true,
		"s": true, "cps": true, "cpm": true, "reqps": true, "currencyUSD": true, "dateTimeFromNow": true}
	// grafanaVariable finds $name, ${name} and [[name]] left in a query ($1 is
	// label_replace's).
	grafanaVariable = regexp.MustCompile(`\$[A-Za-z_{]|\[\[`)
)

func duration(s string) time.Duration {
	d, err := model.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return time.Duration(d)
}

func TestExpand(t *testing.T) {
	got := AllValues.Expand(`increase(m{role=~"$role",region=~"$region",cluster=~"$cluster"}[$__range]) / rate(m[$__rate_interval]) / rate(m[$__interval])`)
	want := `increase(m{role=~".*",region=~".*",cluster=~".*"}[1h]) / rate(m[1m]) / rate(m[15s])`
	if got != want {
		t.Errorf("Expand:\n got %s\nwant %s", got, want)
	}
}

// TestDashboardConventions checks what every dashboard and panel must carry.
func TestDashboardConventions(t *testing.T) {
	all, err := load()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	uids, titles := map[string]bool{}, map[string]bool{}
	for _, f := range all {
		names = append(names, f.name)
		uid, title := deref(f.Uid), deref(f.Title)
		if want := "rabbitfleet-" + strings.TrimSuffix(f.name, ".json"); uid != want {
			t.Errorf("%s: uid %q, want %q", f.name, uid, want)
		}
		if uids[uid] || titles[title] || title == "" {
			t.Errorf("%s: uid %q or title %q empty or not unique", f.name, uid, title)
		}
		uids[uid], titles[title] = true, true
		if f.SchemaVersion != 38 {
			t.Errorf("%s: schemaVersion %d, want 38 (Grafana 10)", f.name, f.SchemaVersion)
		}
		checkVariables(t, f)
		ids := map[uint32]bool{}
		// placed checks a panel's or row's id, title and position.
		placed := func(id *uint32, title *string, g *dashboard.GridPos) string {
			where := fmt.Sprintf("%s: panel %d %q", f.name, deref(id), deref(title))
			if id == nil || ids[*id] || deref(title) == "" {
				t.Errorf("%s: id missing or not unique, or no title", where)
			}
			ids[deref(id)] = true
			if g == nil || g.W == 0 || g.H == 0 || g.X+g.W > 24 {
				t.Errorf("%s: gridPos %+v outside the 24 columns", where, g)
			}
			return where
		}
		for _, row := range f.Panels {
			if r := row.RowPanel; r != nil {
				placed(&r.Id, r.Title, r.GridPos)
			}
		}
		for _, p := range f.panels() {
			where := placed(p.Id, p.Title, p.GridPos)
			if p.Type == "text" {
				continue
			}
			if strings.TrimSpace(deref(p.Description)) == "" {
				t.Errorf("%s: no description", where)
			}
			for _, u := range units(p) {
				if !grafanaUnits[u] {
					t.Errorf("%s: unit %q is none of %v", where, u, grafanaUnits)
				}
			}
			if len(p.Targets) == 0 {
				t.Errorf("%s: no query", where)
			}
			if !isPrometheusRef(p.Datasource) {
				t.Errorf("%s: datasource %v, want %v", where, p.Datasource, prometheusRef)
			}
			for i, tg := range p.Targets {
				if pq, ok := tg.(*prometheus.Dataquery); !ok || !isPrometheusRef(pq.Datasource) {
					t.Errorf("%s: query %d: %+v, want a Prometheus query of %v", where, i, tg, prometheusRef)
				}
			}
		}
	}
	want := []string{"backend-queues.json", "capacity.json", "exporter-health.json", "federation.json",
		"fleet-overview.json", "gateway-connections.json"}
	if !slices.Equal(names, want) {
		t.Errorf("dashboards %v, want %v", names, want)
	}
}

func isPrometheusRef(r *common.DataSourceRef) bool {
	return r != nil && deref(r.Type) == deref(prometheusRef.Type) && deref(r.Uid) == deref(prometheusRef.Uid)
}

// units lists the panel's default unit ("" when missing) and its overrides'.
func units(p dashboard.Panel) []string {
	var u []string
	if p.FieldConfig != nil {
		u = append(u, deref(p.FieldConfig.Defaults.Unit))
		for _, o := range p.FieldConfig.Overrides {
			for _, prop := range o.Properties {
				if prop.Id == "unit" {
					v, _ := prop.Value.(string)
					u = append(u, v)
				}
			}
		}
	} else {
		u = append(u, "")
	}
	return u
}

// checkVariables: datasource, then role, region and cluster as multi-value
// label_values of rabbitfleet_up with All meaning any value.
func checkVariables(t *testing.T, f file) {
	t.Helper()
	var names []string
	vs := f.Templating.List
	for _, v := range vs {
		names = append(names, v.Name)
	}
	if want := []string{"datasource", "role", "region", "cluster"}; !slices.Equal(names, want) {
		t.Errorf("%s: variables %v, want %v", f.name, names, want)
		return
	}
	if ds := vs[0]; ds.Type != dashboard.VariableTypeDatasource || ds.Query == nil || deref(ds.Query.String) != "prometheus" {
		t.Errorf("%s: variable datasource: type %q query %+v, want a prometheus datasource variable", f.name, ds.Type, ds.Query)
	}
	for _, v := range vs[1:] {
		where := f.name + ": variable " + v.Name
		if v.Type != dashboard.VariableTypeQuery || !deref(v.Multi) || !deref(v.IncludeAll) || deref(v.AllValue) != ".*" || !isPrometheusRef(v.Datasource) {
			t.Errorf("%s: want a multi-value query variable of ${datasource} with All as .*", where)
		}
		definition := deref(v.Definition)
		if v.Query == nil || v.Query.Map["query"] != definition {
			t.Errorf("%s: query %+v differs from its definition %q", where, v.Query, definition)
		}
		sel, ok := strings.CutPrefix(definition, "label_values(")
		sel, ok2 := strings.CutSuffix(sel, ", "+v.Name+")")
		if !ok || !ok2 {
			t.Errorf("%s: definition %q, want label_values(<selector>, %s)", where, definition, v.Name)
			continue
		}
		if e, err := parser.ParseExpr(vars.Expand(sel)); err != nil || !isSelectorOf(e, "rabbitfleet_up") {
			t.Errorf("%s: %q is not a selector of rabbitfleet_up (%v)", where, sel, err)
		}
	}
}

func isSelectorOf(e parser.Expr, metric string) bool {
	vs, ok := e.(*parser.VectorSelector)
	return ok && vs.Name == metric
}

// TestQueries parses every query of every dashboard with Prometheus' parser
// and checks the metrics it names and how it honours the variables.
func TestQueries(t *testing.T) {
	known := knownMetrics(t)
	qs, err := Queries()
	if err != nil {
		t.Fatal(err)
	}
	dashboards, panels, selectors := map[string]bool{}, map[string]bool{}, 0
	for _, q := range qs {
		dashboards[q.Dashboard], panels[q.Dashboard+"/"+q.Panel] = true, true
		n, found := problems(vars.Expand(q.Expr), known)
		selectors += n
		for _, p := range found {
			t.Errorf("%s, panel %q, query %s: %s", q.Dashboard, q.Panel, q.RefID, p)
		}
		if _, err := parser.ParseExpr(q.PromQL); err != nil {
			t.Errorf("%s, panel %q, query %s with every variable at All: %v", q.Dashboard, q.Panel, q.RefID, err)
		}
	}
	if len(qs) == 0 {
		t.Fatal("no queries")
	}
	t.Logf("%d dashboards, %d panels, %d queries, %d selectors checked", len(dashboards), len(panels), len(qs), selectors)
}

// TestProblems shows that the query check finds each kind of mistake.
func TestProblems(t *testing.T) {
	known := map[string]labelSet{
		"rabbitfleet_up":      newLabelSet("cluster", "role", "region"),
		"rabbitfleet_planner": newLabelSet("cluster"),
		"ALERTS":              nil,
	}
	for _, c := range []struct {
		expr string
		want []string
	}{
		{`rabbitfleet_up{VARS}`, nil},
		{`rabbitfleet_planner{cluster=~"$cluster"} and on (cluster) rabbitfleet_up{VARS}`, nil},
		{`rate(rabbitfleet_up{VARS}[$__rate_interval]) + increase(rabbitfleet_up{VARS}[$__range])`, nil},
		{`label_replace(rabbitfleet_up{VARS}, "x", "$1", "cluster", "(.*)")`, nil},
		{`rabbitfleet_bogus{VARS}`, []string{"rabbitfleet_bogus is in none of README.md's metrics reference, planner/report.Metrics(), the recording rules, ALERTS"}},
		{`rabbitfleet_up{role=~"$role",cluster=~"$cluster"}`, []string{`rabbitfleet_up ignores $region: want region=~"$region"`, "honours [cluster role] and not [region]"}},
		{`rabbitfleet_up{VARS,node="a"}`, []string{`rabbitfleet_up has no label "node"`}},
		{`rate(rabbitfleet_up{VARS}[5m])`, []string{"rate over 5m: use $__rate_interval or $__range"}},
		{`rate(rabbitfleet_up{VARS}[5m:])`, []string{"rate over a subquery: use a range selector over $__rate_interval or $__range"}},
		{`rabbitfleet_planner{cluster=~"$cluster"}`, []string{"honours [cluster] and not [region role]"}},
		{`ALERTS{alertstate="firing",cluster=~"$cluster",role=~"$role",region=~"$region"}`, nil},
		{`ALERTS{alertstate="firing"}`, []string{`ALERTS ignores $cluster: want cluster=~"$cluster"`, `ALERTS ignores $region: want region=~"$region"`, `ALERTS ignores $role: want role=~"$role"`}},
		{`rabbitfleet_up{cluster=~"${cluster}"}`, []string{`Grafana variable left in rabbitfleet_up{cluster=~"${cluster}"}`}},
	} {
		_, got := problems(vars.Expand(strings.ReplaceAll(c.expr, varsToken, varMatchers)), known)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: problems %q, want %q", c.expr, got, c.want)
		}
	}
}

// problems lists what is wrong with a query whose variables are expanded
// with vars, and counts its selectors.
func problems(expr string, known map[string]labelSet) (selectors int, found []string) {
	if grafanaVariable.MatchString(expr) {
		return 0, []string{"Grafana variable left in " + expr}
	}
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return 0, []string{err.Error()}
	}
	used := labelSet{}
	parser.Inspect(e, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.VectorSelector:
			selectors++
			found = append(found, selectorProblems(n, known, used)...)
		case *parser.Call:
			if !rateFuncs[n.Func.Name] {
				break
			}
			switch m, ok := n.Args[0].(*parser.MatrixSelector); {
			case !ok:
				found = append(found, n.Func.Name+" over a subquery: use a range selector over $__rate_interval or $__range")
			case !rateRanges[m.Range]:
				found = append(found, fmt.Sprintf("%s over %s: use $__rate_interval or $__range", n.Func.Name, model.Duration(m.Range)))
			}
		}
		return nil
	})
	// A cluster has one role and region: selecting by one variable and not
	// the others would show clusters the dashboard has filtered out.
	if len(used) > 0 && len(used) < len(variableLabels) {
		var missing []string
		for _, l := range variableLabels {
			if !used[l] {
				missing = append(missing, l)
			}
		}
		found = append(found, fmt.Sprintf("honours %v and not %v", used.sorted(), missing))
	}
	return selectors, found
}

// selectorProblems checks that a selector names a known metric, matches only
// on its labels, and matches each variable label it has on the variable.
func selectorProblems(vs *parser.VectorSelector, known map[string]labelSet, used labelSet) []string {
	has, ok := known[vs.Name]
	if !ok {
		return []string{vs.Name + " is in none of README.md's metrics reference, planner/report.Metrics(), the recording rules, ALERTS"}
	}
	var found []string
	byLabel := map[string]*labels.Matcher{}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName {
			continue
		}
		byLabel[m.Name] = m
		if has != nil && !has[m.Name] && !scrapeLabels[m.Name] {
			found = append(found, fmt.Sprintf("%s has no label %q", vs.Name, m.Name))
		}
		if m.Type == labels.MatchRegexp && m.Value == variableValue[m.Name] {
			used[m.Name] = true
		}
	}
	for _, l := range variableLabels {
		if has != nil && !has[l] {
			continue
		}
		if m := byLabel[l]; m == nil || m.Type != labels.MatchRegexp || m.Value != variableValue[l] {
			found = append(found, fmt.Sprintf("%s ignores $%s: want %s=~\"$%s\"", vs.Name, l, l, l))
		}
	}
	return found
}

// labelSet is a metric's labels; nil for ALERTS, which has its alerts'.
type labelSet map[string]bool

func newLabelSet(names ...string) labelSet {
	s := labelSet{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			s[n] = true
		}
	}
	return s
}

func (s labelSet) sorted() []string {
	var l []string
	for k := range s {
		l = append(l, k)
	}
	slices.Sort(l)
	return l
}

// knownMetrics are the series a dashboard may name, with their labels: the
// exporter's, the planner's, the recording rules' and ALERTS.
func knownMetrics(t *testing.T) map[string]labelSet {
	known := catalogueMetrics()
	for _, m := range report.Metrics() {
		known[m.Name] = newLabelSet(m.Labels...)
	}
	groups, errs := rulefmt.ParseFile(recordingRules, false)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", recordingRules, errs)
	}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				known[r.Record] = recordedLabels(r.Record)
			}
		}
	}
	known["ALERTS"], known["ALERTS_FOR_STATE"] = nil, nil
	return known
}

// recordedLabels reads a recorded series' labels from its level, as the
// recording rules name them: "cluster" keeps cluster, role and region,
// "link" adds a federation link's labels, and each other part is one more
// label (node_protocol: node and protocol).
func recordedLabels(name string) labelSet {
	level, _, _ := strings.Cut(name, ":")
	labels := []string{"cluster", "role", "region"}
	for _, part := range strings.Split(level, "_") {
		if part == "link" {
			labels = append(labels, linkLabels...)
			continue
		}
		labels = append(labels, part)
	}
	return newLabelSet(labels...)
}

// linkLabels identify a federation link, as the exporter's link series carry them.
var linkLabels = []string{"vhost", "upstream", "upstream_cluster", "type", "exchange", "queue"}

// catalogueMetrics are the exporter's metrics with their labels, from the
// catalogue the README's reference is generated from.
func catalogueMetrics() map[string]labelSet {
	known := map[string]labelSet{}
	for _, m := range metrics.All() {
		if m.Type != metrics.Histogram {
			known[m.Name] = newLabelSet(m.Labels...)
			continue
		}
		// A histogram is served as its _bucket (with le), _sum and _count series.
		known[m.Name+"_bucket"] = newLabelSet(append(slices.Clone(m.Labels), "le")...)
		known[m.Name+"_sum"], known[m.Name+"_count"] = newLabelSet(m.Labels...), newLabelSet(m.Labels...)
	}
	return known
}
