package stomp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a connection.
type Options struct {
	Login, Passcode string
	Host            string        // virtual host sent in the host header; "/" when empty
	HeartBeat       time.Duration // proposed in both directions; 0 disables heart-beats
	WriteTimeout    time.Duration // per frame; 10s when zero
	Headers         []Header      // extra CONNECT headers
	Limits          Limits        // DefaultLimits when zero
	// OnMessage is called from the connection's reader goroutine for each MESSAGE frame;
	// it must not block.
	OnMessage func(*Frame)
}

// Conn is an established STOMP 1.2 connection.
type Conn struct {
	nc     net.Conn
	reader *Reader
	opts   Options

	version, session, server string
	sendEvery, expectEvery   time.Duration

	writeMu   sync.Mutex
	lastWrite atomic.Int64 // unix nanoseconds
	lastRead  atomic.Int64
	nextID    atomic.Uint64

	mu            sync.Mutex
	receipts      map[string]chan struct{}
	disconnecting bool
	err           error
	done          chan struct{}
}

// Dial opens a TCP connection to addr and performs the STOMP handshake; ctx bounds both.
func Dial(ctx context.Context, addr string, opts Options) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("stomp: dial %s: %w", addr, err)
	}
	c, err := Connect(ctx, nc, opts)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// Connect performs the STOMP handshake over an existing connection. On error the caller still
// owns nc.
func Connect(ctx context.Context, nc net.Conn, opts Options) (*Conn, error) {
	if opts.Host == "" {
		opts.Host = "/"
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 10 * time.Second
	}
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	c := &Conn{
		nc:       nc,
		opts:     opts,
		receipts: make(map[string]chan struct{}),
		done:     make(chan struct{}),
	}
	c.reader = NewReaderLimits(activityReader{c}, opts.Limits)
	now := time.Now().UnixNano()
	c.lastRead.Store(now)
	c.lastWrite.Store(now)

	// Cancelling ctx unblocks the handshake by expiring the socket's deadline.
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	connected, err := c.handshake()
	if !stop() {
		return nil, fmt.Errorf("stomp: handshake with %s: %w", nc.RemoteAddr(), ctx.Err())
	}
	if err != nil {
		return nil, fmt.Errorf("stomp: handshake with %s: %w", nc.RemoteAddr(), err)
	}
	if err := c.accept(connected); err != nil {
		return nil, fmt.Errorf("stomp: handshake with %s: %w", nc.RemoteAddr(), err)
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		return nil, fmt.Errorf("stomp: clear deadline on %s: %w", nc.RemoteAddr(), err)
	}
	go c.readLoop()
	if c.sendEvery > 0 || c.expectEvery > 0 {
		go c.heartBeatLoop()
	}
	return c, nil
}

func (c *Conn) handshake() (*Frame, error) {
	f := NewFrame(CmdConnect,
		"accept-version", "1.2",
		"host", c.opts.Host,
		"heart-beat", formatHeartBeat(c.opts.HeartBeat, c.opts.HeartBeat))
	if c.opts.Login != "" {
		f.Add("login", c.opts.Login)
		f.Add("passcode", c.opts.Passcode)
	}
	f.Headers = append(f.Headers, c.opts.Headers...)
	b, err := Encode(f)
	if err != nil {
		return nil, err
	}
	if _, err := c.nc.Write(b); err != nil {
		return nil, fmt.Errorf("send CONNECT: %w", err)
	}
	reply, err := c.reader.ReadFrame()
	if err != nil {
		return nil, fmt.Errorf("read CONNECTED: %w", err)
	}
	return reply, nil
}

// accept checks the server's reply to CONNECT and records what was negotiated.
func (c *Conn) accept(f *Frame) error {
	switch f.Command {
	case CmdConnected:
	case CmdError:
		return serverError(f)
	default:
		return fmt.Errorf("%w: expected CONNECTED, got %s", ErrProtocol, f.Command)
	}
	c.version = f.Get("version")
	if c.version != "1.2" {
		return fmt.Errorf("%w: server negotiated STOMP version %q, this client speaks only 1.2", ErrProtocol, c.version)
	}
	c.session, c.server = f.Get("session"), f.Get("server")
	sx, sy, err := parseHeartBeat(f.Get("heart-beat"))
	if err != nil {
		return err
	}
	c.sendEvery, c.expectEvery = negotiateHeartBeat(c.opts.HeartBeat, c.opts.HeartBeat, sx, sy)
	return nil
}

// Send sends a SEND frame without asking for a receipt.
func (c *Conn) Send(destination string, body []byte, headers ...Header) error {
	return c.writeFrame(sendFrame(destination, body, headers))
}

// SendWithReceipt sends a SEND frame and waits until the server confirms it with a RECEIPT.
func (c *Conn) SendWithReceipt(ctx context.Context, destination string, body []byte, headers ...Header) error {
	return c.roundTrip(ctx, sendFrame(destination, body, headers))
}

func sendFrame(destination string, body []byte, headers []Header) *Frame {
	f := NewFrame(CmdSend, "destination", destination)
	f.Headers = append(f.Headers, headers...)
	f.Body = body
	return f
}

// Subscribe subscribes with ack mode auto under the given subscription id and waits for the
// server's RECEIPT, so a refused destination surfaces here rather than later.
func (c *Conn) Subscribe(ctx context.Context, id, destination string, headers ...Header) error {
	f := NewFrame(CmdSubscribe, "id", id, "destination", destination, "ack", "auto")
	f.Headers = append(f.Headers, headers...)
	return c.roundTrip(ctx, f)
}

// roundTrip sends f with a receipt header and waits for the matching RECEIPT.
func (c *Conn) roundTrip(ctx context.Context, f *Frame) error {
	id := "r-" + strconv.FormatUint(c.nextID.Add(1), 10)
	f.Add("receipt", id)
	receipt := make(chan struct{})
	c.mu.Lock()
	c.receipts[id] = receipt
	c.mu.Unlock()
	defer c.dropReceipt(id)

	if err := c.writeFrame(f); err != nil {
		return err
	}
	select {
	case <-receipt:
		return nil
	case <-c.done:
		select {
		case <-receipt: // the RECEIPT arrived just before the connection ended
			return nil
		default:
		}
		return fmt.Errorf("stomp: connection to %s ended before RECEIPT for %s: %w", c.nc.RemoteAddr(), f.Command, c.Err())
	case <-ctx.Done():
		return fmt.Errorf("stomp: no RECEIPT for %s from %s: %w", f.Command, c.nc.RemoteAddr(), ctx.Err())
	}
}

func (c *Conn) dropReceipt(id string) {
	c.mu.Lock()
	delete(c.receipts, id)
	c.mu.Unlock()
}

// Disconnect sends DISCONNECT with a receipt and closes the socket once the receipt arrives
// or the server closes the connection (both mean the server processed it). ctx bounds the
// wait; the socket is closed in every case.
func (c *Conn) Disconnect(ctx context.Context) error {
	id := "disconnect-" + strconv.FormatUint(c.nextID.Add(1), 10)
	receipt := make(chan struct{})
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		if errors.Is(err, ErrClosed) {
			return nil
		}
		return err
	}
	c.receipts[id] = receipt
	c.disconnecting = true
	c.mu.Unlock()

	if err := c.writeFrame(NewFrame(CmdDisconnect, "receipt", id)); err != nil {
		c.fail(ErrClosed)
		return fmt.Errorf("stomp: send DISCONNECT to %s: %w", c.nc.RemoteAddr(), err)
	}
	select {
	case <-receipt:
		c.fail(ErrClosed)
		return nil
	case <-c.done:
		if err := c.Err(); !errors.Is(err, ErrClosed) {
			return fmt.Errorf("stomp: DISCONNECT from %s: %w", c.nc.RemoteAddr(), err)
		}
		return nil
	case <-ctx.Done():
		c.fail(ErrClosed)
		return fmt.Errorf("stomp: no RECEIPT for DISCONNECT from %s: %w", c.nc.RemoteAddr(), ctx.Err())
	}
}

// Close closes the socket without DISCONNECT.
func (c *Conn) Close() error {
	c.fail(ErrClosed)
	return nil
}

// Done is closed when the connection has ended; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended (ErrClosed when the client closed it), or nil.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Session returns the session id the server assigned.
func (c *Conn) Session() string { return c.session }

// Server returns the server header of CONNECTED.
func (c *Conn) Server() string { return c.server }

// HeartBeat returns the negotiated intervals: how often the client sends and how often it
// expects to hear from the server (0 = off).
func (c *Conn) HeartBeat() (sendEvery, expectEvery time.Duration) {
	return c.sendEvery, c.expectEvery
}

// LocalAddr returns the socket's local address.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

func (c *Conn) writeFrame(f *Frame) error {
	b, err := Encode(f)
	if err != nil {
		return err
	}
	return c.writeRaw(b)
}

func (c *Conn) writeRaw(b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	select {
	case <-c.done:
		return fmt.Errorf("stomp: write to closed connection: %w", c.Err())
	default:
	}
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout)); err != nil {
		c.fail(err)
		return err
	}
	if _, err := c.nc.Write(b); err != nil {
		err = fmt.Errorf("stomp: write to %s: %w", c.nc.RemoteAddr(), err)
		c.fail(err)
		return err
	}
	c.lastWrite.Store(time.Now().UnixNano())
	return nil
}

func (c *Conn) readLoop() {
	for {
		f, err := c.reader.ReadFrame()
		if err != nil {
			c.fail(fmt.Errorf("stomp: read from %s: %w", c.nc.RemoteAddr(), err))
			return
		}
		switch f.Command {
		case CmdMessage:
			if c.opts.OnMessage != nil {
				c.opts.OnMessage(f)
			}
		case CmdReceipt:
			c.resolveReceipt(f.Get("receipt-id"))
		case CmdError:
			c.fail(serverError(f))
			return
		default:
			c.fail(fmt.Errorf("%w: unexpected %s frame from %s", ErrProtocol, f.Command, c.nc.RemoteAddr()))
			return
		}
	}
}

func (c *Conn) resolveReceipt(id string) {
	c.mu.Lock()
	ch, ok := c.receipts[id]
	delete(c.receipts, id)
	c.mu.Unlock()
	if ok {
		close(ch)
	}
}

func (c *Conn) heartBeatLoop() {
	period := c.sendEvery / 2
	if period <= 0 || (c.expectEvery > 0 && c.expectEvery/2 < period) {
		period = c.expectEvery / 2
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case now := <-t.C:
			if c.sendEvery > 0 && now.Sub(time.Unix(0, c.lastWrite.Load())) >= c.sendEvery/2 {
				if c.writeRaw(heartBeat) != nil {
					return
				}
			}
			// Twice the interval leaves room for scheduling and network delays.
			if c.expectEvery > 0 && now.Sub(time.Unix(0, c.lastRead.Load())) > 2*c.expectEvery {
				c.fail(ErrHeartBeatTimeout)
				return
			}
		}
	}
}

// fail ends the connection once, recording why. After DISCONNECT, the server closing the
// socket is the expected outcome, so any read or write failure then counts as ErrClosed.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	var serverErr *ServerError
	if c.disconnecting && !errors.As(err, &serverErr) {
		err = ErrClosed
	}
	c.err = err
	close(c.done)
	c.mu.Unlock()
	c.nc.Close()
}

// activityReader records when data last arrived, for heart-beat supervision.
type activityReader struct{ c *Conn }

func (r activityReader) Read(p []byte) (int, error) {
	n, err := r.c.nc.Read(p)
	if n > 0 {
		r.c.lastRead.Store(time.Now().UnixNano())
	}
	return n, err
}
