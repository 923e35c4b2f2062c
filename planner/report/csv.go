package report

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// csvHeader is recommendations.csv's header.
var csvHeader = []string{
	"gateway", "month", "instance_type", "nodes", "capacity_connections", "upper_forecast", "binding", "monthly_cost_usd",
}

// csvFile renders recommendations.csv: one row per gateway and month, the
// existing gateways first, then the new ones, in plan order. Connections
// are whole numbers, dollars have cents.
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
		})
	}
	return rows
}
