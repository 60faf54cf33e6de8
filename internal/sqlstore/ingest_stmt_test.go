package sqlstore

import "testing"

// Multi-row writes come in a few dozen sizes, four per doubling, so that
// a batch writes each table in few statements and few texts are prepared.
func TestChunks(t *testing.T) {
	sizes := map[int]bool{}
	for rows := 1; rows <= 2000; rows++ {
		var got []int
		total := 0
		if err := chunks(rows, func(off, n int) error {
			if off != total || n < 1 || n > maxChunk {
				t.Fatalf("%d rows: chunk of %d at %d after %d rows", rows, n, off, total)
			}
			got = append(got, n)
			total += n
			sizes[n] = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if total != rows {
			t.Fatalf("%d rows: chunks %v cover %d", rows, got, total)
		}
		if rows < maxChunk && len(got) > 3 {
			t.Errorf("%d rows take %d statements %v, want at most 3", rows, len(got), got)
		}
	}
	for _, tc := range []struct {
		rows int
		want []int
	}{{30, []int{28, 2}}, {300, []int{256, 40, 4}}, {400, []int{256, 128, 16}}, {7, []int{7}}, {9, []int{8, 1}}} {
		var got []int
		chunks(tc.rows, func(_, n int) error { got = append(got, n); return nil })
		if len(got) != len(tc.want) {
			t.Errorf("%d rows: %v, want %v", tc.rows, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%d rows: %v, want %v", tc.rows, got, tc.want)
				break
			}
		}
	}
	if len(sizes) > 40 {
		t.Errorf("%d statement sizes, want a few dozen", len(sizes))
	}
}
