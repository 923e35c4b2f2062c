package plan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/demand"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/latency"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
	"github.com/rabbitfleet/rabbitfleet/planner/sales"
)

// fixture is a made-up fleet: gateways g01..gNN, each serving one client
// region rNN from an AWS region of the default latency table, with hourly
// history and a sales file covering the history and the horizon.
//
//	devices(r, t)     = base + devices sold up to t's month (sold on the 1st)
//	connections(g, t) = 0.6 x devices x daily shape x (1 + noise, sd 1%)
//	opened/s          = connections / 18,000 (a reconnection every 5 h)
//	published/s       = connections / 60
type fixture struct {
	gateways int
	days     int // hourly history
	end      time.Time
	horizon  int
	types    int // catalog types kept, 0 for all
	// flat drops the daily shape and the noise: each month's connections
	// are then exactly 0.6 x its devices.
	flat bool
	// falling makes connections fall as devices are sold: 0.6 x (base −
	// devices sold), a line of slope −0.6.
	falling bool
	// plannedMiss gives past months a planned_new_customers that the
	// actuals beat and miss by this share in turn.
	plannedMiss float64
	// nodeMetrics adds the node series the capacity fit reads, for 3
	// nodes: memory 400 MB a node + 120 kB a connection, 110 fds a node
	// + 1 a connection, limits 60% of the instance type's RAM and 65,536
	// fds a node.
	nodeMetrics bool
	// cpu adds each cluster's broker-host busy cores: 0.1 a node plus 1.3
	// times what capacity.Default's CPU costs predict.
	cpu bool
	// backend adds cluster "core" (3 x the first type), publishing 1.35
	// times every gateway's messages from 200 AMQP connections, with the
	// node series when nodeMetrics is set and its CPU when cpu is.
	backend bool
	// unserved, when above 0, adds client region "u", in no gateway's
	// serves, selling that many customers (of 20 devices) a month; uRTT
	// is its round trip to each AWS region.
	unserved float64
	uRTT     func(aws string) int
	// repoint is targets.repoint_usd_per_device.
	repoint float64
	// rtt replaces round trips of the generated latency table, by client
	// and AWS region.
	rtt map[[2]string]int
}

var awsRegions = latency.Default().AWSRegions()

func (fx fixture) gateway(i int) string { return fmt.Sprintf("g%02d", i+1) }
func (fx fixture) region(i int) string  { return fmt.Sprintf("r%02d", i+1) }

// aws is the region gateway i runs in: its client region's nearest for
// even i, a far one (175 ms) for odd i, which placement then moves.
func (fx fixture) aws(i int) string {
	if i%2 == 1 {
		return awsRegions[(i+3)%len(awsRegions)]
	}
	return awsRegions[i%len(awsRegions)]
}
func (fx fixture) base(i int) float64 { return 20000 + 1000*float64(i) }
func (fx fixture) start() time.Time   { return fx.end.Add(-time.Duration(fx.days) * 24 * time.Hour) }

// soldPerMonth is devices sold a month in region i: customers x 20.
func (fx fixture) customers(i int) float64 { return float64(10 + i%5) }

func (fx fixture) inputs(t testing.TB) Inputs {
	t.Helper()
	dir := t.TempDir()
	var y strings.Builder
	y.WriteString("client_regions:\n")
	for i := range fx.gateways {
		fmt.Fprintf(&y, "  - {name: %s, devices_per_customer: 20}\n", fx.region(i))
	}
	if fx.unserved > 0 {
		y.WriteString("  - {name: u, devices_per_customer: 20}\n")
	}
	y.WriteString("clusters:\n")
	cat := catalog.Default()
	if fx.types > 0 {
		cat.Types = cat.Types[:fx.types]
	}
	for i := range fx.gateways {
		fmt.Fprintf(&y, "  - {name: %s, role: gateway, aws_region: %s, instance_type: %s, nodes: 3, serves: [%s]}\n",
			fx.gateway(i), fx.aws(i), cat.Types[0].Name, fx.region(i))
	}
	if fx.backend {
		fmt.Fprintf(&y, "  - {name: core, role: backend, aws_region: %s, instance_type: %s, nodes: 3}\n", fx.aws(0), cat.Types[0].Name)
	}
	fmt.Fprintf(&y, "targets: {horizon_months: %d, repoint_usd_per_device: %g}\n", fx.horizon, fx.repoint)
	f, err := fleet.Parse([]byte(y.String()), "fixture.yml")
	if err != nil {
		t.Fatal(err)
	}

	var lat strings.Builder
	lat.WriteString("client_region,aws_region,rtt_ms\n")
	for i := range fx.gateways {
		for j, a := range awsRegions {
			ms := 10 + 15*((i+len(awsRegions)-j)%len(awsRegions)) // 10 ms to its own region, more elsewhere
			if v, ok := fx.rtt[[2]string{fx.region(i), a}]; ok {
				ms = v
			}
			fmt.Fprintf(&lat, "%s,%s,%d\n", fx.region(i), a, ms)
		}
	}
	if fx.unserved > 0 {
		for _, a := range awsRegions {
			fmt.Fprintf(&lat, "u,%s,%d\n", a, fx.uRTT(a))
		}
	}
	latPath := filepath.Join(dir, "latency.csv")
	if err := os.WriteFile(latPath, []byte(lat.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := latency.Load(latPath)
	if err != nil {
		t.Fatal(err)
	}

	var sc strings.Builder
	sc.WriteString("month,region,new_customers,planned_new_customers\n")
	for k, m := 0, monthStart(fx.start()); m.Before(fx.end.AddDate(0, fx.horizon, 0)); k, m = k+1, m.AddDate(0, 1, 0) {
		for i := range fx.gateways {
			planned := ""
			if fx.plannedMiss > 0 && m.Before(fx.end) {
				miss := fx.plannedMiss * float64(1-2*(k%2)) // over, under, over, …
				planned = strconv.FormatFloat(fx.customers(i)/(1+miss), 'g', -1, 64)
			}
			fmt.Fprintf(&sc, "%s,%s,%g,%s\n", m.Format("2006-01"), fx.region(i), fx.customers(i), planned)
		}
		if fx.unserved > 0 {
			fmt.Fprintf(&sc, "%s,u,%g,\n", m.Format("2006-01"), fx.unserved)
		}
	}
	rows, err := sales.Read(strings.NewReader(sc.String()), "fixture.csv", f.ClientRegionNames(), sales.HolesAreErrors)
	if err != nil {
		t.Fatal(err)
	}
	return Inputs{
		Fleet: f, FleetName: "fixture.yml", Sales: rows, SalesName: "fixture.csv",
		Catalog: cat, Latency: tab, LatencyName: latPath,
		Profile: capacity.Default(), ProfileSource: capacity.DefaultName,
		History:       fx.history(),
		HistorySource: report.HistorySource{Kind: "snapshot", Location: "fixture.json"},
	}
}

func (fx fixture) history() *history.Snapshot {
	rng := rand.New(rand.NewPCG(3, 50))
	start := fx.start()
	n := fx.days * 24
	s := &history.Snapshot{Version: history.FormatVersion, Start: start, End: fx.end, Step: time.Hour}
	series := func(metric, cluster string, labels map[string]string, v []float64) history.Series {
		return history.Series{Metric: metric, Cluster: cluster, Labels: labels, Start: start, Step: time.Hour, Values: v}
	}
	first := monthStart(start)
	fed := make([]float64, n) // every gateway's published messages
	for i := range fx.gateways {
		conns, opened, published := make([]float64, n), make([]float64, n), make([]float64, n)
		noise := 0.0
		for k := range n {
			at := start.Add(time.Duration(k) * time.Hour)
			months := demand.MonthsBetween(first, monthStart(at)) + 1 // the months sold so far, this one included
			devices := fx.base(i) + float64(months)*20*fx.customers(i)
			if fx.falling {
				devices = fx.base(i) - float64(months)*20*fx.customers(i)
			}
			noise = 0.8*noise + 0.006*rng.NormFloat64()
			shape := 0.8 + 0.2*math.Cos(2*math.Pi*float64(at.Hour()-(19+i)%24)/24)
			if fx.flat {
				noise, shape = 0, 1
			}
			conns[k] = math.Round(0.6 * devices * shape * (1 + noise))
			opened[k] = conns[k] / 18000
			published[k] = conns[k] / 60
		}
		g := fx.gateway(i)
		s.Series = append(s.Series,
			series(metricConnections, g, map[string]string{"protocol": "mqtt"}, conns),
			series(metricOpened, g, nil, opened),
			series(metricPublished, g, nil, published))
		if fx.nodeMetrics {
			s.Series = append(s.Series, fx.nodeSeries(g, conns, rng)...)
		}
		if fx.cpu {
			s.Series = append(s.Series, series(history.MetricCPUBusyCores, g, nil, fx.busyCores(conns, opened, published)))
		}
		for k, v := range published {
			fed[k] += v
		}
	}
	if fx.backend {
		conns, opened, published := make([]float64, n), make([]float64, n), make([]float64, n)
		for k := range n {
			conns[k], opened[k], published[k] = 200, 200.0/(14*3600), 1.35*fed[k]
		}
		s.Series = append(s.Series,
			series(metricConnections, "core", map[string]string{"protocol": "amqp091"}, conns),
			series(metricOpened, "core", nil, opened),
			series(metricPublished, "core", nil, published))
		if fx.nodeMetrics {
			s.Series = append(s.Series, fx.nodeSeries("core", conns, rng)...)
		}
		if fx.cpu {
			s.Series = append(s.Series, series(history.MetricCPUBusyCores, "core", nil, fx.busyCores(conns, opened, published)))
		}
	}
	history.SortSeries(s.Series)
	return s
}

// nodeSeries are a 3-node cluster's memory and descriptors (see fixture).
func (fx fixture) nodeSeries(cluster string, conns []float64, rng *rand.Rand) []history.Series {
	n := len(conns)
	series := func(metric string, v []float64) history.Series {
		return history.Series{Metric: metric, Cluster: cluster, Start: fx.start(), Step: time.Hour, Values: v}
	}
	mem, fds, nodes, memLim, fdLim := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	ram := catalog.Default().Types[0].MemoryGiB * (1 << 30) // every fixture cluster's type
	for k, c := range conns {
		nodes[k], memLim[k], fdLim[k] = 3, 3*0.6*ram, 3*65536
		mem[k] = (3*400e6 + 120e3*c) * (1 + 0.005*rng.NormFloat64())
		fds[k] = 3*110 + c
	}
	return []history.Series{series(metricMemoryUsed, mem), series(metricFDUsed, fds), series(metricNodes, nodes),
		series(metricMemoryLimit, memLim), series(metricFDLimit, fdLim)}
}

// busyCores is a 3-node cluster's CPU (see fixture.cpu).
func (fx fixture) busyCores(conns, opened, published []float64) []float64 {
	p := capacity.Default()
	out := make([]float64, len(conns))
	for k := range out {
		out[k] = 3*0.1 + 1.3*(conns[k]*p.CPUSecondsPerConnectionIdle+opened[k]*p.CPUSecondsPerOpen+published[k]*p.CPUSecondsPerMessage)
	}
	return out
}

// demoLatency is the embedded latency table, which names the demo fleet's
// client regions.
func demoLatency(t testing.TB) *latency.Table {
	t.Helper()
	return latency.Default()
}
