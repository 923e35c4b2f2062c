package stomp

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// fakeServer is the broker end of a net.Pipe.
type fakeServer struct {
	t    *testing.T
	conn net.Conn
	r    *Reader
}

func newPipe(t *testing.T) (net.Conn, *fakeServer) {
	t.Helper()
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, &fakeServer{t: t, conn: server, r: NewReader(server)}
}

// expect reads the next frame and reports (without stopping the test goroutine) a mismatch.
func (s *fakeServer) expect(command string) *Frame {
	s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	f, err := s.r.ReadFrame()
	if err != nil {
		s.t.Errorf("server: reading %s: %v", command, err)
		return &Frame{}
	}
	if f.Command != command {
		s.t.Errorf("server: got %s frame, want %s", f.Command, command)
	}
	return f
}

func (s *fakeServer) send(raw string) {
	s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := s.conn.Write([]byte(raw)); err != nil {
		s.t.Errorf("server: write: %v", err)
	}
}

// connect runs a handshake in which the server answers CONNECT with reply.
func connect(t *testing.T, opts Options, reply string) (*Conn, *fakeServer, *Frame, error) {
	t.Helper()
	client, srv := newPipe(t)
	got := make(chan *Frame, 1)
	go func() {
		f := srv.expect(CmdConnect)
		got <- f
		srv.send(reply)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Connect(ctx, client, opts)
	return c, srv, <-got, err
}

const connected12 = "CONNECTED\nversion:1.2\nsession:s-1\nserver:fake/1\nheart-beat:0,0\n\n\x00"

func TestConnectSendsCredentialsAndNegotiates(t *testing.T) {
	opts := Options{Login: "guest", Passcode: "pa:ss", HeartBeat: 0, Headers: []Header{{"client-id", "dev-1"}}}
	c, _, req, err := connect(t, opts, connected12)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for name, want := range map[string]string{"accept-version": "1.2", "host": "/", "login": "guest", "passcode": "pa:ss", "client-id": "dev-1", "heart-beat": "0,0"} {
		if got := req.Get(name); got != want {
			t.Errorf("CONNECT %s = %q, want %q", name, got, want)
		}
	}
	if c.Session() != "s-1" || c.Server() != "fake/1" {
		t.Errorf("session %q server %q", c.Session(), c.Server())
	}
}

func TestConnectReturnsServerError(t *testing.T) {
	_, _, _, err := connect(t, Options{Login: "bad"}, "ERROR\nmessage:Access refused\ncontent-length:5\n\nnope!\x00")
	var se *ServerError
	if !errors.As(err, &se) || se.Message != "Access refused" || se.Body != "nope!" {
		t.Fatalf("want ServerError Access refused, got %v", err)
	}
}

func TestConnectRejectsOtherVersions(t *testing.T) {
	_, _, _, err := connect(t, Options{}, "CONNECTED\nversion:1.1\n\n\x00")
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("want ErrProtocol for version 1.1, got %v", err)
	}
}

func TestConnectHonoursContextCancellation(t *testing.T) {
	client, srv := newPipe(t)
	go srv.expect(CmdConnect) // never answers
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Connect(ctx, client, Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatal("Connect did not return promptly after the context expired")
	}
}

func TestSendSubscribeAndMessages(t *testing.T) {
	messages := make(chan *Frame, 1)
	c, srv, _, err := connect(t, Options{OnMessage: func(f *Frame) { messages <- f }}, connected12)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	go func() {
		if err := c.Send("/exchange/devices/telemetry.d1", []byte(`{"seq":1}`), Header{"content-type", "application/json"}); err != nil {
			t.Errorf("Send: %v", err)
		}
	}()
	send := srv.expect(CmdSend)
	if send.Get("destination") != "/exchange/devices/telemetry.d1" || string(send.Body) != `{"seq":1}` || send.Get("content-length") != "9" {
		t.Errorf("SEND frame %+v", send)
	}

	subscribed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		subscribed <- c.Subscribe(ctx, "sub-0", "/exchange/devices/commands.d1")
	}()
	sub := srv.expect(CmdSubscribe)
	if sub.Get("id") != "sub-0" || sub.Get("ack") != "auto" || sub.Get("receipt") == "" {
		t.Errorf("SUBSCRIBE frame %+v", sub)
	}
	srv.send("RECEIPT\nreceipt-id:" + sub.Get("receipt") + "\n\n\x00")
	if err := <-subscribed; err != nil {
		t.Fatalf("Subscribe: %v", err)
	}

	srv.send("\n\nMESSAGE\nsubscription:sub-0\nmessage-id:m1\ndestination:/exchange/devices/commands.d1\ncontent-length:6\n\nreboot\x00\n")
	select {
	case m := <-messages:
		if string(m.Body) != "reboot" {
			t.Errorf("message body %q", m.Body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no MESSAGE delivered to OnMessage")
	}
}

func TestDisconnectWaitsForReceipt(t *testing.T) {
	c, srv, _, err := connect(t, Options{}, connected12)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		f := srv.expect(CmdDisconnect)
		srv.send("RECEIPT\nreceipt-id:" + f.Get("receipt") + "\n\n\x00")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Disconnect(ctx); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if !errors.Is(c.Err(), ErrClosed) {
		t.Fatalf("Err after Disconnect = %v, want ErrClosed", c.Err())
	}
	if err := c.Send("/x", nil); err == nil {
		t.Fatal("Send after Disconnect: want error")
	}
}

func TestDisconnectAcceptsServerClosingInsteadOfReceipt(t *testing.T) {
	c, srv, _, err := connect(t, Options{}, connected12)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		srv.expect(CmdDisconnect)
		srv.conn.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Disconnect(ctx); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
}

func TestErrorFrameEndsConnection(t *testing.T) {
	c, srv, _, err := connect(t, Options{}, connected12)
	if err != nil {
		t.Fatal(err)
	}
	srv.send("ERROR\nmessage:not_found\n\nno exchange 'devices'\x00")
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("connection still open after ERROR frame")
	}
	var se *ServerError
	if !errors.As(c.Err(), &se) || se.Message != "not_found" {
		t.Fatalf("Err = %v, want ServerError not_found", c.Err())
	}
}

func TestGarbageFromServerEndsConnectionWithoutPanic(t *testing.T) {
	c, srv, _, err := connect(t, Options{}, connected12)
	if err != nil {
		t.Fatal(err)
	}
	srv.send("MESSAGE\nbad\\qescape:1\n\n\x00")
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("connection still open after malformed frame")
	}
	if !errors.Is(c.Err(), ErrProtocol) {
		t.Fatalf("Err = %v, want ErrProtocol", c.Err())
	}
}

func TestHeartBeatsAreSentAndSupervised(t *testing.T) {
	c, srv, req, err := connect(t, Options{HeartBeat: 50 * time.Millisecond},
		"CONNECTED\nversion:1.2\nheart-beat:60,60\n\n\x00")
	if err != nil {
		t.Fatal(err)
	}
	if req.Get("heart-beat") != "50,50" {
		t.Errorf("CONNECT heart-beat %q", req.Get("heart-beat"))
	}
	sendEvery, expectEvery := c.HeartBeat()
	if sendEvery != 60*time.Millisecond || expectEvery != 60*time.Millisecond {
		t.Fatalf("negotiated %v/%v, want 60ms/60ms", sendEvery, expectEvery)
	}
	// The client's heart-beat is a bare LF.
	buf := make([]byte, 1)
	srv.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := srv.conn.Read(buf); err != nil || buf[0] != '\n' {
		t.Fatalf("heart-beat: read %q, %v", buf, err)
	}
	// The server stays silent, so the client gives up after about twice the interval.
	go func() { // keep draining the client's heart-beats so its writes do not block
		for {
			if _, err := srv.conn.Read(buf); err != nil {
				return
			}
		}
	}()
	select {
	case <-c.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("silent server not detected")
	}
	if !errors.Is(c.Err(), ErrHeartBeatTimeout) {
		t.Fatalf("Err = %v, want ErrHeartBeatTimeout", c.Err())
	}
}

func TestSendWithReceiptReportsErrorFrame(t *testing.T) {
	c, srv, _, err := connect(t, Options{}, connected12)
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		result <- c.SendWithReceipt(ctx, "/exchange/nope/x", []byte("x"))
	}()
	f := srv.expect(CmdSend)
	srv.send("ERROR\nreceipt-id:" + f.Get("receipt") + "\nmessage:not_found\n\n\x00")
	var se *ServerError
	if err := <-result; !errors.As(err, &se) || se.Message != "not_found" {
		t.Fatalf("SendWithReceipt: want ServerError not_found, got %v", err)
	}
}
