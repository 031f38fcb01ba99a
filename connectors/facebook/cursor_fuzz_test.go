package facebook

import (
	"bytes"
	"testing"
)

// FuzzDecodeCursor feeds arbitrary bytes as a stored cursor: decoding never
// panics, and a cursor it accepts encodes to bytes that decode to the same
// encoding (a restart resumes where the cursor said).
func FuzzDecodeCursor(f *testing.F) {
	f.Add([]byte(nil))
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"v":1,"window":[{"id":"123_456","known":{"c1":"abc"}}]}`))
	f.Add([]byte(`{"v":1,"window":[null]}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCursor(b)
		if err != nil {
			return
		}
		enc := c.encode()
		c2, err := decodeCursor(enc)
		if err != nil {
			t.Fatalf("cursor %q decoded, but its encoding %q does not: %v", b, enc, err)
		}
		if enc2 := c2.encode(); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable: %q then %q", enc, enc2)
		}
	})
}
