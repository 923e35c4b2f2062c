// Command benchscrape measures one gateway scrape as a whole process, on the
// testbed: the exporter's scrape time against the slowest management API
// request it makes (timed with curl in the same run), its RSS and series
// count, and what each scrape costs the broker in CPU seconds. Run it
// through scripts/bench-scrape, which starts the testbed and the devices.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	clockTicks  = 100 // USER_HZ on Linux
	defaultAddr = "127.0.0.1:10431"
	coldAddr    = "127.0.0.1:10432"
	lightAddr   = "127.0.0.1:10433"
)

// The cluster measured (-cluster, -port-offset): its management API, the
// mnesia directory that identifies its Erlang VM, and the testbed ports the
// exporter's configuration names, shifted by the offset.
var (
	cluster                        string
	portOffset                     int
	gatewayAPI, mnesiaEnv          string
	exporterRequests, peerRequests []request
	promAPI                        string
	// figuresFrom, when set, is the exporter's figures_from for every cluster.
	figuresFrom string
)

type request struct{ name, url string }

var testbedIndex = map[string]int{"backend": 0, "gateway-eu": 1, "gateway-us": 2}

func setTarget(name string, offset int) {
	i, ok := testbedIndex[name]
	if !ok {
		check(fmt.Errorf("-cluster %q: not a testbed cluster (backend, gateway-eu, gateway-us)", name))
	}
	dir := "/var/tmp/rabbitfleet-testbed"
	if offset != 0 {
		dir += "-" + strconv.Itoa(offset)
	}
	cluster, portOffset = name, offset
	gatewayAPI = fmt.Sprintf("http://127.0.0.1:%d", 15672+i+offset)
	promAPI = fmt.Sprintf("http://127.0.0.1:%d", 15692+i+offset)
	mnesiaEnv = "RABBITMQ_MNESIA_BASE=" + dir + "/" + name + "/mnesia"
	exporterRequests = requestsOf(gatewayAPI)
	peerRequests = append(peersOf(gatewayAPI),
		// What figures_from: prometheus reads instead: node and churn figures
		// every scrape, queue depths on the queue list's turn.
		request{"detailed node+churn", promAPI + "/metrics/detailed?family=connection_churn_metrics&family=node_coarse_metrics&family=node_metrics"},
		request{"detailed queues", promAPI + "/metrics/detailed?family=queue_coarse_metrics"},
	)
}

// requestsOf lists each request the exporter makes of the cluster per scrape
// (the federation backlog lookup goes to the upstream).
func requestsOf(gatewayAPI string) []request {
	return []request{
		{"overview", gatewayAPI + "/api/overview?columns=cluster_name,rabbitmq_version,erlang_version,management_version,node,object_totals,queue_totals,message_stats"},
		{"nodes", gatewayAPI + "/api/nodes?columns=name,running,mem_used,mem_limit,mem_alarm,disk_free,disk_free_limit,disk_free_alarm,fd_used,fd_total,sockets_used,sockets_total,proc_used,proc_total,run_queue,uptime,partitions,connection_created,connection_closed,channel_created,channel_closed,queue_declared,queue_created,queue_deleted"},
		{"connections?columns", gatewayAPI + "/api/connections?columns=node%2Cvhost%2Cprotocol%2Cstate"},
		{"vhosts", gatewayAPI + "/api/vhosts?columns=name%2Cmessages%2Cmessages_ready%2Cmessages_unacknowledged"},
		{"queues?columns", gatewayAPI + "/api/queues?columns=name%2Cvhost%2Cmessages%2Cmessages_ready%2Cmessages_unacknowledged%2Cconsumers%2Cstate&sort="},
		{"federation-links", gatewayAPI + "/api/federation-links?columns=node%2Cvhost%2Ctype%2Cupstream%2Cid%2Cstatus%2Cerror%2Curi%2Cexchange%2Cupstream_exchange%2Cqueue%2Cupstream_queue"},
		{"shovels", gatewayAPI + "/api/shovels?columns=name%2Cvhost%2Ctype%2Cstate%2Cnode"},
	}
}

// peersOf lists the full-object requests other exporters make.
func peersOf(gatewayAPI string) []request {
	return []request{
		{"full connections", gatewayAPI + "/api/connections"},
		{"full queues", gatewayAPI + "/api/queues"},
		{"top-20 queues page", gatewayAPI + "/api/queues?sort=messages&sort_reverse=true&page=1&page_size=20&columns=name,vhost,messages"},
		// Paging: does one page of 500 cost less than the whole list? (The node
		// builds the whole list for every page.)
		{"connections page 1 of 500", gatewayAPI + "/api/connections?page=1&page_size=500&columns=node%2Cvhost%2Cprotocol%2Cstate"},
	}
}

func main() {
	bin := flag.String("bin", "bin", "directory holding rabbitfleet_exporter")
	repeats := flag.Int("repeats", 5, "requests per endpoint and scrapes per mode")
	window := flag.Duration("default-window", 480*time.Second, "how long to scrape at the default settings, every 15 s (at least a few times the longest refresh interval, 120 s, for a steady state)")
	phaseList := flag.String("phases", "table,cold,default,curl", "what to measure, in order: table (each request), cold (a fresh exporter's first scrapes), default (broker CPU at the defaults), curl (steady scrapes beside curl), light (broker CPU of scrapes that read no heavy list)")
	name := flag.String("cluster", "gateway-eu", "the testbed cluster to measure")
	offset := flag.Int("port-offset", 0, "the testbed instance's TESTBED_PORT_OFFSET")
	sources := flag.String("figures-from", "", "the exporter's figures_from for every cluster (empty: its default); a comma-separated list runs the default phase once per source")
	flag.Parse()
	setTarget(*name, *offset)
	phases := map[string]bool{}
	for _, p := range strings.Split(*phaseList, ",") {
		phases[p] = true
	}

	beam, err := beamPID()
	check(err)
	fmt.Printf("%s beam.smp pid %d; %s\n", cluster, beam, brokerSize())

	idle := idleRate(beam, 20*time.Second)
	fmt.Printf("broker idle CPU: %.3f CPU-s/s; each CPU figure below is the mean of busy 5 s windows minus an idle 5 s window beside each (alternately before and after)\n\n", idle)

	if phases["table"] {
		measureRequests(beam, *repeats)
	}
	probe := "/probe?target=" + cluster
	if phases["cold"] {
		coldStart(*bin, probe, *repeats)
	}
	if phases["light"] {
		lightScrapes(*bin, probe, beam, *window)
	}
	if phases["default"] || phases["curl"] {
		for _, src := range strings.Split(*sources, ",") {
			figuresFrom = src
			if src != "" {
				fmt.Printf("\n== figures_from: %s\n", src)
			}
			defaultScrapes(*bin, probe, beam, *window, phases)
			delete(phases, "curl") // scrape time against curl: once is enough
		}
	}
}

// measureRequests times each request the exporter makes, and the peers, and
// measures the broker CPU each costs.
func measureRequests(beam, repeats int) {
	fmt.Println("| request | median s | bytes | broker CPU-s per request |")
	fmt.Println("|---|---|---|---|")
	slowest := 0.0
	for _, r := range append(append([]request{}, exporterRequests...), peerRequests...) {
		// A cheap request costs the node a few milliseconds, below the noise
		// of one window: batch 15 of them, 100 ms apart (past the result
		// cache). A heavy list is read once per window, so that its cache
		// never answers.
		t0, _ := curlOnce(r.url)
		batch := 1
		if t0 < 0.05 {
			batch = 15
		}
		var times []float64
		var size int
		cpu := pairedCost(beam, repeats, batch, func() {
			for j := 0; j < batch; j++ {
				t, n := curlOnce(r.url)
				times, size = append(times, t), n
				if batch > 1 {
					time.Sleep(100 * time.Millisecond)
				}
			}
		})
		fmt.Printf("| %s | %.3f | %d | %.3f |\n", r.name, median(times), size, cpu)
		medians[r.name] = median(times)
		if e := endpointOf[r.name]; e != "" {
			costOf[e] = max(cpu, 0)
		}
		if isExporterRequest(r.name) && median(times) > slowest {
			slowest = median(times)
		}
	}
	fmt.Printf("\nslowest request the exporter makes: %.3f s\n\n", slowest)
}

// coldStart: a fresh exporter reads one heavy list per scrape too
func coldStart(bin, probe string, repeats int) {
	// Cold start: a fresh exporter reads one heavy list per scrape too
	// (connections, then federation links, then queues). Each of its first
	// three scrapes, 15 s apart as Prometheus would, against the heavy
	// request that scrape made, timed by curl beside it (and the table's
	// median for that request).
	medianOf := map[string]float64{}
	for name, e := range endpointOf {
		medianOf[e] = medians[name]
	}
	var coldRatios []float64
	for r := 0; r < repeats; r++ {
		stop := startExporter(bin, "cold", coldAddr, "")
		waitListening(coldAddr)
		var line []string
		for k := 0; k < 3; k++ {
			slot := time.Now()
			took, request, which := scrapeBesideCurl(coldAddr, probe)
			coldRatios = append(coldRatios, took/request)
			line = append(line, fmt.Sprintf("%.3f s (%s %.3f s: %.2fx; table median %.3f s)", took, which, request, took/request, medianOf[which]))
			time.Sleep(time.Until(slot.Add(15 * time.Second)))
		}
		stop()
		fmt.Printf("cold start %d, first three scrapes: %s\n", r+1, strings.Join(line, "; "))
	}
	fmt.Printf("cold start: median %.2fx, max %.2fx the heavy request each scrape made, timed by curl 6 s later\n\n", median(coldRatios), maxOf(coldRatios))
}

// defaultScrapes measures the exporter at its shipped defaults.
func defaultScrapes(bin, probe string, beam int, window time.Duration, phases map[string]bool) {
	stopDefault := startExporter(bin, "default", defaultAddr, "")
	defer stopDefault()
	waitListening(defaultAddr)

	// Default settings: Prometheus's usual 15 s interval; the heavy lists come
	// from cache between their refresh intervals, one refreshed per scrape.
	// Its first three scrapes warm the heavy lists (measured above).
	for k := 0; k < 3; k++ {
		get(defaultAddr, probe)
		time.Sleep(15 * time.Second)
	}
	n := int(window / (15 * time.Second))
	if phases["default"] {
		defTimes, made, measured := scrapeWindow(defaultAddr, probe, beam, n)
		fmt.Printf("exporter scrape at default settings (every 15 s for %v, %d scrapes after the first): median %.3f s, max %.3f s\n",
			window, n, median(defTimes), maxOf(defTimes))
		fmt.Printf("  broker CPU per scrape, measured (each scrape's 5 s against the 10 s idle after it): %.3f CPU-s\n", measured)
		printDerived(made, n)
	}
	if phases["curl"] {
		scrapeAgainstCurl(defaultAddr, probe, n)
	}
	body := get(defaultAddr, probe)
	// The intervals in force after the window: stretched where a list was slow (section 8).
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "rabbitfleet_scrape_collector_refresh_interval_seconds{") {
			fmt.Println("  in force:", line)
		}
	}
	all := get(defaultAddr, "/metrics")
	// Every request the exporter made of the cluster since it started, by
	// outcome: a list read after its scrape ended shows here, not as fresh.
	for _, line := range strings.Split(all, "\n") {
		if strings.HasPrefix(line, "rabbitfleet_management_requests_total{") && strings.Contains(line, `cluster="`+cluster+`"`) {
			fmt.Println("  requests:", line)
		}
	}
	fmt.Printf("exporter after the window: %d series for %s, %d in /metrics (whole fleet and its own), RSS %s\n",
		seriesCount(body), cluster, seriesCount(all), rss(defaultAddr))
}

// lightScrapes measures scrapes that read no heavy list (all three cached
// for an hour): what the every-scrape requests cost the broker.
func lightScrapes(bin, probe string, beam int, window time.Duration) {
	stop := startExporter(bin, "light", lightAddr, "1h")
	defer stop()
	waitListening(lightAddr)
	for k := 0; k < 3; k++ {
		get(lightAddr, probe)
		time.Sleep(15 * time.Second)
	}
	n := int(window / (15 * time.Second))
	times, made, measured := scrapeWindow(lightAddr, probe, beam, n)
	fmt.Printf("scrapes reading no heavy list (every 15 s for %v, %d scrapes): median %.3f s, max %.3f s\n", window, n, median(times), maxOf(times))
	fmt.Printf("  broker CPU per scrape, measured (each scrape's 5 s against the 10 s idle after it): %.3f CPU-s\n", measured)
	printDerived(made, n)
}

// scrapeWindow scrapes n times, 15 s apart, and measures the broker's CPU
// per scrape: each scrape's 5 s against the 10 s after it.
func scrapeWindow(addr, probe string, beam, n int) (times []float64, made map[string]float64, perScrape float64) {
	made = map[string]float64{}
	measured := 0.0
	for i := 0; i < n; i++ {
		slot := time.Now()
		before := cpuTicks(beam)
		body := get(addr, probe)
		times = append(times, time.Since(slot).Seconds())
		for endpoint := range refreshedIn(body) {
			made[endpoint]++
		}
		time.Sleep(time.Until(slot.Add(statsPeriod)))
		busy := cpuTicks(beam) - before
		idle := idleTicks(beam, 2*statsPeriod) // the rest of the 15 s slot
		measured += (float64(busy) - float64(idle)/2) / clockTicks
	}
	return times, made, measured / float64(n)
}

// printDerived prints the broker cost derived from the requests the scrapes
// made (each says which data it read fresh) times each request's cost from
// the table: the window's idle drift can swamp a few scrapes' work.
func printDerived(made map[string]float64, n int) {
	if len(costOf) == 0 || figuresFrom == "prometheus" {
		// The table was not measured in this run, or does not map to what
		// the scrapes read: say what they read all the same.
		for _, endpoint := range sortedKeys(made) {
			fmt.Printf("  %-28s %3.0f read fresh\n", endpoint, made[endpoint])
		}
		return
	}
	derived := 0.0
	for _, endpoint := range sortedKeys(made) {
		derived += made[endpoint] * costOf[endpoint]
		fmt.Printf("  %-28s %3.0f requests x %.3f CPU-s\n", endpoint, made[endpoint], costOf[endpoint])
	}
	fmt.Printf("  broker CPU per scrape, derived from the requests made: %.3f CPU-s\n", derived/float64(n))
}

func isExporterRequest(name string) bool {
	for _, r := range exporterRequests {
		if r.name == name {
			return true
		}
	}
	return false
}

var exporterPIDs = map[string]int{}

// endpointOf maps the measured requests to the exporter's endpoint label.
var endpointOf = map[string]string{
	"overview": "/api/overview", "nodes": "/api/nodes", "connections?columns": "/api/connections",
	"vhosts": "/api/vhosts", "queues?columns": "/api/queues", "federation-links": "/api/federation-links", "shovels": "/api/shovels",
}

var costOf = map[string]float64{}

// medians holds each request's median answer time, by request name.
var medians = map[string]float64{}

// endpointsOfCollector: what each collector reads when it refreshes.
var endpointsOfCollector = map[string][]string{
	"cluster": {"/api/overview"}, "nodes": {"/api/nodes"}, "connections": {"/api/connections"},
	"vhosts": {"/api/vhosts"}, "queues": {"/api/queues"}, "shovels": {"/api/shovels"},
	"federation": {"/api/federation-links"},
}

// refreshedIn lists the endpoints a /probe answer read fresh: collectors whose
// data age is 0. (nodes is read once for both the nodes and churn collectors;
// the backlog lookups go to the backend and are not counted.)
func refreshedIn(body string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		fresh := strings.HasSuffix(line, " 0")
		switch {
		case fresh && strings.HasPrefix(line, "rabbitfleet_scrape_collector_data_age_seconds{"):
			i := strings.Index(line, `collector="`) + len(`collector="`)
			for _, e := range endpointsOfCollector[line[i:i+strings.IndexByte(line[i:], '"')]] {
				out[e] = true
			}
		}
	}
	return out
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// startExporter runs the exporter on the testbed's fleet at the shipped
// defaults: examples/testbed.yml without its refresh_interval overrides, and
// without sharing results between scrapes (min_interval 0s): every scrape the
// benchmark makes must reach the broker, or it would measure nothing.
func startExporter(bin, name, addr, refresh string) func() {
	cfg, err := os.ReadFile("examples/testbed.yml")
	check(err)
	var kept []string
	for _, line := range strings.Split(string(cfg), "\n") {
		switch {
		case strings.Contains(line, "min_interval:"):
			kept = append(kept, line[:strings.Index(line, "min_interval:")]+"min_interval: 0s")
		case !strings.Contains(line, "refresh_interval:"):
			kept = append(kept, line)
		case refresh != "":
			kept = append(kept, line[:strings.Index(line, "refresh_interval:")]+"refresh_interval: "+refresh)
		}
	}
	s := shiftPorts(strings.Join(kept, "\n"), portOffset)
	if figuresFrom != "" {
		s = strings.Replace(s, "defaults:\n", "defaults:\n  figures_from: "+figuresFrom+"\n", 1)
	}
	path := filepath.Join(os.TempDir(), "benchscrape-"+name+".yml")
	check(os.WriteFile(path, []byte(s), 0o600))
	cmd := exec.Command(filepath.Join(bin, "rabbitfleet_exporter"), "--config.file", path, "--web.listen-address", addr, "--log.level", "error")
	cmd.Env = append(os.Environ(), "RABBITFLEET_TESTBED_PASSWORD=guest")
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	exporterPIDs[addr] = cmd.Process.Pid
	return func() { cmd.Process.Kill(); cmd.Wait() }
}

// shiftPorts moves the management and Prometheus URLs of examples/testbed.yml
// to a testbed instance started with TESTBED_PORT_OFFSET.
func shiftPorts(cfg string, offset int) string {
	for _, base := range []int{15672, 15692} {
		for i := 2; i >= 0; i-- { // highest first, so that no port is shifted twice
			cfg = strings.ReplaceAll(cfg, fmt.Sprintf("127.0.0.1:%d", base+i), fmt.Sprintf("127.0.0.1:%d", base+i+offset))
		}
	}
	return cfg
}

// scrapeBesideCurl scrapes once and, if the scrape refreshed a heavy list,
// times the same request with curl 6 s later (past the management plugin's
// result cache, which keeps a result for five times the time it took: up to
// 3 s for a 0.6 s list): the broker's answer time for one request varies
// threefold from minute to minute, so only requests timed side by side
// compare. It returns the scrape's time, the request's and which it was
// ("" when no heavy list was read).
func scrapeBesideCurl(addr, probe string) (took, request float64, which string) {
	slot := time.Now()
	body := get(addr, probe)
	took = time.Since(slot).Seconds()
	refreshed := refreshedIn(body)
	time.Sleep(6 * time.Second)
	for _, e := range []string{"/api/connections", "/api/queues", "/api/federation-links"} {
		if refreshed[e] {
			if t, _ := curlOnce(urlOfEndpoint(e)); t > request {
				request, which = t, e
			}
		}
	}
	return took, request, which
}

func urlOfEndpoint(e string) string {
	for _, r := range exporterRequests {
		if endpointOf[r.name] == e {
			return r.url
		}
	}
	panic("no request for " + e)
}

// scrapeAgainstCurl runs n scrapes 15 s apart, each beside its curl twin.
func scrapeAgainstCurl(addr, probe string, n int) {
	var ratios, light []float64
	for i := 0; i < n; i++ {
		slot := time.Now()
		took, request, _ := scrapeBesideCurl(addr, probe)
		if request == 0 {
			light = append(light, took)
		} else {
			ratios = append(ratios, took/request)
		}
		time.Sleep(time.Until(slot.Add(15 * time.Second)))
	}
	if len(ratios) > 0 {
		fmt.Printf("  scrapes that refreshed a heavy list, against that request timed by curl 6 s later: %d scrapes, median %.2fx, max %.2fx\n",
			len(ratios), median(ratios), maxOf(ratios))
	}
	if len(light) > 0 {
		fmt.Printf("  scrapes that refreshed no heavy list: %d scrapes, median %.3f s, max %.3f s\n", len(light), median(light), maxOf(light))
	}
}

func waitListening(addr string) {
	for i := 0; i < 100; i++ {
		if resp, err := http.Get("http://" + addr + "/-/healthy"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	check(fmt.Errorf("exporter on %s did not start", addr))
}

func get(addr, path string) string {
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "10")
	resp, err := http.DefaultClient.Do(req)
	check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		check(fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b))
	}
	return string(b)
}

func seriesCount(body string) int {
	n := 0
	for _, l := range strings.Split(body, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			n++
		}
	}
	return n
}

func rss(addr string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", exporterPIDs[addr]))
	check(err)
	var cur, peak string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			cur = strings.Join(strings.Fields(l)[1:], " ")
		}
		if strings.HasPrefix(l, "VmHWM:") {
			peak = strings.Join(strings.Fields(l)[1:], " ")
		}
	}
	return cur + " (peak " + peak + ")"
}

// curlOnce times a request with curl, as an operator would measure it. The
// paired windows around it also space repeats beyond the management plugin's
// result cache (it keeps a list for a multiple of the time it took to build).
func curlOnce(url string) (float64, int) {
	out, err := exec.Command("curl", "-s", "-o", "/dev/null", "-u", "guest:guest", "-w", "%{time_total} %{size_download}", url).Output()
	f := strings.Fields(string(out))
	if len(f) != 2 {
		check(fmt.Errorf("curl %s: %v", url, err))
	}
	if err != nil {
		// A list the node cannot build before its HTTP timeout (60 s) is
		// answered with an empty reply: report how long that took, 0 bytes.
		fmt.Fprintf(os.Stderr, "benchscrape: curl %s: %v after %s s\n", url, err, f[0])
	}
	t, _ := strconv.ParseFloat(f[0], 64)
	size, _ := strconv.Atoi(f[1])
	return t, size
}

// pairedCost runs unit n times, each in a window of statsPeriod paired with
// an idle window of the same length, and returns the mean broker CPU
// seconds of the busy windows beyond their idle twins, divided by per (the
// requests one unit makes). Adjacent windows cancel the idle rate's drift;
// alternating which of the pair comes first cancels anything periodic that
// would otherwise always fall in the same half.
func pairedCost(pid int, n, per int, unit func()) float64 {
	total := 0.0
	for i := 0; i < n; i++ {
		idleFirst := i%2 == 1
		var idle int64
		if idleFirst {
			idle = idleTicks(pid, statsPeriod)
		}
		start := time.Now()
		before := cpuTicks(pid)
		unit()
		time.Sleep(time.Until(start.Add(statsPeriod)))
		busy := cpuTicks(pid) - before
		if !idleFirst {
			idle = idleTicks(pid, statsPeriod)
		}
		total += float64(busy-idle) / clockTicks
	}
	return total / float64(n) / float64(per)
}

// statsPeriod is RabbitMQ's default collect_statistics_interval, which the
// benchmark sets on the cluster it measures.
const statsPeriod = 5 * time.Second

func idleTicks(pid int, d time.Duration) int64 {
	before := cpuTicks(pid)
	time.Sleep(d)
	return cpuTicks(pid) - before
}

func idleRate(pid int, d time.Duration) float64 {
	before := cpuTicks(pid)
	time.Sleep(d)
	return float64(cpuTicks(pid)-before) / clockTicks / d.Seconds()
}

func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	check(err)
	// Fields after the parenthesised command name: utime and stime are 14 and 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// beamPID finds the measured cluster's Erlang VM by the mnesia directory in its environment.
func beamPID() (int, error) {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		comm, _ := os.ReadFile(d + "/comm")
		if !strings.HasPrefix(string(comm), "beam") {
			continue
		}
		env, _ := os.ReadFile(d + "/environ")
		for _, kv := range bytes.Split(env, []byte{0}) {
			if string(kv) == mnesiaEnv {
				return strconv.Atoi(filepath.Base(d))
			}
		}
	}
	return 0, fmt.Errorf("no beam.smp with %s: is the testbed up?", mnesiaEnv)
}

func brokerSize() string {
	out, err := exec.Command("curl", "-s", "-u", "guest:guest", gatewayAPI+"/api/overview?columns=object_totals").Output()
	check(err)
	return "object totals " + strings.TrimSpace(string(out))
}

func median(v []float64) float64 {
	s := append([]float64{}, v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if x > m {
			m = x
		}
	}
	return m
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchscrape:", err)
		os.Exit(1)
	}
}
