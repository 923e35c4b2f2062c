package demo

import "testing"

func BenchmarkHistory(b *testing.B) {
	for b.Loop() {
		History()
	}
}
