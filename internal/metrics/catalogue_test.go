package metrics

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
)

// Every metric is well formed, listed once, in name order.
func TestAllIsSortedAndValid(t *testing.T) {
	all := All()
	if !slices.IsSortedFunc(all, func(a, b Metric) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All() is not in name order")
	}
	for i, m := range all {
		if i > 0 && m.Name == all[i-1].Name {
			t.Errorf("%s listed twice", m.Name)
		}
		if !strings.HasPrefix(m.Name, "rabbitfleet_") || !model.LegacyValidation.IsValidMetricName(m.Name) {
			t.Errorf("%q: not a rabbitfleet_ metric name", m.Name)
		}
		if (m.Type == Counter) != strings.HasSuffix(m.Name, "_total") {
			t.Errorf("%s: a counter's name ends in _total, and only a counter's", m.Name)
		}
		if m.Type != Gauge && m.Type != Counter && m.Type != Histogram {
			t.Errorf("%s: type %q", m.Name, m.Type)
		}
		if m.Help == "" {
			t.Errorf("%s: no help", m.Name)
		}
		for k, l := range m.Labels {
			if !model.LegacyValidation.IsValidLabelName(l) || slices.Contains(m.Labels[:k], l) {
				t.Errorf("%s: label %q invalid or repeated", m.Name, l)
			}
		}
	}
}

// Every Metric the package declares is in All(): a metric left out would be
// served without being documented or checked.
func TestAllListsEveryDeclaredMetric(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "catalogue.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range All() {
		listed[m.Name] = true
	}
	declared := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			for _, v := range s.(*ast.ValueSpec).Values {
				lit, ok := v.(*ast.CompositeLit)
				if !ok || lit.Type.(*ast.Ident).Name != "Metric" {
					continue
				}
				declared++
				for _, e := range lit.Elts {
					kv := e.(*ast.KeyValueExpr)
					if kv.Key.(*ast.Ident).Name == "Name" {
						if name := strings.Trim(kv.Value.(*ast.BasicLit).Value, `"`); !listed[name] {
							t.Errorf("%s is declared but not in All()", name)
						}
					}
				}
			}
		}
	}
	if declared != len(All()) {
		t.Errorf("%d metrics declared, %d in All()", declared, len(All()))
	}
}
