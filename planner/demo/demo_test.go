package demo

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

func TestHistoryIsDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if err := history.Write(a, History()); err != nil {
		t.Fatal(err)
	}
	if err := history.Write(b, History()); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Errorf("two calls wrote different files (%d and %d bytes)", len(x), len(y))
	}
}

func TestHistoryShape(t *testing.T) {
	s := History()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	wantStart := time.Date(2025, 9, 27, 0, 0, 0, 0, time.UTC)
	if !s.Start.Equal(wantStart) || !s.End.Equal(End) || s.Step != time.Hour || s.Version != history.FormatVersion {
		t.Fatalf("snapshot %v to %v every %v (version %d)", s.Start, s.End, s.Step, s.Version)
	}
	if n := len(s.Series[0].Values); n != 9600 {
		t.Errorf("%d hours, want 9,600 (400 days)", n)
	}
	// Every query for every cluster; connections by protocol.
	protocols := map[string][]string{
		"backend": {"amqp091"}, "gateway-ap": {"mqtt", "stomp"}, "gateway-eu": {"mqtt", "stomp"}, "gateway-us": {"mqtt", "stomp"},
	}
	want := 0
	for _, q := range history.Queries() {
		if q.Metric == history.MetricQueuedMessages { // the backend's alone (plan's TestDemoBackendQueues)
			if got := s.Clusters(q.Metric); !slices.Equal(got, []string{"backend"}) {
				t.Errorf("%s: clusters %q", q.Metric, got)
			}
			want++
			continue
		}
		if q.Metric == history.MetricFederatedMessages { // what crosses each gateway's link: gateways alone
			if got := s.Clusters(q.Metric); !slices.Equal(got, []string{"gateway-ap", "gateway-eu", "gateway-us"}) {
				t.Errorf("%s: clusters %q", q.Metric, got)
			}
			want += 3
			continue
		}
		if got := s.Clusters(q.Metric); !slices.Equal(got, []string{"backend", "gateway-ap", "gateway-eu", "gateway-us"}) {
			t.Errorf("%s: clusters %q", q.Metric, got)
		}
		for cluster, ps := range protocols {
			if q.Metric == history.MetricRabbitMQVersion {
				want += len(versions[cluster]) // TestHistoryVersions checks them
				continue
			}
			if len(q.By) == 1 {
				want++
				if s.Find(q.Metric, cluster, nil) == nil {
					t.Errorf("no %s for %s", q.Metric, cluster)
				}
				continue
			}
			for _, p := range ps {
				want++
				if s.Find(q.Metric, cluster, map[string]string{"protocol": p}) == nil {
					t.Errorf("no %s {protocol=%s} for %s", q.Metric, p, cluster)
				}
			}
		}
	}
	// And every cluster's broker-host CPU, the fleet file's node_cpu_selector.
	if got := s.Clusters(history.MetricCPUBusyCores); !slices.Equal(got, []string{"backend", "gateway-ap", "gateway-eu", "gateway-us"}) {
		t.Errorf("%s: clusters %q", history.MetricCPUBusyCores, got)
	}
	want += 4
	if len(s.Series) != want {
		t.Errorf("%d series, want %d", len(s.Series), want)
	}
}

// NaN exactly in the planted gaps: 7 hours from 2026-01-20 09:00 in every
// series, 30 hours from 2026-05-02 00:00 in gateway-ap's (a cluster's
// versions taken together: each is NaN while another runs).
func TestHistoryGaps(t *testing.T) {
	s := History()
	at := func(t time.Time) int { return int(t.Sub(s.Start) / time.Hour) }
	outage := at(time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	exporter := at(time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC))
	series := slices.DeleteFunc(slices.Clone(s.Series), func(x history.Series) bool { return x.Metric == history.MetricRabbitMQVersion })
	for _, c := range s.Clusters(history.MetricRabbitMQVersion) {
		series = append(series, *s.Sum(history.MetricRabbitMQVersion, c))
	}
	for _, x := range series {
		for i, v := range x.Values {
			gap := i >= outage && i < outage+7 || x.Cluster == "gateway-ap" && i >= exporter && i < exporter+30
			if gap != math.IsNaN(v) {
				t.Errorf("%s %s %v: hour %d (%s) is %v", x.Metric, x.Cluster, x.Labels, i, s.Start.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), v)
				break
			}
			if !gap && v < 0 {
				t.Errorf("%s %s: hour %d is negative: %v", x.Metric, x.Cluster, i, v)
				break
			}
		}
	}
}

// Every cluster runs a version with native MQTT, as its memory per
// connection says; gateway-us shows both versions in its upgrade's hour,
// then the new one only.
func TestHistoryVersions(t *testing.T) {
	s := History()
	up := int(upgradeAt.Sub(s.Start) / time.Hour)
	for cluster, want := range map[string]string{"backend": "4.3.6", "gateway-eu": "4.3.6", "gateway-us": "4.0.5", "gateway-ap": "3.13.7"} {
		if got := s.LastLabel(history.MetricRabbitMQVersion, cluster, history.LabelRabbitMQVersion); !slices.Equal(got, []string{want}) {
			t.Errorf("%s runs %q at the end, want %s", cluster, got, want)
		}
	}
	old := s.Find(history.MetricRabbitMQVersion, "gateway-us", map[string]string{history.LabelRabbitMQVersion: "3.13.7"}).Values
	cur := s.Find(history.MetricRabbitMQVersion, "gateway-us", map[string]string{history.LabelRabbitMQVersion: "4.0.5"}).Values
	if old[up] != 1 || cur[up] != 1 || !math.IsNaN(old[up+1]) || !math.IsNaN(cur[up-1]) || old[0] != 1 {
		t.Errorf("gateway-us around its upgrade: 3.13.7 %v, 4.0.5 %v", old[up-1:up+2], cur[up-1:up+2])
	}
}

// The planted events show where they were planted.
func TestHistoryEvents(t *testing.T) {
	s := History()
	at := func(t time.Time) int { return int(t.Sub(s.Start) / time.Hour) }
	restart, storm := at(restartAt), at(stormAt)

	running := s.Find("nodes_running", "gateway-eu", nil).Values
	if running[restart-1] != 3 || running[restart] != 2 || running[restart+1] != 3 {
		t.Errorf("gateway-eu nodes running around the restart: %v", running[restart-1:restart+2])
	}
	eu := s.Sum("connections", "gateway-eu").Values
	if r := eu[restart] / eu[restart-1]; r < 0.65 || r > 0.85 {
		t.Errorf("gateway-eu connections at the restart fell to %.2f of the hour before, want a quarter lost", r)
	}
	// Memory over live data (nodes' base and connections) drops once the
	// restarted node starts afresh: from about 12% to about 8%.
	mem := s.Find("memory_used_bytes", "gateway-eu", nil).Values
	mqtt := s.Find("connections", "gateway-eu", map[string]string{"protocol": "mqtt"}).Values
	stomp := s.Find("connections", "gateway-eu", map[string]string{"protocol": "stomp"}).Values
	overhead := func(from, to int) float64 {
		sum := 0.0
		for i := from; i < to; i++ {
			sum += mem[i] / (running[i]*gatewayBase + mqttBytes*mqtt[i] + stompBytes*stomp[i])
		}
		return sum/float64(to-from) - 1
	}
	before, after := overhead(restart-24, restart), overhead(restart+24, restart+48)
	if before < 0.11 || before > 0.13 || after < 0.07 || after > 0.095 {
		t.Errorf("gateway-eu memory overhead %.3f the day before the restart, %.3f the day after; want about 0.12 and 0.08", before, after)
	}

	us := s.Sum("connections", "gateway-us").Values
	if r := us[storm] / us[storm-1]; r < 0.4 || r > 0.5 {
		t.Errorf("gateway-us connections in the storm fell to %.2f, want about 0.45", r)
	}
	opened := s.Find("connections_opened_per_second", "gateway-us", nil).Values
	med := median(opened)
	if opened[storm] < 6*med || opened[storm+1] < 4*med {
		t.Errorf("gateway-us opens in the storm %v and %v, median %v", opened[storm], opened[storm+1], med)
	}
	if opened[storm+3] > 2*med {
		t.Errorf("gateway-us opens three hours after the storm still %v (median %v)", opened[storm+3], med)
	}
}

// Monthly p95 connections of each gateway follow the devices sold
// (sales.csv's actuals, cumulated) with slope 0.6 (the concurrency ratio)
// within 10%, R² at least 0.98, and an intercept that recovers the
// installed base within 10%.
func TestConnectionsTrackSales(t *testing.T) {
	s := History()
	serves := map[string][]string{}
	for _, c := range demoFleet().Clusters {
		serves[c.Name] = c.Serves
	}
	sold := readSales(t) // region -> month -> devices
	var months []time.Time
	for m := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC); m.Before(End); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	if len(months) != 13 {
		t.Fatalf("%d actual months, want 13", len(months))
	}
	for _, gw := range []string{"gateway-eu", "gateway-us", "gateway-ap"} {
		conns := s.Sum("connections", gw)
		var x, y []float64
		cum, base := 0.0, 0.0
		for _, r := range serves[gw] {
			base += baseDevices[r]
		}
		for _, m := range months {
			for _, r := range serves[gw] {
				cum += sold[r][m.Format("2006-01")]
			}
			from := int(m.Sub(s.Start) / time.Hour)
			to := int(m.AddDate(0, 1, 0).Sub(s.Start) / time.Hour)
			x = append(x, cum)
			y = append(y, p95(conns.Values[from:to]))
		}
		a, b, r2 := fit(x, y)
		t.Logf("%s: p95 connections = %.0f + %.3f x devices sold (R² %.4f, installed base %.0f of %.0f)", gw, a, b, r2, a/b, base)
		if gw == "gateway-us" {
			// The flat gateway: it sold under 2% of its installed base in
			// the history's 13 months, and its monthly p95 stays within 2%
			// of their mean, so its line is a weak one.
			lo, hi, mean := slices.Min(y), slices.Max(y), 0.0
			for _, v := range y {
				mean += v / float64(len(y))
			}
			if cum > 0.02*base || hi-lo > 0.04*mean || b < 0.4 || b > 0.8 {
				t.Errorf("%s: sold %.0f of %.0f installed, p95 %.0f to %.0f, slope %.3f: want flat", gw, cum, base, lo, hi, b)
			}
			continue
		}
		if b < 0.54 || b > 0.66 || r2 < 0.98 || math.Abs(a/b-base)/base > 0.1 {
			t.Errorf("%s: p95 connections = %.0f + %.3f x devices sold (R² %.4f, installed base %.0f, want %.0f)", gw, a, b, r2, a/b, base)
		}
	}
}

func TestLimitsHold(t *testing.T) {
	s := History()
	for _, c := range s.Clusters("memory_used_bytes") {
		for _, pair := range [][2]string{{"memory_used_bytes", "memory_limit_bytes"}, {"file_descriptors_used", "file_descriptors_limit"}} {
			used, limit := s.Find(pair[0], c, nil).Values, s.Find(pair[1], c, nil).Values
			for i := range used {
				if used[i] >= limit[i] {
					t.Errorf("%s: %s %v at hour %d reaches the limit %v", c, pair[0], used[i], i, limit[i])
					break
				}
			}
		}
	}
}

func TestEmbeddedFiles(t *testing.T) {
	f := demoFleet()
	var regions []string
	for _, r := range f.ClientRegions {
		regions = append(regions, r.Name)
		if r.DevicesPerCustomer <= 0 {
			t.Errorf("region %s: devices per customer %v", r.Name, r.DevicesPerCustomer)
		}
	}
	served := map[string]string{}
	for _, c := range f.Clusters {
		if _, ok := peaks[c.Name]; !ok {
			t.Errorf("cluster %s has no daily peak", c.Name)
		}
		if _, ok := ramGiB[c.InstanceType]; !ok {
			t.Errorf("cluster %s: instance type %s has no memory size", c.Name, c.InstanceType)
		}
		for _, r := range c.Serves {
			if other, dup := served[r]; dup {
				t.Errorf("region %s served by %s and %s", r, other, c.Name)
			}
			served[r] = c.Name
		}
	}
	for _, r := range regions {
		// brazil is the new market: sales from 2026-12 and no gateway.
		if (served[r] == "") != (r == "brazil") {
			t.Errorf("region %s served by %q", r, served[r])
		}
		if _, ok := baseDevices[r]; !ok {
			t.Errorf("region %s has no installed base", r)
		}
	}

	rows, err := csv.NewReader(bytes.NewReader(Sales())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], []string{"month", "region", "new_customers", "devices_per_customer"}) {
		t.Errorf("header %q", rows[0])
	}
	perMonth := map[string][]string{}
	for _, row := range rows[1:] {
		perMonth[row[0]] = append(perMonth[row[0]], row[1])
	}
	var months []string
	for m, rs := range perMonth {
		months = append(months, m)
		sort.Strings(rs)
		want := slices.Clone(regions)
		sort.Strings(want)
		if !slices.Equal(rs, want) {
			t.Errorf("month %s has regions %q", m, rs)
		}
	}
	sort.Strings(months)
	actuals := 0
	for _, m := range months {
		if m < End.Format("2006-01") {
			actuals++
		}
	}
	if len(months) != 37 || actuals != 13 || months[0] != "2025-10" || months[36] != "2028-10" {
		t.Errorf("%d months (%s to %s), %d actuals; want 13 actuals and 24 planned", len(months), months[0], months[len(months)-1], actuals)
	}
	if !bytes.Equal(Fleet(), fleetYML) {
		t.Error("Fleet() differs from fleet.yml")
	}
}

func readSales(t *testing.T) map[string]map[string]float64 {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(Sales())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]float64{}
	for _, row := range rows[1:] {
		c, _ := strconv.ParseFloat(row[2], 64)
		d, _ := strconv.ParseFloat(row[3], 64)
		if out[row[1]] == nil {
			out[row[1]] = map[string]float64{}
		}
		out[row[1]][row[0]] = c * d
	}
	return out
}

// fit is ordinary least squares y = a + b x with its R².
func fit(x, y []float64) (a, b, r2 float64) {
	n := float64(len(x))
	var sx, sy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
	}
	mx, my := sx/n, sy/n
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	b = sxy / sxx
	return my - b*mx, b, sxy * sxy / (sxx * syy)
}

// p95 is the nearest-rank 95th percentile of the values that are not NaN.
func p95(v []float64) float64 {
	ok := observed(v)
	return ok[int(math.Ceil(0.95*float64(len(ok))))-1]
}

func median(v []float64) float64 {
	ok := observed(v)
	return ok[len(ok)/2]
}

// observed returns the values that are not NaN, sorted.
func observed(v []float64) []float64 {
	var ok []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	slices.Sort(ok)
	return ok
}

// brazil is a new market: no installed base and no sales before its
// launch in 2026-12, after the history ends; from then on the plan sells
// there every month.
func TestNewMarket(t *testing.T) {
	sold := readSales(t)
	if baseDevices["brazil"] != 0 {
		t.Errorf("brazil: installed base %v, want none", baseDevices["brazil"])
	}
	for m, d := range sold["brazil"] {
		if launched := m >= "2026-12"; launched != (d > 0) {
			t.Errorf("brazil %s: %v devices sold", m, d)
		}
	}
	if len(sold["brazil"]) != 37 {
		t.Errorf("brazil: %d months of sales rows, want every month of the file (37)", len(sold["brazil"]))
	}
}
