// Package mgmt is a thin, context-aware client for the RabbitMQ management
// HTTP API. It asks only for the columns a collector uses, streams list
// responses instead of holding them, caps response sizes and fails over
// between the nodes of a cluster. rabbit-hole fetches whole objects and takes
// no context, which is what a scraper of a stressed broker must avoid.
package mgmt

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/common/version"
)

// RequestObserver is told about every request, for the exporter's own metrics.
type RequestObserver func(endpoint string, bytes int64, took time.Duration, err error)

// Options say how to reach one cluster's management API. They are plain
// values so that any program (the exporter, the planner's calibration) can
// build a client without the exporter's configuration.
type Options struct {
	// Cluster names the cluster in errors.
	Cluster string
	// URLs are nodes of the same cluster, tried in order when one is down.
	URLs     []string
	Username string
	// Password is called for every request, so that a rotated secret is
	// picked up; its error is reported as a KindConfig error. Nil means no password.
	Password func() (string, error)
	// TLS is used for https URLs; nil means Go's defaults.
	TLS *tls.Config
	// Timeout bounds one request, the TLS handshake included. Required:
	// a scraper must never wait on a stuck node for ever.
	Timeout time.Duration
	// MaxResponseBytes fails a longer answer as KindTooLarge; 0 means no cap.
	MaxResponseBytes int64
	// Breaker: after a failure that says the cluster is unwell, requests are
	// held back for InitialBackoff, doubled on each failed retry up to
	// MaxBackoff. Zero leaves the breaker off.
	Breaker BreakerOptions
	// Observe, if set, is told about every request.
	Observe RequestObserver
	// Accept is the media type asked for; empty means application/json.
	// RabbitMQ's Prometheus endpoint, read through the same client, answers text.
	Accept string
}

// BreakerOptions are the circuit breaker's backoffs (see breaker).
type BreakerOptions struct {
	InitialBackoff, MaxBackoff time.Duration
}

// Client talks to one cluster's management API.
type Client struct {
	cluster  string
	bases    []*url.URL
	username string
	password func() (string, error)
	http     *http.Client
	timeout  time.Duration
	maxBytes int64
	observe  RequestObserver
	accept   string
	breaker  *breaker
	inflight oneInFlight
	// preferred is the index of the node that answered last, tried first next
	// time so that a dead node costs one timeout, not one per request.
	preferred atomic.Int32
}

// New builds a client; it sends nothing until asked.
func New(o Options) (*Client, error) {
	if o.Timeout <= 0 {
		return nil, fmt.Errorf("cluster %s: a request timeout is required", o.Cluster)
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     o.TLS,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		// No gzip: compressing is work for a broker that may be struggling
		// (measured: the queue list of a 3,000-queue gateway cost the node
		// 0.448 CPU-s with gzip against 0.348 without), and columns= already
		// cuts the bodies to a tenth. Go's transport would ask by default.
		DisableCompression:  true,
		TLSHandshakeTimeout: o.Timeout,
	}
	password := o.Password
	if password == nil {
		password = func() (string, error) { return "", nil }
	}
	c := &Client{
		cluster:  o.Cluster,
		username: o.Username,
		password: password,
		http:     &http.Client{Transport: transport, CheckRedirect: refuseRedirects},
		timeout:  o.Timeout,
		maxBytes: o.MaxResponseBytes,
		observe:  o.Observe,
		accept:   cmp.Or(o.Accept, "application/json"),
		breaker:  newBreaker(o.Breaker.InitialBackoff, o.Breaker.MaxBackoff),
	}
	for _, raw := range o.URLs {
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		if err != nil {
			return nil, fmt.Errorf("cluster %s: management URL: %w", o.Cluster, err)
		}
		c.bases = append(c.bases, u)
	}
	return c, nil
}

type listTimeoutKey struct{}

// WithListTimeout marks the requests made with ctx as reading a list the node
// builds whole, which may take up to d on a large or aged node: d replaces the
// client's timeout, and running past it does not open the circuit breaker.
func WithListTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, listTimeoutKey{}, d)
}

func listTimeout(ctx context.Context) (time.Duration, bool) {
	d, ok := ctx.Value(listTimeoutKey{}).(time.Duration)
	return d, ok
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// get requests path (already escaped: see objectPath) with query on the first node that answers and hands the
// body to decode. endpoint is the path template used in errors and metrics.
func (c *Client) get(ctx context.Context, endpoint, path string, query url.Values, decode func(io.Reader) error) error {
	release, err := c.inflight.acquire(ctx, path)
	if err != nil {
		return &Error{Kind: classifyTransport(ctx, err), Cluster: c.cluster, Endpoint: endpoint, Err: fmt.Errorf("waiting for the same request in flight: %w", err)}
	}
	defer release()
	// Asked after the wait: the request ahead may have found the cluster down.
	trial, err := c.breaker.allow()
	if err != nil {
		return &Error{Kind: KindCircuitOpen, Cluster: c.cluster, Endpoint: endpoint, Err: err}
	}
	start := time.Now()
	n, err := c.getWithFailover(ctx, endpoint, path, query, decode)
	if _, slowList := listTimeout(ctx); slowList && KindOf(err) == KindTimeout {
		// A list running past its own timeout says the list is slow to build,
		// not that the cluster is down: the overview decides that.
		c.breaker.settle(trial)
	} else {
		c.breaker.done(trial, err)
	}
	if c.observe != nil {
		c.observe(endpoint, n, time.Since(start), err)
	}
	return err
}

// Get requests path (escaped) with query and hands the body to decode, with
// everything get gives: one request per path in flight, the breaker, failover,
// the size cap and errors naming the cluster, endpoint and node. It is for
// endpoints this package has no type for, such as RabbitMQ's Prometheus one.
func (c *Client) Get(ctx context.Context, endpoint, path string, query url.Values, decode func(io.Reader) error) error {
	return c.get(ctx, endpoint, path, query, decode)
}

// Breaker reports whether requests to the cluster are being held back after
// failures, and for how long at a time.
func (c *Client) Breaker() (open bool, backoff time.Duration) { return c.breaker.state() }

func (c *Client) getWithFailover(ctx context.Context, endpoint, path string, query url.Values, decode func(io.Reader) error) (int64, error) {
	password, err := c.password()
	if err != nil {
		return 0, &Error{Kind: KindConfig, Cluster: c.cluster, Endpoint: endpoint, Err: err}
	}
	first := int(c.preferred.Load())
	var lastErr error
	for i := range c.bases {
		idx := (first + i) % len(c.bases)
		n, err := c.getFrom(ctx, idx, endpoint, path, query, password, decode)
		if err == nil {
			c.preferred.Store(int32(idx))
			return n, nil
		}
		lastErr = err
		// Only an unreachable node is worth trying the next one for: any other
		// answer would be the same from every node of the cluster.
		if k := KindOf(err); k != KindConnect && !(k == KindHTTP && isUnavailable(err)) {
			return n, err
		}
		if ctx.Err() != nil {
			return n, err
		}
	}
	return 0, lastErr
}

func isUnavailable(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable)
}

func (c *Client) getFrom(ctx context.Context, idx int, endpoint, path string, query url.Values, password string, decode func(io.Reader) error) (int64, error) {
	base := c.bases[idx]
	timeout := c.timeout
	if d, ok := listTimeout(ctx); ok {
		timeout = d
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	target := base.String() + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	// Errors may quote the answer, which may echo the credentials: scrub them.
	secrets := secretForms(c.username, password)
	fail := func(kind ErrorKind, status int, err error) error {
		return &Error{Kind: kind, Cluster: c.cluster, Endpoint: endpoint, Node: base.Redacted(), Status: status, Err: redact(err, secrets)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, fail(KindConfig, 0, err)
	}
	if c.username != "" || password != "" {
		req.SetBasicAuth(c.username, password)
	}
	req.Header.Set("Accept", c.accept)
	req.Header.Set("User-Agent", "rabbitfleet_exporter/"+version.Version)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fail(classifyTransport(ctx, err), 0, stripURL(err))
	}
	defer resp.Body.Close()
	body := &cappedReader{r: resp.Body, max: c.maxBytes}
	if resp.StatusCode/100 != 2 {
		// Keep a short excerpt: RabbitMQ explains itself in {"error","reason"}.
		excerpt, _ := io.ReadAll(io.LimitReader(body, 512))
		return body.n, fail(classifyStatus(resp.StatusCode), resp.StatusCode, reasonOf(excerpt, secrets))
	}
	err = decode(bufio.NewReaderSize(body, 32<<10))
	if err != nil {
		// Drain nothing: closing the body drops the connection, which is what
		// we want after a bad or oversized answer.
		switch {
		case errors.Is(err, errTooLarge):
			return body.n, fail(KindTooLarge, 0, fmt.Errorf("response larger than max_response_bytes (%d)", c.maxBytes))
		case ctx.Err() != nil:
			return body.n, fail(classifyTransport(ctx, ctx.Err()), 0, ctx.Err())
		}
		return body.n, fail(KindDecode, 0, err)
	}
	return body.n, nil
}

// stripURL removes the request URL from a transport error: it would repeat
// the node address we already give, and must never carry credentials.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// reasonOf quotes RabbitMQ's own explanation, {"error","reason"}, scrubbed
// of the credentials. Any other body (a proxy's page, a dump of the request)
// is not quoted: the status says enough, and such a body may echo the
// credentials in an encoding that scrubbing would not recognise.
func reasonOf(body []byte, secrets []string) error {
	s := bytes.TrimSpace(body)
	if len(s) == 0 {
		return nil
	}
	var r struct {
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}
	if jsonUnmarshal(s, &r) == nil && (r.Error != "" || r.Reason != "") {
		return errors.New(scrub(r.Error+": "+r.Reason, secrets))
	}
	return errors.New("the answer is not a RabbitMQ error object (not quoted)")
}

// refuseRedirects: the management API sends none, and following one would
// send the credentials wherever it points (Go keeps the Authorization header
// for the same host on another port or scheme, and uses user info in the
// new URL). A redirect is reported as an HTTP error instead.
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

var errTooLarge = errors.New("response too large")

// cappedReader counts bytes and fails once more than max have been read.
type cappedReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.max > 0 && int64(len(p)) > c.max-c.n+1 {
		p = p[:c.max-c.n+1]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.max > 0 && c.n > c.max {
		return n, errTooLarge
	}
	return n, err
}
