package testserver

import (
	"strings"

	"github.com/arqir/arqir/policy"
)

// RevisedPolicy is the default policy declaring another version: valid,
// the same rules, and a new revision when applied.
func RevisedPolicy(version string) []byte {
	doc := string(policy.DefaultYAML())
	revised := strings.Replace(doc, "\nversion: "+`"`+policy.Default().Version()+`"`+"\n", "\nversion: "+`"`+version+`"`+"\n", 1)
	if revised == doc {
		panic("testserver: the default policy has no version line to revise")
	}
	return []byte(revised)
}

// BrokenPolicy is the default policy with three mistakes, one per line, in
// this order: SEV3's response target is negative, the Zoom call item (R5)
// names an undefined severity SEV9, and R7 is ticked by an unknown event.
func BrokenPolicy() []byte {
	doc := string(policy.DefaultYAML())
	for _, r := range [][2]string{
		{"response_target: 30m\n", "response_target: -30m\n"},
		{"      severities: [SEV1, SEV2]\n", "      severities: [SEV1, SEV9]\n"},
		{"done_by: notify\n", "done_by: slack\n"},
	} {
		broken := strings.Replace(doc, r[0], r[1], 1)
		if broken == doc {
			panic("testserver: the default policy has no " + strings.TrimSpace(r[0]))
		}
		doc = broken
	}
	return []byte(doc)
}
