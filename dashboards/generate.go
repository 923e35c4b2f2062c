package dashboards

//lint:file-ignore SA1019 the SDK deprecates its dashboard (v1) model for Grafana 12's dashboardv2 schema; these files are provisioned as v1 JSON, which Grafana 10 to 12 all read.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	statpanel "github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/statetimeline"
	tablepanel "github.com/grafana/grafana-foundation-sdk/go/table"
	tspanel "github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// generate renders every dashboard of definitions() as the JSON committed
// beside this file, by file name.
func generate() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, b := range definitions() {
		d, err := b.Build()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		asBefore(&d)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name+".json"] = unescapeHTML(buf.Bytes())
	}
	return out, nil
}

// asBefore sets back what the SDK's defaults would change in Grafana:
//   - schemaVersion 38 (Grafana 10, the oldest Grafana the dashboards are
//     for; newer ones migrate them on load), not the SDK's own newer one;
//   - links above the panels, not in Grafana 12's controls menu.
func asBefore(d *dashboard.Dashboard) {
	d.SchemaVersion = 38
	for i := range d.Links {
		d.Links[i].Placement = nil
	}
}

// unescapeHTML turns the \u003c, \u003e and \u0026 with which json.Marshal
// (which the SDK's panels call) escapes <, > and & back, to keep queries
// readable. Other escapes, \\ among them, are copied as they are.
func unescapeHTML(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] != '\\' || i+1 == len(b):
			out = append(out, b[i])
		case i+6 <= len(b) && htmlEscapes[string(b[i:i+6])] != 0:
			out = append(out, htmlEscapes[string(b[i:i+6])])
			i += 5
		default:
			out = append(out, b[i], b[i+1])
			i++
		}
	}
	return out
}

var htmlEscapes = map[string]byte{`\u003c`: '<', `\u003e`: '>', `\u0026`: '&'}

// prometheusRef is the Prometheus the datasource variable selects, which
// every panel and query reads.
var prometheusRef = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${datasource}")}

// varsToken in a query's selector stands for the matchers of the role,
// region and cluster variables.
const (
	varsToken   = "VARS"
	varMatchers = `role=~"$role",region=~"$region",cluster=~"$cluster"`
)

// newDashboard lays panels out left to right in rows of 24 columns. role
// preselects the role variable ("" for All).
func newDashboard(name, title, description, role string, panels ...panel) *dashboard.DashboardBuilder {
	b := dashboard.NewDashboardBuilder("RabbitMQ fleet / "+title).
		Uid("rabbitfleet-"+name).
		Description(description).
		Tags([]string{"rabbitfleet", "rabbitmq"}).
		Editable().
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Refresh("1m").
		Time("now-6h", "now").
		Link(dashboard.NewDashboardLinkBuilder("RabbitMQ fleet").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{"rabbitfleet"}).
			AsDropdown(true).IncludeVars(true).KeepTime(true)).
		Variables(variables(role))
	// Positions are set here rather than by the SDK's builder, which lets
	// a panel overflow the row it starts in.
	var x, y, rowHeight uint32
	for i, p := range panels {
		g := *p.GridPos
		if x+g.W > 24 {
			x, y, rowHeight = 0, y+rowHeight, 0
		}
		g.X, g.Y = x, y
		p.GridPos, p.Id = &g, cog.ToPtr(uint32(i+1))
		x, rowHeight = x+g.W, max(rowHeight, g.H)
		b.WithPanel(p)
	}
	return b
}

// variables are the datasource, then role, region and cluster, each
// narrowing the next, all read from rabbitfleet_up.
func variables(role string) []cog.Builder[dashboard.VariableModel] {
	labelValues := func(name, selector string) *dashboard.QueryVariableBuilder {
		def := fmt.Sprintf("label_values(%s, %s)", selector, name)
		return dashboard.NewQueryVariableBuilder(name).
			Label(strings.ToUpper(name[:1]) + name[1:]).
			Datasource(prometheusRef).
			Query(dashboard.StringOrMap{Map: map[string]any{"query": def, "refId": "StandardVariableQuery"}}).
			Definition(def).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
			Multi(true).IncludeAll(true).AllValue(".*").
			Current(selected("All", "$__all")).
			Sort(dashboard.VariableSortAlphabeticalAsc).
			Hide(dashboard.VariableHideDontHide).
			Regex("")
	}
	roleVariable := labelValues("role", "rabbitfleet_up")
	if role != "" {
		roleVariable.Current(selected(role, role))
	}
	return []cog.Builder[dashboard.VariableModel]{
		dashboard.NewDatasourceVariableBuilder("datasource").
			Label("Data source").
			Type("prometheus").
			Hide(dashboard.VariableHideDontHide).
			Regex(""),
		roleVariable,
		labelValues("region", `rabbitfleet_up{role=~"$role"}`),
		labelValues("cluster", `rabbitfleet_up{role=~"$role",region=~"$region"}`),
	}
}

// selected is a multi-value variable's current selection of one value.
func selected(text, value string) dashboard.VariableOption {
	return dashboard.VariableOption{
		Text:  dashboard.StringOrArrayOfString{ArrayOfString: []string{text}},
		Value: dashboard.StringOrArrayOfString{ArrayOfString: []string{value}},
	}
}

// q is a query and its legend; VARS in it becomes the variables' matchers.
func q(expr, legend string) *prometheus.DataqueryBuilder {
	b := prometheus.NewDataqueryBuilder().Expr(strings.ReplaceAll(expr, varsToken, varMatchers))
	if legend != "" {
		b.LegendFormat(legend)
	}
	return b
}

// targets gives the queries their refIds (A, B, ...), datasource and kind:
// instant or range, and a table's format.
func targets(instant, table bool, qs []*prometheus.DataqueryBuilder) []cog.Builder[variants.Dataquery] {
	var ts []cog.Builder[variants.Dataquery]
	for i, t := range qs {
		t.RefId(string(rune('A' + i))).Datasource(prometheusRef).EditorMode(prometheus.QueryEditorModeCode)
		if instant {
			t.Instant()
		} else {
			t.Range()
		}
		if table {
			t.Format(prometheus.PromQueryFormatTable)
		}
		ts = append(ts, t)
	}
	return ts
}

// panel is a panel built by one of the SDK's panel builders, with the error
// it reported; the dashboard's builder reports that error.
type panel struct {
	dashboard.Panel
	err error
}

func built(b cog.Builder[dashboard.Panel]) panel {
	p, err := b.Build()
	return panel{p, err}
}

// Build makes a built panel a builder of the dashboard's.
func (p panel) Build() (dashboard.Panel, error) {
	if p.err != nil {
		return p.Panel, cog.MakeBuildErrors("panel", p.err)
	}
	return p.Panel, nil
}

// size is w columns of 24 wide and h rows high; newDashboard places it.
func size(w, h uint32) dashboard.GridPos { return dashboard.GridPos{W: w, H: h} }

// green colours every value green unless a panel marks thresholds.
func green() *dashboard.ThresholdsConfigBuilder { return thresholds("green") }

func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Fields("").Values(false)
}

func timeseries(title, unit, description string, qs ...*prometheus.DataqueryBuilder) panel {
	return built(tspanel.NewPanelBuilder().
		Title(title).Description(description).Unit(unit).GridPos(size(12, 8)).Thresholds(green()).
		Datasource(prometheusRef).Targets(targets(false, false, qs)).
		Legend(common.NewVizLegendOptionsBuilder().ShowLegend(true).
			DisplayMode(common.LegendDisplayModeTable).Placement(common.LegendPlacementBottom).
			Calcs([]string{"lastNotNull", "max"})).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending)).
		FillOpacity(10).ShowPoints(common.VisibilityModeNever).LineWidth(1))
}

func stat(title, unit, description string, qs ...*prometheus.DataqueryBuilder) panel {
	text := common.BigValueTextModeAuto
	if len(qs) > 1 {
		text = common.BigValueTextModeValueAndName
	}
	return built(statpanel.NewPanelBuilder().
		Title(title).Description(description).Unit(unit).GridPos(size(4, 4)).Thresholds(green()).
		Datasource(prometheusRef).Targets(targets(true, false, qs)).
		ReduceOptions(lastValue()).ColorMode(common.BigValueColorModeValue).GraphMode(common.BigValueGraphModeNone).
		TextMode(text).JustifyMode(common.BigValueJustifyModeAuto).Orientation(common.VizOrientationAuto))
}

func bars(title, unit, description string, qs ...*prometheus.DataqueryBuilder) panel {
	return built(bargauge.NewPanelBuilder().
		Title(title).Description(description).Unit(unit).GridPos(size(12, 8)).Thresholds(green()).
		Datasource(prometheusRef).Targets(targets(true, false, qs)).
		ReduceOptions(lastValue()).Orientation(common.VizOrientationHorizontal).
		DisplayMode(common.BarGaugeDisplayModeGradient).ShowUnfilled(true))
}

// state is a value of a state timeline or table cell shown as text.
type state struct{ value, text, color string }

func valueMappings(states []state) []dashboard.ValueMapping {
	options := map[string]dashboard.ValueMappingResult{}
	for i, s := range states {
		options[s.value] = dashboard.ValueMappingResult{Text: &s.text, Color: &s.color, Index: cog.ToPtr(int32(i))}
	}
	return []dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText, Options: options}}}
}

func stateTimeline(title, description string, states []state, qs ...*prometheus.DataqueryBuilder) panel {
	return built(statetimeline.NewPanelBuilder().
		Title(title).Description(description).Unit("none").GridPos(size(24, 8)).Thresholds(green()).
		Datasource(prometheusRef).Targets(targets(false, false, qs)).
		ShowValue(common.VisibilityModeNever).MergeValues(true).RowHeight(0.9).
		AlignValue(common.TimelineValueAlignmentLeft).
		Legend(common.NewVizLegendOptionsBuilder().ShowLegend(false)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeSingle).Sort(common.SortOrderNone)).
		Mappings(valueMappings(states)))
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
	const unit = "short"
	b := tablepanel.NewPanelBuilder().
		Title(title).Description(description).Unit(unit).GridPos(size(24, 8)).Thresholds(green()).
		ShowHeader(true).CellHeight(common.TableCellHeightSm).
		Footer(common.NewTableFooterOptionsBuilder().Show(false))
	// Transformation options are free-form in Grafana's model.
	exclude, rename, order := map[string]any{"Time": true}, map[string]any{}, map[string]any{}
	for i, k := range keys {
		order[k] = i
	}
	var qs []*prometheus.DataqueryBuilder
	for i, c := range cols {
		qs = append(qs, q(c.expr, ""))
		field := "Value #" + string(rune('A'+i)) // Grafana names the value field so when queries are several
		if len(cols) == 1 {
			field = "Value"
		}
		if c.header == "" {
			exclude[field] = true
			continue
		}
		rename[field], order[field] = c.header, len(keys)+i
		var props []dashboard.DynamicConfigValue
		if c.unit != unit {
			props = append(props, dashboard.DynamicConfigValue{Id: "unit", Value: c.unit})
		}
		if c.states != nil {
			props = append(props, dashboard.DynamicConfigValue{Id: "mappings", Value: valueMappings(c.states)},
				dashboard.DynamicConfigValue{Id: "custom.cellOptions",
					Value: common.TableColorTextCellOptions{Type: common.TableCellDisplayModeColorText}})
		}
		if props != nil {
			b.OverrideByName(c.header, props)
		}
	}
	if len(cols) > 1 {
		b.WithTransformation(dashboard.DataTransformerConfig{Id: "merge", Options: map[string]any{}})
	}
	b.WithTransformation(dashboard.DataTransformerConfig{Id: "organize", Options: map[string]any{
		"excludeByName": exclude, "renameByName": rename, "indexByName": order,
	}})
	return built(b.Datasource(prometheusRef).Targets(targets(true, true, qs)))
}

func (p panel) size(w, h uint32) panel {
	p.GridPos = cog.ToPtr(size(w, h))
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

func thresholds(base string, steps ...step) *dashboard.ThresholdsConfigBuilder {
	s := []dashboard.Threshold{{Color: base}}
	for _, st := range steps {
		s = append(s, dashboard.Threshold{Value: &st.at, Color: st.color})
	}
	return dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(s)
}

// marks colours the panel by thresholds, drawn as dashed lines on graphs.
func (p panel) marks(base string, steps ...step) panel {
	t, err := thresholds(base, steps...).Build()
	if err != nil && p.err == nil {
		p.err = err
	}
	p.FieldConfig.Defaults.Thresholds = &t
	if graph, ok := p.FieldConfig.Defaults.Custom.(*tspanel.FieldConfig); ok {
		graph.ThresholdsStyle = &common.GraphThresholdsStyleConfig{Mode: common.GraphThresholdsStyleModeDashed}
	}
	return p
}
