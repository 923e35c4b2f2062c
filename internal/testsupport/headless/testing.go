package headless

import (
	"context"
	"testing"
)

// StartT starts Debian's chromium for a test and closes it when the test
// ends. A missing or broken browser fails the test, never skips it: the
// message says to run scripts/install-chromium.
func StartT(t testing.TB, ctx context.Context, extra ...string) *Browser {
	t.Helper()
	path, err := find()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Start(ctx, path, extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}
