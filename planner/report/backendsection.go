package report

import "strconv"

// secBackend is the backend's section id.
const secBackend = "backend"

// backendSection shows the backend: what its load is made of, its path
// over the horizon with the constraint that binds each step, and its cost;
// nil when the plan has no backend.
func backendSection(p *Plan) *section {
	b := p.Backend
	if b == nil {
		return nil
	}
	s := section{
		ID: secBackend, Title: "Backend: " + b.Name,
		Text: []string{"The backend is sized by messages per second: its own traffic, held at its latest month's p95, plus " +
			"every gateway's upper forecast of connections times the messages each connection publishes a second on that " +
			"gateway (the traffic it federates here). Its connections, its own clients and one federation link per " +
			"gateway, and the messages waiting in its queues (its latest month's p95, growing with its messages) only " +
			"have to fit in memory and file descriptors."},
		Notes: b.Notes,
	}
	last := b.Months[len(b.Months)-1]
	load := table{Title: "Load", Cols: cols("Backend", "AWS region", "p95 messages/s:r", "Own messages/s:r",
		"Own connections:r", "Federation links:r", "p95 queued messages:r", "Bytes per queued message:r")}
	load.Rows = [][]string{{
		b.Name, b.AWSRegion, optional(b.MessagesPerSecond, count), optional(b.OwnMessagesPerSecond, count),
		optional(b.OwnConnections, count), strconv.Itoa(b.FederationLinks), optional(b.QueuedMessages, count),
		count(b.BytesPerQueuedMessage),
	}}
	now := table{Title: "Deployment and path", Cols: cols("Deployment", "Capacity messages/s:r", "Binding", "Exhausted",
		"Cost now:r", "Path changes:r", "Last", "Cost over the horizon:r")}
	now.Rows = [][]string{{
		b.Current.label(), count(b.Current.CapacityMessagesPerSecond), b.Current.Binding, backendExhaustion(b, p.HorizonMonths),
		usd(b.Current.MonthlyCostUSD), strconv.Itoa(b.PathChanges), last.label(), usd(b.PathCostUSD),
	}}
	fed := table{Title: "Federated traffic per gateway", Cols: cols("Gateway", "Messages/s per connection:r")}
	for _, f := range b.Federated {
		fed.Rows = append(fed.Rows, []string{f.Gateway, decimal(f.MessagesPerConnection)})
	}
	steps := table{Title: "Path: where the deployment changes", Cols: cols("Month", "Upper messages/s:r", "Federated:r",
		"Connections:r", "Queued:r", "Deployment", "Capacity messages/s:r", "Binding", "Monthly cost:r")}
	for i, m := range b.Months {
		if i == 0 || m.Deployment != b.Months[i-1].Deployment || i == len(b.Months)-1 {
			steps.Rows = append(steps.Rows, backendMonthRow(m))
		}
	}
	s.Tables = []table{load, now, fed, steps}
	return &s
}

// backendMonthRow is one month of the backend's path.
func backendMonthRow(m BackendMonth) []string {
	return []string{
		month(m.Month), count(m.UpperMessagesPerSecond), count(m.FederatedPerSecond), count(m.Connections),
		optional(m.QueuedMessages, count), m.Deployment.label(), count(m.CapacityMessagesPerSecond), m.Binding, usd(m.MonthlyCostUSD),
	}
}

func backendExhaustion(b *Backend, horizon int) string {
	e := b.ExhaustionMonth
	switch {
	case e == nil || *e >= len(b.Months):
		return "not within " + months(horizon)
	case *e == 0:
		return month(b.Months[0].Month) + " (this month)"
	}
	return month(b.Months[*e].Month) + " (in " + months(*e) + ")"
}
