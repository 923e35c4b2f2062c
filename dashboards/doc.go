// Package dashboards ships rabbitfleet's Grafana dashboards (*.json, Grafana
// 10+, schemaVersion 38) and lists their queries.
//
// The JSON is generated from definitions.go, with Grafana's own typed model
// of dashboards, panels and Prometheus queries (grafana-foundation-sdk);
// after changing it run
//
//	go test ./dashboards -run TestJSONIsGenerated -update
//
// then go test ./dashboards again: the other tests read the JSON embedded
// when the test binary was built.
//
// go test ./dashboards checks that the committed JSON is what the generator
// writes, that every dashboard has a stable uid, the datasource, role, region
// and cluster variables, and a unit and description on every panel, and that
// every query parses with Prometheus' parser, names only metrics the exporter
// (README.md's metrics reference), the capacity planner (planner/report) or
// the recording rules (alerts/rabbitfleet.recording.yml) serve, or ALERTS, and
// honours the variables. Queries lists every query for end-to-end tests that
// run them against a real Prometheus.
package dashboards
