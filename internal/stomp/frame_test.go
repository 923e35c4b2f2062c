package stomp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func decodeAll(t *testing.T, raw string) ([]*Frame, error) {
	t.Helper()
	r := NewReader(strings.NewReader(raw))
	var frames []*Frame
	for {
		f, err := r.ReadFrame()
		if errors.Is(err, io.EOF) {
			return frames, nil
		}
		if err != nil {
			return frames, err
		}
		frames = append(frames, f)
	}
}

func TestEncodeEscapesHeadersExceptInConnect(t *testing.T) {
	f := NewFrame(CmdSend, "destination", "/exchange/devices/a", "we:ird\\name", "line1\nline2\r:end")
	got, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	want := "SEND\ndestination:/exchange/devices/a\nwe\\cird\\\\name:line1\\nline2\\r\\cend\n\n\x00"
	if string(got) != want {
		t.Fatalf("Encode:\n got %q\nwant %q", got, want)
	}

	connect, err := Encode(NewFrame(CmdConnect, "passcode", `a\b:c`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "CONNECT\npasscode:a\\b:c\n\n\x00"; string(connect) != want {
		t.Fatalf("CONNECT must not be escaped:\n got %q\nwant %q", connect, want)
	}
	if _, err := Encode(NewFrame(CmdConnect, "login", "a\nb")); err == nil {
		t.Fatal("CONNECT header with LF: want error, got nil")
	}
}

func TestHeaderEscapingRoundTrip(t *testing.T) {
	values := []string{"", "plain", "a:b", `back\slash`, "cr\rlf\n", `\c literally`, "ünïcödé:\n\\"}
	for _, v := range values {
		f := NewFrame(CmdMessage, "k:"+v, v)
		raw, err := Encode(f)
		if err != nil {
			t.Fatalf("Encode(%q): %v", v, err)
		}
		frames, err := decodeAll(t, string(raw))
		if err != nil || len(frames) != 1 {
			t.Fatalf("decode(%q): %v frames, err %v", raw, len(frames), err)
		}
		if got, ok := frames[0].Header("k:" + v); !ok || got != v {
			t.Errorf("round trip of %q: got %q (found %v)", v, got, ok)
		}
	}
}

func TestDecodeRejectsUndefinedEscapes(t *testing.T) {
	for _, raw := range []string{
		"MESSAGE\nk:tab\\there\n\n\x00",
		"MESSAGE\nk:trailing\\\n\n\x00",
		"MESSAGE\nna\\tme:v\n\n\x00",
	} {
		_, err := decodeAll(t, raw)
		if !errors.Is(err, ErrProtocol) {
			t.Errorf("decode %q: want ErrProtocol, got %v", raw, err)
		}
	}
	// CONNECTED frames are exempt from escaping, so a backslash is just a backslash.
	frames, err := decodeAll(t, "CONNECTED\nserver:a\\tb\n\n\x00")
	if err != nil || frames[0].Get("server") != `a\tb` {
		t.Fatalf("CONNECTED with backslash: frames %v, err %v", frames, err)
	}
}

func TestContentLengthBodyMayContainNUL(t *testing.T) {
	body := []byte("a\x00b\x00\n")
	raw, err := Encode(&Frame{Command: CmdSend, Headers: []Header{{"destination", "/queue/x"}}, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("content-length:5\n")) {
		t.Fatalf("Encode did not add content-length: %q", raw)
	}
	frames, err := decodeAll(t, string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(frames[0].Body, body) {
		t.Fatalf("body: got %q want %q", frames[0].Body, body)
	}
}

func TestEncodeRejectsWrongContentLength(t *testing.T) {
	f := NewFrame(CmdSend, "content-length", "3")
	f.Body = []byte("four")
	if _, err := Encode(f); err == nil {
		t.Fatal("want error for mismatched content-length")
	}
}

func TestDecodeBodyWithoutContentLength(t *testing.T) {
	frames, err := decodeAll(t, "MESSAGE\ndestination:/x\n\nhello world\x00")
	if err != nil {
		t.Fatal(err)
	}
	if string(frames[0].Body) != "hello world" {
		t.Fatalf("body %q", frames[0].Body)
	}
}

func TestDecodeSkipsHeartBeatsAndAcceptsCRLF(t *testing.T) {
	raw := "\n\r\n\nRECEIPT\r\nreceipt-id:1\r\n\r\n\x00\n\n\nMESSAGE\nk:v\n\nbody\x00\n"
	frames, err := decodeAll(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 2 {
		t.Fatalf("got %d frames, want 2", len(frames))
	}
	if frames[0].Command != CmdReceipt || frames[0].Get("receipt-id") != "1" {
		t.Errorf("first frame %+v", frames[0])
	}
	if frames[1].Command != CmdMessage || string(frames[1].Body) != "body" {
		t.Errorf("second frame %+v", frames[1])
	}
}

func TestRepeatedHeaderFirstWins(t *testing.T) {
	frames, err := decodeAll(t, "MESSAGE\nfoo:first\nfoo:second\n\n\x00")
	if err != nil {
		t.Fatal(err)
	}
	if got := frames[0].Get("foo"); got != "first" {
		t.Fatalf("got %q, want first", got)
	}
	if len(frames[0].Headers) != 2 {
		t.Fatalf("repeated headers must be kept, got %v", frames[0].Headers)
	}
}

func TestDecodeErrorFrame(t *testing.T) {
	raw := "ERROR\nmessage:Access refused\\cbad login\ncontent-type:text/plain\ncontent-length:14\n\nlogin refused.\x00"
	frames, err := decodeAll(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	se := serverError(frames[0])
	if se.Message != "Access refused:bad login" || se.Body != "login refused." {
		t.Fatalf("server error %+v", se)
	}
	if !strings.Contains(se.Error(), "Access refused:bad login") {
		t.Fatalf("Error() = %q", se.Error())
	}
}

func TestDecodeMalformedInput(t *testing.T) {
	cases := map[string]struct {
		raw  string
		want error
	}{
		"header without colon":        {"MESSAGE\nnocolon\n\n\x00", ErrProtocol},
		"negative content-length":     {"MESSAGE\ncontent-length:-1\n\n\x00", ErrProtocol},
		"non-numeric content-length":  {"MESSAGE\ncontent-length:ten\n\n\x00", ErrProtocol},
		"content-length then no NUL":  {"MESSAGE\ncontent-length:2\n\nabc\x00", ErrProtocol},
		"truncated in headers":        {"MESSAGE\nk:v\n", io.ErrUnexpectedEOF},
		"truncated in body":           {"MESSAGE\n\nabc", io.ErrUnexpectedEOF},
		"truncated in command line":   {"MESS", io.ErrUnexpectedEOF},
		"truncated counted body":      {"MESSAGE\ncontent-length:10\n\nabc", io.ErrUnexpectedEOF},
		"huge content-length":         {"MESSAGE\ncontent-length:999999999999\n\n\x00", ErrFrameTooLarge},
		"NUL in a header line":        {"MESSAGE\nk:v\x00w\n\n\x00", ErrProtocol},
		"overlong line":               {"MESSAGE\nk:" + strings.Repeat("x", DefaultLimits.MaxLine+10) + "\n\n\x00", ErrFrameTooLarge},
		"overlong uncounted body":     {"MESSAGE\n\n" + strings.Repeat("x", DefaultLimits.MaxBody+10) + "\x00", ErrFrameTooLarge},
		"too many headers":            {"MESSAGE\n" + strings.Repeat("k:v\n", DefaultLimits.MaxHeaders+1) + "\n\x00", ErrFrameTooLarge},
		"content-length beyond limit": {"MESSAGE\ncontent-length:4194305\n\n\x00", ErrFrameTooLarge},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeAll(t, tc.raw)
			if !errors.Is(err, tc.want) {
				t.Fatalf("want %v, got %v", tc.want, err)
			}
		})
	}
}

func TestHeartBeatNegotiation(t *testing.T) {
	send, recv, err := parseHeartBeat("4000,10000")
	if err != nil || send.Milliseconds() != 4000 || recv.Milliseconds() != 10000 {
		t.Fatalf("parse: %v %v %v", send, recv, err)
	}
	for _, bad := range []string{"1", "a,b", "-1,0", "1,2,3"} {
		if _, _, err := parseHeartBeat(bad); err == nil {
			t.Errorf("parseHeartBeat(%q): want error", bad)
		}
	}
	// Client offers 5s both ways; server sends every 10s and wants nothing.
	sendEvery, expectEvery := negotiateHeartBeat(5e9, 5e9, 10e9, 0)
	if sendEvery != 0 || expectEvery != 10e9 {
		t.Fatalf("negotiate: send %v expect %v", sendEvery, expectEvery)
	}
}
