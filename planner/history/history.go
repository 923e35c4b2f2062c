// Package history holds the metric history the planner works from: regular
// series per cluster, read from Prometheus or from a snapshot file, so that
// a report can be reproduced offline.
package history

import "time"

// Series is one regularly sampled series, oldest first, NaN where no
// sample exists.
type Series struct {
	// Metric is the planner's name for it (see Queries), e.g. "connections".
	Metric string `json:"metric"`
	// Cluster is the exporter's cluster label.
	Cluster string `json:"cluster"`
	// Labels holds any further breakdown, e.g. {"protocol": "mqtt"}.
	Labels map[string]string `json:"labels,omitempty"`
	Start  time.Time         `json:"start"`
	Step   time.Duration     `json:"step"`
	Values []float64         `json:"values"`
}

// Snapshot is the history of a whole fleet over one time range.
type Snapshot struct {
	// Version is the file format version.
	Version int           `json:"version"`
	Start   time.Time     `json:"start"`
	End     time.Time     `json:"end"`
	Step    time.Duration `json:"step"`
	Series  []Series      `json:"series"`
}
