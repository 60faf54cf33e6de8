package generic

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzBatchOnePass checks that the one-pass decoding of a batch accepts
// only what reading it item by item accepts, with the same events: the
// fast path changes the speed, never the outcome.
func FuzzBatchOnePass(f *testing.F) {
	for _, name := range []string{"batch.json", "batch-with-bad-items.json", "single.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"dedup_key":"k","status":"firing","summary":"s","service":"api","labels":{"service":"api"}}]`))
	f.Add([]byte(`[{"dedup_key":"k","status":"firing","summary":"s","sumary":"typo"}]`))
	f.Add([]byte(`[null, {"dedup_key":"k","status":"resolved"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, ok := batchFast(body)
		slow, err := batchItems(body)
		switch {
		case ok && err != nil:
			t.Fatalf("one pass accepted what item by item refuses: %v", err)
		case ok && !reflect.DeepEqual(fast, slow):
			t.Fatalf("one pass read\n%+v\nitem by item\n%+v", fast, slow)
		}
	})
}

// A valid batch takes the one pass; a batch with a bad item does not, and
// is refused with every bad item named.
func TestBatchTakesOnePassWhenValid(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "batch.json"))
	if err != nil {
		t.Fatal(err)
	}
	if events, ok := batchFast(good); !ok || len(events) == 0 {
		t.Fatalf("the documented batch did not take the one pass: %v %v", events, ok)
	}
	bad, err := os.ReadFile(filepath.Join("testdata", "batch-with-bad-items.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := batchFast(bad); ok {
		t.Fatal("a batch with bad items took the one pass")
	}
	if _, err := batch(bad); err == nil {
		t.Fatal("a batch with bad items was accepted")
	}
}
