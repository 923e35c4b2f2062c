package report

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"
)

// sample is one series of a family: label values in the order of the
// family's Metric.Labels.
type sample struct {
	labels []string
	value  float64
}

// promFile renders planner.prom: the families of Metrics() sorted by name,
// each with HELP and TYPE and its series sorted by label values. A family
// with no series (no gateway exhausts within the horizon) is left out, as
// the text format has no empty family.
func promFile(p *Plan) ([]byte, error) {
	ms := Metrics()
	slices.SortFunc(ms, func(a, b Metric) int { return cmp.Compare(a.Name, b.Name) })
	var b bytes.Buffer
	for _, m := range ms {
		samples, err := promSamples(p, m.Name)
		if err != nil {
			return nil, err
		}
		if len(samples) == 0 {
			continue
		}
		slices.SortStableFunc(samples, func(x, y sample) int { return compareLabels(x.labels, y.labels) })
		mf, err := family(m, samples)
		if err != nil {
			return nil, err
		}
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			return nil, fmt.Errorf("family %s: %w", m.Name, err)
		}
	}
	return b.Bytes(), nil
}

// promSamples gives the series of the family name from the plan.
func promSamples(p *Plan, name string) ([]sample, error) {
	var out []sample
	add := func(v float64, labels ...string) { out = append(out, sample{labels, v}) }
	switch name {
	case "rabbitfleet_planner_report_timestamp_seconds":
		add(seconds1970(p.AsOf))
	case "rabbitfleet_planner_gateway_capacity_connections":
		for _, g := range p.Gateways {
			add(g.Current.CapacityConnections, g.Name, g.Current.InstanceType)
		}
	case "rabbitfleet_planner_gateway_forecast_connections":
		for _, g := range p.Gateways {
			for _, f := range g.Forecasts {
				ahead := strconv.Itoa(f.MonthsAhead)
				add(f.Point, g.Name, ahead, "point")
				add(f.Hi80, g.Name, ahead, "hi80")
				add(f.Hi95, g.Name, ahead, "hi95")
			}
		}
	case "rabbitfleet_planner_gateway_exhaustion_timestamp_seconds":
		for _, g := range p.Gateways {
			if e := g.ExhaustionMonth; e != nil && *e >= 0 && *e < len(g.Months) {
				add(seconds1970(g.Months[*e].Month), g.Name)
			}
		}
	case "rabbitfleet_planner_gateway_recommended_nodes":
		for _, r := range recommended(p) {
			add(float64(r.Nodes), r.name, r.InstanceType)
		}
	case "rabbitfleet_planner_gateway_monthly_cost_dollars":
		for _, r := range recommended(p) {
			add(r.MonthlyCostUSD, r.name, r.InstanceType)
		}
	case "rabbitfleet_planner_reconnect_seconds":
		for _, g := range p.Gateways {
			add(g.Storm.LargestNode.ReconnectSeconds, g.Name, "largest_node")
			if n := g.Storm.NeighbourFailover; n != nil {
				add(n.ReconnectSeconds, g.Name, "neighbour_failover")
			}
		}
	case "rabbitfleet_planner_backend_capacity_messages_per_second":
		if b := p.Backend; b != nil {
			add(b.Current.CapacityMessagesPerSecond, b.Name, b.Current.InstanceType)
		}
	case "rabbitfleet_planner_backend_upper_forecast_messages_per_second":
		if b := p.Backend; b != nil {
			for _, ahead := range backendAhead(p) {
				if ahead >= 1 && ahead <= len(b.Months) {
					add(b.Months[ahead-1].UpperMessagesPerSecond, b.Name, strconv.Itoa(ahead))
				}
			}
		}
	case "rabbitfleet_planner_backend_exhaustion_timestamp_seconds":
		if b := p.Backend; b != nil {
			if e := b.ExhaustionMonth; e != nil && *e >= 0 && *e < len(b.Months) {
				add(seconds1970(b.Months[*e].Month), b.Name)
			}
		}
	case "rabbitfleet_planner_backend_recommended_nodes":
		if b := p.Backend; b != nil && len(b.Months) > 0 {
			add(float64(b.Months[0].Nodes), b.Name, b.Months[0].InstanceType)
		}
	case "rabbitfleet_planner_backend_monthly_cost_dollars":
		if b := p.Backend; b != nil && len(b.Months) > 0 {
			add(b.Months[0].MonthlyCostUSD, b.Name, b.Months[0].InstanceType)
		}
	default:
		// Metrics() and this writer must change together.
		return nil, fmt.Errorf("no values for family %s", name)
	}
	return out, nil
}

// backendAhead are the months ahead the gateways' forecasts give, for the
// backend's to line up with them on a dashboard.
func backendAhead(p *Plan) []int {
	var out []int
	if len(p.Gateways) > 0 {
		for _, f := range p.Gateways[0].Forecasts {
			out = append(out, f.MonthsAhead)
		}
	}
	return out
}

func family(m Metric, samples []sample) (*dto.MetricFamily, error) {
	if m.Type != "gauge" {
		return nil, fmt.Errorf("family %s: type %q, want gauge", m.Name, m.Type)
	}
	mf := &dto.MetricFamily{
		Name: proto.String(m.Name),
		Help: proto.String(m.Help),
		Type: dto.MetricType_GAUGE.Enum(),
	}
	for _, s := range samples {
		if len(s.labels) != len(m.Labels) {
			return nil, fmt.Errorf("family %s: %d label values for labels %v", m.Name, len(s.labels), m.Labels)
		}
		// Rounded as report.json is: the report from Prometheus's rate()s
		// equals the one from a snapshot.
		metric := &dto.Metric{Gauge: &dto.Gauge{Value: proto.Float64(round(s.value))}}
		for i, l := range m.Labels {
			metric.Label = append(metric.Label, &dto.LabelPair{Name: proto.String(l), Value: proto.String(s.labels[i])})
		}
		mf.Metric = append(mf.Metric, metric)
	}
	return mf, nil
}

// compareLabels orders label values one by one, whole numbers by value
// (months_ahead 1, 3, 6, 12), anything else as text.
func compareLabels(a, b []string) int {
	for i := range min(len(a), len(b)) {
		x, errX := strconv.Atoi(a[i])
		y, errY := strconv.Atoi(b[i])
		c := cmp.Compare(a[i], b[i])
		if errX == nil && errY == nil {
			c = cmp.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// seconds1970 is t as Unix seconds with a fraction.
func seconds1970(t time.Time) float64 {
	return float64(t.UnixNano()) / float64(time.Second)
}
