package policy

import (
	"fmt"
	"strings"
	"unicode"
)

// suggest returns the candidate closest to word when it is close enough to be
// a likely typo ("respons_target" → "response_target", "severity" →
// "severities", "notified" → "notify", "sev 1" → "SEV1"), else "". Short
// words must match all but case and separators, so "SEV9" is not
// "corrected" to "SEV1".
func suggest(word string, candidates []string) string {
	nw := normalize(word)
	best, bestDist := "", -1
	for _, c := range candidates {
		nc := normalize(c)
		if nc == nw {
			return c
		}
		d := editDistance(nw, nc)
		if !closeEnough(nw, nc, d) {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// closeEnough accepts a few typos for the word's length, or a shared stem
// (a plural, a cut-off or a different ending of the same word).
func closeEnough(a, b string, dist int) bool {
	limit := 0
	switch n := len(a); {
	case n > 9:
		limit = n / 3
	case n > 6:
		limit = 2
	case n > 4:
		limit = 1
	}
	if dist <= limit {
		return true
	}
	stem := 0
	for stem < len(a) && stem < len(b) && a[stem] == b[stem] {
		stem++
	}
	return stem >= max(4, min(len(a), len(b))*2/3)
}

// normalize folds case and drops separators for typo matching.
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '/':
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// didYouMean returns ` (did you mean "x"?)`-style advice, or "".
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" && s != word {
		return fmt.Sprintf("; did you mean %q?", s)
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// quoteList writes `"a", "b" or "c"` for messages.
func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return joinOr(q)
}

// joinOr writes "a, b or c".
func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return "(none defined)"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
