package fakemgmt

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Endpoints, named as the exporter names them in its metrics.
const (
	EndpointOverview        = "/api/overview"
	EndpointNodes           = "/api/nodes"
	EndpointConnections     = "/api/connections"
	EndpointQueues          = "/api/queues"
	EndpointVhostQueues     = "/api/queues/{vhost}"
	EndpointQueue           = "/api/queues/{vhost}/{name}"
	EndpointVhosts          = "/api/vhosts"
	EndpointFederationLinks = "/api/federation-links"
	EndpointShovels         = "/api/shovels"
	EndpointOther           = "other" // anything else: 404
)

type endpoint int

const (
	epOverview endpoint = iota
	epNodes
	epConnections
	epQueues
	epVhostQueues
	epQueue
	epVhosts
	epLinks
	epShovels
	epOther
	numEndpoints
)

var endpointNames = [numEndpoints]string{EndpointOverview, EndpointNodes, EndpointConnections, EndpointQueues,
	EndpointVhostQueues, EndpointQueue, EndpointVhosts, EndpointFederationLinks, EndpointShovels, EndpointOther}

// EndpointStats counts what one endpoint served.
type EndpointStats struct {
	Requests int64
	Bytes    int64 // response bodies as sent
	// FullBytes is what the same requests would have sent without columns=:
	// each response rendered again with full objects and measured.
	FullBytes int64
}

// Stats returns the counters of every endpoint that was asked for.
func (c *Cluster) Stats() map[string]EndpointStats {
	m := map[string]EndpointStats{}
	for ep := range numEndpoints {
		s := &c.stats[ep]
		if n := s.requests.Load(); n > 0 {
			m[endpointNames[ep]] = EndpointStats{Requests: n, Bytes: s.bytes.Load(), FullBytes: s.fullBytes.Load()}
		}
	}
	return m
}

// route maps an escaped path to its endpoint and its unescaped arguments.
func route(escaped string) (endpoint, []string, bool) {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	args := make([]string, 0, len(parts))
	for _, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return epOther, nil, false
		}
		args = append(args, u)
	}
	if len(args) < 2 || args[0] != "api" {
		return epOther, nil, false
	}
	switch {
	case len(args) == 2:
		switch args[1] {
		case "overview":
			return epOverview, nil, true
		case "nodes":
			return epNodes, nil, true
		case "connections":
			return epConnections, nil, true
		case "queues":
			return epQueues, nil, true
		case "vhosts":
			return epVhosts, nil, true
		case "federation-links":
			return epLinks, nil, true
		case "shovels":
			return epShovels, nil, true
		}
	case args[1] == "queues" && len(args) == 3:
		return epVhostQueues, args[2:], true
	case args[1] == "queues" && len(args) == 4:
		return epQueue, args[2:], true
	}
	return epOther, nil, false
}

// ServeHTTP answers like the management API: 401 without the right
// credentials, 404 {"error":"Object Not Found"} for anything unknown.
func (c *Cluster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep, args, _ := route(r.URL.EscapedPath())
	counters := &c.stats[ep]
	counters.requests.Add(1)
	cw := &countingWriter{w: w}
	defer func() { counters.bytes.Add(cw.n) }()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "accept, accept-encoding, origin")
	user, pass, ok := r.BasicAuth()
	if ep != epOther && (!ok || !c.authorised(user, pass)) {
		w.Header().Set("WWW-Authenticate", `Basic realm="RabbitMQ Management"`)
		w.WriteHeader(http.StatusUnauthorized)
		if ok { // RabbitMQ says why only when credentials were given
			io.WriteString(cw, `{"error":"not_authorized","reason":"Login failed"}`)
		}
		return
	}
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(cw, `{"error":"Method Not Allowed","reason":"Method Not Allowed"}`)
		return
	}
	q := r.URL.Query()
	bw := bufio.NewWriterSize(cw, 64<<10)
	c.respond(ep, args, q, func(status int) io.Writer {
		w.WriteHeader(status)
		return bw
	})
	bw.Flush()
	if q.Has("columns") && ep != epOther {
		counters.fullBytes.Add(c.fullSize(ep, args, q))
	} else {
		counters.fullBytes.Add(cw.n)
	}
}

func (c *Cluster) authorised(user, pass string) bool {
	u := subtle.ConstantTimeCompare([]byte(user), []byte(c.cfg.Username))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(c.cfg.Password))
	return u&p == 1
}

// fullSize is the size of the same answer without columns=. Content never
// changes, so each distinct request is rendered once.
func (c *Cluster) fullSize(ep endpoint, args []string, q url.Values) int64 {
	full := url.Values{}
	for k, v := range q {
		if k != "columns" {
			full[k] = v
		}
	}
	key := fmt.Sprint(ep, args, full.Encode())
	if n, ok := c.fullSizes.Load(key); ok {
		return n.(int64)
	}
	cw := &countingWriter{w: io.Discard}
	bw := bufio.NewWriterSize(cw, 64<<10)
	c.respond(ep, args, full, func(int) io.Writer { return bw })
	bw.Flush()
	c.fullSizes.Store(key, cw.n)
	return cw.n
}

// Warm renders the full-object size of a request ahead of a measurement, so
// that the first measured request does not pay for it. path and query as
// the exporter sends them.
func (c *Cluster) Warm(path string, query url.Values) {
	ep, args, _ := route(path)
	c.fullSize(ep, args, query)
	if ep == epConnections || ep == epQueues {
		c.order(ep, -1, query.Get("sort"), query.Has("sort"), query.Get("sort_reverse") == "true")
	}
}

func writeError(begin func(int) io.Writer, status int, errName, reason string) {
	w := begin(status)
	b := append([]byte(`{"error":`), appendString(nil, errName)...)
	b = append(append(b, `,"reason":`...), appendString(nil, reason)...)
	w.Write(append(b, '}'))
}

func notFound(begin func(int) io.Writer) {
	writeError(begin, http.StatusNotFound, "Object Not Found", "Not Found")
}

// respond writes the answer to one request. begin sends the status and
// returns where the body goes.
func (c *Cluster) respond(ep endpoint, args []string, q url.Values, begin func(int) io.Writer) {
	var cols columns
	all := !q.Has("columns")
	if !all {
		cols = parseColumns(q.Get("columns"))
	}
	one := func(v *value) {
		p := compile(v, cols, all)
		begin(http.StatusOK).Write(p.render(nil, nil, 0))
	}
	switch ep {
	case epOverview:
		one(c.overviewTpl)
	case epNodes:
		c.writeSmallList(begin(http.StatusOK), c.nodes, cols, all)
	case epVhosts:
		c.writeList(begin, q, epVhosts, len(c.vhosts), nil, func(p plan, dst []byte, i int) []byte {
			return compile(c.vhosts[i], cols, all).render(dst, nil, 0)
		})
	case epLinks:
		c.writeSmallList(begin(http.StatusOK), c.links, cols, all)
	case epShovels:
		if c.cfg.NoShovels {
			notFound(begin)
			return
		}
		begin(http.StatusOK).Write([]byte("[]"))
	case epConnections:
		var plans [3]plan
		for k, t := range c.connTpl {
			plans[k] = compile(t, cols, all)
		}
		order, err := c.order(epConnections, -1, q.Get("sort"), q.Has("sort"), q.Get("sort_reverse") == "true")
		if err != nil {
			writeError(begin, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		c.writeList(begin, q, epConnections, c.cfg.Connections, order, func(_ plan, dst []byte, i int) []byte {
			return plans[c.conn(i).kind].render(dst, c.connSlot, i)
		})
	case epQueues, epVhostQueues:
		vhost := -1
		if ep == epVhostQueues {
			v, ok := c.vhostIndex(args[0])
			if !ok {
				notFound(begin)
				return
			}
			vhost = v
		}
		tpl := c.queueTpl
		switch {
		case q.Get("disable_stats") == "true" && q.Get("enable_queue_totals") == "true":
			tpl = c.queueTotalsTpl
		case q.Get("disable_stats") == "true":
			tpl = c.queueNoStatsTpl
		}
		p := compile(tpl, cols, all)
		order, err := c.order(epQueues, vhost, q.Get("sort"), q.Has("sort"), q.Get("sort_reverse") == "true")
		if err != nil {
			writeError(begin, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		n := c.numQueues()
		if order != nil {
			n = len(order)
		}
		c.writeList(begin, q, epQueues, n, order, func(_ plan, dst []byte, j int) []byte {
			return p.render(dst, c.queueSlot, j)
		})
	case epQueue:
		j, ok := c.findQueue(args[0], args[1])
		if !ok {
			notFound(begin)
			return
		}
		p := compile(c.queueDetailTpl, cols, all)
		begin(http.StatusOK).Write(p.render(nil, c.queueSlot, j))
	default:
		notFound(begin)
	}
}

func (c *Cluster) writeSmallList(w io.Writer, items []*value, cols columns, all bool) {
	b := []byte{'['}
	for i, v := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = compile(v, cols, all).render(b, nil, 0)
	}
	w.Write(append(b, ']'))
}

// Paging as RabbitMQ 3.10 does it: page_size 1..500 (default 100), page from
// 1; a page starting past the end plus one is an error, the one just past
// the end is empty. The envelope's key order differs per endpoint.
const (
	defaultPageSize = 100
	maxPageSize     = 500
)

var envelopeOrder = map[endpoint][]string{
	epConnections: {"total_count", "item_count", "filtered_count", "page", "page_size", "page_count", "items"},
	epQueues:      {"filtered_count", "item_count", "items", "page", "page_count", "page_size", "total_count"},
	epVhosts:      {"filtered_count", "item_count", "items", "page", "page_count", "page_size", "total_count"},
}

// writeList writes n items (item k is order[k], or k without an order), as a
// bare array or, when page= is given, as one page in its envelope.
func (c *Cluster) writeList(begin func(int) io.Writer, q url.Values, ep endpoint, n int, order []int32,
	item func(plan, []byte, int) []byte) {
	first, count := 0, n
	var envelope []byte
	if q.Has("page") {
		page, err1 := strconv.Atoi(q.Get("page"))
		size, err2 := defaultPageSize, error(nil)
		if q.Has("page_size") {
			size, err2 = strconv.Atoi(q.Get("page_size"))
		}
		if err1 != nil || err2 != nil {
			writeError(begin, http.StatusBadRequest, "bad_request", "Pagination parameters are invalid")
			return
		}
		if page < 1 || size < 1 || size > maxPageSize {
			writeError(begin, http.StatusBadRequest, "invalid_pagination_parameters",
				fmt.Sprintf("Invalid pagination parameters: page number %d, page size %d", page, size))
			return
		}
		first = (page - 1) * size
		if first > n {
			writeError(begin, http.StatusBadRequest, "page_out_of_range",
				fmt.Sprintf("Page out of range, page: %d page size: %d, len: %d", page, size, n))
			return
		}
		count = min(size, n-first)
		envelope = pagedEnvelope(ep, n, count, page, size)
	}
	w := begin(http.StatusOK)
	before, after := envelope, []byte(nil)
	if envelope != nil {
		i := bytes.Index(envelope, []byte(`"items":`)) + len(`"items":`)
		before, after = envelope[:i], envelope[i:]
	}
	buf := append(make([]byte, 0, 64<<10), before...)
	buf = append(buf, '[')
	for k := first; k < first+count; k++ {
		if k > first {
			buf = append(buf, ',')
		}
		i := k
		if order != nil {
			i = int(order[k])
		}
		buf = item(nil, buf, i)
		if len(buf) > 48<<10 {
			w.Write(buf)
			buf = buf[:0]
		}
	}
	buf = append(buf, ']')
	buf = append(buf, after...)
	w.Write(buf)
}

// pagedEnvelope is the envelope with "items": left for the caller to fill.
func pagedEnvelope(ep endpoint, total, count, page, size int) []byte {
	values := map[string]int{"total_count": total, "item_count": count, "filtered_count": total,
		"page": page, "page_size": size, "page_count": (total + size - 1) / size}
	b := []byte{'{'}
	for i, k := range envelopeOrder[ep] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, k), ':')
		if k != "items" {
			b = strconv.AppendInt(b, int64(values[k]), 10)
		}
	}
	return append(b, '}')
}

// order returns the order in which a list's items are written, or nil for
// index order. Without sort= RabbitMQ sorts by vhost then name; an empty
// sort= skips sorting; sort=<column> sorts by that column (numbers as
// numbers), an unknown column by the default. The result is cached: content
// never changes.
func (c *Cluster) order(ep endpoint, vhost int, by string, given, reverse bool) ([]int32, error) {
	if given && by == "" && vhost < 0 {
		return nil, nil
	}
	key := fmt.Sprint(ep, vhost, by, given, reverse)
	if o, ok := c.orders.Load(key); ok {
		return o.([]int32), nil
	}
	var n int
	var keyOf func(col string) func(i int) []byte
	switch ep {
	case epConnections:
		n = c.cfg.Connections
		keyOf = func(col string) func(int) []byte {
			var plans [3]plan
			for k, t := range c.connTpl {
				plans[k] = keyPlan(t, col)
			}
			if plans[0] == nil {
				return nil
			}
			return func(i int) []byte { return plans[c.conn(i).kind].render(nil, c.connSlot, i) }
		}
	default:
		n = c.numQueues()
		keyOf = func(col string) func(int) []byte {
			p := keyPlan(c.queueTpl, col)
			if p == nil {
				return nil
			}
			return func(j int) []byte { return p.render(nil, c.queueSlot, j) }
		}
	}
	idx := make([]int32, 0, n)
	for i := range n {
		if vhost < 0 || c.itemVhost(ep, i) == vhost {
			idx = append(idx, int32(i))
		}
	}
	if !(given && by == "") {
		var keys []func(int) []byte
		if k := keyOf(by); by != "" && k != nil {
			keys = append(keys, k)
		} else {
			keys = append(keys, keyOf("vhost"), keyOf("name"))
		}
		sortItems(idx, keys, reverse)
	}
	c.orders.Store(key, idx)
	return idx, nil
}

func (c *Cluster) itemVhost(ep endpoint, i int) int {
	if ep == epConnections {
		return c.conn(i).vhost
	}
	return c.queue(i).vhost
}

// keyPlan renders one top-level column of an item, or nil when the template has none.
func keyPlan(t *value, col string) plan {
	for _, m := range t.object {
		if m.key == col {
			var b planBuilder
			writeWhole(&b, m.val)
			return b.done()
		}
	}
	return nil
}

type sortKey struct {
	text []byte
	num  float64
	isN  bool
}

func sortItems(idx []int32, keys []func(int) []byte, reverse bool) {
	cols := make([][]sortKey, len(keys))
	for k, f := range keys {
		cols[k] = make([]sortKey, len(idx))
		for pos, i := range idx {
			t := f(int(i))
			v, err := strconv.ParseFloat(string(t), 64)
			cols[k][pos] = sortKey{text: t, num: v, isN: err == nil}
		}
	}
	perm := make([]int, len(idx))
	for i := range perm {
		perm[i] = i
	}
	less := func(a, b int) bool {
		for _, col := range cols {
			x, y := col[a], col[b]
			if x.isN && y.isN {
				if x.num != y.num {
					return x.num < y.num
				}
				continue
			}
			if d := bytes.Compare(x.text, y.text); d != 0 {
				return d < 0
			}
		}
		return idx[a] < idx[b]
	}
	sort.SliceStable(perm, func(a, b int) bool {
		if reverse {
			return less(perm[b], perm[a])
		}
		return less(perm[a], perm[b])
	})
	sorted := make([]int32, len(idx))
	for pos, p := range perm {
		sorted[pos] = idx[p]
	}
	copy(idx, sorted)
}

// render writes one item with its slots.
func (p plan) render(dst []byte, slots func([]byte, slot, int) []byte, i int) []byte {
	for _, s := range p {
		if s.slot == 0 {
			dst = append(dst, s.lit...)
			continue
		}
		dst = slots(dst, s.slot, i)
	}
	return dst
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
