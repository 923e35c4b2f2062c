package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// generate renders every dashboard of definitions() as the JSON committed
// beside this file, by file name.
func generate() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, d := range definitions() {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // keep > and & readable in queries
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name+".json"] = b.Bytes()
	}
	return out, nil
}

var prometheus = &datasource{Type: "prometheus", UID: "${datasource}"}

// varsToken in a query's selector stands for the matchers of the role,
// region and cluster variables.
const (
	varsToken   = "VARS"
	varMatchers = `role=~"$role",region=~"$region",cluster=~"$cluster"`
)

// newDashboard lays panels out left to right in rows of 24 columns. role
// preselects the role variable ("" for All).
func newDashboard(name, title, description, role string, panels ...panel) dashboard {
	x, y, rowHeight := 0, 0, 0
	for i := range panels {
		p := &panels[i]
		if x+p.GridPos.W > 24 {
			x, y, rowHeight = 0, y+rowHeight, 0
		}
		p.ID, p.GridPos.X, p.GridPos.Y = i+1, x, y
		x, rowHeight = x+p.GridPos.W, max(rowHeight, p.GridPos.H)
	}
	return dashboard{
		UID: "rabbitfleet-" + name, Title: "RabbitMQ fleet / " + title, Description: description,
		Tags: []string{"rabbitfleet", "rabbitmq"}, SchemaVersion: 38, Editable: true, GraphTooltip: 1,
		Refresh: "1m", Time: timeRange{"now-6h", "now"},
		Links: []any{map[string]any{
			"title": "RabbitMQ fleet", "type": "dashboards", "tags": []string{"rabbitfleet"},
			"asDropdown": true, "includeVars": true, "keepTime": true,
		}},
		Templating: templating{variables(role)},
		Panels:     panels,
	}
}

// variables are the datasource, then role, region and cluster, each
// narrowing the next, all read from rabbitfleet_up.
func variables(role string) []variable {
	all := &currentValue{Text: []string{"All"}, Value: []string{"$__all"}}
	labelValues := func(name, selector string) variable {
		def := fmt.Sprintf("label_values(%s, %s)", selector, name)
		return variable{
			Name: name, Label: strings.ToUpper(name[:1]) + name[1:], Type: "query", Datasource: prometheus,
			Query: variableQuery{Query: def, RefID: "StandardVariableQuery"}, Definition: def,
			Refresh: 2, Multi: true, IncludeAll: true, AllValue: ".*", Current: all, Sort: 1, Options: []any{},
		}
	}
	v := []variable{
		{Name: "datasource", Label: "Data source", Type: "datasource", Query: "prometheus", Refresh: 1, Options: []any{}},
		labelValues("role", "rabbitfleet_up"),
		labelValues("region", `rabbitfleet_up{role=~"$role"}`),
		labelValues("cluster", `rabbitfleet_up{role=~"$role",region=~"$region"}`),
	}
	if role != "" {
		v[1].Current = &currentValue{Text: []string{role}, Value: []string{role}}
	}
	return v
}

// q is a query and its legend; VARS in it becomes the variables' matchers.
func q(expr, legend string) target {
	return target{Expr: strings.ReplaceAll(expr, varsToken, varMatchers), LegendFormat: legend}
}

// withTargets gives the targets their refIds (A, B, ...) and datasource.
func withTargets(p panel, instant bool, format string, ts []target) panel {
	for i, t := range ts {
		t.RefID, t.Datasource, t.EditorMode = string(rune('A'+i)), prometheus, "code"
		t.Instant, t.Range, t.Format = instant, !instant, format
		p.Targets = append(p.Targets, t)
	}
	p.Datasource = prometheus
	return p
}

func newPanel(typ, title, unit, description string, w, h int, options map[string]any) panel {
	return panel{
		Type: typ, Title: title, Description: description, GridPos: gridPos{H: h, W: w},
		FieldConfig: fieldConfig{Defaults: fieldDefaults{Unit: unit, Thresholds: thresholds("green")}, Overrides: []any{}},
		Options:     options,
	}
}

var lastValue = map[string]any{"calcs": []string{"lastNotNull"}, "fields": "", "values": false}

func timeseries(title, unit, description string, ts ...target) panel {
	p := newPanel("timeseries", title, unit, description, 12, 8, map[string]any{
		"legend":  map[string]any{"showLegend": true, "displayMode": "table", "placement": "bottom", "calcs": []string{"lastNotNull", "max"}},
		"tooltip": map[string]any{"mode": "multi", "sort": "desc"},
	})
	p.FieldConfig.Defaults.Custom = map[string]any{"fillOpacity": 10, "showPoints": "never", "lineWidth": 1}
	return withTargets(p, false, "", ts)
}

func stat(title, unit, description string, ts ...target) panel {
	text := "auto"
	if len(ts) > 1 {
		text = "value_and_name"
	}
	p := newPanel("stat", title, unit, description, 4, 4, map[string]any{
		"reduceOptions": lastValue, "colorMode": "value", "graphMode": "none", "textMode": text,
		"justifyMode": "auto", "orientation": "auto",
	})
	return withTargets(p, true, "", ts)
}

func bars(title, unit, description string, ts ...target) panel {
	p := newPanel("bargauge", title, unit, description, 12, 8, map[string]any{
		"reduceOptions": lastValue, "orientation": "horizontal", "displayMode": "gradient", "showUnfilled": true,
	})
	return withTargets(p, true, "", ts)
}

// state is a value of a state timeline or table cell shown as text.
type state struct{ value, text, color string }

func valueMappings(states []state) []any {
	options := map[string]any{}
	for i, s := range states {
		options[s.value] = map[string]any{"text": s.text, "color": s.color, "index": i}
	}
	return []any{map[string]any{"type": "value", "options": options}}
}

func stateTimeline(title, description string, states []state, ts ...target) panel {
	p := newPanel("state-timeline", title, "none", description, 24, 8, map[string]any{
		"showValue": "never", "mergeValues": true, "rowHeight": 0.9, "alignValue": "left",
		"legend":  map[string]any{"showLegend": false},
		"tooltip": map[string]any{"mode": "single"},
	})
	return withTargets(p, false, "", ts).states(states)
}

// states shows the panel's values as text.
func (p panel) states(s []state) panel {
	p.FieldConfig.Defaults.Mappings = valueMappings(s)
	return p
}

// column is one value column of a table: an instant query whose result
// labels (the table's keys) line its rows up with the other columns'.
// An empty header hides the value and keeps the labels.
type column struct {
	header, unit, expr string
	states             []state
}

// table merges its columns' queries into one row per set of keys.
func table(title, description string, keys []string, cols ...column) panel {
	p := newPanel("table", title, "short", description, 24, 8, map[string]any{
		"showHeader": true, "cellHeight": "sm", "footer": map[string]any{"show": false},
	})
	exclude, rename, order := map[string]any{"Time": true}, map[string]any{}, map[string]any{}
	for i, k := range keys {
		order[k] = i
	}
	var ts []target
	for i, c := range cols {
		ts = append(ts, q(c.expr, ""))
		field := "Value #" + string(rune('A'+i)) // Grafana names the value field so when queries are several
		if len(cols) == 1 {
			field = "Value"
		}
		if c.header == "" {
			exclude[field] = true
			continue
		}
		rename[field], order[field] = c.header, len(keys)+i
		var props []any
		if c.unit != p.FieldConfig.Defaults.Unit {
			props = append(props, map[string]any{"id": "unit", "value": c.unit})
		}
		if c.states != nil {
			props = append(props, map[string]any{"id": "mappings", "value": valueMappings(c.states)},
				map[string]any{"id": "custom.cellOptions", "value": map[string]any{"type": "color-text"}})
		}
		if props != nil {
			p.FieldConfig.Overrides = append(p.FieldConfig.Overrides,
				map[string]any{"matcher": map[string]any{"id": "byName", "options": c.header}, "properties": props})
		}
	}
	if len(cols) > 1 {
		p.Transformations = append(p.Transformations, map[string]any{"id": "merge", "options": map[string]any{}})
	}
	p.Transformations = append(p.Transformations, map[string]any{"id": "organize", "options": map[string]any{
		"excludeByName": exclude, "renameByName": rename, "indexByName": order,
	}})
	return withTargets(p, true, "table", ts)
}

func (p panel) size(w, h int) panel {
	p.GridPos.W, p.GridPos.H = w, h
	return p
}

func (p panel) scale(min, max float64) panel {
	p.FieldConfig.Defaults.Min, p.FieldConfig.Defaults.Max = &min, &max
	return p
}

// step colours values from at upwards.
type step struct {
	at    float64
	color string
}

func thresholds(base string, steps ...step) map[string]any {
	s := []any{map[string]any{"color": base, "value": nil}}
	for _, st := range steps {
		s = append(s, map[string]any{"color": st.color, "value": st.at})
	}
	return map[string]any{"mode": "absolute", "steps": s}
}

// marks colours the panel by thresholds, drawn as dashed lines on graphs.
func (p panel) marks(base string, steps ...step) panel {
	p.FieldConfig.Defaults.Thresholds = thresholds(base, steps...)
	if p.Type == "timeseries" {
		p.FieldConfig.Defaults.Custom["thresholdsStyle"] = map[string]any{"mode": "dashed"}
	}
	return p
}
