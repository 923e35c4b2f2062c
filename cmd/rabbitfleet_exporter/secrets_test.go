package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

// TestPlantedPasswordAppearsNowhere runs the exporter at debug level against
// management APIs that fail in every way we can produce, most of them echoing
// the request's credentials back, then feeds it configurations with the
// password in the wrong place. Every byte the exporter writes (logs, /metrics
// and /probe bodies, error answers, /-/reload answers, --config.check output)
// is searched for the password in the forms an echo would carry it.
func TestPlantedPasswordAppearsNowhere(t *testing.T) {
	raw := make([]byte, 8)
	rand.Read(raw)
	// core is unique to this run and survives every escaping (alphanumerics);
	// the rest makes the escaped forms differ from the raw one.
	core := "Pl4nt" + hex.EncodeToString(raw)
	pw := core + "+/&=?#%:@<>"
	const user = "monitor"
	forms := map[string]string{
		"core":          core,
		"raw":           pw,
		"query-escaped": url.QueryEscape(pw),
		"path-escaped":  url.PathEscape(pw),
		"basic auth":    base64.StdEncoding.EncodeToString([]byte(user + ":" + pw)),
		"basic raw b64": base64.RawStdEncoding.EncodeToString([]byte(user + ":" + pw)),
		"base64":        base64.StdEncoding.EncodeToString([]byte(pw)),
	}

	dir := t.TempDir()
	pwFile := filepath.Join(dir, "mgmt.password")
	os.WriteFile(pwFile, []byte(pw+"\n"), 0o600)

	// Each fake is one cluster; authed counts requests that carried the
	// password, so that the test knows the secret really went out.
	var authed atomic.Int32
	echo := func(r *http.Request) string {
		_, p, _ := r.BasicAuth()
		if p == pw {
			authed.Add(1)
		}
		return strings.Join([]string{r.Header.Get("Authorization"), p, url.QueryEscape(p), r.URL.String()}, " ")
	}
	fake := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	recordedFile := func(name string) string { return fakemgmt.Recording(t, name) }
	healthy := map[string]string{
		"/api/overview": recordedFile("overview.json"), "/api/nodes": recordedFile("nodes.json"),
		"/api/vhosts": recordedFile("vhosts.json"), "/api/queues": recordedFile("queues.json"),
	}
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { echo(r) }))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	t.Cleanup(tlsSrv.Close)

	type cluster struct{ name, url, extra, kind string }
	clusters := []cluster{
		{"unauth", fake(func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]string{"error": "not_authorised", "reason": echo(r)})
			http.Error(w, string(b), http.StatusUnauthorized)
		}), "", "auth"},
		{"forbidden", fake(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "forbidden: "+echo(r), http.StatusForbidden)
		}), "", "auth"},
		{"boom", fake(func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]string{"error": echo(r), "reason": echo(r)})
			http.Error(w, string(b), http.StatusInternalServerError)
		}), "", "http"},
		{"redirect", fake(func(w http.ResponseWriter, r *http.Request) {
			_, p, _ := r.BasicAuth()
			echo(r)
			http.Redirect(w, r, (&url.URL{Scheme: "http", User: url.UserPassword(user, p), Host: r.Host, Path: r.URL.Path}).String(), http.StatusFound)
		}), "", "http"},
		{"slow", fake(func(w http.ResponseWriter, r *http.Request) {
			echo(r)
			<-r.Context().Done()
		}), "", "timeout"},
		{"reset", fake(func(w http.ResponseWriter, r *http.Request) {
			echo(r)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			conn.(*net.TCPConn).SetLinger(0) // RST, not FIN
			conn.Close()
		}), "", "connect"},
		{"badjson", fake(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"cluster_name":%q,"object_totals":{"queues":{"echo":%q}}}`, echo(r), echo(r))
		}), "", "decode"},
		{"syntax", fake(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"cluster_name": %s}`, echo(r))
		}), "", "decode"},
		{"huge", fake(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"cluster_name":%q}`, strings.Repeat(echo(r), 100))
		}), ", max_response_bytes: 4096", "too_large"},
		{"badtls", tlsSrv.URL, "", "tls"},
		// Answers the overview, so every collector runs, and echoes
		// everywhere else: in federation link URIs and errors, in a 500
		// from the shovel plugin, inside the connection list.
		{"echoing", fake(func(w http.ResponseWriter, r *http.Request) {
			e := echo(r)
			if body, ok := healthy[r.URL.Path]; ok {
				fmt.Fprint(w, body)
				return
			}
			switch r.URL.Path {
			case "/api/federation-links":
				b, _ := json.Marshal([]map[string]string{{"node": "n", "vhost": "/", "type": "exchange", "upstream": "up",
					"exchange": "devices", "status": "error", "error": e,
					"uri": (&url.URL{Scheme: "amqp", User: url.UserPassword(user, pw), Host: "up:5672"}).String()}})
				w.Write(b)
			case "/api/connections":
				fmt.Fprintf(w, `[{"node":"n","vhost":"/","protocol":"MQTT","state":"running"},{"node":{"echo":%q}}]`, e)
			default:
				b, _ := json.Marshal(map[string]string{"error": "Internal Server Error", "reason": e})
				http.Error(w, string(b), http.StatusInternalServerError)
			}
		}), "", ""},
	}
	writeFleet := func(extra func(c cluster) string) string {
		var b strings.Builder
		// min_interval 0s: every scrape below must reach the fake APIs.
		b.WriteString("defaults: {username: " + user + ", password_file: " + pwFile + ", timeout: 1s, min_interval: 0s}\nclusters:\n")
		for i, c := range clusters {
			src := ""
			if i%2 == 1 { // half of them read it from the environment
				src = ", password_env: RF_PLANTED_PW"
			}
			fmt.Fprintf(&b, "  - {name: %s, role: gateway, region: test, management_urls: ['%s']%s%s%s}\n", c.name, c.url, src, c.extra, extra(c))
		}
		path := filepath.Join(dir, "fleet.yml")
		os.WriteFile(path, []byte(b.String()), 0o600)
		return path
	}
	cfg := writeFleet(func(cluster) string { return "" })

	bin := exporterBinary(t)
	p := startExporter(t, bin, []string{"RF_PLANTED_PW=" + pw}, "--config.file", cfg)
	base := "http://" + p.addr
	var outputs []string // every answer the exporter gave, named
	// getAs records the answer under label: the request itself may hold the password.
	getAs := func(label, method, path string) (int, string) {
		code, body, err := call(http.DefaultClient, method, base+path, "", "")
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		outputs = append(outputs, fmt.Sprintf("%s -> %d:\n%s", label, code, body))
		return code, body
	}
	get := func(method, path string) (int, string) { return getAs(method+" "+path, method, path) }
	p.waitUntil(t, "listening", func() bool { c, _, _ := call(http.DefaultClient, "GET", base+"/-/healthy", "", ""); return c == 200 })

	// Four full scrapes give each heavy list (connections, federation,
	// queues) its turn; then each cluster alone.
	var metrics string
	for range 4 {
		_, metrics = get("GET", "/metrics")
	}
	for _, c := range clusters {
		get("GET", "/probe?target="+c.name)
	}
	get("GET", "/")
	get("GET", "/discovery/targets")
	get("GET", "/exporter-metrics")
	getAs("/discovery/targets?role=<the password>", "GET", "/discovery/targets?role="+url.QueryEscape(pw))
	getAs("/probe?target=<URL with the password>", "GET", "/probe?target="+url.QueryEscape("http://"+user+":"+pw+"@127.0.0.1:15672"))

	// The failures really happened, each of its kind, with the password sent.
	for _, c := range clusters {
		if c.kind == "" {
			continue
		}
		want := fmt.Sprintf(`rabbitfleet_scrape_errors_total{cluster=%q,collector="cluster",kind=%q,region="test",role="gateway"}`, c.name, c.kind)
		if !strings.Contains(metrics, want) {
			t.Errorf("cluster %s: no %s error counted; want %s", c.name, c.kind, want)
		}
	}
	if !strings.Contains(metrics, `rabbitfleet_up{cluster="echoing",region="test",role="gateway"} 1`) {
		t.Error(`cluster "echoing" should be up, so that every collector ran`)
	}
	if n := authed.Load(); n < int32(len(clusters)) {
		t.Errorf("only %d requests carried the planted password: the test proves nothing", n)
	}

	// Configurations with the password where it does not belong: each is
	// refused by /-/reload (the old one stays) and by --config.check.
	bad := map[string]func(c cluster) string{
		"user info in a URL": func(c cluster) string {
			return ", management_urls: ['http://" + user + ":" + url.QueryEscape(pw) + "@127.0.0.1:9']"
		},
		"raw password in a URL": func(c cluster) string { return ", management_urls: ['http://" + user + ":" + pw + "@127.0.0.1:9']" },
		"user info without scheme": func(c cluster) string {
			return ", management_urls: ['" + user + ":" + url.QueryEscape(pw) + "@127.0.0.1:9']"
		},
		"URL where a list belongs": func(c cluster) string {
			return ", management_urls: 'http://" + user + ":" + url.QueryEscape(pw) + "@127.0.0.1:9'"
		},
		"password as unknown field": func(c cluster) string { return ", password: '" + pw + "'" },
		"password as password_env":  func(c cluster) string { return ", password_file: '', password_env: '" + pw + "'" },
	}
	for name, extra := range bad {
		// YAML flow maps refuse a repeated key, so the bad setting goes on the first cluster only.
		first := true
		path := writeFleet(func(c cluster) string {
			if !first {
				return ""
			}
			first = false
			return extra(c)
		})
		code, body := get("POST", "/-/reload")
		if code != http.StatusInternalServerError || !strings.Contains(body, "configuration not reloaded") {
			t.Errorf("%s: /-/reload answered %d %q, want 500 refusing it", name, code, body)
		}
		out, err := exec.Command(bin, "--config.file", path, "--config.check").CombinedOutput()
		if err == nil {
			t.Errorf("%s: --config.check accepted it", name)
		}
		outputs = append(outputs, fmt.Sprintf("--config.check (%s):\n%s", name, out))
	}

	// A password typed as password_file is valid YAML and loads; reading
	// the "file" then fails on every scrape, and is logged.
	first := true
	writeFleet(func(c cluster) string {
		if !first {
			return ""
		}
		first = false
		return ", password_file: '" + pw + "'"
	})
	if code, body := get("POST", "/-/reload"); code != 200 {
		t.Fatalf("reload with password_file set to the password: %d %s", code, body)
	}
	if _, body := get("GET", "/probe?target=unauth"); !strings.Contains(body, `kind="config"`) {
		t.Errorf("reading the misplaced password_file should count a config error:\n%s", body)
	}
	get("GET", "/metrics")

	outputs = append(outputs, "exporter logs:\n"+p.logs.String())
	for _, out := range outputs {
		for form, s := range forms {
			if i := strings.Index(out, s); i >= 0 {
				lo, hi := max(0, i-200), min(len(out), i+len(s)+100)
				t.Errorf("planted password (%s) found in %.60s ...\n%s", form, out, out[lo:hi])
			}
		}
	}
}
