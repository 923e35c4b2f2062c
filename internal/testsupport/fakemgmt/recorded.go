package fakemgmt

import (
	"embed"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

//go:embed testdata/recorded/*.json
var recordings embed.FS

// GatewayRecording maps the management API's paths to the recorded answers
// of the testbed's gateway-eu (3 MQTT, 2 STOMP clients) for NewRecorded.
var GatewayRecording = map[string]string{
	"/api/overview":    "overview.json",
	"/api/nodes":       "nodes.json",
	"/api/connections": "connections.json",
	"/api/queues":      "queues.json",
	"/api/vhosts":      "vhosts.json",
	"/api/shovels":     "shovels.json",
}

// Recording returns one recorded answer (testdata/recorded/name), failing
// the test when there is none.
func Recording(t testing.TB, name string) string {
	t.Helper()
	b, err := recordings.ReadFile("testdata/recorded/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Recorded is a management API serving recorded answers, with faults to
// order: any status and body per path, a delay per path, or every request
// left hanging until its client gives up. It counts the requests per path.
type Recorded struct {
	// URL is the server's base URL.
	URL string

	password  string
	mu        sync.Mutex
	bodies    map[string]string // escaped path -> body
	status    map[string]int    // escaped path -> status
	delays    map[string]time.Duration
	hang      bool
	held      map[string]chan struct{} // escaped path -> closed on release
	hits      map[string]int           // escaped path -> requests
	cancelled int
}

// NewRecorded serves files (escaped path -> name of a recorded answer) until
// the test ends. A request whose basic-auth password is not password is
// refused (401), whatever its path; a path without an answer is 404 as
// RabbitMQ says it.
func NewRecorded(t testing.TB, password string, files map[string]string) *Recorded {
	t.Helper()
	r := &Recorded{password: password, bodies: map[string]string{}, status: map[string]int{}, delays: map[string]time.Duration{}, held: map[string]chan struct{}{}, hits: map[string]int{}}
	for path, file := range files {
		r.bodies[path] = Recording(t, file)
	}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *Recorded) serve(w http.ResponseWriter, req *http.Request) {
	path := req.URL.EscapedPath()
	r.mu.Lock()
	hang := r.hang
	body, ok := r.bodies[path]
	status := r.status[path]
	delay := r.delays[path]
	held := r.held[path]
	r.hits[path]++
	r.mu.Unlock()
	if _, p, _ := req.BasicAuth(); p != r.password {
		http.Error(w, `{"error":"not_authorised","reason":"Login failed"}`, http.StatusUnauthorized)
		return
	}
	if delay > 0 {
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-req.Context().Done():
			return
		}
	}
	if held != nil {
		select {
		case <-held:
		case <-req.Context().Done():
			return
		}
	}
	if hang {
		<-req.Context().Done()
		r.mu.Lock()
		r.cancelled++
		r.mu.Unlock()
		return
	}
	if status != 0 {
		http.Error(w, body, status)
		return
	}
	if !ok {
		http.Error(w, `{"error":"Object Not Found","reason":"Not Found"}`, http.StatusNotFound)
		return
	}
	io.WriteString(w, body)
}

// Set answers path with body and status (0: 200 and the body as it is).
func (r *Recorded) Set(path string, status int, body string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies[path], r.status[path] = body, status
}

// Delay holds every answer to path (an error's too) for d before it is sent,
// as a node slow to build a list; 0 removes the delay. A client that gives
// up meanwhile gets nothing.
func (r *Recorded) Delay(path string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.delays[path] = d
}

// Hold keeps every answer to path waiting until release is called (or its
// client gives up): a list the node is still building, for as long as the
// test needs, with no clock involved.
func (r *Recorded) Hold(path string) (release func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ch := make(chan struct{})
	r.held[path] = ch
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			close(ch)
			if r.held[path] == ch {
				delete(r.held, path)
			}
		})
	}
}

// Body is the answer path is served with now.
func (r *Recorded) Body(path string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bodies[path]
}

// Hang leaves every request (after the credentials are checked) hanging
// until its client gives up, while on.
func (r *Recorded) Hang(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hang = on
}

// Hits is how many requests asked for path.
func (r *Recorded) Hits(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits[path]
}

// AllHits is the number of requests per path.
func (r *Recorded) AllHits() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.hits)
}

// Cancelled counts hanging requests whose client gave up.
func (r *Recorded) Cancelled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cancelled
}
