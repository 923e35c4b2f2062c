package dashboards

// The part of Grafana's dashboard JSON model these dashboards use: what the
// tests read is typed, panel options and the like stay free-form.

type dashboard struct {
	UID           string     `json:"uid"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Tags          []string   `json:"tags"`
	SchemaVersion int        `json:"schemaVersion"`
	Editable      bool       `json:"editable"`
	GraphTooltip  int        `json:"graphTooltip"` // 1: shared crosshair
	Refresh       string     `json:"refresh"`
	Time          timeRange  `json:"time"`
	Links         []any      `json:"links"`
	Templating    templating `json:"templating"`
	Panels        []panel    `json:"panels"`
}

type timeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type templating struct {
	List []variable `json:"list"`
}

type variable struct {
	Name       string        `json:"name"`
	Label      string        `json:"label"`
	Type       string        `json:"type"` // datasource or query
	Datasource *datasource   `json:"datasource,omitempty"`
	Query      any           `json:"query"` // "prometheus" for the datasource variable, a variableQuery otherwise
	Definition string        `json:"definition,omitempty"`
	Refresh    int           `json:"refresh"` // 1: on load, 2: on time range change
	Multi      bool          `json:"multi"`
	IncludeAll bool          `json:"includeAll"`
	AllValue   string        `json:"allValue,omitempty"`
	Current    *currentValue `json:"current,omitempty"`
	Sort       int           `json:"sort"`
	Hide       int           `json:"hide"`
	Options    []any         `json:"options"`
	Regex      string        `json:"regex"`
}

type variableQuery struct {
	Query string `json:"query"`
	RefID string `json:"refId"`
}

type currentValue struct {
	Text  []string `json:"text"`
	Value []string `json:"value"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID              int            `json:"id"`
	Type            string         `json:"type"`
	Title           string         `json:"title"`
	Description     string         `json:"description,omitempty"`
	Datasource      *datasource    `json:"datasource,omitempty"`
	GridPos         gridPos        `json:"gridPos"`
	FieldConfig     fieldConfig    `json:"fieldConfig"`
	Options         map[string]any `json:"options,omitempty"`
	Targets         []target       `json:"targets,omitempty"`
	Transformations []any          `json:"transformations,omitempty"`
	Panels          []panel        `json:"panels,omitempty"` // a collapsed row's panels
}

type gridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

type fieldConfig struct {
	Defaults  fieldDefaults `json:"defaults"`
	Overrides []any         `json:"overrides"`
}

type fieldDefaults struct {
	Unit       string         `json:"unit,omitempty"`
	Min        *float64       `json:"min,omitempty"`
	Max        *float64       `json:"max,omitempty"`
	Thresholds map[string]any `json:"thresholds,omitempty"`
	Mappings   []any          `json:"mappings,omitempty"`
	Custom     map[string]any `json:"custom,omitempty"`
}

type target struct {
	RefID        string      `json:"refId"`
	Datasource   *datasource `json:"datasource,omitempty"`
	EditorMode   string      `json:"editorMode,omitempty"`
	Expr         string      `json:"expr"`
	LegendFormat string      `json:"legendFormat,omitempty"`
	Format       string      `json:"format,omitempty"` // table for table panels
	Instant      bool        `json:"instant"`
	Range        bool        `json:"range"`
}
