package response

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// BenchmarkTracker_Memory reports what the tracker holds: the bytes per item of
// a busy conversation (held whole), per open comment of a quiet one (held after
// Prune), and per dormant comment (counted only). The items look like the
// archive's: numeric ids of 18 digits, author ids and handles. Read B/held-item,
// B/open-comment and B/dormant-comment (ns/op is one whole build and prune).
func BenchmarkTracker_Memory(b *testing.B) {
	const (
		convs   = 2000
		perConv = 25 // a post, 16 comments by users (half need an answer), 8 own replies
	)
	base := tm("2013-01-07 09:00")
	id := func(i int) string { return fmt.Sprintf("%d", 109_000_000_000_000_000+i) }
	heap := func() int64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	var held, open, dormant float64
	for b.Loop() {
		h0 := heap()
		tr := NewTracker(defaultSLA(b), ScopeConversation)
		for c := range convs {
			root := id(c * perConv)
			at := base.Add(time.Duration(c) * time.Hour)
			tr.Observe(Entry{ID: root, Kind: connectors.KindPost, AuthorID: "109", AuthorHandle: "IFE_mx", Own: true, CreatedAt: at})
			for k := 1; k < perConv; k++ {
				e := Entry{ID: id(c*perConv + k), ParentID: root, RootID: root, CreatedAt: at.Add(time.Duration(k) * time.Minute)}
				if k%3 == 0 {
					e.Kind, e.Own, e.AuthorID, e.AuthorHandle, e.Text = connectors.KindReply, true, "109", "IFE_mx", "Gracias por escribir, le respondemos por mensaje directo."
					e.ParentID = id(c*perConv + k - 1)
				} else {
					e.Kind, e.AuthorID, e.AuthorHandle = connectors.KindComment, id(900_000+c*perConv+k), fmt.Sprintf("usuario_%d", c*perConv+k)
					e.Text, e.NeedsAnswer = "¿Dónde me toca votar? Ya busqué en la página y no encuentro mi casilla.", k%2 == 1
				}
				tr.Observe(e)
			}
		}
		h1 := heap()
		held = float64(h1-h0) / float64(convs*perConv)
		// Everything goes quiet: open comments within the SLA stay held (the
		// weekend after the last one), the rest is forgotten.
		last := base.Add(time.Duration(convs) * time.Hour)
		tr.Prune(last.Add(time.Hour), base)
		_, nOpen := tr.Len()
		h2 := heap()
		open = float64(h2-h0) / float64(nOpen)
		tr.Prune(last.Add(time.Hour), last.Add(30*24*time.Hour))
		if tr.Dormant() != nOpen {
			b.Fatalf("%d dormant, want %d", tr.Dormant(), nOpen)
		}
		dormant = float64(heap()-h0) / float64(nOpen)
		runtime.KeepAlive(tr)
	}
	b.ReportMetric(held, "B/held-item")
	b.ReportMetric(open, "B/open-comment")
	b.ReportMetric(dormant, "B/dormant-comment")
}
