package report

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// csvHeader is recommendations.csv's header. Users' tooling reads its
// first eight columns: new ones are only ever appended. role is "gateway"
// or "backend"; the backend is sized in messages per second, so its rows
// leave capacity_connections and upper_forecast (connections) empty and
// fill the two messages columns, which a gateway's rows leave empty.
var csvHeader = []string{
	"gateway", "month", "instance_type", "nodes", "capacity_connections", "upper_forecast", "binding", "monthly_cost_usd",
	"role", "capacity_messages_per_second", "upper_forecast_messages_per_second",
}

// csvFile renders recommendations.csv: one row per cluster and month, the
// existing gateways first, then the new ones, in plan order, then the
// backend. Connections and messages per second are whole numbers, dollars
// have cents.
func csvFile(p *Plan) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	rows := [][]string{csvHeader}
	for _, g := range p.Gateways {
		rows = append(rows, csvRows(g.Name, g.Months)...)
	}
	for _, g := range p.NewGateways {
		rows = append(rows, csvRows(g.Name, g.Months)...)
	}
	if b := p.Backend; b != nil {
		for _, m := range b.Months {
			rows = append(rows, []string{
				b.Name, month(m.Month), m.InstanceType, strconv.Itoa(m.Nodes), "", "", m.Binding, cents(m.MonthlyCostUSD),
				"backend", whole(m.CapacityMessagesPerSecond), whole(m.UpperMessagesPerSecond),
			})
		}
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func csvRows(name string, ms []MonthPlan) [][]string {
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		rows = append(rows, []string{
			name, month(m.Month), m.InstanceType, strconv.Itoa(m.Nodes),
			whole(m.CapacityConnections), whole(m.UpperForecast), m.Binding, cents(m.MonthlyCostUSD),
			"gateway", "", "",
		})
	}
	return rows
}
