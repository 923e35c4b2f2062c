package history

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// isTerminal reports whether w is a character device, the cheap test for
// a terminal without golang.org/x/term (it also holds for /dev/null, where
// a bar costs nothing).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// bar draws "fetching history [####      ]  3/10 range queries" on one
// line, redrawn with \r as range queries finish. A nil bar draws nothing.
type bar struct {
	mu          sync.Mutex
	w           io.Writer
	done, total int
}

const barWidth = 30

func newBar(w io.Writer, total int) *bar {
	if w == nil {
		return nil
	}
	b := &bar{w: w, total: total}
	b.draw()
	return b
}

func (b *bar) step() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done++
	b.draw()
}

// finish ends the line so that what follows starts on its own.
func (b *bar) finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintln(b.w)
}

func (b *bar) draw() {
	full := barWidth * b.done / b.total
	fmt.Fprintf(b.w, "\rfetching history [%s%s] %*d/%d range queries",
		strings.Repeat("#", full), strings.Repeat(" ", barWidth-full), len(fmt.Sprint(b.total)), b.done, b.total)
}
