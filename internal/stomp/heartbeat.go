package stomp

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseHeartBeat parses a "cx,cy" heart-beat header value (milliseconds).
func parseHeartBeat(v string) (send, receive time.Duration, err error) {
	if v == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(v, ",")
	if !ok {
		return 0, 0, fmt.Errorf("%w: heart-beat %q is not two comma-separated numbers", ErrProtocol, v)
	}
	x, errX := strconv.ParseUint(strings.TrimSpace(a), 10, 31)
	y, errY := strconv.ParseUint(strings.TrimSpace(b), 10, 31)
	if errX != nil || errY != nil {
		return 0, 0, fmt.Errorf("%w: heart-beat %q is not two comma-separated numbers", ErrProtocol, v)
	}
	return time.Duration(x) * time.Millisecond, time.Duration(y) * time.Millisecond, nil
}

func formatHeartBeat(send, receive time.Duration) string {
	return strconv.FormatInt(send.Milliseconds(), 10) + "," + strconv.FormatInt(receive.Milliseconds(), 10)
}

// negotiateHeartBeat applies the STOMP rule: each direction is active only when both sides
// want it, at the slower of the two rates.
func negotiateHeartBeat(clientSend, clientReceive, serverSend, serverReceive time.Duration) (sendEvery, expectEvery time.Duration) {
	if clientSend > 0 && serverReceive > 0 {
		sendEvery = max(clientSend, serverReceive)
	}
	if clientReceive > 0 && serverSend > 0 {
		expectEvery = max(clientReceive, serverSend)
	}
	return sendEvery, expectEvery
}
