package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

// The history is a plain model of a device fleet. Every random draw comes
// from one PCG source with a fixed seed, in a fixed order, so the same
// range gives the same snapshot.
//
//	devices(region, t)  = installed base + devices sold so far, each month's
//	                      sales (new customers x devices per customer)
//	                      activating evenly over the month
//	connections(gw, p)  = 0.6 x devices of the gateway's regions x share of p
//	                      x daily and weekly shape (1 at the regions' evening
//	                      peak) x (1 + AR(1) noise, sd 1%)
//	opened, closed /s   = connections x churn per connection (MQTT every 5 h,
//	                      STOMP every 45 min) + the hour's rise (opened) or
//	                      fall (closed)
//	messages /s         = (MQTT connections / 60 + STOMP / 240) x 1.04 (commands)
//	memory              = (nodes x base + bytes per connection x connections)
//	                      x (1 + fragmentation growing with node uptime)
//	fds                 = nodes x 110 + connections; sockets = connections
//	busy cores          = nodes x 0.1 + cpuScale x (connections x 5.9e-5
//	                      + opened/s x 0.0074 + messages/s x 5.5e-4), the
//	                      4.3.6 profile's costs, x (1 + AR(1) noise, sd 2%)
//	                      from a source of its own
//	limits              = 0.6 x RAM and 65,536 fds per node, constant
//	rabbitmq_version    = 1 under the version the cluster runs (below)
//	queued (backend)    = 1 to 1.3 s of its messages, plus the traffic of
//	                      a consumer outage's minutes in its hour; its
//	                      memory holds 1,400 bytes a queued message
//
// The backend carries microservices' AMQP 0-9-1 connections (180 + 0.002
// per device), every gateway's messages federated in plus 35% internal
// traffic, and a deployment that recycles 45 connections at 10:00 UTC on
// weekdays.
//
// The fleet is mid-upgrade, every cluster on a version with native MQTT,
// as its ~110 kB a connection says: the backend and gateway-eu on 4.3.6,
// gateway-ap on 3.13.7, gateway-us upgraded from 3.13.7 to 4.0.5.
//
// Planted events: a gateway-eu node restart (one node down for an hour, a
// quarter of the clients reconnecting, that node's memory fresh), a
// reconnection storm on gateway-us (connections at 45% for an hour, every
// client retrying), a 7-hour Prometheus outage for the whole fleet and a
// 30-hour exporter outage for gateway-ap (the gaps, all NaN).

const (
	concurrency  = 0.6 // peak share of devices connected
	mqttShare    = 0.85
	mqttChurn    = 1.0 / (5 * 3600) // reconnections per connection per second
	stompChurn   = 1.0 / (45 * 60)
	gatewayBase  = 420e6 // bytes per node with no clients
	mqttBytes    = 105e3 // per connection, with its session queue
	stompBytes   = 75e3
	backendBase  = 900e6
	amqpBytes    = 300e3
	queuedBytes  = 1400 // a queued message's memory on the backend, its replicas included
	fdsPerNode   = 110
	fdLimit      = 65536
	watermark    = 0.6
	uptimeBefore = 90 * 24 * time.Hour // node age when the history starts
)

var (
	restartAt = time.Date(2026, 3, 14, 3, 0, 0, 0, time.UTC) // gateway-eu
	stormAt   = time.Date(2026, 7, 8, 14, 0, 0, 0, time.UTC) // gateway-us
	upgradeAt = time.Date(2026, 9, 15, 2, 0, 0, 0, time.UTC) // gateway-us
)

// versions are the RabbitMQ versions each cluster runs, the second from
// upgradeAt on, the rolling upgrade's hour showing both.
var versions = map[string][]string{
	"backend":    {"4.3.6"},
	"gateway-eu": {"4.3.6"},
	"gateway-us": {"3.13.7", "4.0.5"},
	"gateway-ap": {"3.13.7"},
}

// cpuScale is how many times the 4.3.6 profile's CPU costs each cluster's
// broker hosts pay: gateway-us terminates its devices' TLS on the broker,
// which the profile leaves out.
var cpuScale = map[string]float64{"backend": 1.0, "gateway-eu": 1.1, "gateway-us": 1.45, "gateway-ap": 1.1}

// consumerOutages are hours in which a service consuming from the backend
// stopped for so many minutes: its queues held the traffic meanwhile.
var consumerOutages = []struct {
	at      time.Time
	minutes float64
}{
	{time.Date(2026, 2, 10, 15, 0, 0, 0, time.UTC), 25},
	{time.Date(2026, 6, 3, 11, 0, 0, 0, time.UTC), 12},
	{time.Date(2026, 8, 21, 9, 0, 0, 0, time.UTC), 40},
}

// gap is a run of hours with no samples; cluster "" is the whole fleet.
type gap struct {
	cluster string
	from    time.Time
	hours   int
}

var gaps = []gap{
	{"", time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC), 7},
	{"gateway-ap", time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC), 30},
}

// baseDevices are the devices installed before the first sales row.
var baseDevices = map[string]float64{
	"uk": 32000, "germany": 27000, "france": 16000, "nordics": 9000,
	"us-east": 24000, "us-west": 15000, "canada": 6500, "brazil": 0,
	"japan": 13000, "singapore": 4500, "australia": 5500, "india": 2500,
}

// peak is when a cluster's clients are busiest: the evening of its client
// regions (UTC hour), and their offset from UTC for the weekend.
type peak struct {
	hourUTC float64
	offset  time.Duration
}

var peaks = map[string]peak{
	"backend":    {13, 1 * time.Hour}, // European office hours
	"gateway-eu": {19, 1 * time.Hour},
	"gateway-us": {0.5, -5 * time.Hour},
	"gateway-ap": {12, 8 * time.Hour},
}

// ramGiB is the memory of the instance types fleet.yml uses.
var ramGiB = map[string]float64{"r5.xlarge": 32, "m5.2xlarge": 32}

// Generate builds days of hourly history ending at end (exclusive) from
// the embedded fleet and sales actuals. History is Generate(End, Days);
// other ranges serve tests and benchmarks (before the first sales month
// the fleet stays at its installed base).
func Generate(end time.Time, days int) *history.Snapshot {
	f := demoFleet()
	g := &gen{
		rng:   rand.New(rand.NewPCG(2026, 11)),
		start: end.Add(-time.Duration(days) * 24 * time.Hour),
		n:     days * 24,
		sales: demoSales(),
	}
	s := &history.Snapshot{Version: history.FormatVersion, Start: g.start, End: end, Step: time.Hour}
	allDevices := make([]float64, g.n)
	gatewayMsgs := make([]float64, g.n)
	for _, c := range f.Clusters {
		if c.Role != "gateway" {
			continue
		}
		dev := make([]float64, g.n)
		for _, r := range c.Serves {
			add(dev, g.devices(r))
		}
		add(allDevices, dev)
		series, msgs := g.gateway(c, dev)
		add(gatewayMsgs, msgs)
		s.Series = append(s.Series, series...)
	}
	for _, c := range f.Clusters {
		if c.Role == "backend" {
			s.Series = append(s.Series, g.backend(c, allDevices, gatewayMsgs)...)
		}
		s.Series = append(s.Series, g.versions(c.Name)...)
	}
	for i := range s.Series {
		g.punch(&s.Series[i])
	}
	history.SortSeries(s.Series)
	return s
}

type gen struct {
	rng   *rand.Rand
	start time.Time
	n     int
	sales map[string][]sale
}

func (g *gen) at(i int) time.Time { return g.start.Add(time.Duration(i) * time.Hour) }

// index returns the hour of t, or -1 outside the history.
func (g *gen) index(t time.Time) int {
	i := int(t.Sub(g.start) / time.Hour)
	if t.Before(g.start) || i >= g.n {
		return -1
	}
	return i
}

// devices is the installed base of region r plus its sales activated by
// each hour.
func (g *gen) devices(r string) []float64 {
	out := make([]float64, g.n)
	for i := range out {
		t := g.at(i)
		d := baseDevices[r]
		for _, s := range g.sales[r] {
			end := s.month.AddDate(0, 1, 0)
			switch {
			case !t.After(s.month):
			case !t.Before(end):
				d += s.devices
			default:
				d += s.devices * float64(t.Sub(s.month)) / float64(end.Sub(s.month))
			}
		}
		out[i] = d
	}
	return out
}

// shape is the daily and weekly pattern of a cluster's clients: daily in
// [0, 1], 1 at the evening peak; weekend true on the regions' Saturday and
// Sunday.
func (g *gen) shape(cluster string, i int) (daily float64, weekend bool) {
	p := peaks[cluster]
	t := g.at(i)
	h := float64(t.Hour()) + float64(t.Minute())/60
	daily = 0.5 + 0.5*math.Cos(2*math.Pi*(h-p.hourUTC)/24)
	wd := t.Add(p.offset).Weekday()
	return daily, wd == time.Saturday || wd == time.Sunday
}

// noise is AR(1) noise with coefficient 0.8 and standard deviation sd.
func (g *gen) noise(sd float64) []float64 {
	out := make([]float64, g.n)
	e := sd * g.rng.NormFloat64()
	for i := range out {
		e = 0.8*e + sd*0.6*g.rng.NormFloat64() // 0.6 = sqrt(1 - 0.8²)
		out[i] = e
	}
	return out
}

func (g *gen) gateway(c fleet.Cluster, dev []float64) (series []history.Series, msgs []float64) {
	nodes := float64(c.Nodes)
	mqttNoise, stompNoise := g.noise(0.01), g.noise(0.01)
	memNoise, msgNoise, churnNoise := g.noise(0.004), g.noise(0.02), g.noise(0.03)
	mqtt, stomp, total := g.zeros(), g.zeros(), g.zeros()
	event, extra, running := g.ones(), g.zeros(), g.zeros()
	for i := range running {
		running[i] = nodes
	}
	restart, storm := g.index(restartAt), g.index(stormAt)
	switch {
	case c.Name == "gateway-eu" && restart >= 0:
		running[restart] = nodes - 1
		event[restart] = 1 - 0.78/nodes
		if restart+1 < g.n {
			event[restart+1] = 0.97
		}
	case c.Name == "gateway-us" && storm >= 0:
		event[storm] = 0.45
		if storm+1 < g.n {
			event[storm+1] = 0.85
		}
	}
	for i := range dev {
		daily, weekend := g.shape(c.Name, i)
		m := 0.84 + 0.16*daily
		st := 0.55 + 0.45*daily
		if weekend {
			m *= 0.96
			st *= 0.85
		}
		peakConns := concurrency * dev[i] * event[i]
		mqtt[i] = math.Round(peakConns * mqttShare * m * (1 + mqttNoise[i]))
		stomp[i] = math.Round(peakConns * (1 - mqttShare) * st * (1 + stompNoise[i]))
		total[i] = mqtt[i] + stomp[i]
	}
	// Clients that reconnect within the hour show as both opens and closes.
	if c.Name == "gateway-eu" && restart > 0 {
		extra[restart] = 0.25 * total[restart-1]
	}
	if c.Name == "gateway-us" && storm > 0 {
		// Clients retry against a broker refusing them while overloaded.
		extra[storm] = 2.5 * total[storm-1]
		if storm+1 < g.n {
			extra[storm+1] = 1.5 * total[storm-1]
		}
	}
	opened, closed, msgs, mem, fds := g.zeros(), g.zeros(), g.zeros(), g.zeros(), g.zeros()
	for i := range total {
		base := (mqtt[i]*mqttChurn + stomp[i]*stompChurn) * (1 + churnNoise[i])
		rise := 0.0
		if i > 0 {
			rise = (total[i] - total[i-1]) / 3600
		}
		opened[i] = round3(base + math.Max(rise, 0) + extra[i]/3600)
		closed[i] = round3(base + math.Max(-rise, 0) + extra[i]/3600)
		msgs[i] = round3((mqtt[i]/60 + stomp[i]/240) * 1.04 * (1 + msgNoise[i]))
		used := running[i]*gatewayBase + mqttBytes*mqtt[i] + stompBytes*stomp[i]
		if c.Name == "gateway-us" && storm >= 0 && i == storm+1 {
			used *= 1.08 // buffers and garbage of the reconnection burst
		}
		mem[i] = math.Round(used * (1 + g.fragmentation(c, i)) * (1 + memNoise[i]))
		fds[i] = running[i]*fdsPerNode + total[i]
	}
	memLimit := math.Round(nodes * watermark * ramGiB[c.InstanceType] * (1 << 30))
	series = []history.Series{
		g.series("connections", c.Name, "mqtt", mqtt),
		g.series("connections", c.Name, "stomp", stomp),
		g.series("connections_opened_per_second", c.Name, "", opened),
		g.series("connections_closed_per_second", c.Name, "", closed),
		g.series("messages_published_per_second", c.Name, "", msgs),
		g.series("memory_used_bytes", c.Name, "", mem),
		g.series("memory_limit_bytes", c.Name, "", g.constant(memLimit)),
		g.series("file_descriptors_used", c.Name, "", fds),
		g.series("file_descriptors_limit", c.Name, "", g.constant(nodes*fdLimit)),
		g.series("sockets_used", c.Name, "", total),
		g.series("nodes_running", c.Name, "", running),
		g.series(history.MetricCPUBusyCores, c.Name, "", g.cpu(c.Name, running, total, opened, msgs)),
		// Every device message crosses the gateway's federation link to
		// the backend: the link's upstream queue acknowledges what the
		// gateway publishes.
		g.series(history.MetricFederatedMessages, c.Name, "", msgs),
	}
	return series, msgs
}

// cpu is a cluster's busy cores (see cpuScale). Its noise has a source of
// its own, seeded by the cluster's name, so that adding it left every
// other series as it was.
func (g *gen) cpu(cluster string, running, conns, opened, msgs []float64) []float64 {
	var seed uint64
	for _, b := range []byte(cluster) {
		seed = seed*31 + uint64(b)
	}
	rng := rand.New(rand.NewPCG(2026, seed))
	out := g.zeros()
	e := 0.0
	for i := range out {
		e = 0.8*e + 0.02*0.6*rng.NormFloat64()
		load := conns[i]*5.9e-5 + opened[i]*0.0074 + msgs[i]*5.5e-4
		out[i] = round3((running[i]*0.1 + cpuScale[cluster]*load) * (1 + e))
	}
	return out
}

func (g *gen) backend(c fleet.Cluster, devices, gatewayMsgs []float64) []history.Series {
	nodes := float64(c.Nodes)
	connNoise, memNoise, msgNoise, churnNoise := g.noise(0.01), g.noise(0.004), g.noise(0.015), g.noise(0.03)
	conns, opened, closed, msgs, mem, fds := g.zeros(), g.zeros(), g.zeros(), g.zeros(), g.zeros(), g.zeros()
	queued := g.backlog(gatewayMsgs)
	for i := range conns {
		daily, _ := g.shape(c.Name, i)
		conns[i] = math.Round((180 + 0.002*devices[i]) * (0.93 + 0.07*daily) * (1 + connNoise[i]))
	}
	for i := range conns {
		deploy := 0.0
		if t := g.at(i); t.Hour() == 10 && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday {
			deploy = 45.0 / 3600
		}
		base := conns[i] / (14 * 3600) * (1 + churnNoise[i])
		rise := 0.0
		if i > 0 {
			rise = (conns[i] - conns[i-1]) / 3600
		}
		opened[i] = round3(base + math.Max(rise, 0) + deploy)
		closed[i] = round3(base + math.Max(-rise, 0) + deploy)
		msgs[i] = round3(gatewayMsgs[i] * 1.35 * (1 + msgNoise[i]))
		used := nodes*backendBase + amqpBytes*conns[i] + queuedBytes*queued[i]
		mem[i] = math.Round(used * (1 + g.fragmentation(c, i)) * (1 + memNoise[i]))
		fds[i] = nodes*(fdsPerNode+220) + conns[i] // 220 queue files per node
	}
	running := g.constant(nodes)
	return []history.Series{
		g.series("connections", c.Name, "amqp091", conns),
		g.series("connections_opened_per_second", c.Name, "", opened),
		g.series("connections_closed_per_second", c.Name, "", closed),
		g.series("messages_published_per_second", c.Name, "", msgs),
		g.series("memory_used_bytes", c.Name, "", mem),
		g.series("memory_limit_bytes", c.Name, "", g.constant(math.Round(nodes*watermark*ramGiB[c.InstanceType]*(1<<30)))),
		g.series("file_descriptors_used", c.Name, "", fds),
		g.series("file_descriptors_limit", c.Name, "", g.constant(nodes*fdLimit)),
		g.series("sockets_used", c.Name, "", conns),
		g.series("nodes_running", c.Name, "", running),
		g.series(history.MetricCPUBusyCores, c.Name, "", g.cpu(c.Name, running, conns, opened, msgs)),
		g.series(history.MetricQueuedMessages, c.Name, "", queued),
	}
}

// backlog is the messages waiting in the backend's queues: about a
// second's worth of its traffic, and whatever piles up while a consumer
// service is down (consumerOutages). Its noise has a source of its own,
// like cpu's.
func (g *gen) backlog(gatewayMsgs []float64) []float64 {
	rng := rand.New(rand.NewPCG(2026, 12))
	out := g.zeros()
	for i := range out {
		out[i] = math.Round(gatewayMsgs[i] * 1.35 * (1 + 0.3*rng.Float64()))
	}
	for _, o := range consumerOutages {
		if i := g.index(o.at); i >= 0 {
			out[i] += math.Round(gatewayMsgs[i] * 1.35 * o.minutes * 60)
		}
	}
	return out
}

// versions are a cluster's rabbitmq_version series: 1 while it runs the
// version. It draws nothing from the random source, so that the other
// series stay as they were before versions were read.
func (g *gen) versions(cluster string) []history.Series {
	vs := versions[cluster]
	up := g.index(upgradeAt)
	if len(vs) == 1 || up < 0 {
		up = g.n // one version all along, or the upgrade after the range
	}
	var out []history.Series
	for k, v := range vs {
		x := g.series(history.MetricRabbitMQVersion, cluster, "", g.zeros())
		x.Labels = map[string]string{history.LabelRabbitMQVersion: v}
		for i := range x.Values {
			if before := i <= up; k == 0 && before || k == 1 && i >= up {
				x.Values[i] = 1
			} else {
				x.Values[i] = math.NaN()
			}
		}
		if k == 0 || up < g.n {
			out = append(out, x)
		}
	}
	return out
}

// fragmentation is the share of memory a node holds beyond its live data,
// growing towards 12% with uptime; the cluster's is the mean over its
// nodes, one of gateway-eu's restarting at restartAt.
func (g *gen) fragmentation(c fleet.Cluster, i int) float64 {
	f := func(up time.Duration) float64 { return 0.12 * (1 - math.Exp(-up.Hours()/24/25)) }
	t := g.at(i)
	old := f(uptimeBefore + t.Sub(g.start))
	if c.Name != "gateway-eu" || t.Before(restartAt) {
		return old
	}
	n := float64(c.Nodes)
	return (old*(n-1) + f(t.Sub(restartAt))) / n
}

// punch blanks the gaps that cover x's cluster.
func (g *gen) punch(x *history.Series) {
	for _, gp := range gaps {
		if gp.cluster != "" && gp.cluster != x.Cluster {
			continue
		}
		for h := range gp.hours {
			if i := g.index(gp.from.Add(time.Duration(h) * time.Hour)); i >= 0 {
				x.Values[i] = math.NaN()
			}
		}
	}
}

func (g *gen) series(metric, cluster, protocol string, v []float64) history.Series {
	x := history.Series{Metric: metric, Cluster: cluster, Start: g.start, Step: time.Hour, Values: v}
	if protocol != "" {
		x.Labels = map[string]string{metrics.LabelProtocol: protocol} // the label the planner's query keeps
	}
	return x
}

func (g *gen) zeros() []float64 { return make([]float64, g.n) }
func (g *gen) ones() []float64  { return g.constant(1) }

func (g *gen) constant(v float64) []float64 {
	out := make([]float64, g.n)
	for i := range out {
		out[i] = v
	}
	return out
}

func add(dst, src []float64) {
	for i := range dst {
		dst[i] += src[i]
	}
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// sale is one month's sales of a region, in devices.
type sale struct {
	month   time.Time
	devices float64
}

// demoSales reads the embedded sales.csv (actuals and plan) by region. It
// panics on a malformed row: the file is part of the program, and the
// tests read it.
func demoSales() map[string][]sale {
	rows, err := csv.NewReader(bytes.NewReader(salesCSV)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("demo: sales.csv: %v", err))
	}
	out := map[string][]sale{}
	for i, row := range rows[1:] {
		month, err1 := time.Parse("2006-01", row[0])
		customers, err2 := strconv.ParseFloat(row[2], 64)
		perCustomer, err3 := strconv.ParseFloat(row[3], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			panic(fmt.Sprintf("demo: sales.csv:%d: bad row %q", i+2, row))
		}
		out[row[1]] = append(out[row[1]], sale{month, customers * perCustomer})
	}
	return out
}

// demoFleet reads the embedded fleet.yml; like demoSales it panics when
// the file is malformed.
func demoFleet() fleet.Fleet {
	var f fleet.Fleet
	dec := yaml.NewDecoder(bytes.NewReader(fleetYML))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		panic(fmt.Sprintf("demo: fleet.yml: %v", err))
	}
	return f
}
