package headless

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// Event is one event the page sent, as the protocol names it
// ("Runtime.consoleAPICalled") with its raw parameters.
type Event struct {
	Method string
	Params json.RawMessage
}

// Page is a connection to one page target. Commands wait for their answer;
// events are kept in the order they came, from the connection on.
type Page struct {
	conn   *websocket.Conn
	writes sync.Mutex // the websocket takes one writer at a time
	closed chan struct{}

	mu      sync.Mutex
	nextID  int64
	calls   map[int64]chan message
	events  []Event
	arrived chan struct{} // closed, and replaced, when an event arrives
	err     error         // why the connection ended
}

// message is a command, its answer or an event.
type message struct {
	ID     int64           `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params any             `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error,omitempty"`
}

func connect(ctx context.Context, ws string) (*Page, error) {
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, ws, nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to the page at %s: %w", ws, err)
	}
	p := &Page{conn: conn, closed: make(chan struct{}), calls: map[int64]chan message{}, arrived: make(chan struct{})}
	go p.read()
	return p, nil
}

// read dispatches answers to their commands and keeps events, until the
// connection ends.
func (p *Page) read() {
	var err error
	for {
		var data []byte
		if _, data, err = p.conn.ReadMessage(); err != nil {
			break
		}
		var m struct {
			message
			Params json.RawMessage `json:"params"`
		}
		if err = json.Unmarshal(data, &m); err != nil {
			err = fmt.Errorf("bad message from the browser: %w", err)
			break
		}
		p.mu.Lock()
		if m.ID != 0 {
			if c, ok := p.calls[m.ID]; ok {
				c <- m.message
				delete(p.calls, m.ID)
			}
		} else if m.Method != "" {
			p.events = append(p.events, Event{m.Method, m.Params})
			close(p.arrived)
			p.arrived = make(chan struct{})
		}
		p.mu.Unlock()
	}
	p.mu.Lock()
	p.err = fmt.Errorf("connection to the page ended: %w", err)
	p.mu.Unlock()
	close(p.closed)
	p.conn.Close()
}

// Close ends the connection (not the page).
func (p *Page) Close() error {
	return p.conn.Close()
}

// Call sends a command and decodes its result into result (unless nil).
func (p *Page) Call(ctx context.Context, method string, params, result any) error {
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	answer := make(chan message, 1)
	p.calls[id] = answer
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.calls, id)
		p.mu.Unlock()
	}()

	data, err := json.Marshal(message{ID: id, Method: method, Params: params})
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	deadline, _ := ctx.Deadline() // zero, no deadline, when ctx has none
	p.writes.Lock()
	p.conn.SetWriteDeadline(deadline)
	err = p.conn.WriteMessage(websocket.TextMessage, data)
	p.writes.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-answer:
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d) %s", method, m.Error.Message, m.Error.Code, m.Error.Data)
		}
		if result == nil {
			return nil
		}
		if err := json.Unmarshal(m.Result, result); err != nil {
			return fmt.Errorf("%s: decoding %s: %w", method, m.Result, err)
		}
		return nil
	case <-p.closed:
		return fmt.Errorf("%s: %w", method, p.closeErr())
	case <-ctx.Done():
		return fmt.Errorf("%s: no answer: %w", method, ctx.Err())
	}
}

func (p *Page) closeErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Enable turns on the events of each domain ("Runtime", "Network", ...).
func (p *Page) Enable(ctx context.Context, domains ...string) error {
	for _, d := range domains {
		if err := p.Call(ctx, d+".enable", nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// Events returns the events so far, oldest first.
func (p *Page) Events() []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Event(nil), p.events...)
}

// wait returns the first event named method from the from'th event on.
func (p *Page) wait(ctx context.Context, from int, method string) (Event, error) {
	for {
		p.mu.Lock()
		for _, e := range p.events[from:] {
			if e.Method == method {
				p.mu.Unlock()
				return e, nil
			}
		}
		from = len(p.events)
		arrived := p.arrived
		p.mu.Unlock()
		select {
		case <-arrived:
		case <-p.closed:
			return Event{}, fmt.Errorf("waiting for %s: %w", method, p.closeErr())
		case <-ctx.Done():
			return Event{}, fmt.Errorf("waiting for %s: %w", method, ctx.Err())
		}
	}
}

// Navigate loads url and waits for the page's load event. Enable "Page"
// first.
func (p *Page) Navigate(ctx context.Context, url string) error {
	p.mu.Lock()
	from := len(p.events)
	p.mu.Unlock()
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.Call(ctx, "Page.navigate", map[string]string{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("navigating to %s: %s", url, nav.ErrorText)
	}
	_, err := p.wait(ctx, from, "Page.loadEventFired")
	return err
}

// Evaluate runs a JavaScript expression (awaiting a promise) and decodes
// its value, returned by value, into out.
func (p *Page) Evaluate(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *exceptionDetails `json:"exceptionDetails"`
	}
	params := map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}
	if err := p.Call(ctx, "Runtime.evaluate", params, &r); err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("evaluating %q: %s", expr, r.Exception)
	}
	if err := json.Unmarshal(r.Result.Value, out); err != nil {
		return fmt.Errorf("evaluating %q: decoding %s: %w", expr, r.Result.Value, err)
	}
	return nil
}

// Screenshot returns a PNG of the whole page, beyond the viewport too.
func (p *Page) Screenshot(ctx context.Context) ([]byte, error) {
	var m struct {
		Content struct {
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
		} `json:"cssContentSize"`
	}
	if err := p.Call(ctx, "Page.getLayoutMetrics", nil, &m); err != nil {
		return nil, err
	}
	if m.Content.Width <= 0 || m.Content.Height <= 0 {
		return nil, fmt.Errorf("screenshot: the page is %gx%g px", m.Content.Width, m.Content.Height)
	}
	params := map[string]any{
		"format":                "png",
		"captureBeyondViewport": true,
		"clip":                  map[string]float64{"x": 0, "y": 0, "width": m.Content.Width, "height": m.Content.Height, "scale": 1},
	}
	var shot struct {
		Data string `json:"data"`
	}
	if err := p.Call(ctx, "Page.captureScreenshot", params, &shot); err != nil {
		return nil, err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	return png, nil
}

// Requests lists the URL of every request the page sent (Network events),
// in order.
func (p *Page) Requests() []string {
	var urls []string
	for _, e := range p.Events() {
		if e.Method == "Network.requestWillBeSent" {
			var r requestWillBeSent
			if json.Unmarshal(e.Params, &r) == nil {
				urls = append(urls, r.Request.URL)
			}
		}
	}
	return urls
}

// Problems describes, in order, everything a reader would see go wrong in
// the browser's console: console.error, console.warn and failed
// console.assert calls, uncaught exceptions, browser log entries of level
// warning or error (failed loads, blocked content, deprecations) and
// failed requests. Enable "Runtime", "Log" and "Network" first.
func (p *Page) Problems() []string {
	var out []string
	urls := map[string]string{} // request id to URL, for failed requests
	for _, e := range p.Events() {
		switch e.Method {
		case "Network.requestWillBeSent":
			var r requestWillBeSent
			if json.Unmarshal(e.Params, &r) == nil {
				urls[r.RequestID] = r.Request.URL
			}
		case "Runtime.consoleAPICalled":
			var c struct {
				Type string         `json:"type"`
				Args []remoteObject `json:"args"`
			}
			if err := json.Unmarshal(e.Params, &c); err != nil {
				out = append(out, fmt.Sprintf("undecodable %s: %v", e.Method, err))
				continue
			}
			if c.Type == "error" || c.Type == "warning" || c.Type == "assert" {
				args := make([]string, len(c.Args))
				for i, a := range c.Args {
					args[i] = a.String()
				}
				out = append(out, "console "+c.Type+": "+strings.Join(args, " "))
			}
		case "Runtime.exceptionThrown":
			var x struct {
				Details exceptionDetails `json:"exceptionDetails"`
			}
			if err := json.Unmarshal(e.Params, &x); err != nil {
				out = append(out, fmt.Sprintf("undecodable %s: %v", e.Method, err))
				continue
			}
			out = append(out, "exception: "+x.Details.String())
		case "Log.entryAdded":
			var l struct {
				Entry struct {
					Source string `json:"source"`
					Level  string `json:"level"`
					Text   string `json:"text"`
					URL    string `json:"url"`
				} `json:"entry"`
			}
			if err := json.Unmarshal(e.Params, &l); err != nil {
				out = append(out, fmt.Sprintf("undecodable %s: %v", e.Method, err))
				continue
			}
			if en := l.Entry; en.Level == "error" || en.Level == "warning" {
				out = append(out, fmt.Sprintf("log %s (%s): %s (%s)", en.Level, en.Source, en.Text, en.URL))
			}
		case "Network.loadingFailed":
			var f struct {
				RequestID string `json:"requestId"`
				ErrorText string `json:"errorText"`
			}
			if err := json.Unmarshal(e.Params, &f); err != nil {
				out = append(out, fmt.Sprintf("undecodable %s: %v", e.Method, err))
				continue
			}
			out = append(out, fmt.Sprintf("request failed: %s: %s", urls[f.RequestID], f.ErrorText))
		}
	}
	return out
}

type requestWillBeSent struct {
	RequestID string `json:"requestId"`
	Request   struct {
		URL string `json:"url"`
	} `json:"request"`
}

// remoteObject is a JavaScript value as the protocol describes it.
type remoteObject struct {
	Type        string          `json:"type"`
	Value       json.RawMessage `json:"value"`
	Description string          `json:"description"`
}

func (o remoteObject) String() string {
	var s string
	switch {
	case o.Type == "string" && json.Unmarshal(o.Value, &s) == nil:
		return s
	case o.Description != "":
		return o.Description
	case len(o.Value) > 0:
		return string(o.Value)
	}
	return o.Type
}

// exceptionDetails is an uncaught exception or a failed evaluation.
type exceptionDetails struct {
	Text      string       `json:"text"`
	URL       string       `json:"url"`
	Line      int          `json:"lineNumber"`
	Exception remoteObject `json:"exception"`
}

// String is the text ("Uncaught"), the exception's first line and where
// it was thrown.
func (x exceptionDetails) String() string {
	msg := x.Text
	if d, _, _ := strings.Cut(x.Exception.Description, "\n"); d != "" {
		msg += " " + d
	}
	if x.URL != "" {
		msg += fmt.Sprintf(" (%s:%d)", x.URL, x.Line+1)
	}
	return msg
}
