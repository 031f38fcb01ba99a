package offensive

import (
	"runtime"
	"testing"
)

// BenchmarkClassify classifies the held-out comments in turn and reports comments per
// second on one core.
func BenchmarkClassify(b *testing.B) {
	c := classifier(b)
	held := loadSplit(b, "heldout")
	texts := make([]string, len(held))
	bytes := 0
	for i, e := range held {
		texts[i] = e.Text
		bytes += len(e.Text)
	}
	b.SetBytes(int64(bytes / len(texts)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0, ok := threadCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(texts[i%len(texts)])
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
	if cpu1, ok1 := threadCPU(); ok && ok1 && cpu1 > cpu0 {
		// Throughput per core of CPU time actually used, which a busy machine does not
		// distort.
		b.ReportMetric(float64(b.N)/(cpu1-cpu0).Seconds(), "comments/cpu-s")
	}
}

// BenchmarkNormalize measures the normaliser alone.
func BenchmarkNormalize(b *testing.B) {
	held := loadSplit(b, "heldout")
	s := new(scratch)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.normalize(held[i%len(held)].Text)
	}
}
