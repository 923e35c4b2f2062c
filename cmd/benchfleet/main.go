// Command benchfleet measures the exporter against a synthetic fleet (issue
// 5): internal/testsupport/fakemgmt serves every cluster's management API on loopback,
// the real exporter binary scrapes them all, and benchfleet scrapes the
// exporter's /metrics like Prometheus. It reports, per scrape, the wall
// time, the series, the bytes the exporter read (the generator's count,
// checked against the exporter's own), what full objects would have taken,
// and the requests per cluster; then the exporter's RSS. Run it through
// scripts/bench-fleet.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

func main() {
	bin := flag.String("bin", "bin", "directory holding rabbitfleet_exporter")
	clusters := flag.Int("clusters", 20, "clusters in the fleet: one backend, the rest gateways")
	connections := flag.Int("connections", 100_000, "connections per cluster")
	queues := flag.Int("queues", 100_000, "queues per cluster (plus the federation queues)")
	scrapes := flag.Int("scrapes", 8, "scrapes of /metrics; the first three each read one heavy list per cluster")
	interval := flag.Duration("interval", 5*time.Second, "pause between the end of a scrape and the next")
	timeout := flag.Float64("scrape-timeout", 10, "X-Prometheus-Scrape-Timeout-Seconds sent with each scrape")
	addr := flag.String("listen", "127.0.0.1:10441", "where the exporter listens")
	seed := flag.Uint64("seed", 1, "seed of the synthetic content")
	flag.Parse()

	start := time.Now()
	fleet, err := fakemgmt.Fleet(fakemgmt.FleetConfig{Clusters: *clusters, Connections: *connections, Queues: *queues,
		Seed: *seed, Username: "monitoring", Password: "bench-only-password"})
	check(err)
	servers, err := fakemgmt.Start(fleet)
	check(err)
	defer servers.Close()
	// The full-object sizes of the big lists are measured now, not while
	// the exporter is being timed (the generator shares the machine).
	for _, c := range fleet {
		c.Warm("/api/connections", url.Values{})
		c.Warm("/api/queues", url.Values{"sort": {""}})
	}
	fmt.Printf("synthetic fleet: %d clusters x %d connections x %d queues, ready in %.1f s\n",
		*clusters, *connections, *queues, time.Since(start).Seconds())

	dir, err := os.MkdirTemp("", "benchfleet")
	check(err)
	defer os.RemoveAll(dir)
	pw := filepath.Join(dir, "password")
	check(os.WriteFile(pw, []byte("bench-only-password\n"), 0o600))
	cfg := filepath.Join(dir, "config.yml")
	check(os.WriteFile(cfg, []byte(fakemgmt.ExporterConfig(fleet, servers.URLs, pw, 1<<30)), 0o600))

	logFile, err := os.Create(filepath.Join(dir, "exporter.log"))
	check(err)
	cmd := exec.Command(filepath.Join(*bin, "rabbitfleet_exporter"), "--config.file", cfg, "--web.listen-address", *addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	check(cmd.Start())
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	waitListening(*addr)
	fmt.Printf("exporter pid %d; scraping http://%s/metrics %d times, %s apart, X-Prometheus-Scrape-Timeout-Seconds: %g\n\n",
		cmd.Process.Pid, *addr, *scrapes, *interval, *timeout)

	fmt.Println("| scrape | wall s | exporter CPU-s | series | clusters up | heavy lists read | bytes read | full objects would be | ratio | requests per cluster (min-max) | VmRSS MB |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	var times []float64
	var readTotal, fullTotal int64
	for s := 1; s <= *scrapes; s++ {
		before := snapshot(fleet)
		cpu0 := cpuSeconds(cmd.Process.Pid)
		t0 := time.Now()
		body := scrape(*addr, *timeout)
		took := time.Since(t0).Seconds()
		cpu := cpuSeconds(cmd.Process.Pid) - cpu0
		after := snapshot(fleet)
		times = append(times, took)
		r := summarise(body, fleet, before, after)
		readTotal += r.read
		fullTotal += r.full
		fmt.Printf("| %d | %.3f | %.2f | %d | %d/%d | %s | %s | %s | 1/%.1f | %d-%d | %.1f |\n", s, took, cpu, r.series, r.up, len(fleet),
			r.heavy, mb(r.read), mb(r.full), float64(r.full)/float64(max(r.read, 1)), r.minReq, r.maxReq, memMB(cmd.Process.Pid, "VmRSS"))
		if r.mismatch != "" {
			fmt.Println("  bytes mismatch:", r.mismatch)
		}
		if s < *scrapes {
			time.Sleep(*interval)
		}
	}
	cold := times[:min(3, len(times))]
	steady := times[len(cold):]
	fmt.Printf("\nscrape wall time: cold (first 3) max %.3f s; steady %s; max %.3f s (scrape timeout %g s)\n",
		maxOf(cold), describe(steady), maxOf(times), *timeout)
	fmt.Printf("exporter memory: VmHWM %.1f MB, VmRSS %.1f MB\n", memMB(cmd.Process.Pid, "VmHWM"), memMB(cmd.Process.Pid, "VmRSS"))
	fmt.Printf("bytes read over all scrapes: %s of %s for full objects (1/%.1f)\n", mb(readTotal), mb(fullTotal), float64(fullTotal)/float64(max(readTotal, 1)))
	fmt.Println("requests per cluster over all scrapes, by endpoint:")
	for _, c := range fleet {
		st := c.Stats()
		var parts []string
		total := int64(0)
		for _, ep := range sortedEndpoints(st) {
			parts = append(parts, fmt.Sprintf("%s %d", strings.TrimPrefix(ep, "/api/"), st[ep].Requests))
			total += st[ep].Requests
		}
		fmt.Printf("  %s: %d (%s)\n", c.Name(), total, strings.Join(parts, ", "))
	}
}

type result struct {
	series, up     int
	heavy          string
	read, full     int64
	minReq, maxReq int64
	mismatch       string
}

func snapshot(fleet []*fakemgmt.Cluster) []map[string]fakemgmt.EndpointStats {
	s := make([]map[string]fakemgmt.EndpointStats, len(fleet))
	for i, c := range fleet {
		s[i] = c.Stats()
	}
	return s
}

// summarise reads one scrape's answer against the generator's counters
// before and after it.
func summarise(body string, fleet []*fakemgmt.Cluster, before, after []map[string]fakemgmt.EndpointStats) result {
	var r result
	for _, line := range strings.Split(body, "\n") {
		if line != "" && line[0] != '#' {
			r.series++
		}
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	check(err)
	exported := map[[2]string]float64{}
	if f := fams["rabbitfleet_management_response_bytes_total"]; f != nil {
		for _, m := range f.Metric {
			var cl, ep string
			for _, l := range m.Label {
				switch l.GetName() {
				case "cluster":
					cl = l.GetValue()
				case "endpoint":
					ep = l.GetValue()
				}
			}
			exported[[2]string{cl, ep}] = m.Counter.GetValue()
		}
	}
	if f := fams["rabbitfleet_up"]; f != nil {
		for _, m := range f.Metric {
			if m.Gauge.GetValue() == 1 {
				r.up++
			}
		}
	}
	heavy := map[string]int{}
	if f := fams["rabbitfleet_scrape_collector_data_age_seconds"]; f != nil {
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if l.GetName() == "collector" && m.Gauge.GetValue() == 0 {
					switch v := l.GetValue(); v {
					case "connections", "queues", "federation":
						heavy[v]++
					}
				}
			}
		}
	}
	var hs []string
	for _, k := range []string{"connections", "federation", "queues"} {
		if heavy[k] > 0 {
			hs = append(hs, fmt.Sprintf("%s x%d", k, heavy[k]))
		}
	}
	r.heavy = strings.Join(hs, ", ")
	if r.heavy == "" {
		r.heavy = "none"
	}
	r.minReq = -1
	var mismatches []string
	for i, c := range fleet {
		var reqs int64
		for ep, a := range after[i] {
			b := before[i][ep]
			reqs += a.Requests - b.Requests
			r.read += a.Bytes - b.Bytes
			r.full += a.FullBytes - b.FullBytes
			if got := exported[[2]string{c.Name(), ep}]; got != float64(a.Bytes) {
				mismatches = append(mismatches, fmt.Sprintf("%s %s: exporter %v, generator %d", c.Name(), ep, got, a.Bytes))
			}
		}
		if r.minReq < 0 || reqs < r.minReq {
			r.minReq = reqs
		}
		r.maxReq = max(r.maxReq, reqs)
	}
	r.mismatch = strings.Join(mismatches, "; ")
	return r
}

func sortedEndpoints(m map[string]fakemgmt.EndpointStats) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func scrape(addr string, timeout float64) string {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	check(err)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(timeout, 'f', -1, 64))
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	check(err)
	if resp.StatusCode != http.StatusOK {
		check(fmt.Errorf("scrape: HTTP %d: %.300s", resp.StatusCode, b))
	}
	return string(b)
}

func waitListening(addr string) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/-/healthy")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	check(fmt.Errorf("exporter not listening on %s after 30 s", addr))
}

// memMB reads a field of /proc/<pid>/status (VmRSS, VmHWM) in MB.
func memMB(pid int, field string) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			check(err)
			return kb / 1000
		}
	}
	check(fmt.Errorf("no %s in /proc/%d/status", field, pid))
	return 0
}

// cpuSeconds is the process's utime+stime from /proc/<pid>/stat.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	check(err)
	// Fields after the command name, which is in parentheses.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / 100 // USER_HZ
}

func mb(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func describe(v []float64) string {
	if len(v) == 0 {
		return "none"
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return fmt.Sprintf("median %.3f s, max %.3f s (%d scrapes)", s[len(s)/2], s[len(s)-1], len(s))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		os.Exit(1)
	}
}
